"""prepare_entries: chaining, gapless seqs, fresh salts, refusals."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
import reference as ref

from ledger.append import Draft, LogHead, prepare_entries
from ledger.entry import Entry
from ledger.errors import CanonicalizationError, FormatError
from ledger.store import MemoryNodes
from ledger.tree import Frontier

ZERO_PREV = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # base64 of 32 zero bytes


def draft(n: int, **changes: Any) -> Draft:
    """Return a valid draft numbered n, with some fields replaced."""
    fields: dict[str, Any] = {
        "type": "placement.decided",
        "actor": "bkpsdm-api",
        "body": {"n": n, "sk": f"800/{n}/2025"},
    }
    fields.update(changes)
    return Draft(**fields)


def test_entries_chain_from_zero_and_across_calls() -> None:
    head = LogHead(Frontier())
    first = prepare_entries(head, [draft(i) for i in range(3)], time="2025-03-01T08:00:00Z")
    second = prepare_entries(head, [draft(i) for i in range(3, 8)])
    prepared = first + second
    assert [p.seq for p in prepared] == list(range(8))
    assert head.size == 8
    assert head.last_commitment == prepared[-1].commitment
    parsed = [Entry.from_bytes(p.entry_bytes) for p in prepared]
    assert parsed[0].prev == ZERO_PREV
    for previous, current in zip(prepared, parsed[1:], strict=False):
        assert base64.b64decode(current.prev) == previous.commitment
    for p, entry in zip(prepared, parsed, strict=True):
        assert p.commitment == hashlib.sha256(p.entry_bytes).digest()
        assert (entry.seq, entry.type, entry.time) == (p.seq, p.type, p.time)
        assert entry.actor == "bkpsdm-api"
        assert entry.body == {"n": p.seq, "sk": f"800/{p.seq}/2025"}
    assert {p.time for p in first} == {"2025-03-01T08:00:00Z"}
    assert len({p.time for p in second}) == 1


def test_tree_hashes_are_those_the_reference_predicts() -> None:
    head = LogHead(Frontier())
    prepared = prepare_entries(head, [draft(i) for i in range(33)])
    leaves = [p.commitment for p in prepared]
    for p in prepared:
        expected = [ref.leaf_hash(leaves[p.seq])]
        width = 2
        while (p.seq + 1) % width == 0:
            expected.append(ref.mth(leaves[p.seq + 1 - width : p.seq + 1]))
            width *= 2
        assert p.tree_hashes == b"".join(expected)
    assert head.frontier.root() == ref.mth(leaves)


def test_a_head_reloaded_from_storage_continues_the_same_chain() -> None:
    head = LogHead(Frontier())
    prepared = prepare_entries(head, [draft(i) for i in range(11)])
    nodes = MemoryNodes()
    nodes.blobs = [p.tree_hashes for p in prepared]
    reloaded = LogHead(Frontier.load(11, nodes), prepared[-1].commitment)
    [continued] = prepare_entries(reloaded, [draft(11)])
    [original] = prepare_entries(head, [draft(11)])
    assert continued.seq == original.seq == 11
    assert (
        Entry.from_bytes(continued.entry_bytes).prev == Entry.from_bytes(original.entry_bytes).prev
    )
    leaves = [p.commitment for p in prepared] + [continued.commitment]
    # Leaf 11 completes [11, 12) and [8, 12): the reloaded frontier must know [8, 10) and 10.
    assert continued.tree_hashes == ref.leaf_hash(leaves[11]) + ref.mth(leaves[10:12]) + ref.mth(
        leaves[8:12]
    )
    assert reloaded.frontier.root() == ref.mth(leaves)


def test_salts_are_16_fresh_bytes_per_entry() -> None:
    head = LogHead(Frontier())
    same = [draft(0) for _ in range(300)]
    prepared = prepare_entries(head, same, time="2025-03-01T08:00:00Z")
    salts = [
        base64.b64decode(Entry.from_bytes(p.entry_bytes).salt, validate=True) for p in prepared
    ]
    assert all(len(salt) == 16 for salt in salts)
    assert len(set(salts)) == len(salts)
    # Same type, actor, body and time: only seq, prev and salt tell them apart.
    assert len({p.commitment for p in prepared}) == len(prepared)


def test_an_empty_batch_changes_nothing() -> None:
    head = LogHead(Frontier())
    assert prepare_entries(head, []) == []
    assert head.size == 0
    assert prepare_entries(head, [draft(0)])[0].seq == 0


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"type": "Placement.decided"}, id="type-capital"),
        pytest.param({"type": "placement"}, id="type-one-word"),
        pytest.param({"type": "placement decided"}, id="type-space"),
        pytest.param({"type": "placement.decided\n"}, id="type-trailing-newline"),
        pytest.param({"type": ""}, id="type-empty"),
        pytest.param({"type": None}, id="type-none"),
        pytest.param({"actor": ""}, id="actor-empty"),
        pytest.param({"actor": 7}, id="actor-number"),
    ],
)
def test_a_bad_type_or_actor_raises_format_error(bad: dict[str, Any]) -> None:
    head = LogHead(Frontier())
    with pytest.raises(FormatError):
        prepare_entries(head, [draft(0), draft(1, **bad)])


@pytest.mark.parametrize(
    "time", ["yesterday", "2025-03-01 08:00:00Z", "2025-03-01T08:00:00+07:00", "2025-03-01"]
)
def test_a_malformed_time_raises_format_error(time: str) -> None:
    with pytest.raises(FormatError):
        prepare_entries(LogHead(Frontier()), [draft(0)], time=time)


@pytest.mark.parametrize(
    "body",
    [{"score": 87.5}, {"nested": {"jpm": [91.5]}}, {"n": 2**53}, {"k": "\ud800"}, {3: "key"}],
)
def test_a_body_outside_the_json_subset_raises_canonicalization_error(body: dict) -> None:
    with pytest.raises(CanonicalizationError):
        prepare_entries(LogHead(Frontier()), [draft(0, body=body)])


def test_every_prepared_entry_parses_back_strictly() -> None:
    head = LogHead(Frontier())
    bodies = [{}, {"\u00e9t\u00e9": "\u2028"}, {"list": [1, None, True, "x"]}, {"z": {"a": {}}}]
    for p in prepare_entries(head, [draft(0, body=body) for body in bodies]):
        assert Entry.from_bytes(p.entry_bytes).to_bytes() == p.entry_bytes
