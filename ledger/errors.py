"""One error hierarchy for the ledger library.

Every failed check raises :class:`VerificationError` (or a subclass), and
malformed input is turned into that error too, never a raw ``ValueError`` or
``binascii.Error``, so callers need one ``except`` per outcome.
"""

from __future__ import annotations


class Error(Exception):
    """Base class of every error the ledger library raises."""


class CanonicalizationError(Error):
    """An entry or value cannot be expressed as RFC 8785 canonical JSON."""


class StorageError(Error):
    """The storage backend failed or holds data the ledger cannot use."""


class VerificationError(Error):
    """A verification step failed: a proof, a signature, a chain link or a format."""


class RootMismatchError(VerificationError):
    """A computed Merkle root differs from the expected one."""

    def __init__(self, expected: bytes, calculated: bytes, context: str = "") -> None:
        self.expected = expected
        self.calculated = calculated
        where = f"{context}: " if context else ""
        super().__init__(
            f"{where}root mismatch: expected {expected.hex()}, calculated {calculated.hex()}"
        )


class ProofError(VerificationError):
    """A proof is malformed for the sizes and indices it claims."""


class SignatureError(VerificationError):
    """A signed note or cosignature does not verify against the key."""


class FormatError(VerificationError):
    """Text or bytes that should follow a wire format do not."""
