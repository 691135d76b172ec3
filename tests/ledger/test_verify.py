"""verify_log over logs built with prepare_entries: a clean log passes, every tampering is named."""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import HYPOTHESIS

from ledger.append import Draft, LogHead, prepare_entries
from ledger.checkpoint import Checkpoint
from ledger.entry import Entry
from ledger.hashing import EMPTY_ROOT, commitment
from ledger.note import NoteSigner
from ledger.store import MemoryNodes
from ledger.tree import Frontier
from ledger.verify import StoredCheckpoint, StoredEntry, VerifyReport, verify_log

ORIGIN = "integrity.example.go.id/ledger"
SIZE = 20
CHECKPOINT_SIZES = (5, 12, 20)
SIGNER = NoteSigner.generate(ORIGIN)


@dataclass(frozen=True)
class SignedLog:
    """Stored rows and signed checkpoints of one log."""

    rows: list[StoredEntry]
    checkpoints: list[StoredCheckpoint]


def drafts(count: int, tag: str) -> list[Draft]:
    """Return count distinct drafts."""
    return [
        Draft("assessment.recorded", "bkpsdm-api", {"tag": tag, "score": 60 + i})
        for i in range(count)
    ]


def stored(head: LogHead, batch: list[Draft]) -> list[StoredEntry]:
    """Prepare a batch onto head and return the rows a backend would store."""
    return [
        StoredEntry(p.seq, p.entry_bytes, p.commitment, p.tree_hashes)
        for p in prepare_entries(head, batch)
    ]


def signed_checkpoint(size: int, root: bytes, signer: NoteSigner = SIGNER) -> StoredCheckpoint:
    """Return a stored checkpoint signed by signer."""
    return StoredCheckpoint(size, root, Checkpoint(signer.name, size, root).sign(signer))


def build_signed_log() -> SignedLog:
    """Append SIZE entries in batches, signing a checkpoint at each CHECKPOINT_SIZES."""
    head = LogHead(Frontier())
    rows: list[StoredEntry] = []
    checkpoints = []
    for size in CHECKPOINT_SIZES:
        rows += stored(head, drafts(size - len(rows), f"batch-{size}"))
        checkpoints.append(signed_checkpoint(size, head.frontier.root()))
    return SignedLog(rows, checkpoints)


LOG = build_signed_log()


def verify(
    rows: list[StoredEntry],
    checkpoints: list[StoredCheckpoint] | None = None,
    signer: NoteSigner = SIGNER,
    **options,
) -> VerifyReport:
    """Run verify_log with the log's checkpoints unless others are given."""
    chosen = LOG.checkpoints if checkpoints is None else checkpoints
    return verify_log(iter(rows), chosen, signer.verifier(), **options)


def first_problem_at_entry(report: VerifyReport, seq: int) -> None:
    """Assert that the first problem names entry seq."""
    assert not report.ok
    problem = report.problems[0]
    assert (problem.seq, problem.checkpoint_size) == (seq, None), report.problems
    assert str(problem).startswith(f"entry seq {seq}: ")
    assert report.entries_checked == seq


def first_problem_at_checkpoint(report: VerifyReport, size: int) -> None:
    """Assert that the first problem names the checkpoint of size."""
    assert not report.ok
    problem = report.problems[0]
    assert (problem.seq, problem.checkpoint_size) == (None, size), report.problems
    assert str(problem).startswith(f"checkpoint at size {size}: ")


def flip(raw: bytes, position: int, mask: int = 1) -> bytes:
    """Return raw with the byte at position XORed with mask."""
    changed = bytearray(raw)
    changed[position] ^= mask
    return bytes(changed)


# --- the untouched log -----------------------------------------------------------------


def test_untouched_log_verifies() -> None:
    report = verify(LOG.rows)
    assert report.ok, report.problems
    assert report.entries_checked == SIZE
    assert report.checkpoints_checked == len(CHECKPOINT_SIZES)
    assert report.redacted == []


