"""API load benchmark: the service under gunicorn, driven by concurrent HTTP clients.

Run from the repository root::

    .venv/bin/python bench/api_load.py                       # 20 s, closed loop, 16 clients
    .venv/bin/python bench/api_load.py --mix check=1 --rate 300 --duration 20

A fresh SQLite database in a temporary directory gets the demo data (``flask
demo``) and a bkpsdm token (``flask create-token``); gunicorn serves it on a
free loopback port. Clients (asyncio, aiohttp) then send a mix of placement
checks (each one is a ledger write), placement records, assessment batches,
inclusion proofs and checkpoint fetches for ``--duration`` seconds, every
write with its own ``Idempotency-Key``. ``--rate 0`` (default) is a closed
loop: each client sends its next request when the last one is answered, which
measures the capacity. ``--rate R`` is an open loop: R requests per second
arrive on a schedule, at most ``--clients`` in flight, and each latency is
counted from the request's scheduled time, so queueing is not hidden.

After the run the server is stopped, a checkpoint signed, ``flask verify``
and ``flask rebuild`` run, and the entries appended during the run are counted
by type against the acknowledged writes; every receipt's seq and commitment
must be the stored ones. Human-readable lines come first; the last line is a
JSON object (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import lean_http
from bench.api_mix import DEFAULT_MIX, Request, Workload, make_request, parse_mix, read_workload
from bench.lean_http import HttpError, build_request, exchange
from bench.live_service import LiveService
from bench.load_tally import Tally, summarise, timeline_lines

__all__ = ["DEFAULT_MIX", "Tally", "drive", "ledger_check", "read_workload"]


def say(text: str) -> None:
    """Print one progress line now."""
    print(text, flush=True)


async def _send(
    server: tuple[str, int],
    token: str,
    request: Request,
    tally: Tally,
    started: float,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    if request.method == "POST":
        headers["Idempotency-Key"] = uuid.uuid4().hex
    host, port = server
    payload = build_request(request.method, f"{host}:{port}", request.path, headers, request.body)
    status, answer = 0, None
    try:
        status, body = await exchange(host, port, payload, timeout=30)
        answer = json.loads(body) if request.entries and status == request.expected else body
    except (TimeoutError, OSError, HttpError) as exc:
        answer = repr(exc)
    tally.record(request, time.perf_counter() - started, status, answer)


async def drive(
    base: str,
    token: str,
    workload: Workload,
    mix: dict[str, int],
    *,
    duration: float,
    clients: int,
    rate: float,
    seed: int,
) -> Tally:
    """Send the mix for ``duration`` seconds: a closed loop of clients, or an open loop."""
    rng = random.Random(seed)
    operations, weights = list(mix), list(mix.values())
    tally = Tally()
    split = urlsplit(base)
    server = (split.hostname or "127.0.0.1", split.port or 80)
    deadline = time.perf_counter() + duration

    def next_request() -> Request:
        return make_request(rng.choices(operations, weights)[0], workload, rng)

    if rate <= 0:

        async def client() -> None:
            while time.perf_counter() < deadline:
                await _send(server, token, next_request(), tally, time.perf_counter())

        await asyncio.gather(*(client() for _ in range(clients)))
        return tally
    slots = asyncio.Semaphore(clients)
    pending: set[asyncio.Task[None]] = set()
    scheduled = time.perf_counter()
    while scheduled < deadline:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        await slots.acquire()  # latency still counts from the scheduled time
        task = asyncio.create_task(_send(server, token, next_request(), tally, scheduled))
        task.add_done_callback(lambda _t: slots.release())
        pending.add(task)
        task.add_done_callback(pending.discard)
        scheduled += rng.expovariate(rate)
    await asyncio.gather(*pending)
    return tally


def ledger_check(
    service: LiveService,
    size_before: int,
    tally: Tally,
    *,
    cli: Callable[..., str] | None = None,
) -> dict[str, Any]:
    """Verify the ledger and compare its new entries with the acknowledged writes.

    ``audit`` replays every check and decision at its seq and compares the findings,
    so a check answered from facts read before the write lock is checked too.
    ``cli`` runs a flask command and returns its output (default: a subprocess).
    """
    run = cli or (lambda *args: service.flask(*args, check=False))
    run("checkpoint")
    verify = run("verify")
    rebuild = run("rebuild")
    audit = run("audit")
    db_path = service.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(db_path) as conn:
        stored = Counter(
            dict(
                conn.execute(
                    "SELECT type, count(*) FROM ledger_entries WHERE seq >= ? GROUP BY type",
                    (size_before,),
                ).fetchall()
            )
        )
        commitments = dict(
            conn.execute(
                "SELECT seq, commitment FROM ledger_entries WHERE seq >= ?", (size_before,)
            )
        )
    mismatched = [
        seq
        for seq, text in tally.receipts
        if base64.b64encode(commitments.get(seq, b"")).decode() != text
    ]
    return {
        "verify_ok": "OK" in verify.splitlines()[-1] if verify else False,
        "rebuild_ok": rebuild.strip().endswith(
            "0 difference(s) between the projections and the ledger"
        ),
        "audit_ok": "DIFF" not in audit and "no difference" in audit,
        "acknowledged": dict(tally.acknowledged),
        "stored": dict(stored),
        "exact": stored == tally.acknowledged,
        "receipts_checked": len(tally.receipts),
        "receipts_mismatched": len(mismatched),
    }


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Prepare the service, drive the load, verify; return the result object."""
    mix = parse_mix(args.mix)
    service = LiveService(workdir)
    say(f"preparing demo data in {workdir} ...")
    service.prepare()
    workload = read_workload(workdir / "integrity.db")
    with sqlite3.connect(workdir / "integrity.db") as conn:
        size_before = conn.execute("SELECT count(*) FROM ledger_entries").fetchone()[0]
    with service:
        service.start(workers=args.workers, threads=args.threads)
        say(
            f"gunicorn: {args.workers} workers x {args.threads} threads at {service.base_url}; "
            f"{'closed loop' if args.rate <= 0 else f'open loop at {args.rate}/s'}, "
            f"{args.clients} clients, {args.duration} s, mix {mix}"
        )

        def load(duration: float, seed: int) -> Tally:
            return lean_http.run(
                drive(
                    service.base_url,
                    service.token,
                    workload,
                    mix,
                    duration=duration,
                    clients=args.clients,
                    rate=args.rate,
                    seed=seed,
                )
            )

        warm = Tally()
        if args.warmup > 0:
            warm = load(args.warmup, args.seed + 1)
            warm_all = [v for values in warm.latencies.values() for v in values]
            warmup = summarise(warm_all, sum(warm.errors.values()), args.warmup)
            say(
                f"  warm-up ({args.warmup} s, not in the figures below): {warmup['per_s']}/s, "
                f"p50 {warmup['p50_ms']} p99 {warmup['p99_ms']} ms, errors {warmup['errors']}"
            )
        load_before = os.getloadavg()[0]
        server_cpu = service.server_cpu_seconds()
        client_cpu = time.process_time()
        started = time.perf_counter()
        tally = load(args.duration, args.seed)
        seconds = time.perf_counter() - started
        server_cpu = service.server_cpu_seconds() - server_cpu
        client_cpu = time.process_time() - client_cpu
        load_after = os.getloadavg()[0]
    operations = {
        name: summarise(values, tally.errors[name], seconds)
        for name, values in sorted(tally.latencies.items())
    }
    every = [v for values in tally.latencies.values() for v in values]
    overall = summarise(every, sum(tally.errors.values()), seconds)
    for name, numbers in [*operations.items(), ("overall", overall)]:
        say(
            f"  {name:12} {numbers['per_s']:8.1f}/s  p50 {numbers['p50_ms']:6.1f}  "
            f"p95 {numbers['p95_ms']:6.1f}  p99 {numbers['p99_ms']:6.1f} ms  "
            f"errors {numbers['errors']}"
        )
    answered = max(1, overall["requests"])
    cpu = {
        "server_cpu_s": round(server_cpu, 2),
        "client_cpu_s": round(client_cpu, 2),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / answered, 2),
    }
    say(
        f"  CPU: server {cpu['server_cpu_s']} s ({cpu['server_cpu_ms_per_request']} ms per "
        f"request), load client {cpu['client_cpu_s']} s; loadavg {load_before:.1f} -> "
        f"{load_after:.1f} on {os.cpu_count()} CPUs"
    )
    if args.timeline:
        for line in timeline_lines(tally.timeline, started):
            say(line)
    for sample in warm.error_samples + tally.error_samples:
        say(f"  error: {sample}")
    say("verifying the ledger (checkpoint, verify, rebuild, counts by type) ...")
    ledger = ledger_check(service, size_before, warm.joined(tally))
    say(
        f"  verify {'OK' if ledger['verify_ok'] else 'FAILED'}, rebuild "
        f"{'OK' if ledger['rebuild_ok'] else 'FAILED'}, audit "
        f"{'OK' if ledger['audit_ok'] else 'FAILED'}, acknowledged == stored: "
        f"{ledger['exact']} {ledger['stored']}"
    )
    warm_every = [v for values in warm.latencies.values() for v in values]
    return {
        "workers": args.workers,
        "threads": args.threads,
        "clients": args.clients,
        "rate": args.rate,
        "duration_s": round(seconds, 2),
        "mix": mix,
        "cpus": os.cpu_count(),
        "loadavg_start": load_before,
        "loadavg_end": load_after,
        "warmup": summarise(warm_every, sum(warm.errors.values()), args.warmup or 1),
        "operations": operations,
        "overall": overall,
        "cpu": cpu,
        "ledger": ledger,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 if any request failed or the ledger does not check out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="seconds of the same load before the measured run (its writes are verified too)",
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rate", type=float, default=0.0, help="requests/s; 0: closed loop")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mix", default="", help="e.g. check=60,proof=20 (default: see top)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--timeline", action="store_true", help="print latencies per second")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args(argv)
    if args.keep:
        result = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="api-load-") as tmp:
            result = run(args, Path(tmp))
    print(json.dumps(result))
    ledger = result["ledger"]
    good = ledger["verify_ok"] and ledger["rebuild_ok"] and ledger["audit_ok"] and ledger["exact"]
    errors = result["overall"]["errors"] + result["warmup"]["errors"]
    return 0 if good and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
