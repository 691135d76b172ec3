"""MERIT-001 (not assessed), 005 (category floor), 006 (low JPM), 007 (score changed)."""

from datetime import date

import pytest

from rules import CaseError, RuleSet
from tests.rules.factories import (
    APPOINTEE,
    DECISION_SEQ,
    OTHERS,
    RANKING_SEQ,
    finding,
    fired,
    make_assessment,
    make_case,
    make_levels,
    make_placement,
    make_position,
    make_ranking,
)

# ---- MERIT-001 ----


@pytest.mark.parametrize(
    ("assessed_on", "fires"),
    [
        (date(2024, 1, 15), False),
        (date(2022, 6, 1), False),  # exactly 24 months before 2024-06-01: the window's last day
        (date(2022, 5, 31), True),  # one day outside
    ],
)
def test_an_assessment_older_than_24_months_fires(assessed_on, fires):
    case = make_case(assessments=[make_assessment(assessed_on=assessed_on)])
    assert ("MERIT-001" in fired(case)) is fires


def test_a_stale_assessment_is_explained_with_its_age():
    case = make_case(assessments=[make_assessment(assessed_on=date(2022, 5, 31))])
    result = finding(case, "MERIT-001")
    assert result.message_en == (
        "latest valid assessment (seq 10) is dated 2022-05-31, 732 days before the decision "
        "on 2024-06-01: older than 24 months (limit 2022-06-01)"
    )
    assert "732 hari sebelum keputusan 2024-06-01" in result.message_id
    assert result.evidence["age_days"] == 732
    assert result.evidence_seqs == (10, DECISION_SEQ)


def test_the_validity_is_a_parameter_in_calendar_months():
    ruleset = RuleSet.default().with_parameters({"MERIT-001": {"validity_months": 12}})
    on_boundary = make_case(assessments=[make_assessment(assessed_on=date(2023, 6, 1))])
    outside = make_case(assessments=[make_assessment(assessed_on=date(2023, 5, 31))])
    assert finding(on_boundary, "MERIT-001", ruleset) is None
    assert finding(outside, "MERIT-001", ruleset) is not None


def test_no_assessment_fires_once_and_not_the_rules_that_need_one():
    case = make_case(assessments=[], position=make_position(type="administrator"))
    result = finding(case, "MERIT-001")
    assert result.message_en == "no valid assessment as of the decision date 2024-06-01"
    assert result.evidence_seqs == (DECISION_SEQ,)
    assert fired(case) == {"MERIT-001"}


@pytest.mark.parametrize(
    "assessment",
    [
        make_assessment(seq=DECISION_SEQ + 5),  # recorded after the decision
        make_assessment(assessed_on=date(2024, 6, 2)),  # dated after the decision
    ],
)
def test_assessments_after_the_decision_do_not_count(assessment):
    assert finding(make_case(assessments=[assessment]), "MERIT-001") is not None


def test_for_a_proposed_decision_every_recorded_assessment_counts():
    case = make_case(
        decision=make_placement(seq=None), assessments=[make_assessment(seq=DECISION_SEQ + 5)]
    )
    assert finding(case, "MERIT-001") is None


# ---- MERIT-005 ----


def category_case(category, *, position_type="administrator", categories=None):
    return make_case(
        position=make_position(type=position_type),
        assessments=[make_assessment(category=category)],
        ranking=make_ranking(categories=categories or dict.fromkeys(OTHERS, category)),
    )


@pytest.mark.parametrize(
    ("position_type", "category", "fires"),
    [
        ("administrator", "Potensial", False),
        ("administrator", "Cukup Potensial", True),
        ("jpt_pratama", "Sangat Potensial", False),
        ("jpt_pratama", "Cukup Potensial", True),
        ("pengawas", "Cukup Potensial", False),
        ("pengawas", "Kurang Potensial", True),
        ("fungsional", "Kurang Potensial", False),  # no floor for this type
    ],
)
def test_category_below_the_floor_fires(position_type, category, fires):
    case = category_case(category, position_type=position_type)
    assert (finding(case, "MERIT-005") is not None) is fires


def test_below_the_floor_without_better_candidates_is_high():
    result = finding(category_case("Cukup Potensial"), "MERIT-005")
    assert result.severity == "high"
    assert result.message_en == (
        "potential category Cukup Potensial (assessment seq 10) is below the floor Potensial "
        "for administrator positions"
    )
    assert result.evidence["passed_over"] == 0


def test_passing_over_better_candidates_makes_it_critical_and_counts_them():
    categories = {
        APPOINTEE: "Sangat Potensial",  # the appointee's own ranking entry never counts
        OTHERS[0]: "Sangat Potensial",
        OTHERS[1]: "Potensial",
        OTHERS[2]: "Potensial",
        OTHERS[3]: "Kurang Potensial",
    }
    result = finding(category_case("Cukup Potensial", categories=categories), "MERIT-005")
    assert result.severity == "critical"
    assert result.message_en.endswith(
        "; 3 candidates of a higher category passed over (1 Sangat Potensial and 2 Potensial)"
    )
    assert "3 kandidat berkategori lebih tinggi dilewati (1 Sangat Potensial dan 2 Potensial)" in (
        result.message_id
    )
    assert result.evidence["passed_over_by_category"] == {"Sangat Potensial": 1, "Potensial": 2}
    assert RANKING_SEQ in result.evidence_seqs


