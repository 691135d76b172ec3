"""The one-page report of a placement: ranking, verdict, findings, receipt, checkpoint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader
from sqlalchemy import select

from integrity_service import db
from integrity_service.ledger_tables import LedgerEntry
from integrity_service.models import Finding, Person, Placement
from ledger.entry import b64
from tests.integrity_service.reports.conftest import (
    PUBLIC_BASE_URL,
    demo_checkpoint,
    render_page_png,
)


def _one_pager(runner: FlaskCliRunner, placement: str, out: Path, lang: str = "en") -> str:
    result = runner.invoke(
        args=["report", "--placement", placement, "--lang", lang, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    return re.sub(r"\s+", "", reader.pages[0].extract_text())


@pytest.mark.parametrize("placement_id", ["PL-00081", "PL-00017", "PL-00067", "PL-00001"])
def test_one_pager_shows_decision_findings_and_receipt(
    demo_app: Flask, demo_runner: FlaskCliRunner, tmp_path: Path, placement_id: str
) -> None:
    text = _one_pager(demo_runner, placement_id, tmp_path / "pl.pdf")
    with demo_app.app_context(), db.sessions()() as session:
        placement = session.get(Placement, placement_id)
        person = session.get(Person, placement.nip)
        findings = session.scalars(select(Finding).filter_by(placement_id=placement_id)).all()
        commitment = session.get(LedgerEntry, placement.seq).commitment
    checkpoint = demo_checkpoint(demo_app)
    assert f"Placement{placement_id}" in text
    assert placement.nip in text and re.sub(r"\s+", "", person.name) in text
    assert re.sub(r"\s+", "", placement.decree_number) in text
    assert b64(commitment) in text
    assert checkpoint.root in text
    assert f"checked:entry{placement.seq}isinthetreeofsize{checkpoint.size}" in text
    for finding in findings:
        assert finding.id in text
    if not findings:
        assert "Nofindings" in text
    verdict = {"violation": "Violation", "compliant": "Compliant"}[placement.verdict]
    assert verdict in text


def test_one_pager_marks_an_appointee_who_was_not_a_candidate(
    demo_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = _one_pager(demo_runner, "PL-00017", tmp_path / "pl.pdf", lang="id")
    assert "tidaktermasukkandidatyangdiperingkat" in text
    assert "Penempatan PL-00017".replace(" ", "") in text


def test_one_pager_qr_code_links_to_the_public_page(
    demo_runner: FlaskCliRunner, tmp_path: Path
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    out = tmp_path / "pl.pdf"
    _one_pager(demo_runner, "PL-00033", out)
    with image_module.open(render_page_png(out, 1, tmp_path)) as image:
        assert [c.text for c in zxingcpp.read_barcodes(image)] == [f"{PUBLIC_BASE_URL}/public/"]
