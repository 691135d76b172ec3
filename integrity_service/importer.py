"""CSV import commands: a file is recorded whole, or refused whole with every bad row named."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, BinaryIO, NoReturn

import click
from flask.cli import with_appcontext

from integrity_service import db, records
from integrity_service.cli_support import requires_schema
from integrity_service.domain.csvfile import read_assessments_csv, read_positions_csv
from integrity_service.domain.errors import ValidationReport

OnRow = Callable[[int, int], None]


@contextmanager
def _progress(handle: BinaryIO, label: str) -> Iterator[OnRow | None]:
    """Yield a row callback that drives a progress bar on a terminal, or None elsewhere."""
    size = os.fstat(handle.fileno()).st_size
    if not sys.stderr.isatty() or size < 256 * 1024:
        yield None
        return
    with click.progressbar(length=size, label=label, file=sys.stderr) as bar:
        shown = 0

        def on_row(_rows: int, read: int) -> None:
            nonlocal shown
            if read - shown >= 64 * 1024:
                bar.update(read - shown)
                shown = read

        yield on_row
        bar.update(size - shown)


def _refuse(path: str, report: ValidationReport) -> NoReturn:
    click.echo(f"{path}: refused, nothing recorded. {report.total} problem(s):", err=True)
    click.echo(str(report), err=True)
    sys.exit(1)


def _read(path: str, reader: Callable[..., list[Any]], **kwargs: Any) -> list[Any]:
    with open(path, "rb") as handle, _progress(handle, "validating") as on_row:
        try:
            return reader(handle, on_row=on_row, **kwargs)
        except ValidationReport as report:
            _refuse(path, report)


@click.command("import-assessments")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--actor", default="cli:import", show_default=True, help="Who is recorded as actor.")
@with_appcontext
@requires_schema
def import_assessments_command(path: str, actor: str) -> None:
    """Record every assessment result in a CSV file, or none (see docs/csv-formats.md)."""
    started = time.perf_counter()
    results = _read(path, read_assessments_csv, today=date.today())
    try:
        with db.write_session(db.sessions()) as session:
            entries = records.record_assessments(session, results, actor=actor)
    except records.RecordError as exc:
        click.echo(f"{path}: refused, nothing recorded: {exc.detail}", err=True)
        sys.exit(1)
    elapsed = time.perf_counter() - started
    people = len({r.nip.value for r in results})
    events = sorted({r.event for r in results})
    click.echo(
        f"{path}: recorded {len(entries)} assessment results of {people} people "
        f"({', '.join(events)}) as entries {entries[0].seq}-{entries[-1].seq} "
        f"in {elapsed:.1f} s"
    )


@click.command("import-positions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--actor", default="cli:import", show_default=True, help="Who is recorded as actor.")
@with_appcontext
@requires_schema
def import_positions_command(path: str, actor: str) -> None:
    """Define every position (with its competency standard) in a CSV file, or none."""
    specs = _read(path, read_positions_csv)
    try:
        with db.write_session(db.sessions()) as session:
            entries = [
                e for spec in specs for e in records.record_position(session, spec, actor=actor)
            ]
    except records.RecordError as exc:
        click.echo(f"{path}: refused, nothing recorded: {exc.detail}", err=True)
        sys.exit(1)
    click.echo(f"{path}: defined {len(entries)} positions")
