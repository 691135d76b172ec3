"""The ``demo`` command: fill an empty database with the demo scenario, through the write path.

The scenario (:func:`integrity_service.demo_scenario.build_scenario`) is pure
data; this module executes its steps with the same functions the API and
the CSV import use, one transaction per phase, and signs a checkpoint after
each. Where the service's answer can be predicted (ids, ranking order,
former position) it is checked, so the manifest always matches the ledger.
"""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session, sessionmaker

from integrity_service import checks, db, keys, records
from integrity_service.cli_support import requires_schema
from integrity_service.demo_scenario import build_scenario
from integrity_service.demo_steps import (
    ACTOR,
    CheckPlacement,
    CorrectAssessment,
    DecidePlacement,
    DeclareRelation,
    DefinePosition,
    OpenVacancy,
    PublishRanking,
    RecordAssessments,
    Scenario,
    Step,
)
from integrity_service.ledger_store import SqlLedger
from ledger.note import NoteSigner


class ScenarioDriftError(RuntimeError):
    """The service answered differently from what the demo scenario predicted."""


class _Runner:
    """Executes steps in one session, remembering the seq of each NIP's latest assessment."""

    def __init__(self) -> None:
        self.latest: dict[str, int] = {}

    def run(self, session: Session, step: Step) -> None:
        match step:
            case RecordAssessments(results=results):
                entries = records.record_assessments(session, results, actor=ACTOR)
                for entry, result in zip(entries, results, strict=True):
                    self.latest[result.nip.value] = entry.seq
            case CorrectAssessment(reason=reason, result=result):
                nip = result.nip.value
                entries = checks.correct_assessment(
                    session, supersedes=self.latest[nip], reason=reason, result=result, actor=ACTOR
                )
                self.latest[nip] = entries[0].seq
            case DefinePosition(spec=spec):
                records.record_position(session, spec, actor=ACTOR)
            case DeclareRelation(a=a, b=b, kind=kind, source=source):
                records.declare_relation(session, a=a, b=b, kind=kind, source=source, actor=ACTOR)
            case OpenVacancy():
                opened = records.open_vacancy(
                    session,
                    position=step.position,
                    candidates=step.candidates,
                    opened_on=step.opened_on,
                    actor=ACTOR,
                )
                _expect("vacancy id", step.vacancy, opened.result["id"])
            case PublishRanking(vacancy=vacancy, expected_order=expected):
                published = records.publish_ranking(session, vacancy, actor=ACTOR)
                order = tuple(line["nip"] for line in published.result["ranking"])
                _expect(f"ranking of {vacancy}", expected, order)
            case CheckPlacement(decision=decision):
                checks.check_placement(session, decision.to_json_obj(), actor=ACTOR)
            case DecidePlacement(placement=placement, decision=decision):
                body = checks.decide_placement(session, decision.to_json_obj(), actor=ACTOR).result
                _expect("placement id", placement, body["id"])
                _expect(
                    f"former position in {placement}", step.from_position, body["from_position"]
                )


def _expect(what: str, predicted: object, actual: object) -> None:
    if predicted != actual:
        raise ScenarioDriftError(
            f"{what}: the scenario predicted {predicted!r}, the service gave {actual!r}"
        )


def run_scenario(scenario: Scenario, factory: sessionmaker[Session], signer: NoteSigner) -> int:
    """Execute the scenario, one transaction and one signed checkpoint per phase.

    Return the number of checkpoints signed. A ``RecordError`` or a
    ``ScenarioDriftError`` rolls back the phase it occurs in; earlier phases stay.
    """
    runner = _Runner()
    signed = 0
    for phase in scenario.phases:
        with db.write_session(factory) as session:
            for step in phase.steps:
                runner.run(session, step)
            if SqlLedger(session).sign_checkpoint(signer) is not None:
                signed += 1
    return signed


def _summary(scenario: Scenario, entries: int, checkpoints: int, seconds: float) -> list[str]:
    counts = scenario.counts()
    return [
        f"demo scenario, seed {scenario.seed}: {counts['people']:,} people "
        f"({counts['assessments']:,} assessments; CACT 11-15 August 2025, 5 sessions of 400), "
        f"{counts['units']} units, {counts['positions']} positions, "
        f"{counts['vacancies']} vacancies, {counts['placements']} placements "
        f"({len(scenario.follows_ranking)} following the ranking), "
        f"{counts['corrections']} corrections, {counts['relations']} relations, "
        f"{counts['checks']} placement checks",
        "planted deviations (docs/demo-scenario.md):",
        *(f"  {rule}: {', '.join(ids)}" for rule, ids in scenario.planted.items()),
        f"ledger: {entries:,} entries, {checkpoints} checkpoints, in {seconds:.1f} s",
    ]


@click.command("demo")
@with_appcontext
@requires_schema
@click.option("--seed", default=2025, show_default=True, help="Seed of the sample data.")
def demo_command(seed: int) -> None:
    """Fill an empty database with the demo scenario (see docs/demo-scenario.md)."""
    started = time.perf_counter()
    try:
        signer = keys.signer()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc
    with db.sessions()() as session:
        existing = SqlLedger(session).size()
    if existing:
        click.echo(f"database already holds {existing} entries; demo data not added")
        return
    scenario = build_scenario(seed)
    try:
        checkpoints = run_scenario(scenario, db.sessions(), signer)
    except (records.RecordError, ScenarioDriftError) as exc:
        detail = exc.detail if isinstance(exc, records.RecordError) else str(exc)
        raise click.ClickException(
            f"demo stopped: {detail}. Phases before this one were committed; start again "
            "from an empty database."
        ) from exc
    with db.sessions()() as session:
        entries = SqlLedger(session).size()
    for line in _summary(scenario, entries, checkpoints, time.perf_counter() - started):
        click.echo(line)
