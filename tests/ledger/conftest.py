"""Fixtures of the ledger library tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The ``pytest`` entry point does not put the project root on sys.path unless a
# parent package does; the library under test lives there.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from ledger_support import BIG_LOG_SIZE, BuiltLog, build_log  # noqa: E402


@pytest.fixture(scope="session")
def big_log() -> BuiltLog:
    """Return one 2,100-entry log; a stored tree of N leaves answers any size <= N."""
    return build_log(BIG_LOG_SIZE)
