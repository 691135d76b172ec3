"""Durable small files: written whole or not at all, and on disk before the call returns.

A witness must never cosign a checkpoint and then forget it after a crash, and
a monitor must never lose the checkpoint it trusts; both keep their state in a
small file replaced atomically: write a temporary file in the same folder,
``fsync`` it, ``rename`` it over the old one, then ``fsync`` the folder so the
rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import os

from ledger.errors import StorageError


def write_atomically(path: str, data: bytes, *, mode: int = 0o600) -> None:
    """Replace the file at ``path`` with ``data`` atomically and durably."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary = f"{path}.tmp.{os.getpid()}"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
        _fsync_folder(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def read_optional(path: str) -> bytes | None:
    """Return the file's bytes, or None if it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a directory; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
