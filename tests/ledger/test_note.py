"""C2SP signed notes and checkpoints: exact bytes, independent signature checks, tampering."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import HYPOTHESIS
from nacl.signing import SigningKey, VerifyKey

from ledger.checkpoint import Checkpoint, open_checkpoint
from ledger.errors import FormatError, SignatureError
from ledger.note import (
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    open_note,
    sign_note,
    split_note,
)

# The example of Go's golang.org/x/mod/sumdb/note package documentation.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE_LINE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ORIGIN = "integrity.example.go.id/ledger"
ROOT = hashlib.sha256(b"root").digest()

names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(lambda name: "+" not in name and name.isprintable() and not any(c.isspace() for c in name))
note_lines = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30
).filter(str.isprintable)
note_texts = st.lists(note_lines, min_size=1, max_size=4).map(lambda lines: "\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def signer() -> NoteSigner:
    """Return the log's signer, named after the origin."""
    return NoteSigner.generate(ORIGIN)


def independent_key_id(name: str, public_key: bytes) -> bytes:
    """Compute SHA-256(name || 0x0A || 0x01 || public key)[:4] without the library."""
    return hashlib.sha256(name.encode("utf-8") + b"\x0a" + b"\x01" + public_key).digest()[:4]


def independently_check_signature_line(text: str, line: str, name: str, public_key: bytes) -> None:
    """Check a signature line's bytes and signature with hashlib and nacl only."""
    raw_line = line.encode("utf-8")
    assert raw_line.startswith(b"\xe2\x80\x94 ")  # U+2014 EM DASH, then a space
    assert raw_line.endswith(b"\n")
    line_name, encoded = raw_line[4:-1].decode("utf-8").split(" ")
    assert line_name == name
    blob = base64.b64decode(encoded, validate=True)
    assert len(blob) == 4 + 64
    assert blob[:4] == independent_key_id(name, public_key)
    VerifyKey(public_key).verify(text.encode("utf-8"), blob[4:])  # raises if it does not verify


def replace_signature_blob(note: str, change) -> str:
    """Return the note with its last signature line's decoded blob passed through change."""
    text, _, line = note[:-1].rpartition("\n")
    prefix, _, encoded = line.rpartition(" ")
    blob = change(bytearray(base64.b64decode(encoded)))
    return f"{text}\n{prefix} {base64.b64encode(bytes(blob)).decode()}\n"


# --- the Go sumdb/note example (interoperability known answer) -----------------------


def test_go_note_example_signs_to_the_same_bytes() -> None:
    signer = NoteSigner.from_private_text(GO_SKEY)
    assert signer.to_private_text() == GO_SKEY
    assert signer.verifier().to_text() == GO_VKEY
    assert sign_note(GO_TEXT, [signer]) == GO_TEXT + "\n" + GO_SIGNATURE_LINE


def test_go_note_example_opens() -> None:
    verifier = NoteVerifier.from_text(GO_VKEY)
    assert verifier.name == "PeterNeumann"
    assert verifier.key_id == bytes.fromhex("c74f20a3")
    assert verifier.to_text() == GO_VKEY
    text, signatures = open_note(GO_TEXT + "\n" + GO_SIGNATURE_LINE, verifier)
    assert text == GO_TEXT
    assert [(s.name, s.key_id) for s in signatures] == [("PeterNeumann", verifier.key_id)]
    tampered = GO_TEXT.replace("cryptography", "cryptographY") + "\n" + GO_SIGNATURE_LINE
    with pytest.raises(SignatureError):
        open_note(tampered, verifier)


# --- format, checked independently of the signer and verifier -------------------------


@settings(HYPOTHESIS, max_examples=60)
@given(name=names, text=note_texts, seed=st.binary(min_size=32, max_size=32))
def test_signature_line_format_checked_independently(name: str, text: str, seed: bytes) -> None:
    signer = NoteSigner(name, SigningKey(seed))
    public_key = bytes(SigningKey(seed).verify_key)
    note = sign_note(text, [signer])
    assert note.startswith(text + "\n")
    line = note[len(text) + 1 :]
    assert line.count("\n") == 1
    independently_check_signature_line(text, line, name, public_key)
    opened_text, signatures = open_note(note, signer.verifier())
    assert opened_text == text
    assert signatures == [
        NoteSignature(name, independent_key_id(name, public_key), signatures[0].signature)
    ]


