"""Machine endpoints of the public log; their shapes are a contract with outside clients."""

from __future__ import annotations

import base64

from flask import Response, current_app, jsonify, request

from integrity_service import db, keys
from integrity_service.key_rotation import log_keys
from integrity_service.ledger_store import SqlLedger
from integrity_service.problems import Problem, bad_parameter
from integrity_service.public import bp
from integrity_service.witnessing import cosigned_note
from ledger.keyset import format_key_list


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _int_param(name: str, *, minimum: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        raise bad_parameter(name, "is required")
    if not raw.isdigit() or len(raw) > 19:
        raise bad_parameter(name, f"must be a non-negative decimal integer, not {raw[:24]!r}")
    value = int(raw)
    if value < minimum:
        raise bad_parameter(name, f"must be at least {minimum}, not {value}")
    return value


def _text(body: str) -> Response:
    return Response(body, content_type="text/plain; charset=utf-8")


@bp.get("/checkpoint")
def checkpoint() -> Response:
    """Return the latest signed checkpoint note, followed by its witnesses' cosignatures."""
    session = db.session()
    latest = SqlLedger(session).latest_checkpoint()
    if latest is None:
        raise Problem(404, "No checkpoint", "the log has no signed checkpoint yet")
    return _text(cosigned_note(session, latest))


@bp.get("/key")
def key() -> Response:
    """Return the verifier key line: the key that signs the checkpoints now."""
    return _text(keys.verifier(current_app).to_text() + "\n")


@bp.get("/keys")
def key_list() -> Response:
    """Return every key of the log, oldest first: ``<verifier key> first=N [last=M]``.

    The tree sizes whose checkpoints each key signs (ledger.keyset); before any key
    rotation, the one key with ``first=0``. Receipt checkers take it as ``--key``.
    """
    return _text(format_key_list(log_keys(db.session(), keys.verifier(current_app))))


@bp.get("/checkpoints")
def checkpoints() -> Response:
    """Return every signed checkpoint, oldest first."""
    stored = SqlLedger(db.session()).checkpoints()
    return jsonify(
        checkpoints=[{"size": c.size, "root": _b64(c.root), "note": c.note} for c in stored]
    )


@bp.get("/proof/inclusion")
def inclusion() -> Response:
    """Return the inclusion proof of entry ``index`` in the tree of ``size``."""
    index = _int_param("index", minimum=0)
    size = _int_param("size", minimum=1)
    ledger = SqlLedger(db.session())
    current = ledger.size()
    if size > current:
        raise bad_parameter("size", f"{size} is larger than the log ({current} entries)")
    if index >= size:
        raise bad_parameter("index", f"{index} must be less than size {size}")
    proof = ledger.inclusion_proof(index, size)
    return jsonify(
        index=index,
        size=size,
        leaf_hash=_b64(ledger.leaf_hash(index)),
        proof=[_b64(p) for p in proof],
    )


@bp.get("/proof/consistency")
def consistency() -> Response:
    """Return the consistency proof from tree size ``old`` to ``size``."""
    old = _int_param("old", minimum=1)
    size = _int_param("size", minimum=1)
    ledger = SqlLedger(db.session())
    current = ledger.size()
    if size > current:
        raise bad_parameter("size", f"{size} is larger than the log ({current} entries)")
    if old > size:
        raise bad_parameter("old", f"{old} must not exceed size {size}")
    proof = ledger.consistency_proof(old, size)
    return jsonify(old_size=old, size=size, proof=[_b64(p) for p in proof])
