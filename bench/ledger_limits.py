"""The raw limits the ledger benchmark compares the project with, and their databases.

Used by ``bench/ledger_bench.py`` (see bench/README.md); not a library.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def raw_connect(url: str) -> tuple[Any, str]:
    """Open a plain DB-API connection to a SQLAlchemy URL; return it and its placeholder."""
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None), "?"
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")), "%s"


@dataclass
class Target:
    """The project's database URL, the raw-limit database URL and how to clean up."""

    url: str
    limit_url: str
    cleanup: Callable[[], None] = field(default=lambda: None)


def sqlite_target() -> Target:
    """A project database file and a separate raw-limit file in a fresh temp dir."""
    folder = tempfile.mkdtemp(prefix="ledger-bench-")
    return Target(
        f"sqlite:///{folder}/ledger.db",
        f"sqlite:///{folder}/limit.db",
        lambda: shutil.rmtree(folder, ignore_errors=True),
    )


def postgres_target(admin_url: str) -> Target:
    """Two fresh databases (dropped at the end): the project's log and the raw limit."""
    conn, _ = raw_connect(admin_url)
    conn.autocommit = True
    names = [f"ledger_bench_{os.getpid()}", f"ledger_bench_limit_{os.getpid()}"]
    for name in names:
        conn.execute(f"CREATE DATABASE {name}")
    base = admin_url.rsplit("/", 1)[0]

    def cleanup() -> None:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.close()

    return Target(f"{base}/{names[0]}", f"{base}/{names[1]}", cleanup)


class RawLimit:
    """sha256 of each entry's bytes plus one executemany per batch into (seq, bytes)."""

    def __init__(self, url: str, synchronous: str) -> None:
        self.conn, param = raw_connect(url)
        self.sqlite = param == "?"
        if self.sqlite:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute(f"PRAGMA synchronous={synchronous}")
            self.conn.execute("CREATE TABLE raw (seq INTEGER PRIMARY KEY, bytes BLOB)")
        else:
            self.conn.execute("CREATE TABLE raw (seq BIGINT PRIMARY KEY, bytes BYTEA)")
            self.conn.commit()
        self.sql = f"INSERT INTO raw (seq, bytes) VALUES ({param}, {param})"

    def append(self, start: int, blobs: list[bytes]) -> None:
        """Hash and store one batch in one transaction."""
        sha256 = hashlib.sha256
        for blob in blobs:
            sha256(blob).digest()
        if self.sqlite:
            self.conn.execute("BEGIN IMMEDIATE")
        self.conn.cursor().executemany(self.sql, list(enumerate(blobs, start)))
        if self.sqlite:
            self.conn.execute("COMMIT")
        else:
            self.conn.commit()


class VerifyLimit:
    """The verify limit, run in slices from verify_log's progress callback (every 10,000).

    Each slice reads the same entries the project just verified, in the same
    5,000-row chunks ``SqlLedger.iter_entries`` uses, and hashes each entry's bytes
    once. Its time is taken out of the project's, so both see the same machine load.
    """

    def __init__(self, url: str, chunk: int) -> None:
        self.conn, param = raw_connect(url)
        self.chunk = chunk
        self.sql = (
            "SELECT entry_bytes FROM ledger_entries "
            f"WHERE seq >= {param} AND seq < {param} ORDER BY seq"
        )
        self.done = 0
        self.seconds = self.cpu_seconds = 0.0
        self.mark = time.perf_counter()
        self.slices: list[tuple[int, float, float]] = []  # (entries, project s, limit s)

    def __call__(self, done: int) -> None:
        """Progress callback: close the project's slice, run the limit over it."""
        started, cpu = time.perf_counter(), time.process_time()
        sha256, count = hashlib.sha256, 0
        for low in range(self.done, done, self.chunk):
            for (raw,) in self.conn.execute(self.sql, (low, min(low + self.chunk, done))):
                sha256(raw).digest()
                count += 1
        if count != done - self.done:
            raise SystemExit(f"limit read {count} entries of {done - self.done}")
        ended = time.perf_counter()
        self.cpu_seconds += time.process_time() - cpu
        self.slices.append((count, started - self.mark, ended - started))
        self.seconds += ended - started
        self.done, self.mark = done, ended


def peak_rss_mb() -> float:
    """Return this process's own peak RSS (VmHWM; ru_maxrss would count the parent's pre-exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
