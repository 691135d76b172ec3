"""Ledger benchmark: the project's append, proof and verify rates beside measured raw limits.

Run from the repository root (see bench/README.md)::

    .venv/bin/python bench/ledger_bench.py --entries 10000
    .venv/bin/python bench/ledger_bench.py --entries 1000000 [--db postgres] [--batch 1000]

One run appends ``--entries`` assessment results through the real write path
(``db.write_session`` + ``SqlLedger.append``), interleaving each batch with the
raw limit on the same canonical bytes (sha256 + ``executemany`` of ``(seq, bytes)``
into a fresh table, same journal mode, synchronous level and batch size). It then
times random inclusion and consistency proofs (a sample checked with
``ledger.proofs``), and runs ``verify_log`` in a child process (its own peak RSS),
with the verify limit (the same chunked reads of the entry bytes, each hashed once)
interleaved every 10,000 entries. Progress lines come first; the last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ledger_limits import RawLimit, Target, VerifyLimit, peak_rss_mb, postgres_target, sqlite_target
from sqlalchemy.orm import sessionmaker

from integrity_service import db, models  # noqa: F401  (registers every table)
from integrity_service.ledger_store import _CHUNK as VERIFY_CHUNK
from integrity_service.ledger_store import SqlLedger
from ledger.append import Draft
from ledger.hashing import commitment, leaf_hash
from ledger.note import NoteSigner, NoteVerifier
from ledger.proofs import verify_consistency, verify_inclusion
from ledger.verify import verify_log

ORIGIN = "bench.example.go.id/ledger"
COMPETENCIES = ("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "SC01")
CATEGORIES = ("Sangat Potensial", "Potensial", "Cukup Potensial", "Kurang Potensial")
RATINGS = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
NAMES = ("Siti Rahmawati", "Agus Setiawan", "Dewi Lestari", "Budi Santoso", "Rina Kurniasih")
POOL = 4096  # distinct bodies, reused cyclically (seq, prev and salt differ per entry)


def say(text: str) -> None:
    """Print one progress line now."""
    print(text, flush=True)


def make_body(rng: random.Random) -> dict[str, Any]:
    """Return a realistic assessment result body (nip, name, 9 levels, category, rating)."""
    year = rng.randint(1965, 1999)
    nip = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{year + rng.randint(20, 30)}"
    nip += f"{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
    return {
        "nip": nip,
        "name": rng.choice(NAMES),
        "competencies": {code: rng.randint(1, 5) for code in COMPETENCIES},
        "potential_category": rng.choice(CATEGORIES),
        "performance_rating": rng.choice(RATINGS),
    }


# -- phases ------------------------------------------------------------------------------


def append_phase(
    args: argparse.Namespace, target: Target, factory: Any, signer: NoteSigner
) -> dict:
    """Append through the project and through the raw limit, batch by batch, interleaved."""
    rng = random.Random(args.seed)
    pool = [make_body(rng) for _ in range(POOL)]
    limit = RawLimit(target.limit_url, args.synchronous)
    project_s = limit_s = sign_s = 0.0
    ratios: list[float] = []
    done = total_bytes = 0
    while done < args.entries:
        count = min(args.batch, args.entries - done)
        drafts = [
            Draft("assessment.recorded", "bkpsdm-operator", pool[(done + i) % POOL])
            for i in range(count)
        ]
        t0 = time.perf_counter()
        with db.write_session(factory) as session:
            prepared = SqlLedger(session).append(drafts)
        t1 = time.perf_counter()
        blobs = [p.entry_bytes for p in prepared]
        t2 = time.perf_counter()
        limit.append(done, blobs)
        t3 = time.perf_counter()
        project_s += t1 - t0
        limit_s += t3 - t2
        ratios.append((t3 - t2) / (t1 - t0))
        total_bytes += sum(map(len, blobs))
        done += count
        if done % args.checkpoint_every == 0 or done == args.entries:
            t4 = time.perf_counter()
            with db.write_session(factory) as session:
                SqlLedger(session).sign_checkpoint(signer)
            sign_s += time.perf_counter() - t4
        if done % args.report_every == 0 or done == args.entries:
            say(
                f"append {done:>9}: project {done / project_s:8.0f}/s  "
                f"limit {done / limit_s:8.0f}/s  ratio {limit_s / project_s:.3f}"
            )
    limit.conn.close()
    return {
        "append_per_s": args.entries / project_s,
        "append_limit_per_s": args.entries / limit_s,
        "append_ratio_to_limit": limit_s / project_s,
        "append_batch_ratio_median": statistics.median(ratios),
        "entry_bytes_mean": total_bytes / args.entries,
        "checkpoint_sign_s": sign_s,
    }


def proof_phase(args: argparse.Namespace, factory: Any) -> dict:
    """Time random inclusion and consistency proofs; check a sample of each."""
    rng = random.Random(args.seed + 1)
    session = factory()
    ledger = SqlLedger(session)
    size = ledger.size()
    checkpoints = ledger.checkpoints()
    if checkpoints[-1].size != size:
        raise SystemExit("no checkpoint at the full size")
    indices = [rng.randrange(size) for _ in range(args.proofs)]
    t0, c0 = time.perf_counter(), time.process_time()
    proofs = [ledger.inclusion_proof(index, size) for index in indices]
    inclusion_s, inclusion_cpu = time.perf_counter() - t0, time.process_time() - c0
    for index, proof in list(zip(indices, proofs, strict=True))[: args.check]:
        row = ledger.entry(index)
        if row is None or row.entry_bytes is None:
            raise SystemExit(f"entry {index} is missing")
        leaf = leaf_hash(commitment(row.entry_bytes))
        verify_inclusion(
            index=index, size=size, leaf_hash=leaf, proof=proof, root=checkpoints[-1].root
        )
    pairs = [sorted((rng.randint(1, size), rng.randint(1, size))) for _ in range(args.proofs)]
    t0, c0 = time.perf_counter(), time.process_time()
    for old, new in pairs:
        ledger.consistency_proof(old, new)
    consistency_s, consistency_cpu = time.perf_counter() - t0, time.process_time() - c0
    # Signed roots (checked against the entries by verify_log) and random pairs.
    signed = [(c.size, c.root) for c in checkpoints]
    checks = [(a, b) for a in signed for b in signed if a[0] <= b[0]]
    checks += [((a, ledger.root(a)), (b, ledger.root(b))) for a, b in pairs[: args.check]]
    for (old, old_root), (new, new_root) in checks:
        proof = ledger.consistency_proof(old, new)
        verify_consistency(old_size=old, size=new, old_root=old_root, root=new_root, proof=proof)
    session.close()
    rates = {
        "inclusion_proofs_per_s": args.proofs / inclusion_s,
        "consistency_proofs_per_s": args.proofs / consistency_s,
        # Per second of this process's CPU: what a quiet machine would give.
        "inclusion_proofs_per_cpu_s": args.proofs / inclusion_cpu,
        "consistency_proofs_per_cpu_s": args.proofs / consistency_cpu,
    }
    say(
        f"proofs: inclusion {rates['inclusion_proofs_per_s']:.0f}/s "
        f"({rates['inclusion_proofs_per_cpu_s']:.0f}/cpu-s), consistency "
        f"{rates['consistency_proofs_per_s']:.0f}/s "
        f"({rates['consistency_proofs_per_cpu_s']:.0f}/cpu-s); verified "
        f"{min(args.check, args.proofs)} inclusion and {len(checks)} consistency proofs"
    )
    return rates


def child_verify(url: str, key: str) -> dict:
    """In a child: the project's verify_log over the stored log, its limit interleaved."""
    session = sessionmaker(db.make_engine(url))()
    ledger = SqlLedger(session)
    limit = VerifyLimit(url, VERIFY_CHUNK)
    t0 = limit.mark = time.perf_counter()
    c0 = time.process_time()
    report = verify_log(
        ledger.iter_entries(),
        ledger.checkpoints(),
        NoteVerifier.from_text(key),
        redacted=ledger.redacted_seqs(),
        progress=limit,
    )
    project_s = time.perf_counter() - t0 - limit.seconds
    project_cpu = time.process_time() - c0 - limit.cpu_seconds
    limit(report.entries_checked)  # the tail after the last progress call
    if not report.ok:
        raise SystemExit("verify failed: " + "; ".join(map(str, report.problems)))
    ratios = [lim / proj for count, proj, lim in limit.slices if count and proj > 0]
    return {
        "entries": report.entries_checked,
        "checkpoints": report.checkpoints_checked,
        "seconds": project_s,
        "limit_seconds": limit.seconds,
        "cpu_ratio": limit.cpu_seconds / project_cpu,
        "slice_ratio_median": statistics.median(ratios) if ratios else None,
        "peak_rss_mb": peak_rss_mb(),
    }


