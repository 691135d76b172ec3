"""MERIT-011 (mass reshuffle), MERIT-012 (rapid repromotion), MERIT-013 (check ignored)."""

from datetime import date, timedelta

import pytest

from rules import RuleSet
from tests.rules.factories import (
    APPOINTEE,
    DECIDED_ON,
    DECISION_SEQ,
    finding,
    make_case,
    make_check,
    make_other_placement,
    make_placement,
    nip,
)

# ---- MERIT-011 ----


def unit_placements(count, *, days_before=5, unit="DINAS-PU", first_seq=40):
    return [
        make_other_placement(
            first_seq + i, unit=unit, decided_on=DECIDED_ON - timedelta(days=days_before)
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(("others", "fires"), [(9, False), (10, True)])
def test_more_than_ten_placements_in_a_unit_within_30_days_fires(others, fires):
    case = make_case(history=unit_placements(others))
    assert (finding(case, "MERIT-011") is not None) is fires


def test_the_mass_reshuffle_is_explained_with_its_count_and_window():
    result = finding(make_case(history=unit_placements(10)), "MERIT-011")
    assert result.severity == "medium"
    assert result.message_en == (
        "11 placements in unit DINAS-PU within 30 days (2024-05-02 to 2024-06-01), more than 10"
    )
    assert result.message_id == (
        "11 penempatan di unit DINAS-PU dalam 30 hari (2024-05-02 s.d. 2024-06-01), lebih dari 10"
    )
    assert result.evidence_seqs == (*range(40, 50), DECISION_SEQ)


@pytest.mark.parametrize(("days_before", "fires"), [(30, True), (31, False)])
def test_the_30_day_window_includes_its_last_day(days_before, fires):
    history = unit_placements(9) + unit_placements(1, days_before=days_before, first_seq=90)
    assert (finding(make_case(history=history), "MERIT-011") is not None) is fires


def test_other_units_and_the_decision_itself_are_not_counted():
    history = [
        *unit_placements(9),
        *unit_placements(5, unit="DINAS-KESEHATAN", first_seq=60),
        make_placement(),  # the decision, as a replay may list it in the history
    ]
    assert finding(make_case(history=history), "MERIT-011") is None


def inaugurated(on="2024-03-01", months=6):
    return RuleSet.default().with_parameters(
        {"MERIT-011": {"inauguration_date": on, "inauguration_months": months}}
    )


@pytest.mark.parametrize(
    ("decided_on", "approval", "fires"),
    [
        (date(2024, 6, 1), None, True),
        (date(2024, 6, 1), "B-1234/MENDAGRI/2024", False),
        (date(2024, 6, 1), "  ", True),
        (date(2024, 3, 1), None, True),  # the inauguration day itself
        (date(2024, 9, 1), None, True),  # the last day of the 6 months
        (date(2024, 9, 2), None, False),
        (date(2024, 2, 29), None, False),  # before the inauguration
    ],
)
def test_a_placement_soon_after_the_inauguration_needs_an_approval(decided_on, approval, fires):
    decision = make_placement(decided_on=decided_on, approval_reference=approval)
    case = make_case(decision=decision)
    assert (finding(case, "MERIT-011", inaugurated()) is not None) is fires


def test_the_inauguration_part_is_high_and_cites_the_law():
    result = finding(make_case(), "MERIT-011", inaugurated())
    assert result.severity == "high"
    assert result.message_en == (
        "decided on 2024-06-01, within 6 months after the regional head's inauguration on "
        "2024-03-01 (until 2024-09-01), without the minister's written approval "
        "(UU 10/2016 art. 162(3))"
    )
    assert result.evidence["mass"] is False
    assert result.evidence_seqs == (DECISION_SEQ,)


def test_the_inauguration_part_is_off_by_default():
    assert finding(make_case(), "MERIT-011") is None


# ---- MERIT-012 ----


def promoted_before(decided_on, *, kind="promotion", seq=50, who=APPOINTEE):
    return make_other_placement(
        seq, nip=who, kind=kind, position_code="POS-KASI", decided_on=decided_on
    )


@pytest.mark.parametrize(
    ("earlier_on", "fires"),
    [(date(2023, 6, 1), True), (date(2023, 5, 31), False), (date(2024, 1, 1), True)],
)
def test_a_promotion_within_12_months_before_fires(earlier_on, fires):
    case = make_case(history=[promoted_before(earlier_on)])
    assert (finding(case, "MERIT-012") is not None) is fires


def test_a_rapid_repromotion_is_explained():
    result = finding(make_case(history=[promoted_before(date(2023, 6, 1))]), "MERIT-012")
    assert result.severity == "medium"
    assert result.message_en == (
        "promoted again 366 days after the promotion to POS-KASI on 2023-06-01 (seq 50); "
        "1 promotion within 12 months since 2023-06-01"
    )
    assert result.evidence["days_since_last"] == 366
    assert result.evidence_seqs == (50, DECISION_SEQ)


@pytest.mark.parametrize(
    "history",
    [
        [promoted_before(date(2024, 1, 1), kind="rotation")],
        [promoted_before(date(2024, 1, 1), who=nip(900))],
        [promoted_before(DECIDED_ON, seq=DECISION_SEQ + 1)],  # same day, recorded later
    ],
)
def test_other_kinds_people_and_later_records_do_not_count(history):
    assert finding(make_case(history=history), "MERIT-012") is None


def test_only_a_promotion_is_checked_for_repromotion():
    case = make_case(
        history=[promoted_before(date(2024, 1, 1))], decision=make_placement(kind="rotation")
    )
    assert finding(case, "MERIT-012") is None


def test_a_same_day_promotion_recorded_earlier_counts():
    case = make_case(history=[promoted_before(DECIDED_ON, seq=DECISION_SEQ - 1)])
    assert finding(case, "MERIT-012").evidence["days_since_last"] == 0


# ---- MERIT-013 ----


def test_a_decision_over_a_violation_check_is_critical():
    result = finding(make_case(checks=[make_check(90, "violation")]), "MERIT-013")
    assert result.severity == "critical"
    assert result.message_en == (
        "the decision was recorded after placement check seq 90 for vacancy VAC-1 and this "
        "appointee answered violation"
    )
    assert result.evidence_seqs == (90, DECISION_SEQ)


@pytest.mark.parametrize(
    "checks",
    [
        [make_check(80, "violation"), make_check(90, "compliant")],  # resolved, re-checked
        [make_check(90, "needs_justification")],
        [make_check(DECISION_SEQ + 1, "violation")],  # after the decision
        [make_check(90, "violation", nip=nip(900))],
        [make_check(90, "violation", vacancy_id="VAC-2")],
    ],
)
def test_only_the_latest_check_of_this_vacancy_and_appointee_before_counts(checks):
    assert finding(make_case(checks=checks), "MERIT-013") is None


def test_a_proposed_decision_is_not_a_decision_over_a_check():
    case = make_case(checks=[make_check(90, "violation")], decision=make_placement(seq=None))
    assert finding(case, "MERIT-013") is None
