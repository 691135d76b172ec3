"""Benchmark: CSV assessment import through the real write path against a raw limit.

Usage: ``python bench/ingest_bench.py --rows 100000``. Prints progress lines,
then a JSON object as its last line with ``rows_per_s`` (validated, ledgered
and projected rows per second) and ``ratio_to_limit``: that rate over the rate
of the raw limit, which parses the same CSV with ``csv``, hashes each row with
hashlib and inserts the rows into one SQLite table with ``executemany``, in
the same run, on the same disk, with the same synchronous setting.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from integrity_service import create_app, db
from integrity_service.cli import initialise
from integrity_service.domain.csvfile import ASSESSMENT_COLUMNS, read_assessments_csv
from integrity_service.records import record_assessments

CATEGORIES = ("Sangat Potensial", "Potensial", "Cukup Potensial", "Kurang Potensial")
RATINGS = ("Sangat Baik", "Baik", "Butuh Perbaikan", "")
RANKS = ("III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")


def make_csv(rows: int, seed: int = 1) -> bytes:
    """Return a valid assessment CSV of ``rows`` distinct people."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ASSESSMENT_COLUMNS)
    start = date(1965, 1, 1)
    for n in range(rows):
        born = start + timedelta(days=n // 900)
        serial = n % 900 + 1
        nip = f"{born:%Y%m%d}{born.year + 25}0{1 + n % 9}{1 + n % 2}{serial:03d}"
        levels = [rng.randint(1, 5) for _ in range(9)]
        writer.writerow(
            [
                nip,
                f"Pegawai {n}",
                rng.choice(RANKS),
                f"Dinas {n % 40}",
                "Analis",
                "CACT Bench",
                "CACT",
                "2025-08-11",
                1 + n % 5,
                *levels,
                rng.choice(CATEGORIES),
                rng.choice(RATINGS),
            ]
        )
    return out.getvalue().encode()


def run_project(payload: bytes, folder: Path) -> float:
    """Import through the service's write path; return seconds."""
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{folder / 'p.db'}", "KEY_FILE": str(folder / "k.key")}
    )
    with app.app_context():
        initialise()
        started = time.perf_counter()
        results = read_assessments_csv(payload, today=date(2026, 1, 1))
        with db.write_session(db.sessions()) as session:
            record_assessments(session, results, actor="bench")
        elapsed = time.perf_counter() - started
    app.extensions["integrity_engine"].dispose()
    return elapsed


def run_limit(payload: bytes, folder: Path) -> float:
    """Parse with csv, hash each row, executemany into one table; return seconds."""
    conn = sqlite3.connect(folder / "limit.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE r (seq INTEGER PRIMARY KEY, digest BLOB, row TEXT)")
    started = time.perf_counter()
    reader = csv.reader(io.StringIO(payload.decode("utf-8")))
    next(reader)
    rows = []
    for seq, row in enumerate(reader):
        text = ",".join(row)
        rows.append((seq, hashlib.sha256(text.encode()).digest(), text))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO r VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    """Run the benchmark and print the JSON result last."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    payload = make_csv(args.rows)
    print(f"CSV of {args.rows} rows, {len(payload) / 1e6:.1f} MB", flush=True)
    project_times, limit_times = [], []
    for attempt in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            limit_times.append(run_limit(payload, Path(tmp)))
            project_times.append(run_project(payload, Path(tmp)))
        print(
            f"run {attempt + 1}: project {project_times[-1]:.2f} s, limit {limit_times[-1]:.2f} s",
            flush=True,
        )
    project, limit = statistics.median(project_times), statistics.median(limit_times)
    print(
        json.dumps(
            {
                "rows": args.rows,
                "rows_per_s": round(args.rows / project),
                "limit_rows_per_s": round(args.rows / limit),
                "ratio_to_limit": round(limit / project, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
