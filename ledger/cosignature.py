"""C2SP tlog-cosignature v1 (Ed25519): a witness's timestamped signature on a checkpoint.

- Key ID: ``SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]``.
- Signed message: ``cosignature/v1\\n`` + ``time <unix seconds>\\n`` + the
  checkpoint's note text (every line before the empty line, final newline
  included, no signature lines).
- Signature line: ``\u2014 <witness name> base64(key ID || 8-byte big-endian
  timestamp || 64-byte Ed25519 signature)``, appended to the signed note.
- Verifier key (vkey): ``<name>+<8 hex key ID>+<base64(0x04 || public key)>``.
- Private key file text: ``PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x04 || seed)>``.

A verifier ignores lines whose name and key ID match none of its keys; a line
that matches a key but does not verify is an error, never ignored.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ledger.errors import FormatError, SignatureError
from ledger.note import (
    ALG_COSIGNATURE_V1,
    SIG_PREFIX,
    NoteSignature,
    _check_name,
    check_note_text,
    format_private_key,
    format_public_key,
    key_id,
    parse_private_key,
    parse_public_key,
    split_note,
)

COSIGNATURE_HEADER = "cosignature/v1\n"
_TIMESTAMPED_SIZE = 8 + 64
_MAX_TIMESTAMP = 2**63 - 1


def cosignature_message(text: str, timestamp: int) -> bytes:
    """Return the bytes a v1 cosignature signs: header, time line, checkpoint text."""
    check_note_text(text)
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise FormatError(f"cosignature timestamp {timestamp} is out of range")
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """A witness's named Ed25519 cosigning public key."""

    name: str
    key_id: bytes
    verify_key: VerifyKey = field(repr=False)

    @classmethod
    def from_text(cls, text: str) -> CosignatureVerifier:
        """Parse a vkey ``<name>+<hex key ID>+<base64(0x04 || public key)>``."""
        return cls(*parse_public_key(text, alg=ALG_COSIGNATURE_V1, what="witness key"))

    def to_text(self) -> str:
        """Return the vkey string."""
        return format_public_key(self.name, ALG_COSIGNATURE_V1, self.key_id, self.verify_key)

    def matches(self, signature: NoteSignature) -> bool:
        """Return True when a signature line names this key (name and key ID)."""
        return signature.name == self.name and signature.key_id == self.key_id

    def verify(self, text: str, signature: NoteSignature) -> int:
        """Check one cosignature of ``text`` by this key; return its timestamp."""
        if not self.matches(signature):
            raise SignatureError(f"signature is not by witness {self.name}")
        if len(signature.signature) != _TIMESTAMPED_SIZE:
            raise SignatureError(
                f"cosignature by {self.name} has {len(signature.signature)} bytes after the "
                f"key ID, not {_TIMESTAMPED_SIZE} (timestamp and Ed25519 signature)"
            )
        timestamp = int.from_bytes(signature.signature[:8], "big")
        if timestamp > _MAX_TIMESTAMP:
            raise SignatureError(f"cosignature by {self.name} has an out-of-range timestamp")
        try:
            self.verify_key.verify(cosignature_message(text, timestamp), signature.signature[8:])
        except (BadSignatureError, ValueError) as exc:
            raise SignatureError(f"cosignature by witness {self.name} does not verify") from exc
        return timestamp


@dataclass(frozen=True)
class CosignatureSigner:
    """A witness's named Ed25519 cosigning private key."""

    name: str
    signing_key: SigningKey = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> CosignatureSigner:
        """Create a cosigner with a fresh random key."""
        _check_name(name)
        return cls(name, SigningKey.generate())

    @classmethod
    def from_private_text(cls, text: str) -> CosignatureSigner:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 || seed)>``."""
        return cls(*parse_private_key(text, alg=ALG_COSIGNATURE_V1, what="witness private key"))

    def to_private_text(self) -> str:
        """Return the private key string; keep it secret."""
        return format_private_key(self.name, ALG_COSIGNATURE_V1, self.signing_key)

    def verifier(self) -> CosignatureVerifier:
        """Return the matching verifier."""
        public = bytes(self.signing_key.verify_key)
        kid = key_id(self.name, ALG_COSIGNATURE_V1, public)
        return CosignatureVerifier(self.name, kid, VerifyKey(public))

    def signature_line(self, text: str, timestamp: int | None = None) -> str:
        """Return the cosignature line over checkpoint ``text`` (default time: now)."""
        stamp = int(time.time()) if timestamp is None else timestamp
        signature = self.signing_key.sign(cosignature_message(text, stamp)).signature
        raw = self.verifier().key_id + stamp.to_bytes(8, "big") + signature
        return f"{SIG_PREFIX}{self.name} {base64.b64encode(raw).decode()}\n"


@dataclass(frozen=True)
class WitnessedBy:
    """A witness whose valid cosignature a note carries, and the cosignature's time."""

    witness: CosignatureVerifier
    timestamp: int


def verify_cosignatures(note: str, witnesses: Sequence[CosignatureVerifier]) -> list[WitnessedBy]:
    """Return the known witnesses whose cosignature on the signed note verifies.

    Lines of unknown keys are ignored; a line of a known key that does not
    verify raises SignatureError. Each witness counts once.
    """
    text, signatures = split_note(note)
    found: dict[bytes, WitnessedBy] = {}
    for witness in witnesses:
        for signature in signatures:
            if witness.matches(signature):
                stamp = witness.verify(text, signature)
                key = witness.name.encode() + b"\n" + witness.key_id
                found.setdefault(key, WitnessedBy(witness, stamp))
    return list(found.values())


def require_quorum(
    note: str, witnesses: Sequence[CosignatureVerifier], quorum: int
) -> list[WitnessedBy]:
    """Check that at least ``quorum`` known witnesses cosigned the note; return them."""
    if quorum < 0:
        raise FormatError(f"quorum {quorum} is negative")
    distinct = {(w.name, w.key_id) for w in witnesses}
    if quorum > len(distinct):
        raise SignatureError(f"quorum {quorum} exceeds the {len(distinct)} known witnesses")
    witnessed = verify_cosignatures(note, witnesses)
    if len(witnessed) < quorum:
        names = ", ".join(w.witness.name for w in witnessed) or "none"
        raise SignatureError(
            f"{len(witnessed)} of {len(distinct)} known witnesses cosigned ({names}); "
            f"the quorum is {quorum}"
        )
    return witnessed
