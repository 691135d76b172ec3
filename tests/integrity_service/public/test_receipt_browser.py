"""The receipt checker verifies in Chromium: valid, tampered, erased, pending; every engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import screenshot
from tests.integrity_service.public.conftest import (
    SmallLedger,
    as_json,
    tampered_checkpoint_text,
    tampered_entry,
    tampered_proof,
    tampered_signature,
)
from tests.integrity_service.public.receipt_page import (
    NO_WEBCRYPTO,
    NO_WEBCRYPTO_ED25519,
    new_page,
    read_outcome,
    verify_pasted,
)

pytestmark = pytest.mark.slow

ALL_PASS = ["receipt", "commitment", "entry", "key", "signature", "checkpoint", "inclusion"]


def test_valid_receipt_verifies_and_shows_the_entry(
    small_ledger: SmallLedger, small_server: str, browser: Any
) -> None:
    receipt = small_ledger.receipt(small_ledger.covered)
    page, errors = new_page(browser)
    requests: list[tuple[str, str]] = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    outcome = verify_pasted(page, small_server, as_json(receipt))
    screenshot(page, "public-receipt-verified-id")
    assert outcome.verdict == "verified", outcome.checks
    assert [outcome.status(check) for check in ALL_PASS] == ["pass"] * len(ALL_PASS)
    assert outcome.status("witnesses") == "note"
    assert outcome.engine == "webcrypto"  # Chromium has Ed25519 in WebCrypto
    nip, name = small_ledger.people[small_ledger.covered]
    assert outcome.entry["nip"] == nip and outcome.entry["name"] == name
    assert outcome.entry["seq"] == str(small_ledger.covered)
    assert "Terverifikasi" in page.inner_text("#verdict")  # Indonesian by default
    assert errors == []
    # Only public data travelled: the page's own files and the verifier key, all GETs.
    assert {method for method, _ in requests} == {"GET"}
    fetched = {url.removeprefix(small_server).split("?")[0] for _, url in requests}
    # The log's key list (every key with its tree sizes): receipts survive a key rotation.
    allowed = ("/public/receipt", "/public/keys", "/favicon.ico")  # the browser asks for its icon
    assert all(path.startswith("/static/") or path in allowed for path in fetched), fetched
    assert not any(nip in url or receipt["commitment"] in url for _, url in requests)


@pytest.mark.parametrize(
    ("tamper", "failing", "code"),
    [
        (tampered_entry, ["commitment"], "commitment.mismatch"),
        (tampered_proof, ["inclusion"], "inclusion.root"),
        (tampered_checkpoint_text, ["signature"], "signature.bad"),
        (tampered_signature, ["signature"], "signature.bad"),
    ],
    ids=["entry-byte", "proof-hash", "checkpoint-text", "signature"],
)
def test_one_changed_byte_fails_and_the_page_names_it(
    small_ledger: SmallLedger,
    small_server: str,
    browser: Any,
    tamper: Callable[[dict[str, Any]], dict[str, Any]],
    failing: list[str],
    code: str,
) -> None:
    receipt = tamper(small_ledger.receipt(small_ledger.covered))
    page, errors = new_page(browser)
    outcome = verify_pasted(page, small_server, as_json(receipt), query="?lang=en")
    assert outcome.verdict == "failed"
    assert outcome.failed() == failing
    _, shown_code, text = outcome.checks[failing[0]]
    assert shown_code == code and text
    assert "Not verified" in page.inner_text("#verdict")
    if failing == ["signature"]:  # open, then parse: an unsigned checkpoint is not used
        assert outcome.status("checkpoint") == outcome.status("inclusion") == "skip"
    else:
        assert outcome.status("signature") == "pass"
    if tamper is tampered_entry:
        assert page.is_visible("#entry-warning")  # content shown, but flagged as unproven
        screenshot(page, "public-receipt-tampered-en")
    assert errors == []


def test_redacted_receipt_verifies_from_its_commitment(
    small_ledger: SmallLedger, small_server: str, browser: Any
) -> None:
    receipt = small_ledger.receipt(small_ledger.redacted)
    assert receipt["entry"] is None and receipt["redacted"] is True
    page, _ = new_page(browser)
    outcome = verify_pasted(page, small_server, as_json(receipt))
    screenshot(page, "public-receipt-redacted-id")
    assert outcome.verdict == "verified"
    assert outcome.checks["commitment"][:2] == ("note", "commitment.redacted")
    assert outcome.status("entry") == "skip"
    assert [outcome.status(c) for c in ("key", "signature", "checkpoint", "inclusion")] == [
        "pass"
    ] * 4
    assert outcome.redacted_note and outcome.entry == {}


def test_receipt_before_any_checkpoint_is_pending(
    small_ledger: SmallLedger, small_server: str, browser: Any
) -> None:
    receipt = small_ledger.receipt(small_ledger.uncovered)
    assert receipt["checkpoint"] is None
    page, _ = new_page(browser)
    outcome = verify_pasted(page, small_server, as_json(receipt))
    assert outcome.verdict == "pending"
    assert outcome.checks["checkpoint"][:2] == ("pending", "checkpoint.none")
    assert outcome.status("commitment") == outcome.status("entry") == "pass"


def test_uploaded_file_is_read_in_the_browser_and_verified(
    small_ledger: SmallLedger, small_server: str, browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "receipt.json"
    # The API's document shape, {"receipt": {...}}, is accepted as well.
    path.write_text(json.dumps({"receipt": small_ledger.receipt(0)}), encoding="utf-8")
    page, _ = new_page(browser)
    page.goto(f"{small_server}/public/receipt")
    page.wait_for_selector("#receipt-form[data-ready=true]")
    page.set_input_files("#receipt-file", str(path))
    outcome = read_outcome(page)
    assert outcome.verdict == "verified"
    assert outcome.entry["nip"] == small_ledger.people[0][0]


@pytest.mark.parametrize(
    ("query", "init_script"),
    [
        ("?engine=noble", None),
        ("", NO_WEBCRYPTO_ED25519),
        ("", NO_WEBCRYPTO),
    ],
    ids=["noble-asked", "webcrypto-without-ed25519", "no-webcrypto-at-all"],
)
def test_noble_engine_verifies_and_rejects(
    small_ledger: SmallLedger,
    small_server: str,
    browser: Any,
    query: str,
    init_script: str | None,
) -> None:
    receipt = small_ledger.receipt(small_ledger.covered)
    page, errors = new_page(browser, init_script=init_script)
    outcome = verify_pasted(page, small_server, as_json(receipt), query=query)
    assert outcome.verdict == "verified", outcome.checks
    assert outcome.engine == "noble"
    assert "noble-ed25519" in outcome.checks["signature"][2]
    for tamper in (tampered_signature, tampered_checkpoint_text):
        outcome = verify_pasted(page, small_server, as_json(tamper(receipt)), query=query)
        assert outcome.failed() == ["signature"] and outcome.engine == "noble"
    outcome = verify_pasted(page, small_server, as_json(tampered_entry(receipt)), query=query)
    assert outcome.failed() == ["commitment"]  # SHA-256 by noble too when WebCrypto is gone
    assert errors == []


def test_key_that_cannot_be_fetched_or_is_another_logs_fails_the_key_check(
    small_ledger: SmallLedger, small_server: str, browser: Any
) -> None:
    receipt = as_json(small_ledger.receipt(small_ledger.covered))
    page, _ = new_page(browser)
    page.route("**/public/keys", lambda route: route.abort())
    outcome = verify_pasted(page, small_server, receipt)
    assert outcome.failed() == ["key"] and outcome.checks["key"][1] == "key.fetch"
    assert outcome.status("signature") == "skip"
    page.unroute("**/public/keys")
    page.goto(f"{small_server}/public/receipt")
    page.click("details.advanced summary")
    other = "other.example/log+a1b2c3d4+AW0g9IXyrBdfQY/JmHyKUYtAAWtAh2iwRQQgaBvlMQM8"
    page.fill("#key-text", other)
    page.fill("#receipt-text", receipt)
    page.click("#verify")
    outcome = read_outcome(page)
    assert outcome.checks["key"][1] == "key.id"  # the key ID does not match that key
    page.fill("#key-text", small_ledger.key.replace("+", "x+", 1))  # renamed: its ID breaks
    page.click("#verify")
    assert read_outcome(page).checks["key"][1] == "key.id"


def test_not_json_is_named(small_server: str, browser: Any) -> None:
    page, _ = new_page(browser)
    outcome = verify_pasted(page, small_server, "this is not a receipt", query="?lang=en")
    assert outcome.failed() == ["receipt"] and outcome.checks["receipt"][1] == "receipt.json"
    assert [outcome.status(c) for c in ALL_PASS[1:]] == ["skip"] * (len(ALL_PASS) - 1)
