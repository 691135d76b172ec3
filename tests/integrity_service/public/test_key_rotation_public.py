"""After a key rotation: /public/keys lists every key, and receipts from before still verify."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from integrity_service import db, records
from integrity_service.ledger_store import SqlLedger
from integrity_service.receipts import build_receipt
from ledger.append import Draft
from ledger.keyset import LogKey, parse_key_list
from ledger.note import NoteSigner
from ledger.receipt import verify_receipt
from tests.browser_support import chromium_browser, live_server
from tests.conftest import make_app
from tests.integrity_service.public.conftest import as_json
from tests.integrity_service.public.receipt_page import new_page, read_outcome, verify_pasted


@dataclass(frozen=True)
class RotatedLedger:
    """A ledger whose key was rotated, a receipt issued before and one after."""

    app: Flask
    old: NoteSigner
    new: NoteSigner
    before: dict[str, Any]
    after: dict[str, Any]


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _record(app: Flask, count: int) -> None:
    with app.app_context(), db.write_session(db.sessions()) as session:
        records.append(session, [Draft("test.recorded", "test", {"n": n}) for n in range(count)])


def _receipt(app: Flask, seq: int) -> dict[str, Any]:
    with app.app_context():
        return build_receipt(SqlLedger(db.session()), seq)


def build_rotated(tmp_path: Path) -> RotatedLedger:
    """3 entries and a checkpoint, a receipt; begin, finish; 1 entry and a checkpoint."""
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path)
    old = NoteSigner.from_private_text(Path(app.config["KEY_FILE"]).read_text())
    _record(app, 3)
    _run(app, "checkpoint")
    before = _receipt(app, 1)  # covered by the checkpoint of size 3, signed by the old key
    path = tmp_path / "next.key"
    _run(app, "rotate-key", "begin", "--new-key-file", str(path))  # entry 3, checkpoint 4
    new = NoteSigner.from_private_text(path.read_text())
    app.config["NEXT_KEY_FILE"] = str(path)
    _run(app, "rotate-key", "finish")  # entry 4, checkpoint 5 by the new key only
    app.config["NEXT_KEY_FILE"] = None
    _record(app, 1)
    _run(app, "checkpoint")  # size 6
    return RotatedLedger(app, old, new, before, _receipt(app, 5))


@pytest.fixture(scope="module")
def rotated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RotatedLedger]:
    """One rotated ledger for the module's tests (read only)."""
    built = build_rotated(tmp_path_factory.mktemp("rotated"))
    yield built
    built.app.extensions["integrity_engine"].dispose()


def _published(rotated: RotatedLedger) -> list[LogKey]:
    answer = rotated.app.test_client().get("/public/keys")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return parse_key_list(answer.get_data(as_text=True))


def test_the_key_list_names_every_key_with_its_tree_sizes(rotated: RotatedLedger) -> None:
    listed = _published(rotated)
    assert [(k.verifier.to_text(), k.first_size, k.last_size) for k in listed] == [
        (rotated.old.verifier().to_text(), 0, 4),
        (rotated.new.verifier().to_text(), 4, None),
    ]
    key = rotated.app.test_client().get("/public/key").get_data(as_text=True)
    assert key == rotated.new.verifier().to_text() + "\n"  # the key that signs now


def test_a_receipt_from_before_the_rotation_still_verifies(
    rotated: RotatedLedger, tmp_path: Path
) -> None:
    listed = _published(rotated)
    assert rotated.before["inclusion_proof"]["size"] == 3
    for receipt in (rotated.before, rotated.after):
        report = verify_receipt(receipt, log_key=listed)
        assert report.ok, report.failures()
    alone = verify_receipt(rotated.before, log_key=rotated.new.verifier())
    assert [check.name for check in alone.failures()] == ["signature"]
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_text(json.dumps(rotated.before))
    keys_file = tmp_path / "keys.txt"
    keys_file.write_text(rotated.app.test_client().get("/public/keys").get_data(as_text=True))
    runner = rotated.app.test_cli_runner()
    result = runner.invoke(args=["verify-receipt", str(receipt_file), "--key", str(keys_file)])
    assert result.exit_code == 0 and "receipt VERIFIED" in result.output, result.output


def test_the_pages_list_the_keys_and_tell_log_lines_from_witnesses(
    rotated: RotatedLedger,
) -> None:
    client = rotated.app.test_client()
    index = client.get("/public/?lang=en").get_data(as_text=True)
    assert rotated.old.verifier().to_text() in index and "tree sizes 0 to 4" in index
    assert rotated.new.verifier().to_text() in index and "tree sizes from 4" in index
    assert len(re.findall('data-role="log"', index)) == 1 and 'data-role="witness"' not in index
    history = client.get("/public/history?lang=en").get_data(as_text=True)
    overlap = history.split('data-size="4"', 1)[1].split("</tr>", 1)[0]
    assert "witnesses" not in overlap  # both lines, the old and the new key's, are the log's
    howto = client.get("/public/verify-howto?lang=en").get_data(as_text=True)
    assert "/public/keys" in howto and "tree sizes from 4" in howto


@pytest.mark.slow
def test_the_browser_checker_verifies_receipts_across_the_rotation(
    rotated: RotatedLedger,
) -> None:
    with chromium_browser() as browser, live_server(rotated.app) as base:
        page, errors = new_page(browser)
        for receipt in (rotated.before, rotated.after):
            outcome = verify_pasted(page, base, as_json(receipt))
            assert outcome.verdict == "verified", outcome.checks
            assert outcome.checks["key"][1] == "key.list"
        page.goto(f"{base}/public/receipt")
        page.click("details.advanced summary")
        page.fill("#key-text", f"{rotated.old.verifier().to_text()} first=0 last=2")
        page.fill("#receipt-text", as_json(rotated.before))
        page.click("#verify")
        outcome = read_outcome(page)
        assert outcome.failed() == ["checkpoint"]
        assert outcome.checks["checkpoint"][1] == "checkpoint.window"
        assert errors == []
