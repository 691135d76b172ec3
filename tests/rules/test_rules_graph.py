"""MERIT-009 (conflict of interest) and MERIT-010 (rotation ring), both over networkx graphs."""

import random
from datetime import timedelta

import pytest

from rules import RuleSet
from tests.rules.factories import (
    APPOINTEE,
    DECIDED_ON,
    DECISION_SEQ,
    REGENT,
    finding,
    make_case,
    make_other_placement,
    make_placement,
    make_relation,
    nip,
)

BROTHER, COUSIN, FRIEND = nip(701), nip(702), nip(703)

# ---- MERIT-009 ----


def related_case(*relations, **decision):
    return make_case(relations=relations, decision=make_placement(**decision))


def test_a_direct_relation_of_the_decision_maker_is_critical():
    result = finding(related_case(make_relation(41, REGENT, APPOINTEE, "suami/istri")), "MERIT-009")
    assert result.severity == "critical"
    assert result.message_en == (
        f"the decision maker is linked to the appointee in 1 hop (limit 2): "
        f"{REGENT} -[suami/istri seq 41]- {APPOINTEE}"
    )
    assert result.evidence["path"] == (REGENT, APPOINTEE)
    assert result.evidence_seqs == (41, DECISION_SEQ)


def test_two_hops_fire_and_three_do_not_by_default():
    two = [make_relation(41, REGENT, BROTHER), make_relation(42, BROTHER, APPOINTEE, "ipar")]
    three = [
        make_relation(41, REGENT, BROTHER),
        make_relation(42, BROTHER, COUSIN),
        make_relation(43, COUSIN, APPOINTEE),
    ]
    result = finding(related_case(*two), "MERIT-009")
    assert result.evidence["hops"] == 2
    assert result.message_en.endswith(
        f"{REGENT} -[saudara kandung seq 41]- {BROTHER} -[ipar seq 42]- {APPOINTEE}"
    )
    assert result.evidence_seqs == (41, 42, DECISION_SEQ)
    assert finding(related_case(*three), "MERIT-009") is None
    wider = RuleSet.default().with_parameters({"MERIT-009": {"max_hops": 3}})
    assert finding(related_case(*three), "MERIT-009", wider).evidence["hops"] == 3


def test_the_shortest_path_is_reported_with_every_relation_on_its_links():
    relations = [
        make_relation(41, REGENT, BROTHER),
        make_relation(42, BROTHER, COUSIN),
        make_relation(43, COUSIN, APPOINTEE),
        make_relation(50, REGENT, FRIEND, "rekan bisnis"),
        make_relation(51, FRIEND, APPOINTEE, "rekan bisnis"),
        make_relation(52, APPOINTEE, FRIEND, "tetangga"),
    ]
    result = finding(related_case(*relations), "MERIT-009")
    assert result.evidence["path"] == (REGENT, FRIEND, APPOINTEE)
    assert result.evidence_seqs == (50, 51, 52, DECISION_SEQ)
    assert "rekan bisnis seq 51, tetangga seq 52" in result.message_en


def test_the_finding_does_not_depend_on_the_order_of_the_relations():
    relations = [
        make_relation(41, REGENT, BROTHER),
        make_relation(42, BROTHER, APPOINTEE),
        make_relation(43, REGENT, COUSIN),
        make_relation(44, COUSIN, APPOINTEE),
    ]
    shuffled = relations[:]
    random.Random(3).shuffle(shuffled)
    assert finding(related_case(*relations), "MERIT-009") == finding(
        related_case(*shuffled), "MERIT-009"
    )


def test_unrelated_people_and_unknown_decision_makers_do_not_fire():
    assert finding(related_case(make_relation(41, REGENT, BROTHER)), "MERIT-009") is None
    direct = make_relation(41, REGENT, APPOINTEE)
    assert finding(related_case(direct, decided_by=None), "MERIT-009") is None


def test_deciding_ones_own_placement_is_a_path_of_zero_hops():
    result = finding(related_case(decided_by=APPOINTEE), "MERIT-009")
    assert result.evidence["hops"] == 0
    assert "in 0 hops" in result.message_en