@settings(HYPOTHESIS, max_examples=40)
@given(name=names, seed=st.binary(min_size=32, max_size=32))
def test_key_texts_have_the_published_format(name: str, seed: bytes) -> None:
    signer = NoteSigner(name, SigningKey(seed))
    public_key = bytes(SigningKey(seed).verify_key)
    kid = independent_key_id(name, public_key).hex()
    vkey = signer.verifier().to_text()
    encoded_public = base64.b64encode(b"\x01" + public_key).decode()
    encoded_seed = base64.b64encode(b"\x01" + seed).decode()
    assert vkey == f"{name}+{kid}+{encoded_public}"
    assert re.fullmatch(r"[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}[A-Za-z0-9+/=]=?", vkey)
    skey = signer.to_private_text()
    assert skey == f"PRIVATE+KEY+{name}+{kid}+{encoded_seed}"
    again = NoteSigner.from_private_text(skey)
    assert again.to_private_text() == skey
    assert NoteVerifier.from_text(vkey).to_text() == vkey
    assert again.signature_line("x\n") == signer.signature_line("x\n")  # Ed25519 is deterministic


# --- tampering -------------------------------------------------------------------------


@settings(HYPOTHESIS, max_examples=120)
@given(text=note_texts, data=st.data())
def test_a_flipped_bit_in_the_text_fails(signer: NoteSigner, text: str, data) -> None:
    if not any(ch.isascii() and ch != "\n" for ch in text):
        text = "x" + text
    note = sign_note(text, [signer])
    ascii_positions = [i for i, ch in enumerate(text) if ch.isascii() and ch != "\n"]
    position = data.draw(st.sampled_from(ascii_positions), label="position")
    bit = data.draw(st.integers(0, 6), label="bit")
    flipped = chr(ord(text[position]) ^ (1 << bit))
    tampered = note[:position] + flipped + note[position + 1 :]
    # A newline only splits a line, which keeps the note well formed; a control
    # character (or DEL) makes it malformed.
    still_well_formed = flipped.isprintable() or flipped == "\n"
    expected = SignatureError if still_well_formed else FormatError
    with pytest.raises(expected):
        open_note(tampered, signer.verifier())


