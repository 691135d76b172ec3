"""C2SP tlog-tiles over HTTP and as exported files: same bytes, signed root, problems."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from ledger.checkpoint import open_checkpoint
from ledger.hashing import leaf_hash
from ledger.tiles import Tile, decode_entry_bundle, tiles_for_size, verify_root_from_tiles
from tests.browser_support import live_server
from tests.integrity_service.test_ledger_store import append

OLD, SIZE, UNSIGNED = 300, 600, 40


def _checkpoint(app: Flask) -> None:
    with app.app_context(), db.write_session(db.sessions()) as session:
        assert SqlLedger(session).sign_checkpoint(keys.signer()) is not None


@pytest.fixture
def filled(app: Flask) -> Flask:
    """Checkpoints at 300 and 600, then 40 entries no checkpoint covers yet."""
    append(app, OLD, batch=300)
    _checkpoint(app)
    append(app, SIZE - OLD, batch=300)
    _checkpoint(app)
    append(app, UNSIGNED)
    return app


def _tile(client: FlaskClient, path: str) -> bytes:
    response = client.get(f"/public/tlog/{path}")
    assert response.status_code == 200, (path, response.get_data(as_text=True))
    assert response.mimetype == "application/octet-stream"
    assert "immutable" in response.headers["Cache-Control"]
    return response.get_data()


def test_tiles_over_http_rebuild_the_signed_root(filled: Flask, client: FlaskClient) -> None:
    note = client.get("/public/tlog/checkpoint")
    assert note.status_code == 200 and note.mimetype == "text/plain"
    assert note.headers["Cache-Control"] == "no-cache"
    assert note.get_data() == client.get("/public/checkpoint").get_data()
    with filled.app_context():
        checkpoint = open_checkpoint(note.get_data(as_text=True), keys.verifier())
        commitments = [row.commitment for row in SqlLedger(db.session()).iter_entries()]
    assert checkpoint.size == SIZE
    tiles = tiles_for_size(SIZE)
    assert [t.path for t in tiles] == [
        "tile/0/000",
        "tile/0/001",
        "tile/0/002.p/88",
        "tile/1/000.p/2",
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/88",
    ]
    files = {t.path: _tile(client, t.path) for t in tiles}
    verify_root_from_tiles(SIZE, checkpoint.root, lambda t: files[t.path])
    bundles = b"".join(files[t.path] for t in tiles if t.entries)
    assert decode_entry_bundle(bundles) == commitments[:SIZE]
    level0 = b"".join(files[t.path] for t in tiles if t.level == 0 and not t.entries)
    assert level0 == b"".join(leaf_hash(c) for c in commitments[:SIZE])
    # The older checkpoint's partial tile is still there, a prefix of today's full tile.
    assert _tile(client, "tile/0/001.p/44") == files["tile/0/001"][: 44 * 32]


BAD_PATHS = [
    ("tile/0/1", 400),
    ("tile/abc/000", 400),
    ("tile/0/000.p/0", 400),
    ("tile/0/000.p/256", 400),
    ("tile/0/x000/001", 400),
    ("tile/entries/000.p", 400),
    ("tile/64/000", 400),
    ("tile/0/002.p/89", 404),  # entries appended after the checkpoint stay unpublished
    ("tile/0/002", 404),
    ("tile/1/000", 404),
    ("tile/1/000.p/3", 404),
    ("tile/2/000.p/1", 404),
    ("tile/entries/003.p/1", 404),
    ("tile/0/x001/000", 404),
]


def test_bad_tile_paths_answer_problems(filled: Flask, client: FlaskClient) -> None:
    for path, status in BAD_PATHS:
        response = client.get(f"/public/tlog/{path}", headers={"Accept": "application/json"})
        assert response.status_code == status, path
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == status
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_no_checkpoint_no_tiles(client: FlaskClient) -> None:
    assert client.get("/public/tlog/checkpoint").status_code == 404
    assert client.get("/public/tlog/tile/0/000.p/1").status_code == 404


def test_export_tiles_writes_the_same_files(
    filled: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    out = tmp_path / "mirror"
    runner = filled.test_cli_runner()
    result = runner.invoke(args=["export-tiles", str(out)])
    assert result.exit_code == 0, result.output
    assert "size 600" in result.output and "8 files written" in result.output
    assert (out / "checkpoint").read_bytes() == client.get("/public/tlog/checkpoint").get_data()
    for tile in tiles_for_size(SIZE):
        assert (out / tile.path).read_bytes() == _tile(client, tile.path), tile.path
    again = runner.invoke(args=["export-tiles", str(out)])
    assert again.exit_code == 0 and "1 files written" in again.output
    tampered = out / Tile(0, 1).path
    tampered.write_bytes(b"\x00" * 8192)
    refused = runner.invoke(args=["export-tiles", str(out)])
    assert refused.exit_code != 0 and "differs" in refused.output


@pytest.fixture
def served(filled: Flask) -> Iterator[str]:
    """Serve the filled app on a loopback port."""
    with live_server(filled) as url:
        yield url


def test_go_tlog_reads_the_tiles(served: str) -> None:
    from tests.interop.gocheck_runner import GoToolchainUnavailableError, run_gocheck

    try:
        result = run_gocheck(served, samples=6, seed=3, extra_args=["-tiles"])
    except GoToolchainUnavailableError as exc:
        pytest.skip(f"Go toolchain unavailable: {exc}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tlog.TreeHash from tiles equals the checkpoint root" in result.stdout
    assert "entry bundle tile/entries/002.p/88 holds" in result.stdout
