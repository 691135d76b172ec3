"""Faults under a stream of API writes: killed workers and servers, a full disk, cut connections.

Each test runs the service under gunicorn on a loopback port, drives a few
client threads of writes (each with an Idempotency-Key) for a few seconds,
injects the fault, and then checks what an integrity service owes its
clients: the ledger verifies and the projections rebuild, every write whose
client got a receipt is stored once at that receipt's seq and commitment, a
batch is whole or absent, and resending the unacknowledged writes with their
keys records each exactly once. Every process started is ended in teardown.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bench.live_service import LiveService
from tests.conftest import POSTGRES_URL, _postgres_schema_url
from tests.integrity_service.ops.conftest import (
    Template,
    cli,
    copy_service,
    prepare_in_process,
)
from tests.integrity_service.ops.writes import (
    Write,
    WriteStream,
    assert_acknowledged_present_once,
    assessment_write,
    check_write,
    ledger_size,
    send,
    stored_contents,
)

pytestmark = pytest.mark.slow


def mixed_writes(template: Template, tag: str) -> Callable[[int, int], Write]:
    """Return a maker of writes: mostly placement checks, every fourth an assessment batch."""
    today = date.today().isoformat()

    def make(client: int, index: int) -> Write:
        if index % 4 == 3:
            return assessment_write(f"CACT {tag}")
        pair = template.pairs[(client * 37 + index) % len(template.pairs)]
        return check_write(pair, f"{tag}-{client}-{index}", today)

    return make


def wait_for(condition: Callable[[], bool], *, limit_s: float, what: str) -> None:
    """Wait until the condition holds; fail after ``limit_s`` seconds."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit_s} s waiting for {what}")
        time.sleep(0.05)


def assert_ledger_sound(service: LiveService) -> None:
    """Sign a checkpoint, then require ``verify`` and ``rebuild`` to pass."""
    cli(service, "checkpoint")
    assert "OK" in cli(service, "verify")
    assert "0 difference(s)" in cli(service, "rebuild")


def settle(service: LiveService, writes: list[Write], size_before: int) -> dict[str, int]:
    """Check the ledger after the fault, resend the unacknowledged writes, check again."""
    assert_ledger_sound(service)
    outcome = assert_acknowledged_present_once(
        writes, stored_contents(service.database_url, size_before)
    )
    for write in writes:
        if not write.acknowledged:
            send(service.port, service.token, write)
            assert write.acknowledged, write.errors[-1:]
    # Now every write is acknowledged, so each is stored exactly once at its receipt.
    after = assert_acknowledged_present_once(
        writes, stored_contents(service.database_url, size_before)
    )
    assert not after
    assert_ledger_sound(service)
    return {
        "writes": len(writes),
        "acknowledged_first_time": sum(1 for w in writes if w.acknowledged and not w.errors),
        "failed_then_resent": sum(1 for w in writes if w.errors),
        "answered_by_replay": sum(1 for w in writes if w.replayed),
        **outcome,
    }


def test_worker_killed_mid_stream(service_template: Template, service: LiveService) -> None:
    service.start(workers=3)
    size_before = ledger_size(service.database_url)
    killed = []
    with WriteStream(service.port, service.token, mixed_writes(service_template, "wk")) as stream:
        wait_for(lambda: stream.acknowledged_count() >= 20, limit_s=30, what="first writes")
        for _ in range(3):
            killed.append(service.kill_worker())
            time.sleep(0.4)
        after_kills = stream.acknowledged_count()
        wait_for(
            lambda: stream.acknowledged_count() >= after_kills + 20,
            limit_s=30,
            what="writes after the kills (the master restarts workers)",
        )
    assert not set(killed) & set(service.worker_pids())
    print("worker kill:", settle(service, stream.writes, size_before))


def test_server_killed_mid_stream(service_template: Template, service: LiveService) -> None:
    service.start(workers=3)
    size_before = ledger_size(service.database_url)
    with WriteStream(service.port, service.token, mixed_writes(service_template, "sk")) as stream:
        wait_for(lambda: stream.acknowledged_count() >= 20, limit_s=30, what="first writes")
        service.kill_server()  # master and workers at once, mid-write
        time.sleep(0.3)  # clients meet a closed port
        service.start(workers=3, port=service.port)
        restarted = stream.acknowledged_count()
        wait_for(
            lambda: stream.acknowledged_count() >= restarted + 20,
            limit_s=30,
            what="writes after the restart",
        )
    print("server kill:", settle(service, stream.writes, size_before))


def _sequential_until_refused(
    service: LiveService, make: Callable[[], Write], *, limit: int
) -> tuple[list[Write], Write]:
    """Send writes one by one until one is refused; return the accepted ones and the refused."""
    accepted = []
    for _ in range(limit):
        write = make()
        send(service.port, service.token, write)
        if not write.acknowledged:
            return accepted, write
        accepted.append(write)
    raise AssertionError(f"{limit} writes were all accepted: the database never became full")


