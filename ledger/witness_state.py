"""A witness's durable memory: the latest checkpoint it cosigned, per log origin.

One small JSON file, replaced atomically and fsynced before the witness answers
(:func:`ledger.durable.write_atomically`)::

    {"version": 1, "logs": {"<origin>": {"size": 15, "root": "<base64>",
                                          "checkpoint": "<signed note>"}}}

While a witness runs it holds an exclusive ``flock`` on ``<state>.lock``, so a
second witness process can never share (and roll back) the same state.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
from dataclasses import dataclass
from typing import IO, Any

from ledger.durable import read_optional, write_atomically
from ledger.errors import StorageError
from ledger.hashing import HASH_SIZE

_VERSION = 1


@dataclass(frozen=True)
class Cosigned:
    """The latest checkpoint a witness cosigned for one log."""

    size: int
    root: bytes
    checkpoint: str


def _parse(raw: bytes, path: str) -> dict[str, Cosigned]:
    try:
        document = json.loads(raw)
        if document.get("version") != _VERSION:
            raise ValueError(f"unknown state version {document.get('version')!r}")
        logs = {}
        for origin, item in document["logs"].items():
            root = base64.b64decode(item["root"], validate=True)
            size = item["size"]
            if type(size) is not int or size < 0 or len(root) != HASH_SIZE:
                raise ValueError(f"bad size or root for {origin}")
            logs[origin] = Cosigned(size, root, str(item["checkpoint"]))
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise StorageError(f"witness state {path} is malformed: {exc}") from exc
    return logs


class WitnessState:
    """The state file, loaded once and rewritten durably on every update."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        raw = read_optional(path)
        self._logs = {} if raw is None else _parse(raw, path)
        self._lock_file: IO[bytes] | None = None

    def acquire_process_lock(self) -> None:
        """Take the exclusive lock of this state file for the life of the process."""
        import fcntl  # POSIX only; the witness program runs on POSIX servers

        handle = open(self.path + ".lock", "ab")  # noqa: SIM115  (held until exit)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise StorageError(
                f"witness state {self.path} is in use by another witness process"
            ) from exc
        self._lock_file = handle

    def latest(self, origin: str) -> Cosigned | None:
        """Return the latest cosigned checkpoint of a log, or None."""
        return self._logs.get(origin)

    def update(self, origin: str, cosigned: Cosigned) -> None:
        """Record a newly cosigned checkpoint; durable when this returns.

        Call with :attr:`lock` held, together with the check that allowed it.
        """
        logs = dict(self._logs)
        logs[origin] = cosigned
        document: dict[str, Any] = {
            "version": _VERSION,
            "logs": {
                name: {
                    "size": item.size,
                    "root": base64.b64encode(item.root).decode(),
                    "checkpoint": item.checkpoint,
                }
                for name, item in sorted(logs.items())
            },
        }
        write_atomically(self.path, json.dumps(document, indent=1).encode() + b"\n")
        self._logs = logs

    def close(self) -> None:
        """Release the process lock."""
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None


def ensure_folder(path: str) -> None:
    """Create the folder that will hold the state file."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