def verify_phase(args: argparse.Namespace, target: Target, key: str) -> dict:
    """Run verify (with its limit) in a child process, ``--repeat`` times; take medians."""
    command = [sys.executable, os.path.abspath(__file__), "--child", "--url", target.url]
    runs = []
    for _ in range(args.repeat):
        out = subprocess.run([*command, "--key", key], check=True, capture_output=True, text=True)
        run = json.loads(out.stdout.strip().splitlines()[-1])
        if run["entries"] != args.entries:
            raise SystemExit(f"verify checked {run['entries']} of {args.entries} entries")
        runs.append(run)
        say(
            f"verify: project {args.entries / run['seconds']:.0f}/s, limit "
            f"{args.entries / run['limit_seconds']:.0f}/s, ratio "
            f"{run['limit_seconds'] / run['seconds']:.3f} (slice median "
            f"{run['slice_ratio_median'] or 0:.3f}, CPU time {run['cpu_ratio']:.3f}); "
            f"peak RSS {run['peak_rss_mb']:.0f} MB; {run['checkpoints']} checkpoint roots"
        )
    verify_s = statistics.median(r["seconds"] for r in runs)
    limit_s = statistics.median(r["limit_seconds"] for r in runs)
    return {
        "verify_per_s": args.entries / verify_s,
        "verify_limit_per_s": args.entries / limit_s,
        "verify_ratio_to_limit": statistics.median(r["limit_seconds"] / r["seconds"] for r in runs),
        "verify_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        # The same ratio in process CPU time: less moved by other processes' load.
        "verify_cpu_ratio_to_limit": statistics.median(r["cpu_ratio"] for r in runs),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=1000, help="entries per transaction")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "INTEGRITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="an existing database to CREATE/DROP the bench databases from",
    )
    parser.add_argument("--synchronous", default="FULL", help="SQLite synchronous (as config)")
    parser.add_argument("--checkpoint-every", type=int, default=100000)
    parser.add_argument("--proofs", type=int, default=20000, help="proofs of each kind timed")
    parser.add_argument("--check", type=int, default=500, help="proofs of each kind verified")
    parser.add_argument("--repeat", type=int, default=3, help="verify runs (median is taken)")
    parser.add_argument("--seed", type=int, default=6962)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.report_every = max(args.batch, args.entries // 10 // args.batch * args.batch)
    return args


def main(argv: list[str] | None = None) -> None:
    """Run every phase and print the JSON line."""
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child_verify(args.url, args.key)))
        return
    started = time.perf_counter()
    target = sqlite_target() if args.db == "sqlite" else postgres_target(args.postgres_url)
    try:
        engine = db.make_engine(target.url, sqlite_synchronous=args.synchronous)
        db.Base.metadata.create_all(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        signer = NoteSigner.generate(ORIGIN)
        say(f"ledger bench: {args.entries} entries, batch {args.batch}, {args.db} ({target.url})")
        result: dict[str, Any] = {"entries": args.entries, "batch": args.batch, "db": args.db}
        result["loadavg_start"] = os.getloadavg()[0]
        result.update(append_phase(args, target, factory, signer))
        result.update(proof_phase(args, factory))
        engine.dispose()
        result.update(verify_phase(args, target, signer.verifier().to_text()))
        result["loadavg_end"] = os.getloadavg()[0]
        result["total_s"] = time.perf_counter() - started
    finally:
        target.cleanup()
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
