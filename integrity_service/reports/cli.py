"""The ``report`` command: write the audit report of a period, or a placement's one-pager.

    flask --app integrity_service report --from 2025-01-01 --to 2025-12-31 \\
        [--unit "Dinas Perikanan"] [--lang id|en] --out audit.pdf
    flask --app integrity_service report --placement PL-00001 [--lang en] --out pl.pdf
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from integrity_service import db
from integrity_service.reports.audit_report import audit_report_pdf
from integrity_service.reports.placement_report import placement_report_pdf
from integrity_service.reports.scope import ReportError, parse_lang, parse_scope


def _write(path: str, pdf: bytes) -> None:
    """Write the PDF under a temporary name, then rename it: never half a report at ``path``."""
    target = Path(path)
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(pdf)
    temporary.replace(target)


@click.command("report")
@click.option("--from", "start", metavar="DATE", help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", metavar="DATE", help="Last day of the period (YYYY-MM-DD).")
@click.option("--unit", help="Only this unit (written as in the position records).")
@click.option("--placement", "placement_id", metavar="ID", help="One placement's one-pager.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The PDF file to write.",
)
@with_appcontext
def report_command(
    start: str | None,
    end: str | None,
    unit: str | None,
    placement_id: str | None,
    lang: str,
    out_path: str,
) -> None:
    """Write the PDF audit report of a period (and unit), or of one placement."""
    started = time.perf_counter()
    if placement_id and (start or end or unit):
        raise click.UsageError(
            "--placement makes a one-placement report: leave out --from/--to/--unit"
        )
    if not placement_id and not (start and end):
        raise click.UsageError("give --from and --to (YYYY-MM-DD), or --placement ID")
    with db.sessions()() as session:
        try:
            if placement_id:
                pdf = placement_report_pdf(session, placement_id.strip(), lang=parse_lang(lang))
                what = f"placement {placement_id}"
            else:
                scope = parse_scope(session, start=start, end=end, unit=unit, lang=lang)
                pdf = audit_report_pdf(session, scope)
                what = f"audit report {scope.start} to {scope.end}" + (
                    f", unit {scope.unit}" if scope.unit else ""
                )
        except ReportError as exc:
            raise click.BadParameter(exc.message, param_hint=f"--{exc.argument}") from exc
    try:
        _write(out_path, pdf)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    click.echo(
        f"wrote {what} to {out_path}: {len(pdf):,} bytes, in {time.perf_counter() - started:.1f} s"
    )