# ---- MERIT-010 ----

Q, R = nip(801), nip(802)


def moved(seq, who, source, target, days_before=30):
    return make_other_placement(
        seq,
        nip=who,
        from_position=source,
        position_code=target,
        decided_on=DECIDED_ON - timedelta(days=days_before),
    )


def ring_case(*history, **decision):
    # The decision moves the appointee from POS-KASI to POS-KABID.
    return make_case(history=history, decision=make_placement(**decision))


def test_two_people_swapping_positions_is_a_ring():
    result = finding(ring_case(moved(60, Q, "POS-KABID", "POS-KASI")), "MERIT-010")
    assert result.severity == "high"
    assert result.evidence["positions"] == ("POS-KASI", "POS-KABID", "POS-KASI")
    assert result.evidence["people"] == tuple(sorted((APPOINTEE, Q)))
    assert result.evidence_seqs == (60, DECISION_SEQ)
    assert result.message_en == (
        "the decision closes a rotation ring of 2 positions among 2 people within 180 days: "
        f"POS-KASI -> POS-KABID ({APPOINTEE}, 2024-06-01, seq 100), "
        f"POS-KABID -> POS-KASI ({Q}, 2024-05-02, seq 60)"
    )


def test_a_ring_of_three_positions():
    history = (moved(60, Q, "POS-KABID", "POS-SEK"), moved(61, R, "POS-SEK", "POS-KASI"))
    result = finding(ring_case(*history), "MERIT-010")
    assert result.evidence["positions"] == ("POS-KASI", "POS-KABID", "POS-SEK", "POS-KASI")
    assert "rotasi melingkar 3 jabatan oleh 3 orang dalam 180 hari" in result.message_id


@pytest.mark.parametrize(("days_before", "fires"), [(180, True), (181, False), (0, True)])
def test_the_window_includes_its_last_day(days_before, fires):
    case = ring_case(moved(60, Q, "POS-KABID", "POS-KASI", days_before=days_before))
    assert (finding(case, "MERIT-010") is not None) is fires


def test_placements_after_the_decision_date_do_not_close_the_ring():
    case = ring_case(moved(60, Q, "POS-KABID", "POS-KASI", days_before=-1))
    assert finding(case, "MERIT-010") is None


def test_an_open_chain_is_not_a_ring():
    assert finding(ring_case(moved(60, Q, "POS-KABID", "POS-SEK")), "MERIT-010") is None


def test_moving_back_to_ones_own_former_position_is_not_a_ring():
    case = ring_case(moved(60, APPOINTEE, "POS-KABID", "POS-KASI"))
    assert finding(case, "MERIT-010") is None


def test_a_placement_without_a_former_position_is_not_checked():
    case = ring_case(moved(60, Q, "POS-KABID", "POS-KASI"), from_position=None)
    assert finding(case, "MERIT-010") is None


def test_a_proposed_decision_is_named_as_this_decision():
    case = ring_case(moved(60, Q, "POS-KABID", "POS-KASI"), seq=None)
    result = finding(case, "MERIT-010")
    assert "2024-06-01, this decision)" in result.message_en
    assert "keputusan ini" in result.message_id
    assert result.evidence_seqs == (60,)


def test_the_latest_placement_on_an_edge_is_reported():
    history = (moved(60, Q, "POS-KABID", "POS-KASI", 90), moved(70, R, "POS-KABID", "POS-KASI", 10))
    assert finding(ring_case(*history), "MERIT-010").evidence_seqs == (70, DECISION_SEQ)


def test_window_days_is_a_parameter():
    ruleset = RuleSet.default().with_parameters({"MERIT-010": {"window_days": 30}})
    inside = ring_case(moved(60, Q, "POS-KABID", "POS-KASI", days_before=30))
    outside = ring_case(moved(60, Q, "POS-KABID", "POS-KASI", days_before=31))
    assert finding(inside, "MERIT-010", ruleset) is not None
    assert finding(outside, "MERIT-010", ruleset) is None
