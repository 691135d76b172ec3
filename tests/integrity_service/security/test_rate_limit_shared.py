"""The API rate limit counts in memory shared by processes forked from one app.

Gunicorn with ``preload_app`` forks its workers from the master that created the
app; here the test process creates the app and forks children from it, which
send requests through their own ``app.test_client()``. Every child is ended by
its id at the test's end.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import select
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from integrity_service.limits import _ApiRateLimit
from integrity_service.shared_counts import SharedCounts
from tests.integrity_service.api.factories import assert_problem, bearer, make_token
from tests.integrity_service.security.conftest import rate_limited_app

PATH = "/api/v1/findings"
Result = list[list[object]]  # (status, Retry-After) of each request
Child = tuple[int, int]  # a forked child's id, and the end of the pipe it answers on


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose API accepts 10 requests a minute per caller."""
    with rate_limited_app(tmp_path, "10 per minute") as app:
        yield app


@pytest.fixture
def children() -> Iterator[list[int]]:
    """Collect the ids of the processes a test forks; kill and reap any left at its end."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def fork(children: list[int], work: Callable[[], object]) -> Child:
    """Fork a child that runs ``work`` and writes its result as JSON to a pipe.

    The child never returns into pytest: it leaves with ``os._exit``.
    """
    assert threading.active_count() == 1, "no thread may run while the test forks"
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_fd)
            os.write(write_fd, json.dumps(work()).encode())
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    children.append(pid)
    os.close(write_fd)
    return pid, read_fd


def read_some(fd: int, deadline: float) -> bytes:
    """Read what is in the pipe now (b"" at its end); fail if nothing comes before deadline."""
    ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
    assert ready, "a child did not answer in time"
    return os.read(fd, 65536)


def result(children: list[int], child: Child, seconds: float = 10.0) -> Result:
    """Read a child's JSON result to the pipe's end, and reap the child."""
    pid, fd = child
    deadline = time.monotonic() + seconds
    data = b""
    while chunk := read_some(fd, deadline):
        data += chunk
    os.close(fd)
    children.remove(pid)
    assert os.waitpid(pid, 0)[1] == 0, "the child failed (its traceback is on stderr)"
    return json.loads(data)


def in_child(app: Flask) -> None:
    """What gunicorn's post_fork does: no database connection crosses the fork."""
    app.extensions["integrity_engine"].dispose(close=False)


def spend(app: Flask, count: int, **kwargs: Any) -> Result:
    """Send ``count`` API requests; return each answer's status and Retry-After."""
    client = app.test_client()
    answers = [client.get(PATH, **kwargs) for _ in range(count)]
    return [[a.status_code, a.headers.get("Retry-After")] for a in answers]


def statuses(answers: Result) -> list[object]:
    """Return the statuses of the answers."""
    return [status for status, _retry in answers]


def limit_of(app: Flask) -> _ApiRateLimit:
    """Return the app's API rate limit."""
    return app.extensions["integrity_api_rate_limit"]


def test_forked_processes_share_one_count(limited_app: Flask, children: list[int]) -> None:
    headers = bearer(make_token(limited_app, "auditor"))
    gate_read, gate_write = os.pipe()

    def worker() -> Result:
        in_child(limited_app)
        os.read(gate_read, 1)  # both start together, so that their requests interleave
        return spend(limited_app, 8, headers=headers)

    pair = [fork(children, worker), fork(children, worker)]
    os.write(gate_write, b"go")
    first, second = (result(children, child) for child in pair)
    os.close(gate_read)
    os.close(gate_write)
    answers = first + second
    assert sorted(statuses(answers)) == [200] * 10 + [429] * 6
    for status, retry in answers:
        if status == 429:
            assert isinstance(retry, str) and retry.isdigit() and 0 < int(retry) <= 61
        else:
            assert retry is None
    # Counts only grow within a window: from the first refusal in a process, it refuses
    # every later request too.
    # (One process may finish all its requests before the other starts: no refusal then.)
    for answers_of_one in (first, second):
        codes = statuses(answers_of_one)
        if 429 in codes:
            refused = codes.index(429)
            assert codes[refused:] == [429] * (8 - refused)
    # The creating process counts in the same table.
    assert statuses(spend(limited_app, 1, headers=headers)) == [429]
    problem = assert_problem(limited_app.test_client().get(PATH, headers=headers), 429)
    assert "Retry-After" in problem["detail"]


