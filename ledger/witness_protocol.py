"""C2SP tlog-witness wire format: the ``add-checkpoint`` request body and the size answer.

Request body (``POST <prefix>/add-checkpoint``), every line ending ``\\n``::

    old <size of the checkpoint the witness cosigned last, 0 if none>
    <base64 hash of the consistency proof from old to the new size>   (0 to 63 lines)
    <empty line>
    <the signed checkpoint note>

Answers: 200 with one or more cosignature lines; 400 malformed (or old larger
than the checkpoint's size); 403 no valid signature by a trusted log key; 404
unknown origin; 409 ``old`` is not the witness's latest cosigned size, or the
same size with another root (body: that size in decimal and ``\\n``, content
type ``text/x.tlog.size``); 422 the consistency proof does not verify.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ledger.errors import FormatError
from ledger.hashing import HASH_SIZE

ADD_CHECKPOINT_PATH = "/add-checkpoint"
SIZE_CONTENT_TYPE = "text/x.tlog.size"
MAX_PROOF_LINES = 63
MAX_BODY = 1 << 20
_OLD_RE = re.compile(r"old (0|[1-9][0-9]{0,19})\Z")
_SIZE_RE = re.compile(r"(0|[1-9][0-9]{0,19})\n\Z")


@dataclass(frozen=True)
class AddCheckpoint:
    """One ``add-checkpoint`` request: old size, consistency proof, signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str

    @classmethod
    def build(cls, old_size: int, proof: Sequence[bytes], note: str) -> AddCheckpoint:
        """Return a request, checking its parts."""
        if old_size < 0 or len(proof) > MAX_PROOF_LINES:
            raise FormatError("old size must be >= 0 and the proof at most 63 hashes")
        if any(len(h) != HASH_SIZE for h in proof):
            raise FormatError(f"every proof hash must be {HASH_SIZE} bytes")
        return cls(old_size, tuple(proof), note)

    def to_bytes(self) -> bytes:
        """Return the request body."""
        lines = [f"old {self.old_size}\n"]
        lines += [base64.b64encode(h).decode() + "\n" for h in self.proof]
        return ("".join(lines) + "\n" + self.note).encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> AddCheckpoint:
        """Parse a request body strictly; raise FormatError when malformed."""
        if len(body) > MAX_BODY:
            raise FormatError(f"request body is larger than {MAX_BODY} bytes")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError("request body is not UTF-8") from exc
        head, separator, note = text.partition("\n\n")
        if not separator or not note:
            raise FormatError("request must be an old line, proof lines, an empty line, a note")
        lines = head.split("\n")
        match = _OLD_RE.match(lines[0])
        if match is None:
            raise FormatError(f"first line must be 'old <size>', not {lines[0][:40]!r}")
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise FormatError(f"more than {MAX_PROOF_LINES} consistency proof lines")
        proof = []
        for number, line in enumerate(lines[1:], start=1):
            try:
                raw = base64.b64decode(line.encode("ascii"), validate=True)
            except (binascii.Error, UnicodeEncodeError) as exc:
                raise FormatError(f"proof line {number} is not base64") from exc
            if len(raw) != HASH_SIZE:
                raise FormatError(f"proof line {number} is not a {HASH_SIZE}-byte hash")
            proof.append(raw)
        return cls(int(match.group(1)), tuple(proof), note)


def parse_size_body(body: bytes) -> int:
    """Parse a ``text/x.tlog.size`` body: a decimal size and a newline."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise FormatError("size body is not ASCII") from exc
    match = _SIZE_RE.match(text)
    if match is None:
        raise FormatError(f"size body {text[:40]!r} is not a decimal size and a newline")
    return int(match.group(1))