@settings(HYPOTHESIS, max_examples=100)
@given(bit=st.integers(0, (4 + 64) * 8 - 1))
def test_a_flipped_bit_in_key_id_or_signature_fails(signer: NoteSigner, bit: int) -> None:
    note = sign_note("origin\n1\nroot\n", [signer])

    def flip(blob: bytearray) -> bytearray:
        blob[bit // 8] ^= 1 << (bit % 8)
        return blob

    with pytest.raises(SignatureError):
        open_note(replace_signature_blob(note, flip), signer.verifier())


def test_only_another_keys_signature_fails(signer: NoteSigner) -> None:
    same_name = NoteSigner.generate(ORIGIN)
    other_name = NoteSigner.generate("witness.example")
    for other in (same_name, other_name):
        with pytest.raises(SignatureError):
            open_note(sign_note("hello\n", [other]), signer.verifier())


def test_our_key_id_under_another_name_fails(signer: NoteSigner) -> None:
    """A signature line is matched by name and key ID together, as Go's note does."""
    note = sign_note("hello\n", [signer])
    renamed = note.replace(f"\u2014 {ORIGIN} ", "\u2014 other.example ")
    assert renamed != note
    with pytest.raises(SignatureError):
        open_note(renamed, signer.verifier())


def test_unknown_signature_lines_are_tolerated(signer: NoteSigner) -> None:
    text = "hello\n"
    unknown = "\u2014 witness.example " + base64.b64encode(bytes(range(72))).decode() + "\n"
    ours = signer.signature_line(text)
    for note in (text + "\n" + unknown + ours, text + "\n" + ours + unknown):
        opened, signatures = open_note(note, signer.verifier())
        assert opened == text
        assert {s.name for s in signatures} == {ORIGIN, "witness.example"}


def test_every_signature_by_the_key_must_verify(signer: NoteSigner) -> None:
    note = sign_note("hello\n", [signer, signer])
    open_note(note, signer.verifier())

    def break_last(blob: bytearray) -> bytearray:
        blob[-1] ^= 1
        return blob

    with pytest.raises(SignatureError):
        open_note(replace_signature_blob(note, break_last), signer.verifier())


# --- malformed notes and keys ----------------------------------------------------------


def _malformed_notes(signer: NoteSigner) -> dict[str, str]:
    text = "hello\n"
    line = signer.signature_line(text)
    encoded = line.split(" ")[-1][:-1]
    return {
        "no blank line": text + line,
        "no final newline": text + "\n" + line[:-1],
        "bad base64": text + "\n" + line.replace(encoded, encoded[:-2] + "*="),
        "signature too short": text + "\n" + f"\u2014 {ORIGIN} AAAA\n",
        "hyphen not em dash": text + "\n" + line.replace("\u2014", "-"),
        "missing name": text + "\n" + f"\u2014  {encoded}\n",
        "control char in text": "hel\x00lo\n" + "\n" + line,
        "carriage return in text": "hello\r\n" + "\n" + line,
        "tab in text": "hel\tlo\n" + "\n" + line,
        "no signatures": text + "\n",
        "empty": "",
        "blank signature line": text + "\n" + line + "\n",
    }


@pytest.mark.parametrize("case", list(_malformed_notes(NoteSigner.generate(ORIGIN))))
def test_malformed_notes_give_format_error(signer: NoteSigner, case: str) -> None:
    note = _malformed_notes(signer)[case]
    with pytest.raises(FormatError):
        open_note(note, signer.verifier())
    with pytest.raises(FormatError):
        split_note(note)


@pytest.mark.parametrize("text", ["no newline", "bell\x07\n", "nul\x00\n", "cr\r\n", ""])
def test_sign_note_refuses_invalid_text(signer: NoteSigner, text: str) -> None:
    with pytest.raises(FormatError):
        sign_note(text, [signer])


def test_too_many_signatures_give_format_error(signer: NoteSigner) -> None:
    text = "hello\n"
    filler = "\u2014 w " + base64.b64encode(bytes(68)).decode() + "\n"
    note = text + "\n" + signer.signature_line(text) + filler * 100
    with pytest.raises(FormatError):
        open_note(note, signer.verifier())


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),
        GO_VKEY.replace("c74f20a3", "c74f20a"),
        GO_VKEY.replace("+ARpc", "+AhpC"),  # algorithm byte 0x02
        "PeterNeumann+c74f20a3+" + base64.b64encode(bytes(32)).decode(),
        GO_VKEY.replace("PeterNeumann", "Peter Neumann"),
        GO_VKEY.replace("PeterNeumann", ""),
        GO_VKEY + "+extra",
        GO_VKEY[:-4] + "****",
        "PeterNeumann+c74f20a3",
    ],
)
def test_malformed_verifier_keys_give_format_error(vkey: str) -> None:
    with pytest.raises(FormatError):
        NoteVerifier.from_text(vkey)


@pytest.mark.parametrize(
    "skey",
    [
        GO_SKEY.replace("c74f20a3", "00000000"),
        GO_SKEY.replace("PRIVATE+KEY", "PUBLIC+KEY"),
        GO_SKEY.replace("+AYEK", "+AoEK"),  # algorithm byte 0x02
        GO_SKEY[:-4] + "****",
        GO_SKEY.replace("PeterNeumann", "Peter\tNeumann"),
    ],
)
def test_malformed_private_keys_give_format_error(skey: str) -> None:
    with pytest.raises(FormatError):
        NoteSigner.from_private_text(skey)


@pytest.mark.parametrize("name", ["", "with space", "a+b", "tab\tname", "nl\n"])
def test_invalid_key_names_are_refused(name: str) -> None:
    with pytest.raises(FormatError):
        NoteSigner.generate(name)


# --- checkpoints -----------------------------------------------------------------------


def test_checkpoint_text_is_exact() -> None:
    checkpoint = Checkpoint(ORIGIN, 2100, ROOT)
    assert checkpoint.to_text() == f"{ORIGIN}\n2100\n{base64.b64encode(ROOT).decode()}\n"


