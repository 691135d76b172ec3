"""prepare_entries in batches: the bytes assembled around each body are exactly RFC 8785.

A batch makes its first entry of each type and actor in full and reuses the
members that do not change for the rest; these tests hold every entry to the
reference serialisation and to the same refusals as a batch of one.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import HYPOTHESIS

from ledger.append import Draft, LogHead, PreparedEntry, prepare_entries
from ledger.entry import GENESIS_PREV, Entry
from ledger.errors import CanonicalizationError, FormatError
from ledger.tree import Frontier

TIME = "2025-03-01T08:00:00.125Z"
text = st.one_of(
    st.text(max_size=8),
    st.text(alphabet=st.sampled_from(['"', "\\", "\n", "\x00", "\u2028", "\u00e9", "/"])),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
drafts = st.builds(
    Draft,
    type=st.sampled_from(["assessment.recorded", "placement.decided", "case.note_added"]),
    actor=st.sampled_from(["bkpsdm-api", "inspektur \u00e9", 'q"uote', "\u2028"]),
    body=st.dictionaries(text, json_values, max_size=5),
)


def expected_bytes(p: PreparedEntry, draft: Draft, prev: str) -> bytes:
    """Return the reference serialisation of the entry ``p`` claims to be."""
    salt = Entry.from_bytes(p.entry_bytes).salt
    assert len(base64.b64decode(salt, validate=True)) == 16
    entry = {
        "type": draft.type,
        "seq": p.seq,
        "time": TIME,
        "prev": prev,
        "salt": salt,
        "actor": draft.actor,
        "body": draft.body,
    }
    return rfc8785.dumps(entry)


def check_batch(prepared: list[PreparedEntry], batch: list[Draft], prev: str) -> None:
    assert len(prepared) == len(batch)
    for p, draft in zip(prepared, batch, strict=True):
        assert p.entry_bytes == expected_bytes(p, draft, prev)
        assert Entry.from_bytes(p.entry_bytes).to_bytes() == p.entry_bytes
        prev = base64.b64encode(p.commitment).decode()


@settings(HYPOTHESIS, max_examples=150)
@given(first=st.lists(drafts, max_size=6), second=st.lists(drafts, max_size=6))
def test_every_entry_of_a_batch_is_the_reference_serialisation(
    first: list[Draft], second: list[Draft]
) -> None:
    head = LogHead(Frontier())
    check_batch(prepare_entries(head, first, time=TIME), first, GENESIS_PREV)
    prev = base64.b64encode(head.last_commitment).decode() if first else GENESIS_PREV
    check_batch(prepare_entries(head, second, time=TIME), second, prev)


def nested(depth: int) -> Any:
    """Return a value of ``depth`` nested arrays around 0."""
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("position", [0, 1, 2])
def test_the_nesting_limit_counts_from_the_entry_wherever_the_body_stands(position: int) -> None:
    ok = [Draft("placement.decided", "api", {"n": 1}) for _ in range(3)]
    # The entry is level 0 and its body level 1: a body member may hold 30 more levels.
    deepest = [*ok[:position], Draft("placement.decided", "api", {"x": nested(30)}), *ok[:1]]
    prepared = prepare_entries(LogHead(Frontier()), deepest, time=TIME)
    check_batch(prepared, deepest, GENESIS_PREV)
    too_deep = [*ok[:position], Draft("placement.decided", "api", {"x": nested(31)}), *ok[:1]]
    with pytest.raises(CanonicalizationError):
        prepare_entries(LogHead(Frontier()), too_deep, time=TIME)


@pytest.mark.parametrize(
    "body",
    [{"score": 87.5}, {"nested": {"jpm": [91.5]}}, {"n": 2**53}, {"k": "\ud800"}, {3: "key"}],
)
def test_a_bad_body_later_in_a_batch_is_refused_as_in_a_batch_of_one(body: dict) -> None:
    batch = [Draft("placement.decided", "api", {"n": n}) for n in range(3)]
    with pytest.raises(CanonicalizationError):
        prepare_entries(LogHead(Frontier()), [*batch, Draft("placement.decided", "api", body)])


@pytest.mark.parametrize(
    "bad", [Draft("Placement.decided", "api", {}), Draft("placement.decided", "", {})]
)
def test_a_bad_type_or_actor_later_in_a_batch_is_refused(bad: Draft) -> None:
    batch = [Draft("placement.decided", "api", {"n": n}) for n in range(3)]
    with pytest.raises(FormatError):
        prepare_entries(LogHead(Frontier()), [*batch, bad, *batch])


def test_types_and_actors_may_alternate_within_a_batch() -> None:
    batch = [
        Draft(kind, actor, {"n": n})
        for n in range(4)
        for kind in ("placement.decided", "placement.checked")
        for actor in ("api", "inspektur")
    ]
    check_batch(prepare_entries(LogHead(Frontier()), batch, time=TIME), batch, GENESIS_PREV)