def test_a_child_killed_holding_the_lock_does_not_block(
    limited_app: Flask, children: list[int]
) -> None:
    headers = bearer(make_token(limited_app, "auditor"))
    table = limit_of(limited_app).table
    assert statuses(spend(limited_app, 1, headers=headers)) == [200]

    ready_read, ready_write = os.pipe()

    def hold_the_lock() -> None:
        with table.thread_lock:
            table._acquire()
            os.write(ready_write, b"L")
            time.sleep(60)  # killed long before

    pid, pipe = fork(children, hold_the_lock)
    os.close(ready_write)
    assert read_some(ready_read, time.monotonic() + 10) == b"L"
    # The child holds the lock: this process cannot take it now.
    with pytest.raises(OSError):
        fcntl.lockf(table.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.kill(pid, signal.SIGKILL)
    assert os.waitpid(pid, 0)[1] & 0x7F == signal.SIGKILL
    children.remove(pid)
    os.close(pipe)
    os.close(ready_read)
    started = time.monotonic()
    assert statuses(spend(limited_app, 1, headers=headers)) == [200]
    assert time.monotonic() - started < 1.0


def address(ip: str) -> dict[str, object]:
    """Keyword arguments of a request without a token from the address ``ip``."""
    return {"environ_base": {"REMOTE_ADDR": ip}}


def test_a_full_table_counts_per_process(
    limited_app: Flask, children: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    # A table of two slots: two callers share counts, any more count per process.
    limited_app.extensions["integrity_api_rate_limit"] = _ApiRateLimit(
        "2 per minute", SharedCounts(slots=2)
    )
    limited_app.config["API_RATE_LIMIT"] = "2 per minute"
    a, b, c = address("10.0.0.1"), address("10.0.0.2"), address("10.0.0.3")
    assert statuses(spend(limited_app, 1, **a) + spend(limited_app, 1, **b)) == [401, 401]

    def worker() -> Result:
        in_child(limited_app)
        return spend(limited_app, 3, **c) + spend(limited_app, 2, **a)

    answers = result(children, fork(children, worker))
    # c has no slot: counted in the child alone; a is counted with the parent's request.
    assert statuses(answers) == [401, 401, 429, 401, 429]
    assert answers[2][1] is not None and answers[4][1] is not None
    with caplog.at_level(logging.WARNING, logger="integrity_service.limits"):
        assert statuses(spend(limited_app, 3, **c)) == [401, 401, 429]
        assert statuses(spend(limited_app, 3, **address("10.0.0.4"))) == [401, 401, 429]
    assert statuses(spend(limited_app, 1, **a) + spend(limited_app, 1, **b)) == [429, 401]
    warnings = [r for r in caplog.records if r.name == "integrity_service.limits"]
    assert len(warnings) == 1 and "full" in warnings[0].getMessage()


def test_callers_do_not_share_counts(limited_app: Flask, children: list[int]) -> None:
    spent, other = bearer(make_token(limited_app, "auditor")), bearer(make_token(limited_app))

    def worker() -> Result:
        in_child(limited_app)
        return spend(limited_app, 11, headers=spent)

    assert statuses(result(children, fork(children, worker))) == [200] * 10 + [429]
    assert statuses(spend(limited_app, 1, headers=spent)) == [429]
    assert statuses(spend(limited_app, 10, headers=other)) == [200] * 10
    assert statuses(spend(limited_app, 10, **address("10.0.0.9"))) == [401] * 10
    assert statuses(spend(limited_app, 1, headers=other)) == [429]


def test_the_window_resets_when_it_ends(limited_app: Flask, children: list[int]) -> None:
    limited_app.config["API_RATE_LIMIT"] = "3 per 1 second; 5 per minute"
    headers = bearer(make_token(limited_app, "auditor"))
    now = [1000.0]
    limit_of(limited_app).clock = lambda: now[0]
    assert spend(limited_app, 4, headers=headers) == [[200, None]] * 3 + [[429, "1"]]
    now[0] += 1.1  # the second's window ended: it opens anew; the minute's did not

    def worker() -> Result:
        in_child(limited_app)
        return spend(limited_app, 2, headers=headers)

    assert result(children, fork(children, worker)) == [[200, None], [429, "59"]]
    now[0] += 29.0
    assert spend(limited_app, 1, headers=headers) == [[429, "30"]]
    now[0] += 30.0
    assert statuses(spend(limited_app, 4, headers=headers)) == [200, 200, 200, 429]


def test_a_changed_limit_starts_counting_afresh(limited_app: Flask) -> None:
    headers = bearer(make_token(limited_app, "auditor"))
    assert statuses(spend(limited_app, 11, headers=headers))[-2:] == [200, 429]
    limited_app.config["API_RATE_LIMIT"] = "2 per minute"
    assert statuses(spend(limited_app, 3, headers=headers)) == [200, 200, 429]
    limited_app.config["API_RATE_LIMIT"] = "10 per minute"
    assert statuses(spend(limited_app, 1, headers=headers)) == [200]


def test_the_table_reuses_the_slots_of_ended_windows() -> None:
    table = SharedCounts(slots=2)
    first, second, third = (bytes([n]) * 16 for n in (1, 2, 3))
    assert table.hit([(first, 10.0), (second, 5.0)], 100.0) == [(110.0, 1), (105.0, 1)]
    assert table.hit([(first, 10.0), (third, 10.0)], 101.0) == [(110.0, 2), None]
    # second's window ended at 105: third takes its slot, and second has none now.
    assert table.hit([(third, 10.0), (second, 5.0)], 105.0) == [(115.0, 1), None]
    assert table.hit([(first, 10.0)], 106.0) == [(110.0, 3)]
    assert table.hit([(second, 5.0), (first, 10.0)], 110.0) == [(115.0, 1), None]
    table.clear()
    assert table.hit([(first, 10.0)], 111.0) == [(121.0, 1)]
