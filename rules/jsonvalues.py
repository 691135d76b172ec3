"""Plain JSON values: validation, deep freezing, and the canonical hash.

The ledger forbids floats, so every JSON object the rules package produces
holds only ``None``, ``bool``, ``int``, ``str``, lists and string-keyed dicts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import rfc8785

from rules.errors import InvalidInputError


def check_plain_json(value: Any, where: str) -> None:
    """Raise ``InvalidInputError`` unless ``value`` is a float-free JSON value.

    Tuples and read-only mappings (as ``freeze`` makes them) count as lists and objects.
    """
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return
    if kind is list or kind is tuple:
        for index, item in enumerate(value):
            check_plain_json(item, f"{where}[{index}]")
        return
    if kind is dict or kind is MappingProxyType or isinstance(value, Mapping):
        for key, item in value.items():
            if type(key) is not str:
                raise InvalidInputError(f"{where}: object keys must be strings, got {key!r}")
            check_plain_json(item, f"{where}.{key}")
        return
    if isinstance(value, float):
        raise InvalidInputError(
            f"{where}: floats are not allowed ({value!r}); use an int or a decimal string"
        )
    raise InvalidInputError(
        f"{where}: {kind.__name__} is not a plain JSON value "
        "(use None, bool, int, str, lists and dicts)"
    )


def freeze(value: Any) -> Any:
    """Return an immutable copy: lists become tuples, dicts read-only mappings."""
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    return value


def thaw(value: Any) -> Any:
    """Return a mutable plain-JSON copy of a frozen value (tuples become lists)."""
    if isinstance(value, list | tuple):
        return [thaw(item) for item in value]
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    return value


def canonical_bytes(value: Any) -> bytes:
    """Serialise a plain JSON value with RFC 8785 (JSON Canonicalization Scheme)."""
    check_plain_json(value, "value")
    return rfc8785.dumps(thaw(value))


def canonical_sha256(value: Any) -> str:
    """Return the lowercase hex SHA-256 of the RFC 8785 form of ``value``."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
