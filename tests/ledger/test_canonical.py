"""RFC 8785 canonical JSON (checked against the ``rfc8785`` package) and strict entry parsing."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import orjson
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import HYPOTHESIS

from ledger.canonical import MAX_SAFE_INTEGER, canonicalize, parse_json
from ledger.entry import GENESIS_PREV, Entry
from ledger.errors import CanonicalizationError, FormatError, VerificationError

# Characters JCS treats specially, or that differ between sort orders and escapers.
SPECIAL = [
    "\x00",
    "\x01",
    "\x08",
    "\t",
    "\n",
    "\x0b",
    "\x0c",
    "\r",
    "\x1f",
    "\x7f",
    '"',
    "\\",
    "/",
    "\u2028",
    "\u2029",
    "\u00e9",
    "\ufeff",
    "\uffff",
    "\ue000",
    "\U0001f600",
    "\U0010ffff",
]
any_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(max_codepoint=0x7F), max_size=8),
)
ascii_keys = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=6)
keys = st.one_of(ascii_keys, ascii_keys, any_text)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    st.sampled_from([0, -1, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER]),
    any_text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


# --- canonicalize ----------------------------------------------------------------------


@settings(HYPOTHESIS, max_examples=400)
@given(value=json_values)
def test_canonicalize_equals_rfc8785(value: Any) -> None:
    assert canonicalize(value) == rfc8785.dumps(value)


@settings(HYPOTHESIS, max_examples=200)
@given(value=st.dictionaries(ascii_keys, json_values, max_size=6))
def test_ascii_keyed_objects_take_the_fast_path_and_still_equal_rfc8785(value: Any) -> None:
    encoded = canonicalize(value)
    assert encoded == rfc8785.dumps(value)
    assert parse_json(encoded) == value


def test_keys_sort_by_utf16_code_units_not_code_points() -> None:
    # U+FFFF sorts after U+1F600 by code point, before it by UTF-16 (D83D DE00 < FFFF).
    value = {"\uffff": 1, "\U0001f600": 2, "a": 3}
    assert canonicalize(value) == '{"a":3,"\U0001f600":2,"\uffff":1}'.encode()


def test_known_bytes() -> None:
    value = {"b": [True, None, -5], "a": "\u2028\x1f\U0001f600", "c": {}}
    assert (
        canonicalize(value)
        == b'{"a":"\xe2\x80\xa8\\u001f\xf0\x9f\x98\x80","b":[true,null,-5],"c":{}}'
    )


def _nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        1.0,
        {"score": 87.5},
        [0.0],
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": -0.0},
        MAX_SAFE_INTEGER + 1,
        {"n": -MAX_SAFE_INTEGER - 1},
        [2**64],
        {1: "non-string key"},
        {None: 1},
        {True: 1},
        {("a",): 1},
        "\ud800",
        {"k": "lone \udfff surrogate"},
        {"\ud800": 1},
        {"\u00e9": "\ud800"},
        {"\u00e9": 1, "nested": {"\ud83d": 2}},
        _nested(33),
        {"deep": _nested(40)},
        {1, 2},
        b"bytes",
        Decimal("1.5"),
        OrderedDict(a=1),
        pytest.param(object(), id="object"),
    ],
    ids=repr,
)
def test_values_outside_the_ledger_json_subset_are_refused(value: Any) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(value)


def test_nesting_limit_boundary() -> None:
    assert canonicalize(_nested(32)) == b"[" * 32 + b"0" + b"]" * 32
    with pytest.raises(CanonicalizationError):
        canonicalize(_nested(33))


@pytest.mark.parametrize("raw", [b"", b"{", b"[1,]", b"\xff", b'{"a":1}x', b"NaN"])
def test_parse_json_turns_malformed_input_into_canonicalization_error(raw: bytes) -> None:
    with pytest.raises(CanonicalizationError):
        parse_json(raw)


# --- Entry -----------------------------------------------------------------------------

type_names = st.from_regex(r"[a-z][a-z0-9_]{0,6}(\.[a-z][a-z0-9_]{0,6}){1,3}", fullmatch=True)
times = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}Z".format,
    st.integers(1970, 2200),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from(["", ".5", ".123", ".123456"]),
)
entries = st.builds(
    Entry,
    type=type_names,
    seq=st.integers(0, MAX_SAFE_INTEGER),
    time=times,
    prev=st.binary(min_size=32, max_size=32).map(lambda raw: base64.b64encode(raw).decode()),
    salt=st.binary(min_size=16, max_size=16).map(lambda raw: base64.b64encode(raw).decode()),
    actor=any_text.filter(bool),
    body=st.dictionaries(keys, json_values, max_size=5),
)


def sample_entry(**changes: Any) -> Entry:
    """Return a valid entry with some fields replaced."""
    fields = {
        "type": "placement.decided",
        "seq": 7,
        "time": "2025-03-01T08:30:00.123Z",
        "prev": GENESIS_PREV,
        "salt": base64.b64encode(bytes(range(16))).decode(),
        "actor": "bkpsdm-api",
        "body": {"score": 87, "nip": "198503122010011001", "jpm": "91.5"},
    }
    fields.update(changes)
    return Entry(**fields)


def sample_obj(**changes: Any) -> dict[str, Any]:
    """Return a valid entry as a JSON object with some fields replaced or (None) removed."""
    obj = sample_entry().to_json_obj()
    for key, value in changes.items():
        if value is None:
            del obj[key]
        else:
            obj[key] = value
    return obj


@settings(HYPOTHESIS, max_examples=200)
@given(entry=entries)
def test_entry_round_trips_through_canonical_bytes(entry: Entry) -> None:
    raw = entry.to_bytes()
    assert raw == rfc8785.dumps(entry.to_json_obj())
    assert Entry.from_bytes(raw) == entry


def test_entry_bytes_are_exactly_the_canonical_form() -> None:
    entry = sample_entry()
    assert entry.to_bytes() == (
        b'{"actor":"bkpsdm-api",'
        b'"body":{"jpm":"91.5","nip":"198503122010011001","score":87},'
        b'"prev":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",'
        b'"salt":"AAECAwQFBgcICQoLDA0ODw==",'
        b'"seq":7,"time":"2025-03-01T08:30:00.123Z","type":"placement.decided"}'
    )
    assert entry.prev_bytes == bytes(32)


def _non_canonical_variants() -> list[Any]:
    obj = sample_entry().to_json_obj()
    canonical = sample_entry().to_bytes()
    reordered = dict(reversed(list(obj.items())))
    return [
        pytest.param(json.dumps(obj, indent=1, sort_keys=True).encode(), id="indented"),
        pytest.param(json.dumps(obj, sort_keys=True).encode(), id="spaces-after-separators"),
        pytest.param(canonical + b"\n", id="trailing-newline"),
        pytest.param(b" " + canonical, id="leading-space"),
        pytest.param(json.dumps(reordered, separators=(",", ":")).encode(), id="reordered-keys"),
        pytest.param(canonical.replace(b'"seq":7', b'"seq":7.0'), id="seq-as-float"),
        pytest.param(canonical.replace(b'"seq":7', b'"seq":7e0'), id="seq-exponent"),
        pytest.param(canonical.replace(b"bkpsdm", b"\\u0062kpsdm"), id="escaped-ascii"),
        pytest.param(canonical.replace(b'"jpm"', b'"\\u006apm"'), id="escaped-key"),
        pytest.param(canonical.replace(b'{"actor"', b'{"actor":"x","actor"'), id="duplicate-key"),
        pytest.param(canonical.replace(b'"score":87', b'"score":87.5'), id="float-in-body"),
    ]


@pytest.mark.parametrize("raw", _non_canonical_variants())
def test_from_bytes_rejects_non_canonical_bytes(raw: bytes) -> None:
    with pytest.raises(FormatError):
        Entry.from_bytes(raw)


@pytest.mark.parametrize(
    "obj",
    [
        pytest.param(sample_obj(body=None), id="missing-body"),
        pytest.param(sample_obj(salt=None), id="missing-salt"),
        pytest.param({**sample_obj(), "extra": 1}, id="extra-field"),
        pytest.param({}, id="empty-object"),
        pytest.param([sample_obj()], id="array"),
        pytest.param("entry", id="string"),
        pytest.param(sample_obj(seq=-1), id="negative-seq"),
        pytest.param(sample_obj(seq="7"), id="string-seq"),
        pytest.param(sample_obj(seq=True), id="bool-seq"),
        pytest.param(sample_obj(seq=MAX_SAFE_INTEGER + 1), id="seq-beyond-safe-integers"),
        pytest.param(sample_obj(seq=[7]), id="list-seq"),
        pytest.param(sample_obj(prev=base64.b64encode(bytes(31)).decode()), id="prev-31-bytes"),
        pytest.param(sample_obj(prev=base64.b64encode(bytes(33)).decode()), id="prev-33-bytes"),
        pytest.param(sample_obj(prev="AAAA*AAA"), id="prev-not-base64"),
        pytest.param(sample_obj(prev=GENESIS_PREV.rstrip("=")), id="prev-unpadded"),
        pytest.param(sample_obj(prev=32), id="prev-number"),
        pytest.param(sample_obj(prev="\u00e9" * 44), id="prev-non-ascii"),
        pytest.param(sample_obj(salt=base64.b64encode(bytes(15)).decode()), id="salt-15-bytes"),
        pytest.param(sample_obj(salt=base64.b64encode(bytes(17)).decode()), id="salt-17-bytes"),
        pytest.param(sample_obj(salt=""), id="salt-empty"),
        pytest.param(sample_obj(time="2025-03-01 08:30:00Z"), id="time-space"),
        pytest.param(sample_obj(time="2025-03-01T08:30:00"), id="time-no-zone"),
        pytest.param(sample_obj(time="2025-03-01T08:30:00+07:00"), id="time-offset"),
        pytest.param(sample_obj(time="2025-03-01T08:30:00.1234567Z"), id="time-7-digits"),
        pytest.param(sample_obj(time="2025-03-01T08:30:00Z\n"), id="time-trailing-newline"),
        pytest.param(
            sample_obj(time="\u0662\u0660\u0662\u0665-03-01T08:30:00Z"), id="time-arabic-digits"
        ),
        pytest.param(sample_obj(time=1740817800), id="time-number"),
        pytest.param(sample_obj(type="Placement.decided"), id="type-capital"),
        pytest.param(sample_obj(type="placement"), id="type-one-word"),
        pytest.param(sample_obj(type="placement."), id="type-trailing-dot"),
        pytest.param(sample_obj(type="placement.decided\n"), id="type-trailing-newline"),
        pytest.param(sample_obj(type=""), id="type-empty"),
        pytest.param(sample_obj(type=["placement.decided"]), id="type-list"),
        pytest.param(sample_obj(actor=""), id="actor-empty"),
        pytest.param(sample_obj(actor=5), id="actor-number"),
        pytest.param(sample_obj(body=[1]), id="body-list"),
        pytest.param(sample_obj(body="text"), id="body-string"),
    ],
)
def test_from_bytes_rejects_malformed_entries(obj: Any) -> None:
    # Sorted compact bytes (canonical for ASCII keys), so only the field checks can refuse them.
    raw = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    with pytest.raises(FormatError) as caught:
        Entry.from_bytes(raw)
    assert isinstance(caught.value, VerificationError)


@pytest.mark.parametrize("raw", [b"", b"not json", b"\xff\xfe", b'{"type":'])
def test_from_bytes_rejects_non_json(raw: bytes) -> None:
    with pytest.raises(FormatError):
        Entry.from_bytes(raw)


def test_to_bytes_refuses_a_float_in_the_body() -> None:
    with pytest.raises(CanonicalizationError):
        sample_entry(body={"score": 87.5}).to_bytes()


def test_commitment_is_sha256_of_the_canonical_bytes() -> None:
    entry = sample_entry()
    assert entry.commitment() == hashlib.sha256(entry.to_bytes()).digest()
