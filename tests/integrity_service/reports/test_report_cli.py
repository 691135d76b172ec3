"""The ``report`` command refuses bad arguments with a message that says what to fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from pypdf import PdfReader


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--from", "2025-13-01", "--to", "2025-12-31"], "--from: '2025-13-01' is not a date"),
        (["--from", "2025-01-01", "--to", "31/12/2025"], "write it as YYYY-MM-DD"),
        (["--from", "2025-12-31", "--to", "2025-01-01"], "the period ends (2025-01-01) before"),
        (["--from", "2025-01-01"], "give --from and --to"),
        ([], "give --from and --to"),
        (["--placement", "PL-00001", "--from", "2025-01-01"], "leave out --from/--to/--unit"),
        (["--placement", "PL-99999"], "no placement 'PL-99999' is recorded"),
        (
            ["--from", "2025-01-01", "--to", "2025-12-31", "--unit", "Dinas Perikanan X"],
            "did you mean 'Dinas Perikanan'",
        ),
        (["--from", "2025-01-01", "--to", "2025-12-31", "--lang", "fr"], "'fr' is not one of"),
    ],
)
def test_bad_arguments_are_refused_clearly(
    demo_runner: FlaskCliRunner, tmp_path: Path, arguments: list[str], expected: str
) -> None:
    out = tmp_path / "report.pdf"
    result = demo_runner.invoke(args=["report", *arguments, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.iterdir())


def test_report_on_an_empty_ledger_says_there_is_no_checkpoint(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "empty.pdf"
    result = runner.invoke(
        args=[
            "report",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--lang",
            "en",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(out).pages))
    assert "nosignedcheckpointyet" in text
    assert "Nofindingsinthisperiod." in text


def test_an_unwritable_output_is_a_clear_error(demo_runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "report.pdf"
    result = demo_runner.invoke(args=["report", "--placement", "PL-00001", "--out", str(out)])
    assert result.exit_code == 1
    assert f"cannot write {out}: No such file or directory" in result.output