def _assert_storage_full(write: Write) -> None:
    assert write.status == 503, write.errors
    assert write.problem is not None
    assert write.problem["title"] == "Storage full"
    assert "no space left" in write.problem["detail"]


def test_database_full_by_page_cap(service: LiveService) -> None:
    """SQLITE_MAX_PAGE_COUNT: full means 503 "Storage full", nothing torn; more room heals it."""
    with sqlite3.connect(service.workdir / "integrity.db") as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    service.config["SQLITE_MAX_PAGE_COUNT"] = pages + 60
    service.start(workers=2)
    size_before = ledger_size(service.database_url)
    accepted, refused = _sequential_until_refused(
        service, lambda: assessment_write("CACT penuh", size=10), limit=200
    )
    _assert_storage_full(refused)
    again = assessment_write("CACT penuh", size=10)
    send(service.port, service.token, again)
    _assert_storage_full(again)  # still full: the refused write left nothing behind
    assert service.get("/healthz")[0] == 200  # reads still work
    service.stop()
    service.config["SQLITE_MAX_PAGE_COUNT"] = pages * 4  # the operator makes room
    service.start(workers=2)
    print("page cap:", settle(service, [*accepted, refused, again], size_before))


def _fill(directory: Path, *, leave: int) -> Path:
    """Write a filler file until the filesystem is full, then free ``leave`` bytes of it."""
    filler = directory / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        handle.truncate(max(0, handle.tell() - leave))
    return filler


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a size-limited tmpfs needs root")
def test_disk_full_on_small_filesystem(
    service_template: Template, tmp_path: Path, live_services: list[LiveService]
) -> None:
    """The database's filesystem fills up: 503 "Storage full"; deleting a file heals it."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        shutil.copy2(service_template.workdir / "integrity.db", disk / "integrity.db")
        service = copy_service(service_template, tmp_path / "svc")
        service.database_url = f"sqlite:///{disk / 'integrity.db'}"
        live_services.append(service)
        service.start(workers=2)
        size_before = ledger_size(service.database_url)
        filler = _fill(disk, leave=512 * 1024)  # room for a few writes, then full
        accepted, refused = _sequential_until_refused(
            service, lambda: assessment_write("CACT disk", size=10), limit=400
        )
        _assert_storage_full(refused)
        filler.unlink()  # space is freed: no restart needed
        print("disk full:", settle(service, [*accepted, refused], size_before))
        service.stop()
    finally:
        for service in live_services:
            service.stop()
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.fixture
def postgres_schema_url() -> Any:
    """Yield the URL of a fresh PostgreSQL schema (skip without INTEGRITY_TEST_POSTGRES_URL)."""
    if not POSTGRES_URL:
        pytest.skip("INTEGRITY_TEST_POSTGRES_URL is not set: PostgreSQL fault test skipped")
    yield from _postgres_schema_url(POSTGRES_URL)


@pytest.mark.postgres
def test_postgres_connections_cut_mid_stream(
    postgres_schema_url: str, tmp_path: Path, live_services: list[LiveService]
) -> None:
    """pg_terminate_backend on the app's connections, repeatedly: 503s or receipts, no loss."""
    name = f"integrity-fault-{uuid.uuid4().hex[:8]}"
    url = f"{postgres_schema_url}&application_name={name}"
    service = LiveService(tmp_path / "svc", database_url=url)
    live_services.append(service)
    prepare_in_process(service)
    service.start(workers=3)
    size_before = ledger_size(url)
    admin = create_engine(POSTGRES_URL or "", isolation_level="AUTOCOMMIT")
    cut = 0

    def terminate(rounds: int) -> None:
        nonlocal cut
        with admin.connect() as conn:
            for _ in range(rounds):
                cut += len(
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = :name"
                        ),
                        {"name": name},
                    ).all()
                )
                time.sleep(0.2)

    try:
        with WriteStream(
            service.port, service.token, lambda c, i: assessment_write(f"CACT {name}", size=3)
        ) as stream:
            wait_for(lambda: stream.acknowledged_count() >= 10, limit_s=30, what="first writes")
            terminator = threading.Thread(target=terminate, args=(15,))
            terminator.start()
            terminator.join(timeout=60)
            after_cuts = stream.acknowledged_count()
            wait_for(
                lambda: stream.acknowledged_count() >= after_cuts + 20,
                limit_s=30,
                what="writes after the cuts (recovery without a restart)",
            )
    finally:
        admin.dispose()
    assert cut > 0
    errors = [error for w in stream.writes for error in w.errors]
    # A client whose connection was cut mid-write is told so: a 503 problem, never a 500.
    assert all(error.startswith("503 ") for error in errors), errors[:3]
    print(f"postgres cuts ({cut} connections ended):", settle(service, stream.writes, size_before))
    with contextlib.suppress(Exception):
        service.stop()