@settings(HYPOTHESIS, max_examples=100)
@given(size=st.integers(0, 2**64 - 1), root=st.binary(min_size=32, max_size=32))
def test_checkpoint_text_round_trips(size: int, root: bytes) -> None:
    checkpoint = Checkpoint(ORIGIN, size, root)
    assert Checkpoint.from_text(checkpoint.to_text()) == checkpoint


def test_signed_checkpoint_opens(signer: NoteSigner) -> None:
    checkpoint = Checkpoint(ORIGIN, 12, ROOT)
    note = checkpoint.sign(signer)
    assert note == checkpoint.to_text() + "\n" + signer.signature_line(checkpoint.to_text())
    independently_check_signature_line(
        checkpoint.to_text(), note.split("\n\n", 1)[1], ORIGIN, bytes(signer.signing_key.verify_key)
    )
    assert open_checkpoint(note, signer.verifier()) == checkpoint


def test_checkpoint_extension_lines_are_allowed(signer: NoteSigner) -> None:
    text = Checkpoint(ORIGIN, 3, ROOT).to_text() + "extension line\n"
    assert open_checkpoint(sign_note(text, [signer]), signer.verifier()) == Checkpoint(
        ORIGIN, 3, ROOT
    )


def test_checkpoint_signing_and_opening_check_origin_against_key_name(signer: NoteSigner) -> None:
    foreign = Checkpoint("other.example/log", 3, ROOT)
    with pytest.raises(FormatError):
        foreign.sign(signer)
    with pytest.raises(SignatureError):
        open_checkpoint(sign_note(foreign.to_text(), [signer]), signer.verifier())


def test_checkpoint_by_another_key_fails(signer: NoteSigner) -> None:
    impostor = NoteSigner.generate(ORIGIN)
    with pytest.raises(SignatureError):
        open_checkpoint(Checkpoint(ORIGIN, 3, ROOT).sign(impostor), signer.verifier())


B64_ROOT = base64.b64encode(ROOT).decode()
MALFORMED_BODIES = {
    "size with leading zero": f"{ORIGIN}\n01\n{B64_ROOT}\n",
    "negative size": f"{ORIGIN}\n-1\n{B64_ROOT}\n",
    "plus sign": f"{ORIGIN}\n+1\n{B64_ROOT}\n",
    "size with space": f"{ORIGIN}\n 1\n{B64_ROOT}\n",
    "empty size": f"{ORIGIN}\n\n{B64_ROOT}\n",
    "decimal point": f"{ORIGIN}\n1.0\n{B64_ROOT}\n",
    "hex size": f"{ORIGIN}\n0x10\n{B64_ROOT}\n",
    "arabic-indic digit": f"{ORIGIN}\n\u0661\n{B64_ROOT}\n",
    "root of 31 bytes": f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n",
    "root of 33 bytes": f"{ORIGIN}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n",
    "root not base64": f"{ORIGIN}\n1\n{B64_ROOT[:-2]}*=\n",
    "root missing": f"{ORIGIN}\n1\n",
    "empty origin": f"\n1\n{B64_ROOT}\n",
}


@pytest.mark.parametrize("case", list(MALFORMED_BODIES))
def test_malformed_checkpoint_bodies_are_rejected(signer: NoteSigner, case: str) -> None:
    body = MALFORMED_BODIES[case]
    with pytest.raises(FormatError):
        Checkpoint.from_text(body)
    with pytest.raises(FormatError):
        open_checkpoint(sign_note(body, [signer]), signer.verifier())


def test_checkpoint_without_final_newline_is_rejected() -> None:
    with pytest.raises(FormatError):
        Checkpoint.from_text(f"{ORIGIN}\n1\n{B64_ROOT}")


def test_an_unsigned_malformed_body_fails_on_the_signature_first(signer: NoteSigner) -> None:
    """Open, then parse: a body is never parsed before its signature verified."""
    other = NoteSigner.generate(ORIGIN)
    note = sign_note(MALFORMED_BODIES["negative size"], [other])
    with pytest.raises(SignatureError):
        open_checkpoint(note, signer.verifier())
