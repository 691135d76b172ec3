"""A stream of API writes from several client threads, and what the ledger must hold after.

Each write has its own ``Idempotency-Key`` and a content key that finds it in
the ledger whatever its seq: a placement check's ``decided_by`` (unique per
write) or the NIPs of an assessment batch. A write counts as acknowledged
only if its client received the receipt.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, text

CODES = ("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "SC01")
_people = itertools.count(1)


@dataclass
class Write:
    """One write: what was sent, and what its client got back."""

    path: str
    body: dict[str, Any]
    entry_type: str
    content: tuple[str, ...]  # one content key per entry the write appends
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: int | None = None
    receipts: list[tuple[int, str]] = field(default_factory=list)
    replayed: bool = False
    errors: list[str] = field(default_factory=list)
    problem: dict[str, Any] | None = None

    @property
    def acknowledged(self) -> bool:
        """Tell whether the client received the write's receipts."""
        return bool(self.receipts)


def check_write(pair: tuple[str, str], tag: str, today: str) -> Write:
    """Return a placement check whose ``decided_by`` is unique (the check is a ledger write)."""
    body = {
        "vacancy": pair[0],
        "nip": pair[1],
        "decided_on": today,
        "decided_by": tag,
        "kind": "promotion",
    }
    return Write("/api/v1/placements/check", body, "placement.checked", (tag,))


def assessment_write(event: str, size: int = 3) -> Write:
    """Return a batch of ``size`` assessment results for new NIPs (all or nothing)."""
    results = []
    for _ in range(size):
        number = next(_people)
        born = f"1961{1 + number // 28 % 12:02d}{1 + number % 28:02d}"
        appointed = f"1990{1 + number // 336 % 12:02d}"
        nip = f"{born}{appointed}{1 + number % 2}{number % 997 + 1:03d}"
        results.append(
            {
                "nip": nip,
                "name": f"Peserta {number}",
                "rank": "III/c",
                "unit": "Dinas Kesehatan",
                "current_position": "Kepala Seksi",
                "event": event,
                "method": "CACT",
                "assessed_on": "2025-08-11",
                "session": 1,
                "competencies": dict.fromkeys(CODES, 3),
                "potential_category": "Potensial",
                "performance_rating": "Baik",
            }
        )
    return Write(
        "/api/v1/assessments",
        {"results": results},
        "assessment.recorded",
        tuple(r["nip"] for r in results),
    )


def send(port: int, token: str, write: Write, *, timeout: float = 20) -> None:
    """Send (or resend) a write and record its answer on it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            write.path,
            json.dumps(write.body),
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": write.key,
            },
        )
        answer = conn.getresponse()
        payload = answer.read()
        write.status = answer.status
        if answer.status in (200, 201):
            data = json.loads(payload)
            receipts = data.get("receipts") or [data["receipt"]]
            write.receipts = [(r["seq"], r["commitment"]) for r in receipts]
            write.replayed = answer.getheader("Idempotent-Replayed") == "true"
        else:
            write.errors.append(f"{answer.status} {payload[:300]!r}")
            if answer.getheader("Content-Type") == "application/problem+json":
                write.problem = json.loads(payload)
    except (OSError, http.client.HTTPException) as exc:
        write.errors.append(repr(exc))
    finally:
        conn.close()


class WriteStream:
    """Client threads sending writes one after another until stopped (or a time limit)."""

    def __init__(
        self,
        port: int,
        token: str,
        make: Any,
        *,
        clients: int = 4,
        limit_s: float = 60,
        retries: int = 100,
    ) -> None:
        self.port = port
        self.retries = retries
        self.token = token
        self.make = make
        self.writes: list[Write] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + limit_s
        self._threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(clients)
        ]

    def _client(self, number: int) -> None:
        for index in itertools.count():
            if self._stop.is_set() or time.monotonic() > self._deadline:
                return
            write = self.make(number, index)
            with self._lock:
                self.writes.append(write)
            # As a careful client does: resend with the same key until answered, unless
            # the request itself was refused (4xx) or the stream is stopped.
            for _attempt in range(self.retries + 1):
                send(self.port, self.token, write)
                if write.acknowledged or 400 <= (write.status or 0) < 500:
                    break
                if self._stop.wait(0.1):
                    return

    def __enter__(self) -> WriteStream:
        """Start the clients."""
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop the clients and wait for their last requests."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def acknowledged_count(self) -> int:
        """Return how many writes got their receipts so far."""
        with self._lock:
            return sum(w.acknowledged for w in self.writes)


def ledger_size(database_url: str) -> int:
    """Return the number of entries in the ledger."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM ledger_entries")).scalar() or 0)
    finally:
        engine.dispose()


def stored_contents(database_url: str, since: int) -> dict[str, list[tuple[int, str, str]]]:
    """Return, per content key, the (seq, type, base64 commitment) of each entry holding it."""
    import base64

    engine = create_engine(database_url)
    found: dict[str, list[tuple[int, str, str]]] = {}
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT seq, type, commitment, entry_bytes FROM ledger_entries "
                    "WHERE seq >= :since ORDER BY seq"
                ),
                {"since": since},
            )
            for seq, entry_type, commitment, raw in rows:
                body = json.loads(bytes(raw))["body"]
                checked = entry_type == "placement.checked"
                key = body.get("decided_by") if checked else body.get("nip")
                if key is not None:
                    found.setdefault(key, []).append(
                        (seq, entry_type, base64.b64encode(bytes(commitment)).decode())
                    )
    finally:
        engine.dispose()
    return found


def assert_acknowledged_present_once(writes: list[Write], stored: dict[str, Any]) -> Counter[str]:
    """Assert every acknowledged write is stored once, at its receipt's seq and commitment.

    Return how many unacknowledged writes were stored anyway ("recorded") or not ("absent").
    """
    outcome: Counter[str] = Counter()
    for write in writes:
        held = [stored.get(key, []) for key in write.content]
        assert all(len(entries) <= 1 for entries in held), f"duplicated: {write.content}"
        present = [entries[0] for entries in held if entries]
        # A batch is all or nothing.
        assert len(present) in (0, len(write.content)), f"torn batch: {write.content} {present}"
        if write.acknowledged:
            assert [(seq, c) for seq, _t, c in present] == write.receipts, write.content
            assert all(t == write.entry_type for _s, t, _c in present)
        else:
            outcome["recorded" if present else "absent"] += 1
    return outcome
