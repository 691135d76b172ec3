"""``audit``: recompute every finding from the ledger alone and compare with the recorded ones.

The ledger is replayed into empty in-memory projections. Just before each
placement decision, check or re-evaluation is replayed, its facts are
gathered from the replay (which then holds exactly the entries before it) and
evaluated under the rule set the entry names. Any difference from what the
entry recorded is reported. With ``--export`` the entries come from a file
written by ``export-ledger``, so no projection (and no database) is needed.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import click
import orjson
from flask.cli import with_appcontext
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from integrity_service import db
from integrity_service.case_parts import placement_body
from integrity_service.checks import expected_reevaluation, findings_json
from integrity_service.cli_support import requires_schema
from integrity_service.gather import build_case
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Finding, Placement
from integrity_service.projections import ProjectedEntry, apply_entries
from integrity_service.rebuild import projection_tables
from integrity_service.rule_state import ruleset_by_hash
from rules.engine import evaluate

AUDITED = frozenset({"placement.decided", "placement.checked", "placement.reevaluated"})


@dataclass
class AuditReport:
    """How many evaluations were replayed, and every difference found."""

    decisions: int = 0
    checks: int = 0
    reevaluations: int = 0
    findings: int = 0
    differences: list[str] = field(default_factory=list)


def _compare(report: AuditReport, seq: int, what: str, recorded: Any, replayed: Any) -> None:
    if recorded != replayed:
        report.differences.append(
            f"entry {seq} ({what}): recorded {json.dumps(recorded, ensure_ascii=False)[:400]} "
            f"but the replay gives {json.dumps(replayed, ensure_ascii=False)[:400]}"
        )


def _ids(findings: Iterable[dict[str, Any]]) -> list[str]:
    return sorted(f["finding_id"] for f in findings)


def _audit_entry(report: AuditReport, replay: Session, seq: int, kind: str, body: Any) -> None:
    if kind == "placement.reevaluated":
        report.reevaluations += 1
        placement = replay.get(Placement, body["placement"])
        expected = None
        if placement is not None:
            expected = expected_reevaluation(replay, placement, correction_seq=seq)
        _compare(
            report,
            seq,
            "re-evaluation findings",
            body["findings"],
            None if expected is None else expected["findings"],
        )
        return
    if "ruleset_hash" not in body:  # recorded before the rules evaluated placements
        return
    ruleset = ruleset_by_hash(replay, body["ruleset_hash"])
    if kind == "placement.decided":
        report.decisions += 1
        case = build_case(replay, body, decision_seq=seq)
    else:
        report.checks += 1
        case = build_case(replay, placement_body(replay, body), decision_seq=None)
    evaluation = evaluate(case, ruleset)
    report.findings += len(evaluation.findings)
    _compare(report, seq, f"{kind} verdict", body["verdict"], evaluation.verdict)
    _compare(
        report, seq, f"{kind} finding ids", _ids(body["findings"]), _ids(findings_json(evaluation))
    )
    if _ids(body["findings"]) == _ids(findings_json(evaluation)):
        _compare(report, seq, f"{kind} findings", body["findings"], findings_json(evaluation))


def audit_entries(entries: Iterable[ProjectedEntry | None]) -> tuple[AuditReport, Session]:
    """Replay entries (None for a redacted one) and audit every evaluation on the way."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    db.Base.metadata.create_all(engine, tables=projection_tables())
    replay = Session(engine)
    report = AuditReport()
    pending: list[ProjectedEntry] = []
    for item in entries:
        if item is None:
            continue
        if item[1] in AUDITED:
            apply_entries(replay, pending)
            pending.clear()
            replay.flush()
            _audit_entry(report, replay, item[0], item[1], item[3])
        pending.append(item)
    apply_entries(replay, pending)
    replay.flush()
    return report, replay


def _parsed(raw: bytes | None) -> ProjectedEntry | None:
    if raw is None:
        return None
    entry = orjson.loads(raw)
    return entry["seq"], entry["type"], entry["time"], entry["body"]


def entries_from_database(session: Session) -> Iterator[ProjectedEntry | None]:
    """Yield the stored entries in seq order."""
    for stored in SqlLedger(session).iter_entries():
        yield _parsed(stored.entry_bytes)


def entries_from_export(path: str) -> Iterator[ProjectedEntry | None]:
    """Yield the entries of an ``export-ledger`` file (JSON lines)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield _parsed(None if row["entry"] is None else base64.b64decode(row["entry"]))


@click.command("audit")
@click.option(
    "--export",
    "export_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Audit a file written by export-ledger instead of the database.",
)
@with_appcontext
def audit_command(export_path: str | None) -> None:
    """Recompute every finding from the ledger alone and compare (exit 1 on a difference)."""
    started = time.perf_counter()
    if export_path:
        report, replay = audit_entries(entries_from_export(export_path))
    else:
        with db.sessions()() as session:
            report, replay = audit_entries(entries_from_database(session))
            stored = set(session.scalars(select(Finding.id)))
        replayed = set(replay.scalars(select(Finding.id)))
        for missing in sorted(replayed - stored):
            report.differences.append(
                f"finding {missing}: in the ledger, missing from the findings table"
            )
        for extra in sorted(stored - replayed):
            report.differences.append(f"finding {extra}: in the findings table, not in the ledger")
    for line in report.differences:
        click.echo(f"DIFF {line}")
    found = len(report.differences)
    click.echo(
        f"audited {report.decisions} decisions, {report.checks} checks and "
        f"{report.reevaluations} re-evaluations ({report.findings} findings) in "
        f"{time.perf_counter() - started:.1f} s: "
        + (f"{found} difference(s)" if found else "no difference")
    )
    if report.differences:
        raise SystemExit(1)


@click.command("export-ledger")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
@requires_schema
def export_ledger_command(path: str) -> None:
    """Write every entry (canonical bytes, base64; null if redacted) as JSON lines."""
    count = 0
    with db.sessions()() as session, open(path, "w", encoding="utf-8") as handle:
        for stored in SqlLedger(session).iter_entries():
            entry = (
                None
                if stored.entry_bytes is None
                else base64.b64encode(stored.entry_bytes).decode()
            )
            commitment = base64.b64encode(stored.commitment).decode()
            handle.write(
                json.dumps({"seq": stored.seq, "entry": entry, "commitment": commitment}) + "\n"
            )
            count += 1
    click.echo(f"exported {count} entries to {path}")
