"""C2SP signed notes with Ed25519 keys (the format Go's sumdb/note reads).

A note is UTF-8 text ending in a newline, an empty line, then signature lines
``\u2014 <key name> <base64(key ID || signature)>``. The key ID is
``SHA-256(name || 0x0A || type byte || public key)[:4]``; the type byte is 0x01
for Ed25519 note signatures and 0x04 for C2SP tlog cosignatures.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ledger.errors import FormatError, SignatureError

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
SIG_PREFIX = "\u2014 "
_MAX_SIGNATURES = 100


def key_id(name: str, alg: int, public_key: bytes) -> bytes:
    """Return the 4-byte key ID of a named public key of the given type."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(ch.isspace() or ch == "+" for ch in name) or not name.isprintable():
        raise FormatError(f"key name {name!r} must be non-empty, printable, no spaces or '+'")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise FormatError(f"{what} is not valid base64") from exc


def parse_public_key(text: str, *, alg: int, what: str) -> tuple[str, bytes, VerifyKey]:
    """Parse ``<name>+<8 hex key ID>+<base64(alg || public key)>``; return name, key ID, key."""
    parts = text.strip().split("+", 2)  # base64 may itself hold '+'
    if len(parts) != 3:
        raise FormatError(f"{what} must be <name>+<hex key ID>+<base64 key>")
    name, hex_id, encoded = parts
    _check_name(name)
    raw = _b64decode(encoded, what)
    if len(raw) != 33 or raw[0] != alg:
        raise FormatError(f"{what} must be 0x{alg:02x} followed by a 32-byte Ed25519 key")
    expected = key_id(name, alg, raw[1:])
    if len(hex_id) != 8 or hex_id.lower() != expected.hex():
        raise FormatError(f"{what} ID {hex_id} does not match the key ({expected.hex()})")
    return name, expected, VerifyKey(raw[1:])


def format_public_key(name: str, alg: int, kid: bytes, verify_key: VerifyKey) -> str:
    """Return the public key string ``<name>+<hex key ID>+<base64(alg || key)>``."""
    raw = bytes([alg]) + bytes(verify_key)
    return f"{name}+{kid.hex()}+{base64.b64encode(raw).decode()}"


def parse_private_key(text: str, *, alg: int, what: str) -> tuple[str, SigningKey]:
    """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(alg || seed)>`` (Go's format)."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise FormatError(f"{what} must be PRIVATE+KEY+<name>+<hex ID>+<base64 key>")
    name, hex_id, encoded = parts[2:]
    _check_name(name)
    raw = _b64decode(encoded, what)
    if len(raw) != 33 or raw[0] != alg:
        raise FormatError(f"{what} must be 0x{alg:02x} followed by a 32-byte Ed25519 seed")
    signing_key = SigningKey(raw[1:])
    if key_id(name, alg, bytes(signing_key.verify_key)).hex() != hex_id.lower():
        raise FormatError(f"{what} ID does not match the key")
    return name, signing_key


def format_private_key(name: str, alg: int, signing_key: SigningKey) -> str:
    """Return the private key string; keep it secret."""
    raw = bytes([alg]) + bytes(signing_key)
    kid = key_id(name, alg, bytes(signing_key.verify_key)).hex()
    return f"PRIVATE+KEY+{name}+{kid}+{base64.b64encode(raw).decode()}"


@dataclass(frozen=True)
class NoteVerifier:
    """A named Ed25519 public key that checks note signatures."""

    name: str
    key_id: bytes
    verify_key: VerifyKey = field(repr=False)

    @classmethod
    def from_text(cls, text: str) -> NoteVerifier:
        """Parse a verifier key ``<name>+<8 hex key ID>+<base64(0x01 || public key)>``."""
        return cls(*parse_public_key(text, alg=ALG_ED25519, what="verifier key"))

    def to_text(self) -> str:
        """Return the verifier key string."""
        return format_public_key(self.name, ALG_ED25519, self.key_id, self.verify_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return True when signature is this key's Ed25519 signature of message."""
        try:
            self.verify_key.verify(message, signature)
        except (BadSignatureError, ValueError):
            return False
        return True


@dataclass(frozen=True)
class NoteSigner:
    """A named Ed25519 private key that signs notes."""

    name: str
    signing_key: SigningKey = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        """Create a signer with a fresh random key."""
        _check_name(name)
        return cls(name, SigningKey.generate())

    @classmethod
    def from_private_text(cls, text: str) -> NoteSigner:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`` (Go's format)."""
        return cls(*parse_private_key(text, alg=ALG_ED25519, what="private key"))

    def to_private_text(self) -> str:
        """Return the private key string; keep it secret."""
        return format_private_key(self.name, ALG_ED25519, self.signing_key)

    def verifier(self) -> NoteVerifier:
        """Return the matching verifier."""
        public = bytes(self.signing_key.verify_key)
        return NoteVerifier(self.name, key_id(self.name, ALG_ED25519, public), VerifyKey(public))

    def signature_line(self, text: str) -> str:
        """Return the note signature line over ``text``."""
        signature = self.signing_key.sign(text.encode()).signature
        encoded = base64.b64encode(self.verifier().key_id + signature).decode()
        return f"{SIG_PREFIX}{self.name} {encoded}\n"


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note, as parsed."""

    name: str
    key_id: bytes
    signature: bytes


def check_note_text(text: str) -> None:
    """Raise FormatError unless text is a valid note body (printable lines, final newline)."""
    if not text.endswith("\n"):
        raise FormatError("note text must end with a newline")
    for line in text[:-1].split("\n"):
        if not line.isprintable():
            raise FormatError("note text holds a control character")


def sign_note(text: str, signers: list[NoteSigner]) -> str:
    """Return the signed note: text, an empty line, one signature line per signer."""
    check_note_text(text)
    return text + "\n" + "".join(signer.signature_line(text) for signer in signers)


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and parsed signature lines, without verifying."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise FormatError("signed note must be text, an empty line, then signature lines")
    text, block = note[: cut + 1], note[cut + 2 :]
    check_note_text(text)
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX):
            raise FormatError(f"signature line must start with an em dash: {line[:40]!r}")
        name, _, encoded = line[len(SIG_PREFIX) :].partition(" ")
        raw = _b64decode(encoded, "signature")
        if not name or len(raw) < 5:
            raise FormatError(f"signature line is malformed: {line[:40]!r}")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    if len(signatures) > _MAX_SIGNATURES:
        raise FormatError(f"note carries more than {_MAX_SIGNATURES} signatures")
    return text, signatures


def open_note(note: str, verifier: NoteVerifier) -> tuple[str, list[NoteSignature]]:
    """Verify the note's signature by ``verifier`` and return its text and all signatures.

    Signatures of other keys are returned unverified (a cosignature is checked
    by its own verifier); the log's own signature must be present and valid.
    """
    text, signatures = split_note(note)
    mine = [s for s in signatures if s.name == verifier.name and s.key_id == verifier.key_id]
    if not mine:
        who = f"{verifier.name}+{verifier.key_id.hex()}"
        raise SignatureError(f"note carries no signature by {who}")
    for signature in mine:
        if not verifier.verify(text.encode(), signature.signature):
            raise SignatureError(f"signature by {verifier.name} does not verify")
    return text, signatures
