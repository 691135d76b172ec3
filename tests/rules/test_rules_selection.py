"""MERIT-002 (top k), MERIT-003 (not a candidate), MERIT-004 (no ranking), MERIT-008 (golongan)."""

import pytest

from rules import CaseError, RuleSet
from tests.rules.factories import (
    APPOINTEE,
    DECISION_SEQ,
    RANKING_SEQ,
    finding,
    fired,
    make_case,
    make_person,
    make_position,
    make_ranking,
    make_vacancy,
    nip,
)

OTHERS = [nip(n) for n in range(2, 13)]


def ranked_case(rank, *, categories=None, unranked=()):
    """Return a case whose appointee is ranked ``rank`` of 12 (ranks by list order)."""
    order = [*OTHERS[: rank - 1], APPOINTEE, *OTHERS[rank - 1 :]]
    return make_case(
        vacancy=make_vacancy(candidates=[*order, *unranked]),
        ranking=make_ranking(order, categories=categories, unranked=unranked),
    )


# ---- MERIT-002 ----


@pytest.mark.parametrize(("rank", "fires"), [(1, False), (3, False), (4, True), (12, True)])
def test_outside_the_top_three_fires_from_rank_four(rank, fires):
    assert ("MERIT-002" in fired(ranked_case(rank))) is fires


def test_k_is_a_parameter():
    ruleset = RuleSet.default().with_parameters({"MERIT-002": {"k": 5}})
    assert finding(ranked_case(5), "MERIT-002", ruleset) is None
    assert finding(ranked_case(6), "MERIT-002", ruleset) is not None


def test_outside_top_k_states_the_rank_and_who_ranked_higher():
    categories = {OTHERS[0]: "Sangat Potensial", OTHERS[1]: "Sangat Potensial"}
    result = finding(ranked_case(7, categories=categories), "MERIT-002")
    assert result.severity == "high"
    assert result.message_en == (
        "ranked 7th of 12 candidates (top 3 required, ranking seq 20); "
        "6 ranked higher, of them 2 Sangat Potensial and 4 Potensial"
    )
    assert result.message_id == (
        "peringkat ke-7 dari 12 kandidat (batas 3 besar, peringkat seq 20); "
        "6 berperingkat lebih tinggi, di antaranya 2 Sangat Potensial dan 4 Potensial"
    )
    assert result.evidence["rank"] == 7
    assert result.evidence["of"] == 12
    assert result.evidence["higher_by_category"] == {"Sangat Potensial": 2, "Potensial": 4}
    assert result.evidence["jpm"] == "94.00"
    assert result.evidence_seqs == (3, RANKING_SEQ, DECISION_SEQ)


def test_an_unassessed_candidate_is_outside_the_top_k():
    case = make_case(
        vacancy=make_vacancy(candidates=[*OTHERS[:4], APPOINTEE]),
        ranking=make_ranking(OTHERS[:4], unranked=[APPOINTEE]),
    )
    result = finding(case, "MERIT-002")
    assert result.evidence["rank"] is None
    assert result.message_en.startswith("not ranked (not assessed) in ranking seq 20; 4 candidates")


def test_a_candidate_missing_from_the_ranking_is_outside_the_top_k():
    case = make_case(ranking=make_ranking(OTHERS[:3]))
    result = finding(case, "MERIT-002")
    assert result.message_en.startswith("not listed in ranking seq 20; 3 candidates ranked higher")


def test_top_k_is_not_checked_without_a_ranking_or_for_a_non_candidate():
    no_ranking = make_case(ranking=None)
    assert fired(no_ranking) == {"MERIT-004"}
    outsider = make_case(
        vacancy=make_vacancy(candidates=OTHERS[:4]), ranking=make_ranking(OTHERS[:4])
    )
    assert fired(outsider) == {"MERIT-003"}


# ---- MERIT-003 ----


def test_an_appointee_who_was_not_a_candidate_is_critical():
    case = make_case(vacancy=make_vacancy(candidates=OTHERS[:5]), ranking=make_ranking(OTHERS[:5]))
    result = finding(case, "MERIT-003")
    assert result.severity == "critical"
    assert result.message_en == "the appointee is not one of the 5 candidates of vacancy VAC-1"
    assert "5 kandidat lowongan VAC-1" in result.message_id
    assert result.evidence_seqs == (3, DECISION_SEQ)


def test_a_candidate_appointee_does_not_fire_merit_003():
    assert finding(make_case(), "MERIT-003") is None


# ---- MERIT-004 ----


def test_no_ranking_before_the_decision_fires():
    result = finding(make_case(ranking=None), "MERIT-004")
    assert result.message_en == "no ranking of vacancy VAC-1 was published before the decision"
    assert result.evidence == {"vacancy_id": "VAC-1", "opened_on": "2024-02-01"}


def test_a_ranking_published_after_the_decision_is_refused_as_input():
    with pytest.raises(CaseError, match="not published before decision seq 100"):
        make_case(ranking=make_ranking(seq=DECISION_SEQ + 1))


def test_a_ranking_of_another_vacancy_is_refused_as_input():
    with pytest.raises(CaseError, match="ranking vacancy vs vacancy id"):
        make_case(ranking=make_ranking(vacancy_id="VAC-2"))


# ---- MERIT-008 ----


@pytest.mark.parametrize(
    ("rank", "short"), [("IV/a", None), ("III/c", None), ("III/b", 1), ("II/d", 3)]
)
def test_golongan_below_the_minimum_fires(rank, short):
    result = finding(make_case(person=make_person(rank)), "MERIT-008")
    if short is None:
        assert result is None
    else:
        assert result.evidence == {"rank": rank, "min_rank": "III/c", "steps_short": short}
        assert f"below the minimum III/c of position POS-KABID ({short} step" in result.message_en


def test_golongan_is_not_checked_when_the_position_has_no_minimum():
    case = make_case(position=make_position(min_rank=None), person=make_person("I/a"))
    assert finding(case, "MERIT-008") is None
