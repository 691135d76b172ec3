"""C2SP tlog-tiles under ``/public/tlog/``: the checkpoint, hash tiles, entry bundles.

- ``/public/tlog/checkpoint``: the latest signed checkpoint with its witnesses'
  cosignature lines (the same bytes as ``/public/checkpoint``), not cached.
- ``/public/tlog/tile/<L>/<N>[.p/<W>]``: 256 (or ``W``) hashes of tree level
  ``8*L``, 32 bytes each.
- ``/public/tlog/tile/entries/<N>[.p/<W>]``: the commitments C of 256 (or
  ``W``) entries, each preceded by its length as a big-endian uint16 (always
  32): never entry bodies.

Tiles are served for the tree of the latest checkpoint: a tile whose nodes are
not all in that tree answers 404, a malformed path 400 (problem details). A
tile's bytes never change once it exists, partial tiles included (a partial
tile of width ``W`` always holds the same ``W`` hashes), so every tile is sent
as immutable.
"""

from __future__ import annotations

from flask import Response

from integrity_service import db
from integrity_service.ledger_store import SqlLedger
from integrity_service.problems import Problem
from integrity_service.public import bp
from integrity_service.tile_source import tile_bytes
from integrity_service.witnessing import cosigned_note
from ledger.errors import FormatError
from ledger.tiles import TileNotInTreeError, parse_tile_path

IMMUTABLE = "public, max-age=31536000, immutable"


def _latest_or_404() -> tuple[int, str]:
    session = db.session()
    latest = SqlLedger(session).latest_checkpoint()
    if latest is None:
        raise Problem(404, "No checkpoint", "the log has no signed checkpoint yet")
    return latest.size, cosigned_note(session, latest)


@bp.get("/tlog/checkpoint")
def tlog_checkpoint() -> Response:
    """Return the latest signed checkpoint, cosignatures included."""
    _, note = _latest_or_404()
    response = Response(note, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/tlog/tile/<path:rest>")
def tlog_tile(rest: str) -> Response:
    """Return a hash tile or an entry bundle of the latest checkpoint's tree."""
    try:
        tile = parse_tile_path("tile/" + rest)
    except FormatError as exc:
        raise Problem(400, "Bad tile path", str(exc)) from None
    size, _ = _latest_or_404()
    try:
        data = tile_bytes(db.session(), tile, size)
    except TileNotInTreeError as exc:
        raise Problem(
            404, "No such tile", f"{exc}; the latest checkpoint's size is {size}"
        ) from None
    response = Response(data, content_type="application/octet-stream")
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
