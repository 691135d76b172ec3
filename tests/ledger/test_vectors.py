"""The transparency-dev/merkle RFC 6962 vectors through ledger.proofs, and through the reference.

The vectors live outside the repository (``../shared/vectors/rfc6962`` from the
project root) and are read in place, one test per file.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

import pytest
import reference as ref

from ledger.errors import VerificationError
from ledger.proofs import verify_consistency, verify_inclusion

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors" / "rfc6962"


# The leaves of the RFC 6962 test tree the vectors were generated from
# (transparency-dev/merkle testonly), as hex.
RFC6962_TEST_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]


def _vector_files() -> list[Any]:
    """Return one pytest param per vector file, or a single skipping param if absent."""
    if not VECTORS.is_dir():
        return [
            pytest.param(
                None,
                id="vectors-absent",
                marks=pytest.mark.skip(reason=f"RFC 6962 vectors not found at {VECTORS}"),
            )
        ]
    params = []
    for path in sorted(VECTORS.rglob("*.json")):
        name = path.relative_to(VECTORS).as_posix()
        params.append(pytest.param(path, id=name))
    return params


def _decode(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _decode_proof(items: list[str] | None) -> list[bytes]:
    return [_decode(item) for item in items or []]


def _verifier_call(vector: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Decode a vector into the library verifier and its keyword arguments."""
    if "leafIdx" in vector:
        return verify_inclusion, {
            "index": vector["leafIdx"],
            "size": vector["treeSize"],
            "leaf_hash": _decode(vector["leafHash"]),
            "proof": _decode_proof(vector["proof"]),
            "root": _decode(vector["root"]),
        }
    return verify_consistency, {
        "old_size": vector["size1"],
        "size": vector["size2"],
        "old_root": _decode(vector["root1"]),
        "root": _decode(vector["root2"]),
        "proof": _decode_proof(vector["proof"]),
    }


@pytest.mark.parametrize("path", _vector_files())
def test_vector(path: Path) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(vector["wantErr"], bool)
    try:
        verifier, arguments = _verifier_call(vector)
    except binascii.Error:
        # The vector's own base64 is malformed: it can only be a rejection case.
        assert vector["wantErr"], "an undecodable vector cannot be meant to verify"
        return
    if vector["wantErr"]:
        with pytest.raises(VerificationError):
            verifier(**arguments)
    else:
        verifier(**arguments)


def test_vectors_cover_both_kinds_and_outcomes() -> None:
    if not VECTORS.is_dir():
        pytest.skip(f"RFC 6962 vectors not found at {VECTORS}")
    kinds = {path.relative_to(VECTORS).parts[0] for path in VECTORS.rglob("*.json")}
    outcomes = {json.loads(p.read_text())["wantErr"] for p in VECTORS.rglob("*.json")}
    assert kinds == {"inclusion", "consistency"}
    assert outcomes == {True, False}


def _happy_paths(kind: str) -> list[Any]:
    if not VECTORS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{VECTORS} absent"))]
    return [
        pytest.param(p, id=p.relative_to(VECTORS).as_posix())
        for p in sorted((VECTORS / kind).glob("[0-9]*/happy-path.json"))
    ]


@pytest.mark.parametrize("path", _happy_paths("inclusion"))
def test_reference_reproduces_inclusion_vectors(path: Path) -> None:
    """Anchor the test reference to external data: it must derive the vectors' proofs."""
    vector = json.loads(path.read_text(encoding="utf-8"))
    leaves = RFC6962_TEST_LEAVES[: vector["treeSize"]]
    index = vector["leafIdx"]
    assert ref.leaf_hash(leaves[index]) == _decode(vector["leafHash"])
    assert ref.mth(leaves) == _decode(vector["root"])
    assert ref.path(index, leaves) == _decode_proof(vector["proof"])


@pytest.mark.parametrize("path", _happy_paths("consistency"))
def test_reference_reproduces_consistency_vectors(path: Path) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    leaves = RFC6962_TEST_LEAVES[: vector["size2"]]
    assert ref.mth(leaves[: vector["size1"]]) == _decode(vector["root1"])
    assert ref.mth(leaves) == _decode(vector["root2"])
    assert ref.proof(vector["size1"], leaves) == _decode_proof(vector["proof"])
