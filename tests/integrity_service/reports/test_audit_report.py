"""The audit report of the demo scenario: checkpoint, QR code, findings, commitments, filters."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader
from sqlalchemy import select

from integrity_service import db
from integrity_service.ledger_tables import LedgerEntry
from integrity_service.models import Finding, Placement
from ledger.entry import b64
from tests.integrity_service.reports.conftest import (
    PUBLIC_BASE_URL,
    demo_checkpoint,
    render_page_png,
)

START, END = date(2025, 1, 1), date(2025, 12, 31)


def _text(pdf: Path) -> str:
    """Return the PDF's text with all whitespace removed (cells wrap anywhere)."""
    reader = PdfReader(pdf)
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _findings(app: Flask, **where: object) -> list[Finding]:
    with app.app_context(), db.sessions()() as session:
        return list(session.scalars(select(Finding).filter_by(**where)))


def _in_period(finding: Finding) -> bool:
    return START <= finding.decided_on <= END


@pytest.fixture(scope="module")
def report(demo_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The Indonesian audit report of 2025 for all units, made by the CLI."""
    out = tmp_path_factory.mktemp("report") / "audit.pdf"
    started = time.perf_counter()
    result = demo_app.test_cli_runner().invoke(
        args=["report", "--from", str(START), "--to", str(END), "--out", str(out)]
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    print(f"\naudit report of the demo, 2025: {elapsed:.2f} s; {result.output.strip()}")
    yield out


def test_report_opens_and_names_the_checkpoint(demo_app: Flask, report: Path) -> None:
    reader = PdfReader(report)
    assert len(reader.pages) > 4
    text = _text(report)
    checkpoint = demo_checkpoint(demo_app)
    assert checkpoint.root in text
    assert checkpoint.origin in text
    assert f"Ukuranpohon{checkpoint.size}" in text
    assert "Laporanauditpenempatan" in text


def test_report_lists_every_finding_of_the_period_and_no_other(
    demo_app: Flask, report: Path
) -> None:
    text = _text(report)
    findings = _findings(demo_app)
    inside = [f for f in findings if _in_period(f)]
    outside = [f for f in findings if not _in_period(f)]
    assert inside and outside  # the demo spans 2025 and 2026
    for finding in inside:
        assert finding.id in text
        assert re.sub(r"\s+", "", finding.message_id) in text
    for finding in outside:
        assert finding.id not in text


def test_appendix_cites_the_commitments_of_the_evidence(demo_app: Flask, report: Path) -> None:
    text = _text(report)
    inside = [f for f in _findings(demo_app) if _in_period(f)]
    with demo_app.app_context(), db.sessions()() as session:
        seqs = {int(seq) for f in inside for seq in f.evidence_seqs}
        seqs |= {session.get(Placement, f.placement_id).seq for f in inside}
        rows = session.scalars(select(LedgerEntry).where(LedgerEntry.seq.in_(seqs))).all()
        assert len(rows) == len(seqs)
        for row in rows:
            assert b64(row.commitment) in text


def test_cover_qr_code_decodes_to_the_public_verification_page(
    report: Path, tmp_path: Path
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    png = render_page_png(report, 1, tmp_path)
    with image_module.open(png) as image:
        codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [f"{PUBLIC_BASE_URL}/public/"]
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode


def test_english_report_uses_the_english_catalogue_and_explanations(
    demo_app: Flask, demo_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "en.pdf"
    result = demo_runner.invoke(
        args=[
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--lang",
            "en",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert "Placementauditreport" in text and "Laporanaudit" not in text
    later = [f for f in _findings(demo_app) if f.decided_on.year == 2026]
    assert later
    for finding in later:
        assert re.sub(r"\s+", "", finding.message_en) in text


def test_unit_filter_keeps_only_that_units_findings(
    demo_app: Flask, demo_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    findings = _findings(demo_app)
    unit = max({f.unit for f in findings}, key=lambda u: sum(f.unit == u for f in findings))
    out = tmp_path / "unit.pdf"
    result = demo_runner.invoke(
        args=[
            "report",
            "--from",
            "2025-01-01",
            "--to",
            "2026-12-31",
            "--unit",
            unit,
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert re.sub(r"\s+", "", unit) in text
    for finding in findings:
        assert (finding.id in text) == (finding.unit == unit), finding.id


def test_report_of_the_whole_demo_is_made_quickly(
    demo_app: Flask, demo_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "all.pdf"
    started = time.perf_counter()
    result = demo_runner.invoke(
        args=["report", "--from", "2025-01-01", "--to", "2026-12-31", "--out", str(out)]
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    print(f"\naudit report of the whole demo: {elapsed:.2f} s (target: under 10 s)")
    text = _text(out)
    assert all(finding.id in text for finding in _findings(demo_app))
    assert elapsed < 60  # a guard against a pathological slowdown, not a benchmark
