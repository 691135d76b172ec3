from datetime import date
from decimal import Decimal
from functools import cmp_to_key

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import (
    Candidate,
    InvalidInputError,
    RankedCandidate,
    RankingFact,
    job_person_match,
    latest_valid_assessment,
    latest_valid_assessments,
    rank_candidates,
)
from rules.scales import COMPETENCY_CODES, DEFAULT_POTENTIAL_CATEGORIES, PERFORMANCE_RATINGS
from tests.rules.factories import STANDARD, make_assessment, make_levels, nip


def ranked_nips(candidates, standard=STANDARD, **options):
    return [entry.nip for entry in rank_candidates(candidates, standard, **options)]


def candidate(number, **assessment):
    return Candidate(nip(number), make_assessment(seq=number, nip=nip(number), **assessment))


# ---- each tie-break level, on its own ----


def test_higher_jpm_ranks_first_whatever_the_category():
    low_jpm = candidate(1, levels=make_levels(2), category="Sangat Potensial")
    high_jpm = candidate(2, levels=make_levels(3), category="Kurang Potensial")
    assert ranked_nips([low_jpm, high_jpm]) == [nip(2), nip(1)]


def test_equal_jpm_is_broken_by_the_potential_category():
    potensial = candidate(1, category="Potensial")
    sangat = candidate(2, category="Sangat Potensial")
    assert ranked_nips([potensial, sangat]) == [nip(2), nip(1)]


def test_equal_jpm_and_category_is_broken_by_the_rating_with_none_last():
    candidates = [
        candidate(1, rating=None),
        candidate(2, rating="Sangat Kurang"),
        candidate(3, rating="Baik"),
        candidate(4, rating="Sangat Baik"),
    ]
    assert ranked_nips(candidates) == [nip(4), nip(3), nip(2), nip(1)]


def test_then_the_managerial_sum_counts_levels_above_the_standard():
    # Both meet the standard of 3 everywhere (JPM 100); nip 1 has a lower M sum
    # but a higher SC01, which is not managerial.
    first = candidate(1, levels=make_levels(4, SC01=5))
    second = candidate(2, levels=make_levels(4, M01=5))
    entries = rank_candidates([first, second], STANDARD)
    assert [e.nip for e in entries] == [nip(2), nip(1)]
    assert [e.managerial_sum for e in entries] == [33, 32]
    assert entries[0].jpm == entries[1].jpm == Decimal("100.00")


def test_full_ties_are_broken_by_nip_ascending():
    assert ranked_nips([candidate(3), candidate(1), candidate(2)]) == [nip(1), nip(2), nip(3)]


def test_unassessed_candidates_follow_in_nip_order_without_rank_or_jpm():
    entries = rank_candidates(
        [Candidate(nip(9), None), candidate(5, levels=make_levels(1)), Candidate(nip(2), None)],
        STANDARD,
    )
    assert entries == [
        RankedCandidate(1, nip(5), Decimal("33.33"), "Sangat Potensial", "Baik", 8, 5),
        RankedCandidate(None, nip(2), None, None, None, None, None),
        RankedCandidate(None, nip(9), None, None, None, None, None),
    ]


def test_a_custom_category_scheme_orders_by_its_own_order():
    scheme = ("tinggi", "menengah", "rendah")
    candidates = [candidate(1, category="rendah"), candidate(2, category="tinggi")]
    assert ranked_nips(candidates, categories=scheme) == [nip(2), nip(1)]


def test_mapping_items_are_accepted_as_candidates():
    by_nip = {nip(1): make_assessment(seq=1, nip=nip(1)), nip(2): None}
    assert ranked_nips(by_nip.items()) == [nip(1), nip(2)]


