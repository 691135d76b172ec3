"""C2SP tlog-cosignature v1 and tlog-witness, written here from the specifications.

Independent of the project's ``ledger`` code: only hashlib, base64 and PyNaCl.
Key ID ``SHA-256(name || "\\n" || 0x04 || key)[:4]``; signed message
``cosignature/v1\\ntime <ts>\\n`` + checkpoint text; signature line
``\u2014 <name> base64(key ID || u64 big-endian timestamp || Ed25519 signature)``.
"""

from __future__ import annotations

import base64
import hashlib

from nacl.signing import SigningKey, VerifyKey


def spec_key_id(name: str, public: bytes) -> bytes:
    """Return the Ed25519 cosignature key ID."""
    return hashlib.sha256(name.encode() + b"\n" + b"\x04" + public).digest()[:4]


def spec_vkey(name: str, public: bytes) -> str:
    """Return the witness's vkey: name, hex key ID, base64 of 0x04 and the key."""
    encoded = base64.b64encode(b"\x04" + public).decode()
    return f"{name}+{spec_key_id(name, public).hex()}+{encoded}"


def spec_parse_vkey(vkey: str) -> tuple[str, bytes]:
    """Return the name and public key of a cosignature vkey, checking its ID and type."""
    name, hex_id, encoded = vkey.strip().split("+", 2)
    raw = base64.b64decode(encoded, validate=True)
    assert raw[0] == 0x04 and len(raw) == 33
    assert bytes.fromhex(hex_id) == spec_key_id(name, raw[1:])
    return name, raw[1:]


def spec_sign(name: str, key: SigningKey, text: str, timestamp: int) -> str:
    """Return a cosignature line over checkpoint ``text``."""
    message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + text.encode()
    signature = key.sign(message).signature
    raw = spec_key_id(name, bytes(key.verify_key)) + timestamp.to_bytes(8, "big") + signature
    return "\u2014 " + name + " " + base64.b64encode(raw).decode() + "\n"


def spec_verify(name: str, public: bytes, text: str, line: str) -> int:
    """Verify one cosignature line on checkpoint ``text``; return its timestamp."""
    assert line.startswith("\u2014 ") and line.endswith("\n")
    line_name, encoded = line[2:-1].split(" ")
    assert line_name == name
    raw = base64.b64decode(encoded, validate=True)
    assert len(raw) == 4 + 8 + 64
    assert raw[:4] == spec_key_id(name, public)
    timestamp = int.from_bytes(raw[4:12], "big")
    message = f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()
    VerifyKey(public).verify(message, raw[12:])
    return timestamp


def spec_split_note(note: str) -> tuple[str, list[str]]:
    """Split a signed note into its text and its signature lines (each ending in a newline)."""
    text, _, signatures = note.rpartition("\n\n")
    return text + "\n", [line + "\n" for line in signatures.rstrip("\n").split("\n")]
