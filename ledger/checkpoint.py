"""C2SP tlog-checkpoint: ``<origin>\\n<size>\\n<base64 root>\\n`` signed as a note."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from ledger.errors import FormatError, SignatureError
from ledger.hashing import HASH_SIZE
from ledger.note import NoteSigner, NoteVerifier, open_note, sign_note

_SIZE_RE = re.compile(r"^(0|[1-9][0-9]{0,19})$")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its root hash."""

    origin: str
    size: int
    root: bytes

    def to_text(self) -> str:
        """Return the checkpoint body text (the note's signed text)."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body; extension lines after the root are allowed and ignored."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise FormatError("checkpoint must have origin, size and root lines, each ending \\n")
        origin, size_text, root_text = lines[0], lines[1], lines[2]
        if not origin:
            raise FormatError("checkpoint origin line is empty")
        if not _SIZE_RE.match(size_text):
            raise FormatError(f"checkpoint size {size_text[:24]!r} is not a decimal number")
        try:
            root = base64.b64decode(root_text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise FormatError("checkpoint root is not valid base64") from exc
        if len(root) != HASH_SIZE:
            raise FormatError(f"checkpoint root must be {HASH_SIZE} bytes, not {len(root)}")
        return cls(origin, int(size_text), root)

    def sign(self, signer: NoteSigner, *more: NoteSigner) -> str:
        """Return the signed checkpoint note: one signature line per signer, in order.

        Several signers sign during a key rotation's overlap (:mod:`ledger.keyset`).
        """
        signers = [signer, *more]
        for each in signers:
            if each.name != self.origin:
                raise FormatError(f"key name {each.name!r} differs from origin {self.origin!r}")
        return sign_note(self.to_text(), signers)


def open_checkpoint(note: str, verifier: NoteVerifier) -> Checkpoint:
    """Verify a signed checkpoint note, then parse it (open, then parse)."""
    text, _ = open_note(note, verifier)
    checkpoint = Checkpoint.from_text(text)
    if checkpoint.origin != verifier.name:
        raise SignatureError(
            f"checkpoint origin {checkpoint.origin!r} differs from key name {verifier.name!r}"
        )
    return checkpoint
