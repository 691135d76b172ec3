"""Replaying the ledger into empty projections, comparing, and restoring them.

The ledger is the source of truth; a projection row that differs from its
replay was edited behind the service's back (or by a bug) and is named.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import click
import orjson
from flask.cli import with_appcontext
from sqlalchemy import Table, create_engine, delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from integrity_service import db
from integrity_service.cli_support import requires_schema
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import PROJECTION_MODELS
from integrity_service.projections import ProjectedEntry, apply_entries

Row = dict[str, Any]


def projection_tables() -> list[Table]:
    """Return the projection tables in dependency order (parents first)."""
    return [model.__table__ for model in PROJECTION_MODELS]  # type: ignore[misc]


def _normalise(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _rows(session: Session, table: Table) -> dict[tuple[Any, ...], Row]:
    key_columns = list(table.primary_key.columns)
    result = {}
    for row in session.execute(select(table).order_by(*key_columns)).mappings():
        key = tuple(row[c.name] for c in key_columns)
        result[key] = {name: _normalise(value) for name, value in row.items()}
    return result


def replay(source: Session) -> Session:
    """Replay every stored (unredacted) entry into fresh in-memory projections."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    db.Base.metadata.create_all(engine, tables=projection_tables())
    target = Session(engine)
    pending: list[ProjectedEntry] = []
    for stored in SqlLedger(source).iter_entries():
        if stored.entry_bytes is None:
            continue
        entry = orjson.loads(stored.entry_bytes)
        pending.append((entry["seq"], entry["type"], entry["time"], entry["body"]))
        if len(pending) >= 5000:
            apply_entries(target, pending)
            pending.clear()
    apply_entries(target, pending)
    target.flush()
    return target


def differences(stored: Session, replayed: Session) -> Iterator[str]:
    """Yield one line per projection row that differs between stored and replayed."""
    for table in projection_tables():
        have, want = _rows(stored, table), _rows(replayed, table)
        key_names = [c.name for c in table.primary_key.columns]
        for key in sorted(set(have) | set(want), key=repr):
            named = ", ".join(f"{n}={v!r}" for n, v in zip(key_names, key, strict=True))
            where = f"{table.name} ({named})"
            if key not in have:
                yield f"{where}: missing from the stored projection"
            elif key not in want:
                yield f"{where}: stored, but no ledger entry produces it"
            else:
                for column, value in have[key].items():
                    if value != want[key][column]:
                        yield (
                            f"{where}: column {column} is {value!r} in the stored projection, "
                            f"{want[key][column]!r} from the ledger"
                        )


def restore(stored: Session, replayed: Session) -> int:
    """Replace every stored projection row by the replayed ones; return the rows written."""
    tables = projection_tables()
    for table in reversed(tables):
        stored.execute(delete(table))
    written = 0
    for table in tables:
        rows = [dict(row) for row in replayed.execute(select(table)).mappings()]
        if rows:
            stored.execute(insert(table), rows)
            written += len(rows)
    return written


@click.command("rebuild")
@click.option("--apply", "apply_", is_flag=True, help="Replace the stored projections.")
@with_appcontext
@requires_schema
def rebuild_command(apply_: bool) -> None:
    """Replay the ledger into empty projections and print every difference (exit 1 if any)."""
    if apply_:
        with db.write_session(db.sessions()) as session:
            replayed = replay(session)
            found = list(differences(session, replayed))
            written = restore(session, replayed)
        for line in found:
            click.echo(line)
        click.echo(f"{len(found)} difference(s) repaired; {written} projection rows rewritten")
        return
    with db.sessions()() as session:
        replayed = replay(session)
        found = list(differences(session, replayed))
    for line in found:
        click.echo(line)
    click.echo(f"{len(found)} difference(s) between the projections and the ledger")
    if found:
        raise SystemExit(1)
