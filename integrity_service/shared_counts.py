"""Fixed-window counters shared by every process forked from the one that made them.

A `SharedCounts` is a fixed-size table in an anonymous shared memory map
(``mmap.mmap(-1, size, flags=MAP_SHARED)``). Gunicorn with ``preload_app``
creates the app, and so the table, in the master; every worker forked from it,
including a worker forked later to replace one that died, reads and writes the
same memory. Processes that were not forked from the creator (gunicorn without
preload, another host) each have a table of their own.

Each slot holds the 16-byte digest of a key, the monotonic time its window
ends, and its count. A key is looked up by linear probing from its digest over
at most ``probes`` slots; a slot whose window has ended is reused. When no slot
is free within the probes, `SharedCounts.hit` answers None for that key and the
caller counts it some other way: a full table never refuses a request.

Mutual exclusion across processes is a POSIX record lock (``fcntl.lockf``) on an
unlinked temporary file opened here and inherited by the forked processes; the
kernel releases it when its holder dies, even by SIGKILL, so a killed worker
cannot block the others. Record locks belong to a process, so a
``threading.Lock`` orders the threads of one process as well. The file's
descriptor stays open as long as the table lives: closing any descriptor of
that file would release the process's lock. There is no I/O per request, only
the two ``fcntl`` system calls.

The windows end on ``time.monotonic()``, which on Linux is one clock for every
process of the machine.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import tempfile
import threading
import weakref
from collections.abc import Sequence

SLOTS = 4096  # slots of a table: 32 bytes each, 128 KiB
PROBES = 16  # slots examined for one key before it counts as not stored

_SLOT = struct.Struct("=16sdq")  # key digest, window end (monotonic seconds), count
_EMPTY = bytes(16)
_TABLES: weakref.WeakSet[SharedCounts] = weakref.WeakSet()


class SharedCounts:
    """Counts per key in fixed windows, in memory shared with forked processes."""

    def __init__(self, slots: int | None = None, probes: int | None = None) -> None:
        """Map a zeroed table of ``slots`` slots and open the file of its lock."""
        self.slots = SLOTS if slots is None else slots
        self.probes = min(self.slots, PROBES if probes is None else probes)
        if self.slots < 1 or self.probes < 1:
            raise ValueError("a shared table needs at least one slot and one probe")
        self.memory = mmap.mmap(-1, self.slots * _SLOT.size, flags=mmap.MAP_SHARED)
        fd, path = tempfile.mkstemp(prefix="integrity-counts-")
        os.unlink(path)
        self.lock_fd = fd
        self.thread_lock = threading.Lock()
        weakref.finalize(self, _close, fd, self.memory)
        _TABLES.add(self)

    def _acquire(self) -> None:
        """Take the cross-process lock (the caller holds ``thread_lock``)."""
        fcntl.lockf(self.lock_fd, fcntl.LOCK_EX)

    def _release(self) -> None:
        """Give the cross-process lock back."""
        fcntl.lockf(self.lock_fd, fcntl.LOCK_UN)

    def hit(
        self, keys: Sequence[tuple[bytes, float]], now: float
    ) -> list[tuple[float, int] | None]:
        """Count one hit on each ``(digest, period)`` key at time ``now``.

        Return, for each key, its window's end and its count including this hit;
        a window that has ended opens anew at ``now`` for ``period`` seconds.
        None means no slot was free for the key: it was not counted here.
        """
        with self.thread_lock:
            self._acquire()
            try:
                return [self._hit(digest, period, now) for digest, period in keys]
            finally:
                self._release()

    def _hit(self, digest: bytes, period: float, now: float) -> tuple[float, int] | None:
        """Count one hit on one key; the caller holds both locks."""
        memory, slots, unpack, size = self.memory, self.slots, _SLOT.unpack_from, _SLOT.size
        start = int.from_bytes(digest[:8], "little")
        free = -1
        for probe in range(self.probes):
            offset = (start + probe) % slots * size
            held, ends, count = unpack(memory, offset)
            if held == digest:
                if ends <= now:
                    ends, count = now + period, 0
                _SLOT.pack_into(memory, offset, digest, ends, count + 1)
                return ends, count + 1
            if free < 0 and (held == _EMPTY or ends <= now):
                free = offset
            if held == _EMPTY:
                break  # never used: the key is not further on
        if free < 0:
            return None
        ends = now + period
        _SLOT.pack_into(memory, free, digest, ends, 1)
        return ends, 1

    def clear(self) -> None:
        """Forget every count, in every process sharing the table."""
        with self.thread_lock:
            self._acquire()
            try:
                self.memory[:] = bytes(len(self.memory))
            finally:
                self._release()


def _close(fd: int, memory: mmap.mmap) -> None:
    """Close a collected table's lock file and memory (only this process's mapping)."""
    os.close(fd)
    memory.close()


def _after_fork_in_child() -> None:
    """Give each table a fresh thread lock: a thread of the parent may have held it."""
    for table in list(_TABLES):
        table.thread_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
