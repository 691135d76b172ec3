"""C2SP tlog-cosignature v1, checked against an implementation written from the spec.

The ``spec_*`` helpers (``tests/c2sp_spec.py``) use only hashlib, base64 and PyNaCl.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from nacl.signing import SigningKey

from ledger.checkpoint import Checkpoint
from ledger.cosignature import (
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_message,
    require_quorum,
    verify_cosignatures,
)
from ledger.errors import FormatError, SignatureError
from ledger.note import NoteSignature, NoteSigner, split_note
from tests.c2sp_spec import spec_key_id, spec_sign, spec_verify, spec_vkey

ORIGIN = "integrity.example.go.id/ledger"
TEXT = Checkpoint(ORIGIN, 70, hashlib.sha256(b"root").digest()).to_text()


def _signed_note(text: str = TEXT) -> tuple[str, NoteSigner]:
    log = NoteSigner.generate(ORIGIN)
    return text + "\n" + log.signature_line(text), log


def test_project_cosignature_verifies_with_the_spec() -> None:
    witness = CosignatureSigner.generate("witness.example/w1")
    line = witness.signature_line(TEXT, 1_679_315_147)
    public = bytes(witness.signing_key.verify_key)
    assert spec_verify("witness.example/w1", public, TEXT, line) == 1_679_315_147
    assert witness.verifier().key_id == spec_key_id("witness.example/w1", public)


def test_spec_cosignature_verifies_with_the_project() -> None:
    key = SigningKey.generate()
    line = spec_sign("w2.example", key, TEXT, 1_700_000_000)
    vkey = spec_vkey("w2.example", bytes(key.verify_key))
    verifier = CosignatureVerifier.from_text(vkey)
    assert verifier.to_text() == vkey
    note, _ = _signed_note()
    [witnessed] = verify_cosignatures(note + line, [verifier])
    assert witnessed.timestamp == 1_700_000_000


def test_message_layout_is_exact() -> None:
    assert cosignature_message(TEXT, 5) == b"cosignature/v1\ntime 5\n" + TEXT.encode()
    with pytest.raises(FormatError):
        cosignature_message(TEXT, -1)
    with pytest.raises(FormatError):
        cosignature_message(TEXT, 2**63)


def test_key_id_uses_type_0x04_not_the_note_type() -> None:
    witness = CosignatureSigner.generate("w.example")
    note_signer = NoteSigner("w.example", witness.signing_key)
    assert witness.verifier().key_id != note_signer.verifier().key_id
    # A plain note signature by the same key is not a cosignature.
    note, _ = _signed_note()
    assert verify_cosignatures(note + note_signer.signature_line(TEXT), [witness.verifier()]) == []


def _tampered(line: str, position: int) -> str:
    name, encoded = line[2:-1].split(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[position] ^= 1
    return f"\u2014 {name} {base64.b64encode(bytes(raw)).decode()}\n"


@pytest.mark.parametrize("position", [5, 11, 12, 75])
def test_changed_timestamp_or_signature_fails(position: int) -> None:
    witness = CosignatureSigner.generate("w.example")
    note, _ = _signed_note()
    line = _tampered(witness.signature_line(TEXT), position)
    with pytest.raises(SignatureError, match="does not verify"):
        verify_cosignatures(note + line, [witness.verifier()])


def test_changed_checkpoint_text_fails() -> None:
    witness = CosignatureSigner.generate("w.example")
    line = witness.signature_line(TEXT)
    other = TEXT.replace("\n70\n", "\n71\n")
    _, [signature] = split_note(other + "\n" + line)
    with pytest.raises(SignatureError):
        witness.verifier().verify(other, signature)


def test_truncated_cosignature_fails() -> None:
    witness = CosignatureSigner.generate("w.example")
    verifier = witness.verifier()
    short = NoteSignature("w.example", verifier.key_id, bytes(64))
    with pytest.raises(SignatureError, match="72"):
        verifier.verify(TEXT, short)


def test_quorum_counts_distinct_known_witnesses() -> None:
    w1, w2, w3 = (CosignatureSigner.generate(f"w{i}.example") for i in (1, 2, 3))
    stranger = CosignatureSigner.generate("stranger.example")
    note, _ = _signed_note()
    cosigned = note + w1.signature_line(TEXT) + w1.signature_line(TEXT, 7)
    cosigned += w2.signature_line(TEXT) + stranger.signature_line(TEXT)
    known = [w1.verifier(), w2.verifier(), w3.verifier()]
    assert {w.witness.name for w in require_quorum(cosigned, known, 2)} == {
        "w1.example",
        "w2.example",
    }
    with pytest.raises(SignatureError, match="2 of 3 known witnesses"):
        require_quorum(cosigned, known, 3)
    with pytest.raises(SignatureError, match="exceeds"):
        require_quorum(cosigned, known[:1], 2)
    assert require_quorum(note, known, 0) == []


def test_keys_round_trip_and_malformed_keys_are_refused() -> None:
    witness = CosignatureSigner.generate("w.example")
    again = CosignatureSigner.from_private_text(witness.to_private_text())
    assert again.verifier().to_text() == witness.verifier().to_text()
    vkey = witness.verifier().to_text()
    note_vkey = NoteSigner("w.example", witness.signing_key).verifier().to_text()
    for bad in (
        note_vkey,  # type 0x01, not a cosignature key
        vkey.replace("w.example+", "x.example+"),
        vkey[:-4] + "AAA=",
        "w.example+zz+AAAA",
        "no-plus-signs",
    ):
        with pytest.raises(FormatError):
            CosignatureVerifier.from_text(bad)
    for bad in ("PRIVATE+KEY+w+00000000+AAAA", NoteSigner.generate("w").to_private_text()):
        with pytest.raises(FormatError):
            CosignatureSigner.from_private_text(bad)