@pytest.mark.parametrize(
    ("candidates", "fragment"),
    [
        ([candidate(1), candidate(1)], "listed twice"),
        ([candidate(1), Candidate(nip(1), None)], "listed twice"),
        ([Candidate(nip(2), make_assessment(seq=1, nip=nip(1)))], "was given assessment seq 1"),
        ([candidate(1, category="Hebat")], "potential category 'Hebat' is not in the scheme"),
    ],
)
def test_bad_candidates_are_rejected(candidates, fragment):
    with pytest.raises(InvalidInputError) as raised:
        rank_candidates(candidates, STANDARD)
    assert fragment in str(raised.value)


# ---- the fast ranking against a plainly written reference ----


def reference_ranking(candidates, standard, categories=DEFAULT_POTENTIAL_CATEGORIES):
    """Rank by an explicit comparison, one criterion after another."""

    def jpm(assessment):
        return job_person_match(dict(assessment.levels), standard)

    def rating_position(assessment):
        rating = assessment.performance_rating
        return len(PERFORMANCE_RATINGS) if rating is None else PERFORMANCE_RATINGS.index(rating)

    def managerial_sum(assessment):
        return sum(level for code, level in assessment.levels if code.startswith("M"))

    def compare(left, right):
        (left_nip, a), (right_nip, b) = left, right
        if jpm(a) != jpm(b):
            return -1 if jpm(a) > jpm(b) else 1
        a_cat = categories.index(a.potential_category)
        b_cat = categories.index(b.potential_category)
        if a_cat != b_cat:
            return -1 if a_cat < b_cat else 1
        if rating_position(a) != rating_position(b):
            return -1 if rating_position(a) < rating_position(b) else 1
        if managerial_sum(a) != managerial_sum(b):
            return -1 if managerial_sum(a) > managerial_sum(b) else 1
        return -1 if left_nip < right_nip else 1

    assessed = sorted((c for c in candidates if c[1] is not None), key=cmp_to_key(compare))
    unassessed = sorted(c[0] for c in candidates if c[1] is None)
    return [
        RankedCandidate(
            rank,
            number,
            jpm(a),
            a.potential_category,
            a.performance_rating,
            managerial_sum(a),
            a.seq,
        )
        for rank, (number, a) in enumerate(assessed, start=1)
    ] + [RankedCandidate(None, number, None, None, None, None, None) for number in unassessed]


# Few values per field so that ties at every level are common.
assessments = st.builds(
    dict,
    levels=st.dictionaries(st.sampled_from(COMPETENCY_CODES), st.integers(2, 5), min_size=7),
    category=st.sampled_from(DEFAULT_POTENTIAL_CATEGORIES[:2]),
    rating=st.sampled_from(("Sangat Baik", "Baik", None)),
)
candidate_lists = st.dictionaries(
    st.integers(1, 60), st.one_of(st.none(), assessments), max_size=25
)
standards = st.dictionaries(st.sampled_from(COMPETENCY_CODES), st.integers(1, 5), min_size=1)


@settings(max_examples=300)
@given(drawn=candidate_lists, standard=standards)
def test_fast_ranking_equals_the_reference(drawn, standard):
    candidates = [
        Candidate(nip(number), None)
        if fields is None
        else Candidate(nip(number), make_assessment(seq=number, nip=nip(number), **fields))
        for number, fields in drawn.items()
    ]
    assert rank_candidates(candidates, standard) == reference_ranking(candidates, standard)


# ---- the latest valid assessment ----


def test_latest_valid_is_the_latest_by_date_then_seq():
    older = make_assessment(seq=30, assessed_on=date(2023, 1, 1))
    same_day_first = make_assessment(seq=10, assessed_on=date(2024, 1, 1))
    same_day_second = make_assessment(seq=20, assessed_on=date(2024, 1, 1))
    assert latest_valid_assessment([same_day_second, older, same_day_first]) == same_day_second


def test_a_correction_replaces_the_assessment_it_supersedes():
    original = make_assessment(seq=10, assessed_on=date(2024, 1, 1), category="Potensial")
    correction = make_assessment(seq=50, assessed_on=date(2023, 12, 1), supersedes=10)
    earlier = make_assessment(seq=5, assessed_on=date(2023, 6, 1))
    assert latest_valid_assessment([original, earlier, correction]) == correction