def test_progress_is_reported_every_10000_entries() -> None:
    calls: list[int] = []
    head = LogHead(Frontier())
    rows = stored(head, drafts(10_001, "many"))
    report = verify(rows, [], progress=calls.append)
    assert report.ok and calls == [10_000]


# --- entry tampering -------------------------------------------------------------------


@settings(HYPOTHESIS, max_examples=60)
@given(data=st.data())
def test_one_changed_byte_of_an_entry_is_named(data) -> None:
    seq = data.draw(st.integers(0, SIZE - 1), label="seq")
    raw = LOG.rows[seq].entry_bytes
    assert raw is not None
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    rows = list(LOG.rows)
    rows[seq] = rows[seq]._replace(entry_bytes=flip(raw, position, mask))
    first_problem_at_entry(verify(rows), seq)


@pytest.mark.parametrize("seq", [0, 7, 12, 18])
def test_a_deleted_entry_is_named_as_the_gap(seq: int) -> None:
    rows = LOG.rows[:seq] + LOG.rows[seq + 1 :]
    first_problem_at_entry(verify(rows), seq)


@pytest.mark.parametrize("seq", [0, 7, 18])
def test_swapped_whole_rows_keeping_seq_positions_are_named(seq: int) -> None:
    rows = list(LOG.rows)
    rows[seq], rows[seq + 1] = (
        LOG.rows[seq + 1]._replace(seq=seq),
        LOG.rows[seq]._replace(seq=seq + 1),
    )
    first_problem_at_entry(verify(rows), seq)


@pytest.mark.parametrize("seq", [0, 7, 18])
def test_swapped_rows_in_scan_order_are_named(seq: int) -> None:
    rows = list(LOG.rows)
    rows[seq], rows[seq + 1] = rows[seq + 1], rows[seq]
    first_problem_at_entry(verify(rows), seq)


@pytest.mark.parametrize("seq", [0, 7, 18])
def test_swapped_entry_bytes_only_are_named(seq: int) -> None:
    rows = list(LOG.rows)
    rows[seq] = LOG.rows[seq]._replace(entry_bytes=LOG.rows[seq + 1].entry_bytes)
    rows[seq + 1] = LOG.rows[seq + 1]._replace(entry_bytes=LOG.rows[seq].entry_bytes)
    first_problem_at_entry(verify(rows), seq)


def test_an_entry_rewritten_with_its_commitment_is_named_by_the_tree_hashes() -> None:
    seq = 9
    raw = LOG.rows[seq].entry_bytes.replace(b'"score":', b'"score":1')
    rows = list(LOG.rows)
    rows[seq] = rows[seq]._replace(entry_bytes=raw, commitment=commitment(raw))
    first_problem_at_entry(verify(rows), seq)


@pytest.mark.parametrize("cut", [15, 10])
def test_a_rewritten_and_rechained_tail_is_exposed_by_the_checkpoint_root(cut: int) -> None:
    kept = LOG.rows[:cut]
    nodes = MemoryNodes()
    nodes.blobs = [row.tree_hashes for row in kept]
    head = LogHead(Frontier.load(cut, nodes), kept[-1].commitment)
    rows = kept + stored(head, drafts(SIZE - cut, "forged"))
    report = verify(rows)
    assert report.entries_checked == SIZE, "the forged tail is a well-formed chain"
    assert all(problem.seq is None for problem in report.problems)
    exposed = [size for size in CHECKPOINT_SIZES if size > cut]
    assert [problem.checkpoint_size for problem in report.problems] == exposed
    first_problem_at_checkpoint(report, exposed[0])
    assert "root recomputed" in report.problems[0].message


def _forge_entry_at(cut: int, entry: Entry) -> list[StoredEntry]:
    """Return the first cut rows plus entry, with its commitment and tree hashes recomputed."""
    kept = LOG.rows[:cut]
    nodes = MemoryNodes()
    nodes.blobs = [row.tree_hashes for row in kept]
    raw = entry.to_bytes()
    blob = Frontier.load(cut, nodes).append(commitment(raw))
    return [*kept, StoredEntry(cut, raw, commitment(raw), blob)]


