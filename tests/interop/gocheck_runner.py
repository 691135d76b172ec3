"""Build and run ``gocheck``, the Go (x/mod sumdb note + tlog) interop checker.

Reuse from any test::

    from gocheck_runner import GoToolchainUnavailableError, run_gocheck

    try:
        result = run_gocheck("http://127.0.0.1:8080")
    except GoToolchainUnavailableError as exc:
        pytest.skip(f"Go toolchain unavailable: {exc}")
    assert result.returncode == 0, result.stdout + result.stderr

``run_gocheck`` builds the binary with ``tests/interop/setup.sh`` on first use
(once per process) and never raises for a failed check: inspect
``returncode`` (0 all passed, 1 a check failed, 2 usage) and ``stdout``.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

INTEROP_DIR = Path(__file__).resolve().parent
SETUP_SH = INTEROP_DIR / "setup.sh"
GOCHECK_BIN = INTEROP_DIR / ".build" / "gocheck"

#: setup.sh's exit status when the Go packages are missing and cannot be installed.
SETUP_UNAVAILABLE = 3

_UNAVAILABLE_PREFIX = "setup.sh: Go toolchain unavailable: "
_lock = threading.Lock()
_built: Path | None = None


class GoToolchainUnavailableError(RuntimeError):
    """The Debian Go packages are missing and could not be installed."""


class GocheckBuildError(RuntimeError):
    """setup.sh failed for another reason, e.g. a compile error."""


def build_gocheck(timeout: float = 900.0) -> Path:
    """Run setup.sh once per process and return the path of the gocheck binary.

    Raises GoToolchainUnavailableError if the Go packages cannot be installed, and
    GocheckBuildError on any other setup failure.
    """
    global _built
    with _lock:
        if _built is not None:
            return _built
        proc = subprocess.run(
            ["bash", str(SETUP_SH)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode == SETUP_UNAVAILABLE:
            lines = [ln for ln in proc.stderr.splitlines() if ln.startswith(_UNAVAILABLE_PREFIX)]
            reason = lines[-1][len(_UNAVAILABLE_PREFIX) :] if lines else proc.stderr.strip()
            raise GoToolchainUnavailableError(reason)
        if proc.returncode != 0 or not GOCHECK_BIN.is_file():
            raise GocheckBuildError(
                f"setup.sh exited {proc.returncode}:\n{proc.stdout}{proc.stderr}".rstrip()
            )
        _built = GOCHECK_BIN
        return _built


def run_gocheck(
    base_url: str,
    *,
    samples: int = 8,
    seed: int | None = None,
    timeout: float = 120.0,
    extra_args: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run gocheck against the log server at ``base_url`` and return its result.

    ``samples`` random leaf indices are proved besides the first, middle and
    last; ``seed`` fixes them (default: time-based, printed by gocheck).
    Raises GoToolchainUnavailableError / GocheckBuildError if gocheck cannot be built.
    """
    binary = build_gocheck()
    cmd = [str(binary), "-url", base_url, "-samples", str(samples)]
    if seed is not None:
        cmd += ["-seed", str(seed)]
    cmd += list(extra_args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
