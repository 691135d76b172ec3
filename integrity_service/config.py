"""Configuration defaults; every key can be overridden by an ``INTEGRITY_<KEY>`` variable."""

from __future__ import annotations

import os
import secrets
from typing import Any


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the default configuration for an app whose instance folder is given."""
    return {
        # SQLite file under instance/ by default; PostgreSQL via INTEGRITY_DATABASE_URL.
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "integrity.db"),
        # FULL: a write that returned a receipt survives a power cut, not just a crash.
        "SQLITE_SYNCHRONOUS": "FULL",
        # Cap on the SQLite file's size in pages (PRAGMA max_page_count); None: no cap.
        # Fault tests use it to make the database full; an operator may use it as a quota.
        "SQLITE_MAX_PAGE_COUNT": None,
        # One JSON line per request (logger integrity_service.requests) to "stderr" or
        # "stdout"; empty: no handler is added, configure the logger yourself.
        "REQUEST_LOG": "stderr",
        "KEY_FILE": os.path.join(instance_path, "signing.key"),
        # During a key rotation's overlap: the new key file 'rotate-key begin' created;
        # 'checkpoint' then signs with both keys. Unset it after 'rotate-key finish'.
        "NEXT_KEY_FILE": None,
        "LOG_ORIGIN": "bkpsdm.example.go.id/ledger",
        "SECRET_KEY": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Overrides of rule parameters, e.g. {"MERIT-006": {"min_jpm": 80}} (JSON in the env).
        "RULE_PARAMETERS": {},
        "JSON_SORT_KEYS": False,
        # Witnesses asked to cosign each checkpoint (C2SP tlog-witness), as JSON in the env:
        # [{"url": "http://127.0.0.1:9001", "key": "<witness vkey>"}]; and how many must.
        "WITNESSES": [],
        "WITNESS_QUORUM": 1,
        # Where the public pages are served; PDF reports link to its /public/ page (QR code).
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        # A signed-in web session ends after this many minutes without a page view, and
        # this many hours after sign-in whatever its activity (see web_sessions.py).
        "WEB_SESSION_IDLE_MINUTES": 30,
        "WEB_SESSION_MAX_HOURS": 12,
    }


def instance_secret(instance_path: str) -> str:
    """Return the session-signing secret kept in ``instance/secret.key``, creating it once."""
    path = os.path.join(instance_path, "secret.key")
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        pass
    os.makedirs(instance_path, exist_ok=True)
    secret = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