def _entry_after(cut: int, **changes) -> Entry:
    fields = {
        "type": "assessment.recorded",
        "seq": cut,
        "time": "2025-03-01T08:30:00Z",
        "prev": base64.b64encode(LOG.rows[cut - 1].commitment).decode(),
        "salt": base64.b64encode(bytes(16)).decode(),
        "actor": "forger",
        "body": {},
    }
    fields.update(changes)
    return Entry(**fields)


def test_a_consistent_forged_entry_passes_the_entry_checks() -> None:
    """Control for the two tests below: only their one changed field is wrong."""
    report = verify(_forge_entry_at(15, _entry_after(15)), LOG.checkpoints[:2])
    assert report.ok, report.problems


def test_a_broken_prev_link_is_named() -> None:
    rows = _forge_entry_at(15, _entry_after(15, prev=base64.b64encode(bytes(32)).decode()))
    report = verify(rows, LOG.checkpoints[:2])
    first_problem_at_entry(report, 15)
    assert "chain" in report.problems[0].message


def test_an_entry_claiming_another_seq_is_named() -> None:
    report = verify(_forge_entry_at(15, _entry_after(15, seq=16)), LOG.checkpoints[:2])
    first_problem_at_entry(report, 15)
    assert "seq 16" in report.problems[0].message


@settings(HYPOTHESIS, max_examples=60)
@given(data=st.data())
def test_a_changed_stored_tree_hash_is_named(data) -> None:
    seq = data.draw(st.integers(0, SIZE - 1), label="seq")
    blob = LOG.rows[seq].tree_hashes
    position = data.draw(st.integers(0, len(blob) - 1), label="position")
    rows = list(LOG.rows)
    rows[seq] = rows[seq]._replace(tree_hashes=flip(blob, position))
    first_problem_at_entry(verify(rows), seq)


@pytest.mark.parametrize("change", ["truncated", "extended", "commitment"])
def test_other_stored_hash_damage_is_named(change: str) -> None:
    seq = 15  # leaf 15 completes levels 0..4: its blob holds five hashes
    row = LOG.rows[seq]
    assert len(row.tree_hashes) == 5 * 32
    damaged = {
        "truncated": row._replace(tree_hashes=row.tree_hashes[:-32]),
        "extended": row._replace(tree_hashes=row.tree_hashes + bytes(32)),
        "commitment": row._replace(commitment=flip(row.commitment, 0)),
    }[change]
    rows = list(LOG.rows)
    rows[seq] = damaged
    first_problem_at_entry(verify(rows), seq)


# --- redaction -------------------------------------------------------------------------


def test_a_recorded_redaction_passes_and_is_reported() -> None:
    rows = list(LOG.rows)
    rows[4] = rows[4]._replace(entry_bytes=None)
    report = verify(rows, redacted={4})
    assert report.ok, report.problems
    assert report.redacted == [4]
    assert report.entries_checked == SIZE
    assert report.checkpoints_checked == len(CHECKPOINT_SIZES)


def test_an_unrecorded_erasure_is_named() -> None:
    rows = list(LOG.rows)
    rows[4] = rows[4]._replace(entry_bytes=None)
    first_problem_at_entry(verify(rows, redacted={3, 5}), 4)


def test_a_redacted_entry_cannot_hide_a_changed_commitment() -> None:
    rows = list(LOG.rows)
    rows[4] = rows[4]._replace(entry_bytes=None, commitment=bytes(32))
    first_problem_at_entry(verify(rows, redacted={4}), 4)


# --- checkpoint tampering --------------------------------------------------------------


def _replace_checkpoint(size: int, replacement: StoredCheckpoint) -> list[StoredCheckpoint]:
    return [replacement if c.size == size else c for c in LOG.checkpoints]


