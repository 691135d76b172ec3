"""RFC 8785 (JSON Canonicalization Scheme) serialisation of ledger entries.

Entries hold only JSON strings, integers (within +/-(2**53 - 1), so every
reader agrees on them), booleans, null, arrays and objects. Floats are refused:
JCS numbers follow ECMAScript formatting, which is easy to get wrong, and no
ledger value needs one (scores are integers, JPM is a decimal string).

The fast path uses orjson with sorted keys, which produces the JCS bytes for
this value space as long as every object key is ASCII (JCS sorts keys by
UTF-16 code units, orjson by code points; they agree on ASCII). Anything else
falls back to the reference ``rfc8785`` package. Tests check the fast path
against the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import rfc8785

from ledger.errors import CanonicalizationError

MAX_SAFE_INTEGER = 2**53 - 1
_MAX_DEPTH = 32
_SCALARS = frozenset({str, bool, type(None)})
_MIN_INT, _MAX_INT = -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER


def _check(value: Any, depth: int) -> bool:
    """Validate value for the ledger's JSON subset; return True when every key is ASCII."""
    if depth > _MAX_DEPTH:
        raise CanonicalizationError(f"value nested deeper than {_MAX_DEPTH} levels")
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return True
        raise CanonicalizationError(f"integer {value} is outside +/-(2**53 - 1)")
    # Below the depth limit, the commonest members (valid scalars) are accepted inline:
    # the same outcome as the recursive call, at a fraction of its cost.
    shallow = depth < _MAX_DEPTH
    if kind is dict:
        ascii_keys = True
        for key, item in value.items():
            if type(key) is not str:
                raise CanonicalizationError(f"object key {key!r} is not a string")
            if not key.isascii():
                ascii_keys = False
            member = type(item)
            if shallow and (member in _SCALARS or (member is int and _MIN_INT <= item <= _MAX_INT)):
                continue
            if not _check(item, depth + 1):
                ascii_keys = False
        return ascii_keys
    if kind is list or kind is tuple:
        ascii_keys = True
        for item in value:
            member = type(item)
            if shallow and (member in _SCALARS or (member is int and _MIN_INT <= item <= _MAX_INT)):
                continue
            if not _check(item, depth + 1):
                ascii_keys = False
        return ascii_keys
    if kind is float:
        raise CanonicalizationError(
            f"float {value!r} is not allowed in ledger entries; use an integer or a decimal string"
        )
    raise CanonicalizationError(f"type {kind.__name__} is not a JSON value")


def canonicalize(value: Mapping[str, Any] | list[Any], *, depth: int = 0) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    ``depth`` is how deep the value sits inside an enclosing value whose canonical
    form is assembled around these bytes: the nesting limit counts from the top.
    """
    ascii_keys = _check(value, depth)
    if ascii_keys:
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError as exc:  # e.g. lone surrogates
            raise CanonicalizationError(f"cannot serialise value: {exc}") from exc
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:
        raise CanonicalizationError(f"cannot serialise value: {exc}") from exc


def parse_json(raw: bytes) -> Any:
    """Parse JSON bytes, turning malformed input into CanonicalizationError."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CanonicalizationError(f"not valid JSON: {exc}") from exc
