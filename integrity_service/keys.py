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
