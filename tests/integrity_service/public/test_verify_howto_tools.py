"""The how-to page's Go program and shell script really verify receipts, and catch tampering.

They run as the page prints them: Go with Debian's golang.org/x/mod (offline, as
tests/interop builds its checker), the shell script with jq, xxd and OpenSSL.
Each test skips, naming what is missing, where those tools are not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integrity_service.public.conftest import (
    SmallLedger,
    tampered_checkpoint_text,
    tampered_entry,
    tampered_proof,
    tampered_signature,
)

HOWTO = Path(__file__).resolve().parents[3] / "integrity_service" / "templates" / "public" / "howto"
GOCODE = Path("/usr/share/gocode")
GO_CACHE = Path(__file__).resolve().parents[2] / "interop" / ".build" / "gocache"
TAMPERS: list[tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = [
    (tampered_entry, "commitment"),
    (tampered_proof, "inclusion"),
    (tampered_checkpoint_text, "signature"),
    (tampered_signature, "signature"),
]

pytestmark = pytest.mark.slow


def _write(tmp_path: Path, name: str, receipt: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(receipt), encoding="utf-8")
    return str(path)


def _run_all(
    command: list[str], small_ledger: SmallLedger, tmp_path: Path
) -> list[subprocess.CompletedProcess[str]]:
    key = tmp_path / "key.txt"
    key.write_text(small_ledger.key + "\n", encoding="utf-8")
    covered = small_ledger.receipt(small_ledger.covered)
    receipts = [covered, small_ledger.receipt(small_ledger.redacted)]
    receipts += [tamper(covered) for tamper, _ in TAMPERS]
    return [
        subprocess.run(
            [*command, _write(tmp_path, f"r{i}.json", receipt), str(key)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for i, receipt in enumerate(receipts)
    ]


def _check(results: list[subprocess.CompletedProcess[str]], small_ledger: SmallLedger) -> None:
    valid, redacted, *tampered = results
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert f"ok   entry {small_ledger.covered} is in" in valid.stdout
    assert redacted.returncode == 0, redacted.stdout + redacted.stderr
    for result, (_, what) in zip(tampered, TAMPERS, strict=True):
        assert result.returncode == 1, (what, result.stdout, result.stderr)
        assert result.stdout.startswith("FAIL") and what in result.stdout.lower()


def test_shell_script_verifies_and_rejects(small_ledger: SmallLedger, tmp_path: Path) -> None:
    missing = [tool for tool in ("jq", "xxd", "openssl", "sha256sum") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: the how-to's shell script is not run")
    _check(_run_all(["sh", str(HOWTO / "verify_receipt.sh")], small_ledger, tmp_path), small_ledger)


def test_go_program_verifies_and_rejects(small_ledger: SmallLedger, tmp_path: Path) -> None:
    go = shutil.which("go")
    if go is None or not (GOCODE / "src/golang.org/x/mod/sumdb/tlog").is_dir():
        pytest.skip("Go or Debian's golang-golang-x-mod-dev missing (bash tests/interop/setup.sh)")
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy(HOWTO / "verify_receipt.go", build / "main.go")
    environment = {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": str(GOCODE),
        "GOCACHE": str(GO_CACHE if GO_CACHE.parent.is_dir() else tmp_path / "gocache"),
        "GOPROXY": "off",
        "GOFLAGS": "",
        "CGO_ENABLED": "0",
    }
    built = subprocess.run(
        [go, "build", "-o", str(build / "verify_receipt"), "."],
        cwd=build,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    _check(_run_all([str(build / "verify_receipt")], small_ledger, tmp_path), small_ledger)
