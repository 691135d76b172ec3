"""``flask export-tiles DIR``: the public log as static C2SP tlog-tiles files.

Writes ``DIR/checkpoint`` (the latest signed checkpoint with its cosignatures)
and, for that checkpoint's tree, every full tile, the partial right-edge
tiles and the entry bundles (commitments only) under ``DIR/tile/``: the same
bytes as ``/public/tlog/``. Serve ``DIR`` as a static site to mirror the log.

Tiles never change, so an existing tile file is compared, not overwritten: a
difference means the log's history differs from the one exported before, and
the export stops with an error. The root is rebuilt from the written tiles
and compared with the checkpoint before the checkpoint file is replaced (last,
atomically), so a mirror never points at tiles it does not have.
"""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from integrity_service import db
from integrity_service.ledger_store import SqlLedger
from integrity_service.tile_source import tile_bytes
from integrity_service.witnessing import cosigned_note
from ledger.durable import read_optional, write_atomically
from ledger.errors import Error
from ledger.tiles import Tile, tiles_for_size, verify_root_from_tiles


class ExportConflictError(Exception):
    """An existing tile file differs from the log's tile: the history changed."""


def export_tiles(session: Session, directory: str, *, size: int, root: bytes, note: str) -> int:
    """Write the tiles of the tree of ``size`` and the checkpoint; return the files written."""
    written = 0
    for tile in tiles_for_size(size):
        path = os.path.join(directory, *tile.path.split("/"))
        data = tile_bytes(session, tile, size)
        existing = read_optional(path)
        if existing == data:
            continue
        if existing is not None:
            raise ExportConflictError(
                f"{path} exists with other content than the log's {tile.path}: "
                "the log's history differs from the one exported before"
            )
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomically(path, data, mode=0o644)
        written += 1

    def from_files(tile: Tile) -> bytes:
        with open(os.path.join(directory, *tile.path.split("/")), "rb") as handle:
            return handle.read()

    verify_root_from_tiles(size, root, from_files)
    write_atomically(os.path.join(directory, "checkpoint"), note.encode(), mode=0o644)
    return written + 1


@click.command("export-tiles")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def export_tiles_command(directory: str) -> None:
    """Write the checkpoint, tiles and entry bundles to DIRECTORY for static hosting."""
    session = db.sessions()()
    try:
        latest = SqlLedger(session).latest_checkpoint()
        if latest is None:
            raise click.ClickException("the log has no checkpoint yet; run 'flask checkpoint'")
        note = cosigned_note(session, latest)
        os.makedirs(directory, exist_ok=True)
        written = export_tiles(session, directory, size=latest.size, root=latest.root, note=note)
    except (ExportConflictError, Error, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        session.close()
    click.echo(f"exported the tree of size {latest.size} to {directory}: {written} files written")