def _checkpoint(size: int) -> StoredCheckpoint:
    return next(c for c in LOG.checkpoints if c.size == size)


def test_an_altered_checkpoint_signature_is_named() -> None:
    original = _checkpoint(12)
    text, _, line = original.note[:-1].rpartition("\n")
    prefix, _, encoded = line.rpartition(" ")
    blob = flip(base64.b64decode(encoded), 40)
    note = f"{text}\n{prefix} {base64.b64encode(blob).decode()}\n"
    report = verify(LOG.rows, _replace_checkpoint(12, dataclasses.replace(original, note=note)))
    first_problem_at_checkpoint(report, 12)
    assert len(report.problems) == 1
    assert report.checkpoints_checked == len(CHECKPOINT_SIZES) - 1


def test_an_altered_checkpoint_body_is_named() -> None:
    original = _checkpoint(12)
    note = original.note.replace("\n12\n", "\n13\n", 1)
    report = verify(LOG.rows, _replace_checkpoint(12, dataclasses.replace(original, note=note)))
    first_problem_at_checkpoint(report, 12)


def test_a_stored_root_that_differs_from_its_note_is_named() -> None:
    original = _checkpoint(12)
    changed = dataclasses.replace(original, root=flip(original.root, 31))
    first_problem_at_checkpoint(verify(LOG.rows, _replace_checkpoint(12, changed)), 12)


def test_checkpoints_verified_against_a_different_key_all_fail() -> None:
    impostor = NoteSigner.generate(ORIGIN)
    report = verify(LOG.rows, signer=impostor)
    first_problem_at_checkpoint(report, CHECKPOINT_SIZES[0])
    assert [p.checkpoint_size for p in report.problems] == list(CHECKPOINT_SIZES)
    assert report.checkpoints_checked == 0
    assert report.entries_checked == SIZE


def test_checkpoints_signed_by_another_key_are_named() -> None:
    impostor = NoteSigner.generate(ORIGIN)
    root = _checkpoint(12).root
    report = verify(LOG.rows, _replace_checkpoint(12, signed_checkpoint(12, root, impostor)))
    first_problem_at_checkpoint(report, 12)


@pytest.mark.parametrize("kept", [19, 18, 13])
def test_a_checkpoint_larger_than_the_log_is_named(kept: int) -> None:
    report = verify(LOG.rows[:kept])
    later = [size for size in CHECKPOINT_SIZES if size > kept]
    first_problem_at_checkpoint(report, later[0])
    assert [p.checkpoint_size for p in report.problems] == later
    assert f"only {kept} entries" in report.problems[0].message
    assert report.entries_checked == kept


def test_checkpoints_of_an_empty_log_are_named() -> None:
    report = verify([])
    assert [p.checkpoint_size for p in report.problems] == list(CHECKPOINT_SIZES)


@pytest.mark.parametrize("forged_first", [True, False])
def test_two_signed_checkpoints_of_one_size_with_different_roots_are_named(
    forged_first: bool,
) -> None:
    """A fork: the operator rewrote history and signed a second checkpoint of size 12."""
    forged = signed_checkpoint(12, flip(_checkpoint(12).root, 0))
    checkpoints = [forged, *LOG.checkpoints] if forged_first else [*LOG.checkpoints, forged]
    report = verify(LOG.rows, checkpoints)
    first_problem_at_checkpoint(report, 12)


def test_an_empty_tree_checkpoint_is_checked() -> None:
    report = verify(LOG.rows, [signed_checkpoint(0, EMPTY_ROOT), *LOG.checkpoints])
    assert report.ok, report.problems
    assert report.checkpoints_checked == len(CHECKPOINT_SIZES) + 1
    bogus = signed_checkpoint(0, bytes(32))
    first_problem_at_checkpoint(verify(LOG.rows, [bogus, *LOG.checkpoints]), 0)
    first_problem_at_checkpoint(verify([], [bogus]), 0)
