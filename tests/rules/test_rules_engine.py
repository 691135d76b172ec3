"""The engine: verdicts, deterministic finding ids, JSON forms, and input checks."""

import hashlib
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import rfc8785

from rules import CaseError, Finding, InvalidInputError, RuleSet, evaluate, verdict_of
from rules.findings import Hit
from tests.rules.factories import (
    APPOINTEE,
    DECISION_SEQ,
    OTHERS,
    finding,
    make_assessment,
    make_case,
    make_check,
    make_levels,
    make_person,
    make_placement,
    make_position,
    make_ranking,
    make_relation,
    make_vacancy,
    no_floats,
    run,
)

ROOT = Path(__file__).resolve().parents[2]


def a_finding(severity, seq=1):
    return Finding.from_hit(
        Hit(evidence_seqs=(seq,), evidence={}, message_id="x", message_en="x"),
        rule_id="MERIT-000",
        rule_version=1,
        default_severity=severity,
        ruleset_hash="0" * 64,
        subject={"decision_seq": 1},
    )


def violating_case():
    """A case where many rules fire at once."""
    return make_case(
        vacancy=make_vacancy(candidates=OTHERS),
        ranking=None,
        assessments=[make_assessment(levels=make_levels(1), category="Kurang Potensial")],
        person=make_person("II/a"),
        relations=[make_relation(41, "PPK-BUPATI", APPOINTEE)],
        checks=[make_check(90, "violation", vacancy_id="VAC-1")],
    )


def test_a_compliant_case_has_no_findings_and_says_so():
    evaluation = run(make_case())
    assert evaluation.findings == ()
    assert evaluation.verdict == "compliant"
    assert evaluation.ranking_position == (1, 5)
    assert evaluation.ruleset_hash == RuleSet.default().hash


@pytest.mark.parametrize(
    ("severities", "verdict"),
    [
        ((), "compliant"),
        (("low",), "compliant"),
        (("low", "medium"), "needs_justification"),
        (("medium", "high", "low"), "violation"),
        (("critical",), "violation"),
    ],
)
def test_the_worst_severity_decides_the_verdict(severities, verdict):
    assert verdict_of([a_finding(severity) for severity in severities]) == verdict


def test_a_medium_finding_alone_needs_justification():
    case = make_case(assessments=[make_assessment(levels=make_levels(2))])
    evaluation = run(case)
    assert [(f.rule_id, f.severity) for f in evaluation.findings] == [("MERIT-006", "medium")]
    assert evaluation.verdict == "needs_justification"


def test_findings_come_in_rule_order_and_make_a_violation():
    evaluation = run(violating_case())
    assert [f.rule_id for f in evaluation.findings] == [
        "MERIT-003",
        "MERIT-004",
        "MERIT-005",
        "MERIT-006",
        "MERIT-008",
        "MERIT-009",
        "MERIT-013",
    ]
    assert evaluation.verdict == "violation"
    assert evaluation.ranking_position is None


def test_finding_ids_follow_the_documented_formula():
    result = finding(make_case(ranking=None), "MERIT-004")
    material = {
        "rule_id": "MERIT-004",
        "rule_version": 1,
        "ruleset_hash": RuleSet.default().hash,
        "subject": {"decision_seq": DECISION_SEQ},
        "evidence_seqs": [3, DECISION_SEQ],
    }
    expected = "F-" + hashlib.sha256(rfc8785.dumps(material)).hexdigest()[:16]
    assert result.finding_id == expected


def test_replaying_equal_facts_gives_the_same_findings_and_ids():
    first = run(violating_case())
    again = evaluate(violating_case(), RuleSet.from_json_obj(RuleSet.default().to_json_obj()))
    assert again == first
    assert [f.finding_id for f in again.findings] == [f.finding_id for f in first.findings]


def test_finding_ids_change_with_the_rule_set_the_subject_and_the_evidence():
    case = make_case(ranking=None)
    base = finding(case, "MERIT-004").finding_id
    other_rules = RuleSet.default().with_parameters({"MERIT-002": {"k": 5}})
    assert finding(case, "MERIT-004", other_rules).finding_id != base
    other_decision = make_case(ranking=None, decision=make_placement(seq=DECISION_SEQ + 1))
    assert finding(other_decision, "MERIT-004").finding_id != base
    other_vacancy = make_case(ranking=None, vacancy=make_vacancy(seq=4))
    assert finding(other_vacancy, "MERIT-004").finding_id != base