def test_a_chain_of_corrections_leaves_the_last_one():
    chain = [
        make_assessment(seq=10),
        make_assessment(seq=20, supersedes=10),
        make_assessment(seq=30, supersedes=20),
    ]
    assert latest_valid_assessment(chain).seq == 30


def test_only_assessments_known_before_a_seq_count():
    original = make_assessment(seq=10)
    late_correction = make_assessment(seq=120, supersedes=10)
    assert latest_valid_assessment([original, late_correction], before_seq=100) == original
    assert latest_valid_assessment([original, late_correction], before_seq=10) is None


def test_assessments_dated_after_a_day_are_left_out():
    future = make_assessment(seq=10, assessed_on=date(2024, 7, 1))
    past = make_assessment(seq=11, assessed_on=date(2024, 5, 1))
    assert latest_valid_assessment([future, past], on_or_before=date(2024, 6, 1)) == past
    assert latest_valid_assessment([], on_or_before=date(2024, 6, 1)) is None


def test_latest_valid_assessments_groups_by_nip():
    mine = make_assessment(seq=1, nip=nip(1))
    yours = make_assessment(seq=2, nip=nip(2))
    assert latest_valid_assessments([mine, yours]) == {nip(1): mine, nip(2): yours}
    with pytest.raises(InvalidInputError, match="one person"):
        latest_valid_assessment([mine, yours])


@pytest.mark.parametrize(
    ("assessments", "fragment"),
    [
        ([make_assessment(seq=1, nip=nip(1)), make_assessment(seq=2, nip=nip(2), supersedes=1)],
         "which belongs to"),
        ([make_assessment(seq=1), make_assessment(seq=1)], "given twice"),
    ],
)  # fmt: skip
def test_inconsistent_assessments_are_rejected(assessments, fragment):
    with pytest.raises(InvalidInputError, match=fragment):
        latest_valid_assessments(assessments)


def test_a_correction_must_come_after_what_it_corrects():
    with pytest.raises(InvalidInputError, match="must come after"):
        make_assessment(seq=5, supersedes=9)


# ---- ranking facts ----


def test_a_ranking_fact_counts_ranked_entries_and_looks_up_by_nip():
    entries = rank_candidates([candidate(1), Candidate(nip(2), None)], STANDARD)
    ranking = RankingFact(vacancy_id="VAC-1", entries=tuple(entries), seq=20)
    assert ranking.ranked_count == 1
    assert ranking.by_nip[nip(2)].rank is None


@pytest.mark.parametrize(
    ("ranks", "fragment"),
    [((2, 1), "rank order"), ((1, None, 2), "rank order"), ((1, 1), "rank order")],
)
def test_a_ranking_fact_rejects_entries_out_of_rank_order(ranks, fragment):
    entries = tuple(
        RankedCandidate(rank, nip(i), None, None, None, None, None) for i, rank in enumerate(ranks)
    )
    with pytest.raises(InvalidInputError, match=fragment):
        RankingFact(vacancy_id="VAC-1", entries=entries, seq=20)


def test_a_ranking_fact_rejects_a_nip_twice():
    entries = (
        RankedCandidate(1, nip(1), None, None, None, None, None),
        RankedCandidate(None, nip(1), None, None, None, None, None),
    )
    with pytest.raises(InvalidInputError, match="more than one entry"):
        RankingFact(vacancy_id="VAC-1", entries=entries, seq=20)


def test_ranked_candidate_round_trips_through_json_with_jpm_as_string():
    entry = rank_candidates([candidate(1)], STANDARD)[0]
    obj = entry.to_json_obj()
    assert obj["jpm"] == "100.00"
    assert RankedCandidate.from_json_obj(obj) == entry
    with pytest.raises(InvalidInputError, match="decimal string"):
        RankedCandidate.from_json_obj({**obj, "jpm": 100.0})
