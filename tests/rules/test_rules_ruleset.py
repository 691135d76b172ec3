import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import CATALOG, RuleSet, RuleSetError, list_checks
from rules.registry import CHECKS
from rules.scales import SEVERITIES
from tests.rules.factories import no_floats

RULE_IDS = [f"MERIT-{n:03d}" for n in range(1, 14)]


def test_the_catalogue_holds_exactly_the_thirteen_rules_at_version_1():
    assert [spec.id for spec in CATALOG] == RULE_IDS
    assert {spec.version for spec in CATALOG} == {1}
    for spec in CATALOG:
        assert spec.severity in SEVERITIES
        assert spec.title_id and spec.title_en and spec.title_id != spec.title_en


def test_default_parameters_are_the_documented_ones():
    parameters = {row["id"]: row["parameters"] for row in RuleSet.default().describe()}
    assert parameters["MERIT-001"] == {"validity_months": 24}
    assert parameters["MERIT-002"] == {"k": 3}
    assert parameters["MERIT-005"]["floors"] == {
        "jpt_pratama": "Potensial",
        "administrator": "Potensial",
        "pengawas": "Cukup Potensial",
    }
    assert parameters["MERIT-006"] == {"min_jpm": 78}
    assert parameters["MERIT-009"] == {"max_hops": 2}
    assert parameters["MERIT-010"] == {"window_days": 180}
    assert parameters["MERIT-011"] == {
        "max_placements": 10,
        "window_days": 30,
        "inauguration_months": 6,
        "inauguration_date": None,
    }
    assert parameters["MERIT-012"] == {"months": 12}


def test_every_rule_has_a_check_and_the_checks_can_be_listed():
    assert set(CHECKS) == {spec.key for spec in CATALOG}
    rows = list_checks()
    assert [row["rule_id"] for row in rows] == RULE_IDS
    assert all(row["summary"].startswith(row["rule_id"]) for row in rows)


def test_the_hash_is_lowercase_hex_sha256_and_stable():
    ruleset = RuleSet.default()
    assert re.fullmatch(r"[0-9a-f]{64}", ruleset.hash)
    assert RuleSet.default().hash == ruleset.hash


def test_changing_a_parameter_changes_the_hash_and_only_that_parameter():
    default = RuleSet.default()
    stricter = default.with_parameters({"MERIT-006": {"min_jpm": 80}})
    assert stricter.hash != default.hash
    assert stricter.rule("MERIT-006").parameters["min_jpm"] == 80
    assert stricter.rule("MERIT-002").parameters == default.rule("MERIT-002").parameters
    assert default.rule("MERIT-006").parameters["min_jpm"] == 78
    assert stricter.with_parameters({"MERIT-006": {"min_jpm": 78}}).hash == default.hash


def test_json_round_trips_with_the_same_hash_and_no_floats():
    ruleset = RuleSet.default().with_parameters(
        {"MERIT-011": {"inauguration_date": "2025-02-20"}, "MERIT-006": {"min_jpm": "77.50"}}
    )
    obj = ruleset.to_json_obj()
    assert no_floats(obj)
    rebuilt = RuleSet.from_json_obj(json.loads(json.dumps(obj)))
    assert rebuilt == ruleset
    assert rebuilt.hash == ruleset.hash
    assert obj["rules"][0] == {
        "id": "MERIT-001",
        "version": 1,
        "severity": "high",
        "parameters": {"validity_months": 24},
    }


