"""Full ledger verification in the background, with its progress in a small table.

A run does what ``flask verify`` does (``ledger.verify.verify_log`` over every
stored entry and checkpoint) in a thread with its own database sessions: one
reads the ledger in a single transaction (a consistent snapshot), another
writes progress every fraction of a second. The table (not process memory)
holds the state, so every worker answers the status of every run, and the
dashboard shows the last result after a restart. A run whose progress stopped
being updated (the process died) is reported as interrupted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from integrity_service.db import Base
from integrity_service.ledger_store import SqlLedger
from ledger.entry import utc_now_text
from ledger.note import NoteVerifier
from ledger.verify import StoredEntry, verify_log

PROGRESS_INTERVAL = 0.25  # seconds between progress writes
STALE_AFTER = timedelta(minutes=2)  # a running run without progress for this long died
_log = logging.getLogger(__name__)
_start_lock = threading.Lock()


class VerificationRun(Base):
    """One verification run: who started it, how far it got, and what it found."""

    __tablename__ = "verification_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32))
    # running, passed, failed (the ledger is wrong) or error (the run itself broke)
    state: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    checked: Mapped[int] = mapped_column(BigInteger, default=0)
    checkpoints_checked: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint_size: Mapped[int | None] = mapped_column(BigInteger)
    redacted: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)

    @property
    def interrupted(self) -> bool:
        """Return True for a run marked running whose progress stopped being written."""
        if self.state != "running":
            return False
        updated = datetime.strptime(self.updated_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return datetime.now(UTC) - updated > STALE_AFTER

    @property
    def first_bad_seq(self) -> int | None:
        """Return the seq of the first bad entry found, if any."""
        seqs = [p["seq"] for p in self.problems if p.get("seq") is not None]
        return min(seqs) if seqs else None

    def to_json_obj(self) -> dict[str, Any]:
        """Return the run's state for the status endpoint."""
        return {
            "id": self.id,
            "state": "interrupted" if self.interrupted else self.state,
            "finished": self.state != "running" or self.interrupted,
            "total": self.total,
            "checked": self.checked,
            "checkpoints_checked": self.checkpoints_checked,
            "first_bad_seq": self.first_bad_seq,
            "problems": self.problems,
        }


def latest_run(session: Session) -> VerificationRun | None:
    """Return the most recently started run, if any."""
    return session.scalars(
        select(VerificationRun).order_by(VerificationRun.id.desc()).limit(1)
    ).first()


def start_run(
    factory: sessionmaker[Session], verifier: NoteVerifier, *, started_by: str
) -> tuple[int, bool]:
    """Start a run in a background thread; return its id and False if one was already running."""
    with _start_lock, factory() as session, session.begin():
        running = latest_run(session)
        if running is not None and running.state == "running" and not running.interrupted:
            return running.id, False
        now = utc_now_text()
        run = VerificationRun(
            started_by=started_by, started_at=now, updated_at=now, state="running", problems=[]
        )
        session.add(run)
        session.flush()
        run_id = run.id
    thread = threading.Thread(
        target=run_verification,
        args=(factory, verifier, run_id),
        daemon=True,
        name=f"verify-{run_id}",
    )
    thread.start()
    return run_id, True


def _update(factory: sessionmaker[Session], run_id: int, **values: Any) -> None:
    with factory() as session, session.begin():
        run = session.get(VerificationRun, run_id)
        if run is None:
            return
        for name, value in values.items():
            setattr(run, name, value)
        run.updated_at = utc_now_text()


def _counted(
    entries: Iterator[StoredEntry], factory: sessionmaker[Session], run_id: int
) -> Iterator[StoredEntry]:
    """Pass entries through, writing how many went by every `PROGRESS_INTERVAL` seconds."""
    last = time.monotonic()
    for done, entry in enumerate(entries, 1):
        yield entry
        if time.monotonic() - last >= PROGRESS_INTERVAL:
            _update(factory, run_id, checked=done)
            last = time.monotonic()


def run_verification(factory: sessionmaker[Session], verifier: NoteVerifier, run_id: int) -> None:
    """Verify the whole ledger and store the result under ``run_id`` (the thread's body)."""
    reader = factory()
    try:
        ledger = SqlLedger(reader)
        # Checkpoints first: the size read after them covers every one of them.
        checkpoints = ledger.checkpoints()
        size = ledger.size()
        redacted = ledger.redacted_seqs()
        latest = max((c.size for c in checkpoints), default=None)
        _update(factory, run_id, total=size, checkpoint_size=latest)
        report = verify_log(
            _counted(ledger.iter_entries(stop=size), factory, run_id),
            checkpoints,
            verifier,
            redacted=redacted,
        )
        problems = [
            {"message": p.message, "seq": p.seq, "checkpoint_size": p.checkpoint_size}
            for p in report.problems
        ]
        _update(
            factory,
            run_id,
            state="passed" if report.ok else "failed",
            checked=report.entries_checked,
            checkpoints_checked=report.checkpoints_checked,
            redacted=len(report.redacted),
            problems=problems,
            finished_at=utc_now_text(),
        )
    except Exception as exc:  # the run must end in a state, whatever broke
        _log.exception("verification run %s broke", run_id)
        reader.rollback()
        _update(factory, run_id, state="error", error=str(exc)[:2000], finished_at=utc_now_text())
    finally:
        reader.close()