def test_a_check_is_identified_by_vacancy_appointee_and_date():
    case = make_case(ranking=None, decision=make_placement(seq=None))
    result = finding(case, "MERIT-004")
    assert dict(result.subject) == {
        "vacancy_id": "VAC-1",
        "nip": APPOINTEE,
        "decided_on": "2024-06-01",
    }
    assert result.evidence_seqs == (3,)
    later = make_case(ranking=None, decision=make_placement(seq=None, decided_on=date(2024, 6, 2)))
    assert finding(later, "MERIT-004").finding_id != result.finding_id


def test_findings_and_evaluations_are_plain_json_and_round_trip():
    evaluation = run(violating_case())
    obj = evaluation.to_json_obj()
    assert no_floats(obj)
    assert json.loads(json.dumps(obj)) == obj
    rebuilt = [Finding.from_json_obj(item) for item in json.loads(json.dumps(obj))["findings"]]
    assert tuple(rebuilt) == evaluation.findings


def test_a_stored_finding_whose_content_was_edited_is_rejected():
    obj = finding(make_case(ranking=None), "MERIT-004").to_json_obj()
    with pytest.raises(InvalidInputError, match="id does not match its content"):
        Finding.from_json_obj({**obj, "evidence_seqs": [3]})
    with pytest.raises(InvalidInputError, match="keys"):
        Finding.from_json_obj({**obj, "extra": 1})
    with pytest.raises(InvalidInputError, match="floats are not allowed"):
        Finding.from_json_obj({**obj, "evidence": {"jpm": 77.5}})


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: make_case(position=make_position(code="POS-X")), "decision position vs position"),
        (lambda: make_case(person=make_person(nip=OTHERS[0])), "person nip vs appointee nip"),
        (
            lambda: make_case(assessments=[make_assessment(nip=OTHERS[0])]),
            "nip vs appointee",
        ),
        (lambda: make_case(vacancy=make_vacancy(id="VAC-9")), "decision vacancy vs vacancy id"),
        (
            lambda: make_case(history=[make_placement(seq=None, nip=OTHERS[0])]),
            "only recorded placements belong in the history",
        ),
        (lambda: make_case(decision=make_placement(unit="DINAS-X")), "decision unit"),
        (lambda: make_ranking(seq=-1), "expected a ledger seq"),
        (lambda: make_placement(decided_on=datetime(2024, 6, 1)), "expected a datetime.date"),
        (lambda: make_placement(kind="mutasi"), "unknown kind 'mutasi'"),
        (lambda: make_position(type="eselon"), "unknown position type 'eselon'"),
        (lambda: make_check(1, "ok"), "unknown verdict 'ok'"),
        (lambda: make_assessment(rating="Cukup"), "unknown performance rating 'Cukup'"),
    ],
)
def test_facts_that_do_not_fit_are_refused_with_a_clear_error(build, fragment):
    with pytest.raises(InvalidInputError) as raised:
        build()
    assert fragment in str(raised.value)


def test_case_errors_are_value_errors():
    with pytest.raises(ValueError):
        make_case(person=make_person(nip=OTHERS[0]))
    assert issubclass(CaseError, InvalidInputError)


def test_the_rules_package_imports_no_web_database_or_ledger_code():
    code = (
        "import sys, rules, rules.engine, rules.ranking, rules.ninebox;"
        "bad = {'flask', 'sqlalchemy', 'ledger', 'integrity_service'};"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"vacancy": make_vacancy(candidates=OTHERS)},  # not a candidate
        {"ranking": None},  # no ranking
        {"person": make_person(rank="II/a")},  # below the minimum rank
    ],
)
def test_a_proposed_decision_reads_no_earlier_checks(variant):
    """The service keeps a check's answer per ledger prefix; checks must not change it."""
    proposed = make_placement(seq=None)
    checks = [make_check(90, "violation"), make_check(91, "compliant", nip=OTHERS[0])]
    without = run(make_case(decision=proposed, **variant))
    with_checks = run(make_case(decision=proposed, checks=checks, **variant))
    assert with_checks == without
