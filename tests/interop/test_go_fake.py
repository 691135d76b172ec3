"""gocheck (Go's x/mod sumdb note + tlog) against fake_log.py, an independent fake log.

Proves the checker accepts a correct RFC 6962 / C2SP checkpoint server and
rejects a corrupted inclusion proof, consistency proof, checkpoint signature
or checkpoint root.
"""

from __future__ import annotations

import re
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from gocheck_runner import GoToolchainUnavailableError, build_gocheck, run_gocheck

FAKE_LOG = Path(__file__).resolve().parent / "fake_log.py"
PASSED = re.compile(r"^gocheck: (\d+) checks passed$", re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def gocheck_binary() -> Path:
    """Build gocheck once; skip only if the Go packages cannot be installed."""
    try:
        return build_gocheck()
    except GoToolchainUnavailableError as exc:
        pytest.skip(f"Go toolchain unavailable: {exc}")


@contextmanager
def fake_log(*args: str, startup_timeout: float = 15.0) -> Iterator[str]:
    """Run fake_log.py with ``args``; yield its base URL; stop it afterwards."""
    proc = subprocess.Popen(
        [sys.executable, str(FAKE_LOG), *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + startup_timeout
            url = ""
            while not url:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or proc.poll() is not None:
                    pytest.fail(f"fake_log.py did not start (exit status {proc.poll()})")
                if sel.select(remaining):
                    url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def _report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


@pytest.mark.parametrize("leaves", [1, 2, 7, 37, 300])
def test_gocheck_accepts_fake_log(leaves: int) -> None:
    """A correct log passes every check, for tree sizes around the edge cases."""
    with fake_log("--leaves", str(leaves), "--seed", str(leaves)) as url:
        result = run_gocheck(url, samples=12, seed=leaves)
    assert result.returncode == 0, _report(result)
    assert "FAIL" not in result.stdout, _report(result)
    match = PASSED.search(result.stdout)
    assert match, _report(result)
    assert "ok   note.Open(/public/checkpoint)" in result.stdout
    assert f"ok   inclusion index={leaves - 1} size={leaves}" in result.stdout
    if leaves > 1:
        assert "ok   consistency old=1 size=" in result.stdout
        assert int(match.group(1)) >= 10


@pytest.mark.parametrize(
    ("corruption", "expected"),
    [
        ("inclusion", "FAIL inclusion index="),
        ("consistency", "FAIL consistency old="),
        ("signature", "FAIL note.Open(/public/checkpoint)"),
        ("root", "FAIL checkpoints[0] note verifies and matches JSON size/root"),
    ],
)
def test_gocheck_rejects_corruption(corruption: str, expected: str) -> None:
    """Each kind of tampering makes gocheck report the failing check and exit 1."""
    with fake_log("--leaves", "37", "--corrupt", corruption) as url:
        result = run_gocheck(url, seed=7)
    assert result.returncode == 1, _report(result)
    assert expected in result.stdout, _report(result)
    assert "checks FAILED" in result.stdout, _report(result)
    assert not PASSED.search(result.stdout), _report(result)


def test_gocheck_unreachable_server_fails() -> None:
    """No server: gocheck fails cleanly rather than passing vacuously."""
    with fake_log("--leaves", "3") as url:
        pass  # the server is stopped on exit, so its port is now closed
    result = run_gocheck(url, extra_args=["-timeout", "5s"])
    assert result.returncode == 1, _report(result)
    assert "FAIL fetch /public/key" in result.stdout, _report(result)