def test_the_category_scheme_and_floors_are_parameters():
    ruleset = RuleSet.default().with_parameters(
        {
            "MERIT-005": {
                "categories": ["tinggi", "menengah", "rendah"],
                "floors": {"administrator": "menengah"},
            }
        }
    )
    low = make_case(assessments=[make_assessment(category="rendah")], ranking=None)
    assert finding(low, "MERIT-005", ruleset).evidence["floor"] == "menengah"
    with pytest.raises(CaseError, match="set the rule's categories parameter"):
        finding(low, "MERIT-005")


# ---- MERIT-006 ----

STANDARD_AT_5 = make_levels(5)  # total 45


def jpm_case(levels):
    return make_case(
        position=make_position(standard=STANDARD_AT_5), assessments=[make_assessment(levels=levels)]
    )


def test_jpm_below_78_fires_and_states_the_numbers():
    result = finding(jpm_case(make_levels(4, M01=3)), "MERIT-006")  # 35/45 = 77.78
    assert result.severity == "medium"
    assert result.message_en == (
        "JPM 77.78 for position POS-KABID (assessment seq 10) is below the minimum 78 "
        "(kurang optimal)"
    )
    assert result.message_id == (
        "JPM 77.78 untuk jabatan POS-KABID (asesmen seq 10) di bawah batas minimum 78 "
        "(kurang optimal)"
    )
    assert result.evidence["jpm"] == "77.78"
    assert result.evidence_seqs == (2, 10, DECISION_SEQ)


@pytest.mark.parametrize(
    ("min_jpm", "levels", "fires"),
    [
        (78, make_levels(4), False),  # 36/45 = 80.00
        (80, make_levels(4), False),  # exactly the minimum passes
        ("80.01", make_levels(4), True),
        ("77.78", make_levels(4, M01=3), False),  # 77.78 exactly
        ("77.79", make_levels(4, M01=3), True),
    ],
)
def test_jpm_exactly_at_the_minimum_does_not_fire(min_jpm, levels, fires):
    # With nine levels of at most 5, a JPM of exactly 78.00 cannot occur (39/50),
    # so the boundary is shown at reachable values.
    ruleset = RuleSet.default().with_parameters({"MERIT-006": {"min_jpm": min_jpm}})
    assert (finding(jpm_case(levels), "MERIT-006", ruleset) is not None) is fires


def test_jpm_uses_the_assessment_as_of_the_decision():
    low = make_assessment(seq=10, levels=make_levels(1))
    raised_later = make_assessment(seq=DECISION_SEQ + 1, supersedes=10, levels=make_levels(5))
    case = make_case(assessments=[low, raised_later])
    assert finding(case, "MERIT-006").evidence["jpm"] == "33.33"


def test_jpm_is_not_checked_for_a_position_without_a_standard():
    case = make_case(
        position=make_position(standard={}), assessments=[make_assessment(levels=make_levels(1))]
    )
    assert finding(case, "MERIT-006") is None


# ---- MERIT-007 ----


def corrected_case(correction_seq, **options):
    assessments = [make_assessment(seq=10), make_assessment(seq=correction_seq, supersedes=10)]
    return make_case(assessments=assessments, **options)


@pytest.mark.parametrize(
    ("correction_seq", "fires"), [(RANKING_SEQ - 1, False), (RANKING_SEQ + 1, True)]
)
def test_a_correction_after_the_ranking_fires(correction_seq, fires):
    assert (finding(corrected_case(correction_seq), "MERIT-007") is not None) is fires


def test_a_correction_after_the_ranking_is_explained():
    result = finding(corrected_case(30), "MERIT-007")
    assert result.severity == "high"
    assert (
        result.message_en
        == "1 correction of the assessment: seq 30 corrects seq 10 after the ranking"
    )
    assert result.message_id == (
        "1 koreksi nilai asesmen: seq 30 mengoreksi seq 10 setelah peringkat diumumkan"
    )
    assert result.evidence_seqs == (10, RANKING_SEQ, 30, DECISION_SEQ)


def test_a_correction_after_the_decision_fires():
    result = finding(corrected_case(DECISION_SEQ + 1, ranking=None), "MERIT-007")
    assert result.message_en.endswith("seq 101 corrects seq 10 after the decision")
    both = finding(corrected_case(DECISION_SEQ + 1), "MERIT-007")
    assert both.message_en.endswith("after the ranking and the decision")
    assert both.to_json_obj()["evidence"]["corrections"] == [
        {"seq": 101, "supersedes": 10, "after_ranking": True, "after_decision": True}
    ]


def test_corrections_are_not_checked_for_a_proposal_without_a_ranking():
    case = corrected_case(30, ranking=None, decision=make_placement(seq=None))
    assert finding(case, "MERIT-007") is None
