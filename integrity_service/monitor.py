"""``flask monitor URL --state FILE [--key KEY]``: anyone's watch on a log's history.

Each run fetches ``URL/public/checkpoint`` and checks its signature with the
pinned verifier key (``--key`` on first use, else ``URL/public/key``; then
always the key in the state file). If it stored a checkpoint before, it checks
that the new one extends it: a consistency proof from
``URL/public/proof/consistency?old=&size=`` for a larger tree, equal roots for
the same size; a smaller tree is a rollback. It then stores the new
checkpoint (atomically, :func:`ledger.durable.write_atomically`).

Exit status: 0 consistent or unchanged (or first checkpoint stored); 1 the
history was rewritten or the checkpoint does not verify: both signed
checkpoints are printed as evidence (and saved next to the state file) and the
state keeps the old one; 2 the check could not be made (network, bad state
or key). It opens no database: it is a client of the public endpoints.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import click

from ledger.checkpoint import Checkpoint, open_checkpoint
from ledger.durable import read_optional, write_atomically
from ledger.errors import Error, VerificationError
from ledger.note import NoteVerifier
from ledger.proofs import verify_consistency

_MAX_BODY = 1 << 20


class MonitorError(Exception):
    """The check could not be made: the log, the network or the state file failed."""


@dataclass(frozen=True)
class Rewrite:
    """Evidence that the log's history changed: what was trusted, what is served now."""

    reason: str
    trusted_note: str
    served_note: str


def _get(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read(_MAX_BODY)
    except urllib.error.HTTPError as exc:
        with exc:
            detail = exc.read(300).decode("utf-8", "replace")
        raise MonitorError(f"GET {url}: HTTP {exc.code}: {detail}") from exc
    except (OSError, ValueError) as exc:
        raise MonitorError(f"GET {url}: {exc}") from exc


def _load_state(path: str) -> dict[str, Any] | None:
    raw = read_optional(path)
    if raw is None:
        return None
    try:
        state = json.loads(raw)
        if not isinstance(state, dict) or not isinstance(state.get("key"), str):
            raise ValueError("no pinned key")
        if state.get("checkpoint") is not None and not isinstance(state["checkpoint"], str):
            raise ValueError("checkpoint is not text")
    except ValueError as exc:
        raise MonitorError(f"state file {path} is malformed: {exc}") from exc
    return state


def _consistency_proof(base: str, old: int, size: int, timeout: float) -> list[bytes]:
    url = f"{base}/public/proof/consistency?old={old}&size={size}"
    try:
        body = json.loads(_get(url, timeout))
        if body.get("old_size") != old or body.get("size") != size:
            raise ValueError(
                f"the answer is for old={body.get('old_size')} size={body.get('size')}"
            )
        return [base64.b64decode(item, validate=True) for item in body["proof"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise MonitorError(f"GET {url}: malformed proof: {exc}") from exc


def check_log(
    base: str, state_path: str, key_text: str | None, timeout: float
) -> tuple[str, Rewrite | None]:
    """Run one check; return a summary and the evidence of a rewrite (or None).

    Raises MonitorError when the check cannot be made.
    """
    state = _load_state(state_path)
    pinned = None if state is None else state["key"]
    if key_text and pinned and key_text.strip() != pinned:
        raise MonitorError(f"--key differs from the key pinned in {state_path}: {pinned}")
    key = pinned or (key_text or _get(f"{base}/public/key", timeout).decode()).strip()
    try:
        verifier = NoteVerifier.from_text(key)
        trusted_note = None if state is None else state.get("checkpoint")
        trusted = None if trusted_note is None else open_checkpoint(trusted_note, verifier)
    except VerificationError as exc:
        raise MonitorError(f"key or state file {state_path} unusable: {exc}") from exc
    served_note = _get(f"{base}/public/checkpoint", timeout).decode("utf-8", "replace")
    try:
        served = open_checkpoint(served_note, verifier)
    except VerificationError as exc:
        reason = f"the served checkpoint does not verify with the pinned key: {exc}"
        return reason, Rewrite(reason, trusted_note or "(none)\n", served_note)
    if trusted is not None and trusted_note is not None:
        rewrite = _compare(base, trusted, served, timeout)
        if rewrite is not None:
            return rewrite, Rewrite(rewrite, trusted_note, served_note)
    new_state = {
        "version": 1,
        "key": verifier.to_text(),
        "url": base,
        "checkpoint": served_note,
        "checked_at": int(time.time()),
    }
    write_atomically(state_path, json.dumps(new_state, indent=1).encode() + b"\n", mode=0o644)
    if trusted is None:
        return f"first checkpoint stored: size {served.size} (key {verifier.to_text()})", None
    if trusted.size == served.size:
        return f"unchanged: size {served.size}", None
    return f"consistent: size {trusted.size} -> {served.size}", None


def _compare(base: str, trusted: Checkpoint, served: Checkpoint, timeout: float) -> str | None:
    """Return why ``served`` does not extend ``trusted``, or None when it does."""
    if served.size < trusted.size:
        return f"the log shrank from size {trusted.size} to {served.size} (rollback)"
    if served.size == trusted.size:
        if served.root != trusted.root:
            return f"two different roots signed for size {served.size} (fork)"
        return None
    proof = _consistency_proof(base, trusted.size, served.size, timeout)
    try:
        verify_consistency(
            old_size=trusted.size,
            size=served.size,
            old_root=trusted.root,
            root=served.root,
            proof=proof,
        )
    except VerificationError as exc:
        return f"the tree of size {served.size} does not extend size {trusted.size}: {exc}"
    return None


def _evidence_text(base: str, rewrite: Rewrite) -> str:
    return (
        f"LOG HISTORY REWRITTEN at {base}: {rewrite.reason}\n"
        "--- checkpoint trusted before (from the monitor's state) ---\n"
        f"{rewrite.trusted_note}"
        f"--- checkpoint served now by {base} ---\n"
        f"{rewrite.served_note}"
    )


@click.command("monitor")
@click.argument("url")
@click.option("--state", "state_path", required=True, help="State file (JSON) of this monitor.")
@click.option("--key", "key_text", help="The log's verifier key, pinned on first use.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds per HTTP request.")
def monitor_command(url: str, state_path: str, key_text: str | None, timeout: float) -> None:
    """Check that the log at URL only grew since the checkpoint stored in --state."""
    base = url.rstrip("/")
    try:
        summary, rewrite = check_log(base, state_path, key_text, timeout)
    except (MonitorError, Error) as exc:
        click.echo(f"monitor: cannot check {base}: {exc}", err=True)
        raise SystemExit(2) from exc
    if rewrite is None:
        click.echo(f"ok {base}: {summary}")
        return
    evidence = _evidence_text(base, rewrite)
    click.echo(evidence)
    path = f"{state_path}.evidence-{int(time.time())}.txt"
    try:
        write_atomically(path, evidence.encode(), mode=0o644)
        click.echo(f"evidence saved to {path}", err=True)
    except Error as exc:
        click.echo(f"evidence not saved: {exc}", err=True)
    click.echo(f"ALERT: {rewrite.reason}", err=True)
    raise SystemExit(1)