@given(
    k=st.integers(1, 50),
    months=st.integers(1, 120),
    min_jpm=st.one_of(st.integers(0, 100), st.decimals(0, 100, places=2).map(str)),
)
def test_any_valid_override_round_trips(k, months, min_jpm):
    ruleset = RuleSet.default().with_parameters(
        {"MERIT-002": {"k": k}, "MERIT-012": {"months": months}, "MERIT-006": {"min_jpm": min_jpm}}
    )
    assert RuleSet.from_json_obj(ruleset.to_json_obj()).hash == ruleset.hash


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"MERIT-099": {"k": 3}}, "rule 'MERIT-099' is not in the rule set"),
        ({"MERIT-002": {"top": 3}}, "MERIT-002: unknown parameter top; known: k"),
        ({"MERIT-002": {"k": "3"}}, "MERIT-002: parameter k must be an int >= 1, got '3'"),
        ({"MERIT-002": {"k": 0}}, "parameter k must be an int >= 1"),
        ({"MERIT-002": {"k": True}}, "parameter k must be an int >= 1"),
        ({"MERIT-002": {"k": 3.0}}, "floats are not allowed"),
        ({"MERIT-006": {"min_jpm": 77.5}}, "floats are not allowed"),
        ({"MERIT-006": {"min_jpm": "77.555"}}, "parameter min_jpm must be an int from 0 to 100"),
        ({"MERIT-006": {"min_jpm": 101}}, "parameter min_jpm"),
        ({"MERIT-011": {"inauguration_date": "20-02-2025"}}, 'null or a date "YYYY-MM-DD"'),
        ({"MERIT-011": {"inauguration_date": "2025-02-30"}}, "inauguration_date"),
        ({"MERIT-005": {"floors": {"kepala": "Potensial"}}}, "parameter floors"),
        ({"MERIT-005": {"floors": {"pengawas": "Hebat"}}}, "parameter floors"),
        ({"MERIT-005": {"categories": ["A", "A"]}}, "parameter categories"),
        ({"MERIT-005": {"categories": ["tinggi", "menengah", "rendah"]}}, "parameter floors"),
        ({"MERIT-002": 3}, "overrides must be an object"),
    ],
)
def test_bad_overrides_are_rejected_with_a_clear_error(overrides, fragment):
    with pytest.raises(RuleSetError) as raised:
        RuleSet.default().with_parameters(overrides)
    assert fragment in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_a_new_category_scheme_can_come_with_matching_floors():
    ruleset = RuleSet.default().with_parameters(
        {
            "MERIT-005": {
                "categories": ["tinggi", "menengah", "rendah"],
                "floors": {"jpt_pratama": "tinggi", "administrator": "menengah"},
            }
        }
    )
    assert ruleset.rule("MERIT-005").parameters["floors"]["administrator"] == "menengah"


def edit_rule(obj, index, **changes):
    obj["rules"][index].update(changes)
    return obj


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda o: {**o, "format": "rules.ruleset/0"}, "unsupported format"),
        (lambda o: {"rules": o["rules"]}, 'keys "format" and "rules"'),
        (
            lambda o: edit_rule(o, 0, severity="low"),
            "a different severity needs a new rule version",
        ),
        (lambda o: edit_rule(o, 0, version=2), "unknown rule 'MERIT-001' version 2"),
        (lambda o: edit_rule(o, 0, parameters={}), "missing parameter validity_months"),
        (lambda o: {**o, "rules": o["rules"] + o["rules"][:1]}, "listed more than once"),
        (lambda o: {**o, "rules": o["rules"] + [{"id": "MERIT-001"}]}, "rules[13]"),
    ],
)
def test_bad_recorded_rule_sets_are_rejected(mutate, fragment):
    obj = mutate(RuleSet.default().to_json_obj())
    with pytest.raises(RuleSetError) as raised:
        RuleSet.from_json_obj(obj)
    assert fragment in str(raised.value)


def test_a_rule_set_may_leave_rules_out_and_still_round_trip():
    smaller = RuleSet.default().without("MERIT-011", "MERIT-012")
    assert "MERIT-011" not in smaller.ids and len(smaller) == 11
    assert RuleSet.from_json_obj(smaller.to_json_obj()) == smaller
    assert smaller.hash != RuleSet.default().hash


def test_listing_prints_every_rule_with_its_parameters():
    text = RuleSet.default().listing()
    assert text.splitlines()[0] == f"rule set {RuleSet.default().hash}"
    assert "MERIT-006 v1 medium   Job Person Match rendah untuk jabatan [min_jpm=78]" in text
    assert "inauguration_date=null" in text
    assert "Low job person match" in RuleSet.default().listing("en")
    assert len(text.splitlines()) == 14
