"""The log's Ed25519 signing key file: created once, kept private, loaded strictly."""

from __future__ import annotations

import os
import stat

from flask import Flask, current_app

from ledger.errors import FormatError
from ledger.note import NoteSigner, NoteVerifier


class KeyFileError(Exception):
    """The signing key file is missing, unsafe, malformed or for another origin."""


def create_key_file(path: str, origin: str) -> tuple[NoteSigner, bool]:
    """Create the key file (mode 0600) unless it exists; return the signer and whether it is new."""
    if os.path.exists(path):
        return load_signer(path, origin), False
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    signer = NoteSigner.generate(origin)
    # O_EXCL: two processes racing to create the key must not both win.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(signer.to_private_text() + "\n")
    return signer, True


def load_signer(path: str, origin: str) -> NoteSigner:
    """Load the signer; refuse a file readable by group or others, or for another origin."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError as exc:
        raise KeyFileError(
            f"signing key file {path} does not exist; run 'flask --app integrity_service init-db'"
        ) from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"signing key file {path} is accessible by group or others "
            f"(mode {stat.S_IMODE(mode):o}); run 'chmod 600 {path}'"
        )
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        signer = NoteSigner.from_private_text(text)
    except FormatError as exc:
        raise KeyFileError(f"signing key file {path} is malformed: {exc}") from exc
    if signer.name != origin:
        raise KeyFileError(
            f"signing key file {path} is for origin {signer.name!r}, "
            f"but INTEGRITY_LOG_ORIGIN is {origin!r}"
        )
    return signer


def signer(app: Flask | None = None) -> NoteSigner:
    """Return the app's signer, loaded once per process."""
    app = app or current_app
    cached = app.extensions.get("integrity_signer")
    if cached is None:
        cached = load_signer(app.config["KEY_FILE"], app.config["LOG_ORIGIN"])
        app.extensions["integrity_signer"] = cached
    return cached


def verifier(app: Flask | None = None) -> NoteVerifier:
    """Return the app's verifier key."""
    return signer(app).verifier()


def _refuse_shared(mode: int, path: str) -> None:
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"key file {path} is accessible by group or others (mode {stat.S_IMODE(mode):o})"
        )


def create_new_key_file(path: str, origin: str) -> NoteSigner:
    """Create a rotation's new key file, mode 0600; refuse a path that exists.

    The secret is written only once the open file is known to be private: a file
    system or directory that ignores mode 0600 (group or others may read) is refused
    and the empty file removed.
    """
    exists = f"{path} already exists; a rotation never overwrites a key file"
    if os.path.lexists(path):
        raise KeyFileError(exists)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise KeyFileError(exists) from exc
    try:
        _refuse_shared(os.fstat(fd).st_mode, path)
    except KeyFileError as exc:
        os.close(fd)
        os.unlink(path)
        raise KeyFileError(f"{exc}, though created with mode 0600; refused and removed") from exc
    new = NoteSigner.generate(origin)
    with os.fdopen(fd, "w") as handle:
        handle.write(new.to_private_text() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return load_signer(path, origin)  # read back as 'checkpoint' will read it


def next_signer(app: Flask | None = None) -> NoteSigner | None:
    """Return the signer of ``NEXT_KEY_FILE`` during a rotation's overlap, else None.

    Read on each call, never cached: the overlap begins and ends without a restart.
    """
    app = app or current_app
    path = app.config.get("NEXT_KEY_FILE")
    if not path:
        return None
    if not os.path.exists(path):
        raise KeyFileError(
            f"INTEGRITY_NEXT_KEY_FILE names {path}, which does not exist (after "
            "'rotate-key finish' the new key is INTEGRITY_KEY_FILE: unset INTEGRITY_NEXT_KEY_FILE)"
        )
    try:
        return load_signer(path, app.config["LOG_ORIGIN"])
    except KeyFileError as exc:
        raise KeyFileError(f"INTEGRITY_NEXT_KEY_FILE: {exc}") from exc


def forget_signer(app: Flask | None = None) -> None:
    """Drop this process's loaded signer: the key file changed (a rotation finished)."""
    (app or current_app).extensions.pop("integrity_signer", None)


def retired_key_path(key_file: str, old: NoteSigner) -> str:
    """Return where the switch keeps the old key until the operator destroys it."""
    return f"{key_file}.retired-{old.verifier().key_id.hex()}"


def check_switch(key_file: str, next_file: str, retired: str) -> None:
    """Refuse a key-file switch that could not be one atomic rename, before anything changes."""
    folder = os.path.dirname(os.path.abspath(key_file))
    if os.stat(folder).st_dev != os.stat(next_file).st_dev:
        raise KeyFileError(
            f"{next_file} is on another file system than {key_file}: move it into {folder} "
            "(keeping mode 0600), point INTEGRITY_NEXT_KEY_FILE at it, and run this again"
        )
    if os.path.lexists(retired) and not os.path.samefile(retired, key_file):
        raise KeyFileError(f"{retired} exists already and is not the key file; move it away")


def switch_key_files(key_file: str, next_file: str, retired: str) -> None:
    """Keep the old key at ``retired``, then make ``next_file`` the key file in one rename.

    At every moment the key file holds either the old or the new key, never nothing.
    """
    if not os.path.lexists(retired):
        try:
            os.link(key_file, retired)
        except OSError:  # no hard links here: a private copy instead
            fd = os.open(retired, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle, open(key_file, "rb") as old:
                handle.write(old.read())
                handle.flush()
                os.fsync(handle.fileno())
    os.replace(next_file, key_file)
    folder = os.open(os.path.dirname(os.path.abspath(key_file)), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
