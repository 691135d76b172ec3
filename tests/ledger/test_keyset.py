"""Key rotation in the library: key entries, chains, key lists, receipts after a rotation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from rotation_support import NEW, OLD, ORIGIN, STRANGER, TIME, RotatingLog, rotated

from ledger.checkpoint import Checkpoint, open_checkpoint
from ledger.errors import FormatError, SignatureError
from ledger.keyset import (
    KEY_ANNOUNCED,
    KEY_RETIRED,
    KeyChain,
    KeyEvent,
    LogKey,
    announcement_body,
    format_key_list,
    parse_key_event,
    parse_key_list,
    signing_keys,
)
from ledger.note import NoteSigner, split_note
from ledger.receipt import FAIL, verify_receipt
from ledger.receipt_cli import main

# --- key entries, chains and key lists ----------------------------------------------------


def test_key_list_lines_round_trip_and_a_bare_key_signs_every_size() -> None:
    keys = [LogKey(OLD.verifier(), 0, 11), LogKey(NEW.verifier(), 9)]
    parsed = parse_key_list("# the log's keys\n\n" + format_key_list(keys))
    assert [(k.verifier.to_text(), k.first_size, k.last_size) for k in parsed] == [
        (OLD.verifier().to_text(), 0, 11),
        (NEW.verifier().to_text(), 9, None),
    ]
    (bare,) = parse_key_list(OLD.verifier().to_text() + "\n")
    assert bare.signs(0) and bare.signs(10**12)
    assert parsed[0].signs(11) and not parsed[0].signs(12) and not parsed[1].signs(8)


@pytest.mark.parametrize(
    "suffix", [" first=x", " size=3", " first=1 first=2", " first=5 last=4", " first=01"]
)
def test_malformed_key_lines_are_refused(suffix: str) -> None:
    with pytest.raises(FormatError):
        parse_key_list(OLD.verifier().to_text() + suffix)


def test_an_empty_key_list_is_refused() -> None:
    with pytest.raises(FormatError, match="no key"):
        parse_key_list("# nothing\n")


@pytest.mark.parametrize(
    "body",
    [
        {"key": "x", "previous": "y", "announced_at": TIME},
        {**announcement_body(NEW.verifier(), OLD.verifier(), TIME), "extra": 1},
        {**announcement_body(NEW.verifier(), OLD.verifier(), TIME), "key": 5},
        announcement_body(NEW.verifier(), NEW.verifier(), TIME),
        announcement_body(NoteSigner.generate("other.example").verifier(), OLD.verifier(), TIME),
        [],
    ],
    ids=["bad-key", "extra-field", "not-text", "same-key", "other-origin", "not-object"],
)
def test_malformed_key_entries_are_refused(body: Any) -> None:
    with pytest.raises(FormatError):
        parse_key_event(3, KEY_ANNOUNCED, body)


def test_a_chain_refuses_inconsistent_key_entries() -> None:
    old, new, other = OLD.verifier(), NEW.verifier(), STRANGER.verifier()
    chain = KeyChain()
    assert "not one of the log's keys" in str(chain.add(KeyEvent(1, KEY_RETIRED, old, new)))
    assert chain.add(KeyEvent(2, KEY_ANNOUNCED, new, old)) is None
    assert "announced before" in str(chain.add(KeyEvent(3, KEY_ANNOUNCED, old, new)))
    assert "no such successor" in str(chain.add(KeyEvent(4, KEY_RETIRED, old, other)))
    assert chain.add(KeyEvent(5, KEY_RETIRED, old, new)) is None
    assert "retired already" in str(chain.add(KeyEvent(6, KEY_RETIRED, old, new)))
    assert [(k.announced_seq, k.last_size) for k in chain.keys] == [(None, 5), (2, None)]


def test_signing_keys_checks_every_line_of_a_listed_key() -> None:
    note = Checkpoint(ORIGIN, 3, bytes(32)).sign(OLD, NEW)
    text, signatures = split_note(note)
    listed = [LogKey(OLD.verifier()), LogKey(NEW.verifier()), LogKey(STRANGER.verifier())]
    assert [k.verifier for k in signing_keys(text, signatures, listed)] == [
        OLD.verifier(),
        NEW.verifier(),
    ]
    bad = [dataclasses.replace(signatures[1], signature=bytes(64))]
    with pytest.raises(SignatureError, match="does not verify"):
        signing_keys(text, [signatures[0], *bad], listed)
    with pytest.raises(SignatureError, match="no signature by"):
        signing_keys(text, signatures, [LogKey(STRANGER.verifier())])


def test_a_client_knowing_either_key_opens_an_overlap_checkpoint() -> None:
    """Witnesses and Go's note.Open know one key per origin; other lines are ignored."""
    note = Checkpoint(ORIGIN, 9, bytes(32)).sign(OLD, NEW)
    for key in (OLD, NEW):
        assert open_checkpoint(note, key.verifier()).size == 9
    with pytest.raises(SignatureError):
        open_checkpoint(note, STRANGER.verifier())


# --- receipts after a rotation ------------------------------------------------------------


def _key_list(log: RotatingLog) -> list[LogKey]:
    return parse_key_list(format_key_list(log.verify(OLD).keys))


def test_a_receipt_from_before_the_rotation_verifies_with_the_key_list() -> None:
    log = rotated()
    before = log.receipt(2, log.checkpoints[0])  # size 5, signed by OLD alone
    assert verify_receipt(before, log_key=_key_list(log)).ok
    assert verify_receipt(before, log_key=OLD.verifier()).ok
    alone = verify_receipt(before, log_key=NEW.verifier())
    assert [c.name for c in alone.failures()] == ["signature"]
    after = log.receipt(13, log.checkpoints[-1])  # size 15, signed by NEW alone
    assert verify_receipt(after, log_key=_key_list(log)).ok


def test_a_retired_key_signing_beyond_its_sizes_fails_the_receipt() -> None:
    log = rotated()
    stolen = Checkpoint(ORIGIN, 15, log.head.frontier.root()).sign(OLD)
    receipt = log.receipt(13, dataclasses.replace(log.checkpoints[-1], note=stolen))
    report = verify_receipt(receipt, log_key=_key_list(log))
    assert [(c.name, c.status) for c in report.failures()] == [("checkpoint", FAIL)]
    assert "tree sizes 0 to 11" in report.failures()[0].detail


def test_the_receipt_command_takes_a_key_list_file(tmp_path: Path, capsys) -> None:
    log = rotated()
    receipt = tmp_path / "receipt.json"
    receipt.write_text(json.dumps(log.receipt(2, log.checkpoints[0])))
    keys = tmp_path / "keys.txt"
    keys.write_text(format_key_list(log.verify(OLD).keys))
    assert main([str(receipt), "--key", str(keys)]) == 0
    assert "receipt VERIFIED" in capsys.readouterr().out
    assert main([str(receipt), "--key", NEW.verifier().to_text()]) == 1
    assert main([str(receipt), "--key", NEW.verifier().to_text(), "--key", str(keys)]) == 0
