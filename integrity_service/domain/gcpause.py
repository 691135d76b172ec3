"""Pause the cyclic garbage collector while a bulk operation builds many lasting objects.

Reading and recording a large file keeps hundreds of thousands of new objects
alive until the end and makes no reference cycles. Each of those objects
counts toward the collector's next run, and its full runs traverse the whole
heap again and again, at times a third of an import's cost, to free nothing.
Reference counting still frees everything as usual while the collector waits.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """Nested and concurrent pauses: the last to end resumes the collector, if it ran before."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.resume = False


_PAUSE = _Pause()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused; resume it afterwards."""
    with _PAUSE.lock:
        if _PAUSE.holders == 0:
            _PAUSE.resume = gc.isenabled()
            gc.disable()
        _PAUSE.holders += 1
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.holders -= 1
            if _PAUSE.holders == 0 and _PAUSE.resume:
                gc.enable()
