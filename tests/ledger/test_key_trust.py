"""verify_log over logs whose key was rotated: which checkpoint each key may sign."""

from __future__ import annotations

import json

import pytest
from rotation_support import NEW, OLD, ORIGIN, STRANGER, RotatingLog, problems_at, rotated, windows

from ledger.key_trust import NoteToCheck, key_windows
from ledger.keyset import KEY_ANNOUNCED, KEY_RETIRED, KeyChain, format_key_list, parse_key_event
from ledger.note import NoteSigner

# --- verify_log over a rotated log ------------------------------------------------------


def test_the_original_key_verifies_the_whole_rotated_log() -> None:
    report = rotated().verify(OLD)
    assert report.ok, report.problems
    assert report.checkpoints_checked == 6 and report.entries_checked == 15
    assert windows(report) == [(0, 11), (9, None)]
    assert "the log's first key" in report.key_notes[0]


def test_the_new_key_vouches_for_the_old_one_through_its_announcement() -> None:
    report = rotated().verify(NEW)
    assert report.ok, report.problems
    assert windows(report) == [(0, 11), (9, None)]
    assert "size 9" in report.key_notes[0] and "entry 8" in report.key_notes[0]


@pytest.mark.parametrize("key", [OLD, NEW])
def test_during_the_overlap_either_key_verifies(key: NoteSigner) -> None:
    log = rotated()
    log.rows, log.checkpoints = log.rows[:11], log.checkpoints[:4]
    report = log.verify(key)
    assert report.ok, report.problems
    assert windows(report) == [(0, None), (9, None)]


def test_a_checkpoint_signed_by_a_never_announced_key_fails_naming_it() -> None:
    log = rotated()
    forged = log.sign(STRANGER)  # size 15 again, by a key the log never announced
    for key in (OLD, NEW):
        report = log.verify(key, [*log.checkpoints[:-2], forged])
        assert problems_at(report) == [(None, 15)], report.problems
        assert str(report.problems[0]).startswith("checkpoint at size 15: note carries no")
        label = f"{ORIGIN}+{STRANGER.verifier().key_id.hex()}"
        assert f"signed by {label}, never announced" in report.problems[0].message


def test_a_new_key_cannot_vouch_for_its_own_announcement() -> None:
    log = RotatingLog()
    log.records(4)
    log.sign(OLD)
    log.announce(NEW, OLD)
    log.records(1)
    log.sign(NEW)  # size 6: only the announced key, no key in force
    report = log.verify(OLD)
    assert problems_at(report) == [(None, 6)]
    assert "announced by entry 4, but no checkpoint signed by a key in force" in str(
        report.problems[0]
    )
    assert windows(report) == [(0, None), (None, None)]


def test_an_attacker_announcing_his_own_key_is_not_trusted() -> None:
    log = RotatingLog()
    log.records(8)
    log.sign(OLD)
    log.announce(STRANGER, OLD)  # in the log, but never covered by an OLD signature
    log.sign(STRANGER)
    report = log.verify(OLD)
    assert problems_at(report) == [(None, 9)]


def test_a_retired_key_signs_no_later_checkpoint() -> None:
    log = rotated()
    stolen = log.sign(OLD)  # size 15 by the retired key (stolen after the rotation)
    report = log.verify(OLD, [*log.checkpoints[:-2], stolen])
    assert problems_at(report) == [(None, 15)]
    assert "retired by entry 11: it signs tree sizes up to 11 only" in report.problems[0].message


def test_a_new_key_that_never_signed_after_its_announcement_vouches_for_nothing() -> None:
    log = RotatingLog()
    log.records(3)
    log.sign(OLD)
    log.announce(NEW, OLD)
    log.sign(OLD)  # covers the announcement; NEW never signs
    report = log.verify(NEW)
    assert problems_at(report) == [(None, 3), (None, 4)]
    assert "comes before" in report.problems[0].message
    assert "cannot vouch for the keys before it" in report.key_notes[0]
    assert log.verify(OLD).ok


def test_a_key_the_log_never_named_trusts_nothing() -> None:
    report = rotated().verify(STRANGER)
    assert [size for _, size in problems_at(report)] == [5, 8, 9, 11, 12, 15]
    assert "not one of the keys this log names" in report.key_notes[0]


def test_a_tampered_announcement_is_named_by_its_seq() -> None:
    log = rotated()
    row = log.rows[8]
    new_text = NEW.verifier().to_text().encode()
    stranger_text = STRANGER.verifier().to_text().encode()
    assert row.entry_bytes is not None and new_text in row.entry_bytes
    log.rows[8] = row._replace(entry_bytes=row.entry_bytes.replace(new_text, stranger_text))
    for key in (OLD, NEW):
        report = log.verify(key)
        assert problems_at(report)[0] == (8, None)
        assert "entry changed" in report.problems[0].message


def test_a_key_entry_out_of_order_is_named() -> None:
    log = rotated()
    log.announce(STRANGER, OLD)  # OLD is retired and not the latest key
    log.sign(NEW)
    report = log.verify(OLD)
    assert problems_at(report) == [(15, None)]
    assert report.problems[0].message.startswith("log.key_announced entry: announces")


def test_a_log_without_key_entries_verifies_as_before() -> None:
    log = RotatingLog()
    log.records(4)
    log.sign(OLD)
    report = log.verify(OLD)
    assert report.ok and report.key_notes == [] and windows(report) == [(0, None)]
    wrong = log.verify(NEW)
    label = f"{ORIGIN}+{NEW.verifier().key_id.hex()}"
    assert wrong.problems[0].message == f"note carries no signature by {label}"


# --- key windows read lazily (the public key list) ---------------------------------------


def test_key_windows_read_checkpoints_only_up_to_the_covering_one() -> None:
    log = rotated()
    chain = KeyChain()
    for row in log.rows:
        obj = json.loads(row.entry_bytes or b"{}")
        if obj["type"] in (KEY_ANNOUNCED, KEY_RETIRED):
            assert chain.add(parse_key_event(row.seq, obj["type"], obj["body"])) is None
    read: list[int] = []

    def notes_after(seq: int):
        for stored in log.checkpoints:
            if stored.size > seq:
                read.append(stored.size)
                yield NoteToCheck.parse(stored.note)

    keys = key_windows(chain, notes_after)
    assert [(k.first_size, k.last_size) for k in keys] == [(0, 11), (9, None)]
    assert read == [9]
    assert format_key_list(keys).splitlines() == [
        f"{OLD.verifier().to_text()} first=0 last=11",
        f"{NEW.verifier().to_text()} first=9",
    ]
