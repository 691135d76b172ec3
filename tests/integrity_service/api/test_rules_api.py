"""The rules through the API: checks, evaluated decisions, findings, relations, re-evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ledger.entry import Entry
from tests.conftest import make_app
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    b64d,
    ledger_size,
    ledger_unchanged,
    levels,
    nip,
    placement_json,
    position_json,
)

DECIDER = "196501011990031001"
DECIDER_GROUPED = "19650101 199003 1 001"
CANDIDATES = [nip(serial) for serial in range(1, 6)]
OUTSIDER = nip(9)  # assessed, but no candidate of the vacancy


def _seed(api: Api) -> str:
    """Record a position, six assessments and a vacancy of five; nip(n) ranks n-th."""
    assert api.post("/positions", position_json()).status_code == 201
    results = [
        assessment_json(person, potential_category="Potensial")
        for person in [*CANDIDATES[1:], OUTSIDER]
    ]
    best = assessment_json(CANDIDATES[0], competencies=levels(4))
    best["potential_category"] = "Sangat Potensial"
    assert api.post("/assessments", {"results": [best, *results]}).status_code == 201
    opened = api.post(
        "/vacancies",
        {"position": "DINKES-ADM-01", "candidates": CANDIDATES, "opened_on": "2025-08-20"},
    )
    vacancy: str = opened.get_json()["id"]
    assert api.post(f"/vacancies/{vacancy}/ranking").status_code == 201
    return vacancy


def _check(api: Api, vacancy: str, person: str, **overrides: Any) -> dict[str, Any]:
    body = {"vacancy": vacancy, "nip": person, "decided_by": DECIDER, "decided_on": "2025-09-01"}
    response = api.post("/placements/check", {**body, **overrides})
    assert response.status_code == 200, response.get_data(as_text=True)
    answer: dict[str, Any] = response.get_json()
    return answer


def _entry(api: Api, seq: int) -> Entry:
    receipt = api.get(f"/receipts/{seq}").get_json()
    return Entry.from_bytes(b64d(receipt["entry"]))


def _rules(findings: list[dict[str, Any]]) -> list[str]:
    return sorted(finding["rule"] for finding in findings)


def test_check_of_the_top_candidate_is_compliant_and_recorded(app: Flask, api: Api) -> None:
    vacancy = _seed(api)
    before = ledger_size(app)
    answer = _check(api, vacancy, CANDIDATES[0])
    assert answer["verdict"] == "compliant"
    assert answer["findings"] == []
    assert answer["ranking"] == {"rank": 1, "of": 5}
    entry = Entry.from_bytes(b64d(answer["receipt"]["entry"]))
    assert entry.type == "placement.checked" and entry.actor == "token:bkpsdm-test"
    assert entry.body["verdict"] == "compliant" and entry.body["nip"] == CANDIDATES[0]
    # The first check also records the rule set in force; the next one records only itself.
    assert ledger_size(app) == before + 2
    assert _entry(api, before).type == "ruleset.activated"
    assert _entry(api, before).body["hash"] == answer["ruleset_hash"]
    _check(api, vacancy, CANDIDATES[1])
    assert ledger_size(app) == before + 3


def test_check_outside_the_top_three_is_a_violation_with_the_numbers(api: Api) -> None:
    vacancy = _seed(api)
    answer = _check(api, vacancy, CANDIDATES[3])
    assert answer["verdict"] == "violation"
    assert answer["ranking"] == {"rank": 4, "of": 5}
    [finding] = answer["findings"]
    assert finding["rule"] == "MERIT-002" and finding["severity"] == "high"
    assert finding["evidence"]["rank"] == 4 and finding["evidence"]["of"] == 5
    assert finding["evidence"]["k"] == 3
    assert "ranked 4th of 5 candidates" in finding["message_en"]
    assert "peringkat ke-4 dari 5" in finding["message"]
    assert finding["id"].startswith("F-") and finding["evidence_seqs"]


def test_check_of_a_non_candidate_and_of_an_unranked_vacancy(api: Api) -> None:
    vacancy = _seed(api)
    outsider = _check(api, vacancy, OUTSIDER)
    assert outsider["verdict"] == "violation"
    assert _rules(outsider["findings"]) == ["MERIT-003"]  # not also MERIT-002
    assert outsider["findings"][0]["severity"] == "critical"
    unranked = api.post(
        "/vacancies",
        {"position": "DINKES-ADM-01", "candidates": CANDIDATES, "opened_on": "2025-08-21"},
    ).get_json()["id"]
    answer = _check(api, unranked, CANDIDATES[0])
    assert answer["verdict"] == "violation" and answer["ranking"] is None
    assert _rules(answer["findings"]) == ["MERIT-004"]


def test_deviating_decision_needs_a_justification_and_stays_flagged(
    app: Flask, api: Api, auditor: Api
) -> None:
    vacancy = _seed(api)
    decision = placement_json(vacancy, CANDIDATES[3], justification=None)
    with ledger_unchanged(app):  # not even the rule set's activation stays
        refused = assert_problem(api.post("/placements", decision), 422)
    assert refused["verdict"] == "violation"
    assert _rules(refused["findings"]) == ["MERIT-002"]
    assert refused["ranking"] == {"rank": 4, "of": 5}
    assert [error["field"] for error in refused["errors"]] == ["justification"]

    justified = {**decision, "justification": "Peringkat 1-3 menolak; disetujui KASN."}
    response = api.post("/placements", justified)
    assert response.status_code == 201
    body = response.get_json()
    assert body["verdict"] == "violation" and _rules(body["findings"]) == ["MERIT-002"]
    placement = body["placement"]["id"]
    shown = auditor.get(f"/placements/{placement}").get_json()
    assert shown["placement"]["verdict"] == "violation"
    [finding] = shown["findings"]
    assert finding["rule"] == "MERIT-002" and finding["placement"] == placement
    assert finding["ruleset_hash"] == body["ruleset_hash"]
    assert finding["id"] == body["findings"][0]["id"]


def test_findings_listing_filters(api: Api, auditor: Api) -> None:
    vacancy = _seed(api)
    api.post("/placements", placement_json(vacancy, CANDIDATES[3]))
    query = "/findings?severity=high&rule=MERIT-002&unit=Dinas%20Kesehatan&since=2025-09-01"
    [finding] = auditor.get(query).get_json()["findings"]
    assert finding["rule"] == "MERIT-002" and finding["decided_on"] == "2025-09-01"
    for narrower in (
        "/findings?since=2025-09-02",
        "/findings?severity=critical",
        "/findings?rule=MERIT-009",
        "/findings?unit=Dinas%20Pendidikan",
    ):
        assert auditor.get(narrower).get_json()["findings"] == [], narrower
    assert len(auditor.get("/findings").get_json()["findings"]) == 1
    for bad, parameter in (("severity=severe", "severity"), ("since=1%20Sept", "since")):
        problem = assert_problem(auditor.get(f"/findings?{bad}"), 400)
        assert problem["parameter"] == parameter


def test_decision_after_a_violating_check_carries_merit_013(api: Api) -> None:
    vacancy = _seed(api)
    check = _check(api, vacancy, CANDIDATES[4])
    assert check["verdict"] == "violation"
    body = api.post("/placements", placement_json(vacancy, CANDIDATES[4])).get_json()
    assert _rules(body["findings"]) == ["MERIT-002", "MERIT-013"]
    merit_013 = next(f for f in body["findings"] if f["rule"] == "MERIT-013")
    assert merit_013["severity"] == "critical"
    assert merit_013["evidence"]["check_seq"] == check["receipt"]["seq"]


@pytest.mark.parametrize("decider", [DECIDER, DECIDER_GROUPED])
def test_declared_family_relation_with_the_decider_is_merit_009(api: Api, decider: str) -> None:
    vacancy = _seed(api)
    relation = {"a": decider, "b": CANDIDATES[0], "kind": "family", "source": "LHKPN 2024"}
    response = api.post("/relations", relation)
    assert response.status_code == 201
    assert response.get_json()["relation"]["a"] == DECIDER  # compacted like decided_by
    answer = _check(api, vacancy, CANDIDATES[0], decided_by=DECIDER_GROUPED)
    assert answer["verdict"] == "violation"
    [finding] = answer["findings"]
    assert finding["rule"] == "MERIT-009" and finding["severity"] == "critical"


def test_correction_after_the_decision_reevaluates_it_with_merit_007(api: Api) -> None:
    vacancy = _seed(api)
    decided = api.post("/placements", placement_json(vacancy, CANDIDATES[0])).get_json()
    assert decided["verdict"] == "compliant" and decided["findings"] == []
    placement = decided["placement"]["id"]
    assert api.get(f"/placements/{placement}").get_json()["findings"] == []
    correction = {
        "supersedes": 1,  # CANDIDATES[0]'s result, the first of the batch
        "reason": "Salah input nilai M03",
        "result": assessment_json(CANDIDATES[0], competencies=levels(4, M03=5)),
    }
    correction["result"]["potential_category"] = "Sangat Potensial"
    response = api.post("/assessments/corrections", correction)
    assert response.status_code == 201, response.get_data(as_text=True)
    corrected_seq = response.get_json()["receipt"]["seq"]
    reevaluation = _entry(api, corrected_seq + 1)
    assert reevaluation.type == "placement.reevaluated"
    assert reevaluation.body["placement"] == placement
    [new] = reevaluation.body["findings"]
    assert new["rule_id"] == "MERIT-007" and corrected_seq in new["evidence_seqs"]
    findings = api.get(f"/placements/{placement}").get_json()["findings"]
    assert _rules(findings) == ["MERIT-007"]
    assert findings[0]["seq"] == corrected_seq + 1


def test_unknown_vacancy_unassessed_person_and_bad_bodies(app: Flask, api: Api) -> None:
    vacancy = _seed(api)
    stranger = nip(42)
    with ledger_unchanged(app):
        for path, body in (
            ("/placements/check", {"vacancy": "VAC-00099", "nip": CANDIDATES[0]}),
            ("/placements", placement_json("VAC-00099", CANDIDATES[0])),
        ):
            full = {"decided_by": DECIDER, "decided_on": "2025-09-01", **body}
            assert assert_problem(api.post(path, full), 404)["vacancy"] == "VAC-00099"
        for path, body in (
            ("/placements/check", {"vacancy": vacancy, "decided_on": "2025-09-01"}),
            ("/placements", placement_json(vacancy)),
        ):
            unknown = assert_problem(
                api.post(path, {**body, "nip": stranger, "decided_by": DECIDER}), 422
            )
            assert stranger in unknown["detail"]
            assert [error["field"] for error in unknown["errors"]] == ["nip"]
        bad_check = {
            "vacancy": "",
            "nip": "123",
            "decided_on": "2025-13-01",
            "kind": "sale",
            "x": 1,
        }
        problem = assert_problem(api.post("/placements/check", bad_check), 422)
        fields = [error["field"] for error in problem["errors"]]
        assert fields == ["x", "vacancy", "nip", "decided_on", "decided_by", "kind"]
        year_one = {**bad_check, "decided_on": "0001-01-01"}
        problem = assert_problem(api.post("/placements/check", year_one), 422)
        assert "before 1900-01-01" in problem["errors"][3]["message"]


@pytest.mark.parametrize(
    ("path", "body", "fields"),
    [
        ("/placements/check", {"decided_on": "0001-01-01"}, ["decided_on"]),
        ("/placements/check", {"decided_on": "2025-W36-1"}, ["decided_on"]),
        ("/placements", {"decided_on": "0001-01-01"}, ["decided_on"]),
        ("/placements", {"decided_on": 20250901, "kind": None}, ["decided_on", "kind"]),
        ("/relations", {"kind": "enemy"}, ["kind"]),
        ("/relations", {"b": DECIDER_GROUPED}, ["b"]),
        ("/relations", {"a": "1965 0101", "source": "", "x": 1}, ["x", "a", "source"]),
        ("/relations", {"a": None}, ["a"]),
    ],
)
def test_bad_bodies_are_422_naming_the_field(
    app: Flask, api: Api, path: str, body: dict[str, Any], fields: list[str]
) -> None:
    vacancy = _seed(api)
    base: dict[str, Any] = {
        "/placements/check": {
            "vacancy": vacancy,
            "nip": CANDIDATES[0],
            "decided_by": DECIDER,
            "decided_on": "2025-09-01",
        },
        "/placements": placement_json(vacancy),
        "/relations": {"a": DECIDER, "b": CANDIDATES[0], "kind": "family", "source": "LHKPN"},
    }[path]
    with ledger_unchanged(app):
        problem = assert_problem(api.post(path, {**base, **body}), 422)
    assert [error["field"] for error in problem["errors"]][: len(fields)] == fields


def test_changed_parameters_activate_a_new_rule_set(app: Flask, api: Api, tmp_path: Path) -> None:
    vacancy = _seed(api)
    earlier = api.post("/placements", placement_json(vacancy, CANDIDATES[3])).get_json()
    old_hash = earlier["ruleset_hash"]
    stricter = make_app(
        app.config["DATABASE_URL"], tmp_path, RULE_PARAMETERS={"MERIT-006": {"min_jpm": 80}}
    )
    try:
        other = Api(stricter.test_client(), api.token)
        answer = _check(other, vacancy, CANDIDATES[0])
        assert answer["ruleset_hash"] != old_hash
        activated = _entry(other, answer["receipt"]["seq"] - 1)
        assert activated.type == "ruleset.activated"
        assert activated.body["hash"] == answer["ruleset_hash"]
        rules = {rule["id"]: rule for rule in activated.body["ruleset"]["rules"]}
        assert rules["MERIT-006"]["parameters"]["min_jpm"] == 80
        shown = other.get(f"/placements/{earlier['placement']['id']}").get_json()
        assert {finding["ruleset_hash"] for finding in shown["findings"]} == {old_hash}
        size = ledger_size(stricter)
        _check(other, vacancy, CANDIDATES[1])  # the rule set is now active: not recorded again
        assert ledger_size(stricter) == size + 1
    finally:
        stricter.extensions["integrity_engine"].dispose()
