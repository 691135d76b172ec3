"""The browser's verification modules against the Python ledger, on many generated vectors."""

from __future__ import annotations

import base64
import hashlib
import random
from typing import Any

import pytest

from ledger.canonical import canonicalize
from ledger.cosignature import CosignatureSigner
from ledger.errors import ProofError
from ledger.hashing import leaf_hash
from ledger.note import NoteSigner, sign_note
from ledger.proofs import root_from_inclusion_proof
from tests.integrity_service.public.receipt_page import new_page
from tests.ledger.reference import mth, path

pytestmark = pytest.mark.slow


def b64(raw: bytes) -> str:
    """Return base64 text."""
    return base64.b64encode(raw).decode()


def _evaluate(browser: Any, base: str, script: str, argument: Any) -> Any:
    page, errors = new_page(browser)
    page.goto(f"{base}/public/receipt")
    result = page.evaluate(script, argument)
    assert errors == []
    page.context.close()
    return result


PROOF_SCRIPT = """async ({vectors, engine}) => {
  const proof = await import("/static/js/receipt/proof.js");
  const bytes = await import("/static/js/receipt/bytes.js");
  const out = [];
  for (const [index, size, leaf, hashes] of vectors) {
    const leafHash = await proof.leafHash(bytes.fromBase64(leaf), engine);
    try {
      const root = await proof.rootFromInclusionProof(
        index, size, leafHash, hashes.map((h) => bytes.fromBase64(h)), engine);
      out.push(bytes.toBase64(root));
    } catch (error) {
      out.push(error.code ?? String(error));
    }
  }
  return out;
}"""


@pytest.mark.parametrize("engine", ["auto", "noble"])
def test_inclusion_proofs_match_the_rfc_6962_reference(
    small_server: str, browser: Any, engine: str
) -> None:
    leaves = [hashlib.sha256(f"leaf {i}".encode()).digest() for i in range(37)]
    vectors, expected = [], []
    for size in range(1, len(leaves) + 1):
        root = b64(mth(leaves[:size]))
        for index in range(size):
            hashes = [b64(h) for h in path(index, leaves[:size])]
            vectors.append([index, size, b64(leaves[index]), hashes])
            expected.append(root)
            if hashes:  # one hash too few, one too many: never the root
                vectors.append([index, size, b64(leaves[index]), hashes[:-1]])
                expected.append("inclusion.length")
                vectors.append([index, size, b64(leaves[index]), [*hashes, hashes[0]]])
                expected.append("inclusion.length")
    vectors.append([5, 5, b64(leaves[0]), []])
    expected.append("inclusion.index")
    # Beyond 32 bits, where JavaScript's bitwise operators would silently truncate.
    rng = random.Random(6962)
    for index, size in [(2**40 + 2, 2**40 + 3), (2**33, 2**45 - 1), (0, 2**52), (2**31, 2**31 + 1)]:
        leaf = rng.randbytes(32)
        hashes = next(
            items
            for count in range(64)
            if _fits(index, size, items := [rng.randbytes(32) for _ in range(count)])
        )
        vectors.append([index, size, b64(leaf), [b64(h) for h in hashes]])
        root = root_from_inclusion_proof(
            index=index, size=size, leaf_hash=leaf_hash(leaf), proof=hashes
        )
        expected.append(b64(root))
    got = _evaluate(browser, small_server, PROOF_SCRIPT, {"vectors": vectors, "engine": engine})
    assert got == expected


def _fits(index: int, size: int, hashes: list[bytes]) -> bool:
    """Return True when ``hashes`` has the length of an inclusion proof of index in size."""
    try:
        root_from_inclusion_proof(index=index, size=size, leaf_hash=bytes(32), proof=hashes)
    except ProofError:
        return False
    return True


KEY_SCRIPT = """async ({keys, engine}) => {
  const note = await import("/static/js/receipt/note.js");
  const bytes = await import("/static/js/receipt/bytes.js");
  const out = [];
  for (const text of keys) {
    try {
      const key = await note.parseVerifierKey(text, engine);
      out.push([key.name, bytes.toHex(key.keyId), bytes.toBase64(key.publicKey)]);
    } catch (error) {
      out.push(error.code ?? String(error));
    }
  }
  return out;
}"""


@pytest.mark.parametrize("engine", ["auto", "noble"])
def test_verifier_keys_parse_as_in_python(small_server: str, browser: Any, engine: str) -> None:
    rng = random.Random(9162)
    signers = [NoteSigner.generate(f"kab-{rng.randrange(10**6)}.example/log{i}") for i in range(40)]
    keys = [signer.verifier().to_text() for signer in signers]
    assert any("+" in key.split("+", 2)[2] for key in keys)  # base64 with its own '+'
    expected: list[Any] = [
        [s.name, s.verifier().key_id.hex(), b64(bytes(s.verifier().verify_key))] for s in signers
    ]
    broken = keys[0].split("+")
    bad = [
        f"{broken[0]}+00000000+{keys[0].split('+', 2)[2]}",  # wrong key ID
        keys[0].replace(broken[0], "renamed", 1),  # the ID is over the name too
        "name-only",
        f"{broken[0]}+{broken[1]}+AAAA",  # not 0x01 || 32 bytes
        f"with space+{broken[1]}+{keys[0].split('+', 2)[2]}",
    ]
    got = _evaluate(browser, small_server, KEY_SCRIPT, {"keys": keys + bad, "engine": engine})
    assert got == [*expected, "key.id", "key.id", "key.format", "key.format", "key.format"]


NOTE_SCRIPT = """async (notes) => {
  const note = await import("/static/js/receipt/note.js");
  return notes.map((text) => {
    try {
      const split = note.splitNote(text);
      return [split.text, split.signatures.map((s) => [s.name, s.signature.length])];
    } catch (error) {
      return error.code ?? String(error);
    }
  });
}"""


def test_signed_notes_split_as_in_python(small_server: str, browser: Any) -> None:
    log = NoteSigner.generate("test.kab.example/ledger")
    witness = CosignatureSigner.generate("witness.example/w1")
    text = f"{log.name}\n42\n{b64(bytes(32))}\n"
    signed = sign_note(text, [log])
    cosigned = signed + witness.signature_line(text, 1_767_225_600)
    notes = [signed, cosigned, text, signed.rstrip("\n"), text + "\n" + "- not a signature\n"]
    got = _evaluate(browser, small_server, NOTE_SCRIPT, notes)
    assert got[0] == [text, [[log.name, 64]]]
    assert got[1] == [text, [[log.name, 64], [witness.name, 72]]]  # timestamp || signature
    assert got[2:] == ["note.format"] * 3


CANONICAL_SCRIPT = """async (texts) => {
  const entry = await import("/static/js/receipt/entry.js");
  return texts.map((text) => {
    try {
      return entry.canonicalJson(JSON.parse(text));
    } catch (error) {
      return error.code ?? String(error);
    }
  });
}"""


def test_canonical_json_matches_the_ledgers(small_server: str, browser: Any) -> None:
    values = [
        {"b": 1, "a": [True, None, "x"], "é": "ü", "\u20ac": "line\nbreak\t\u0001", "A": {}},
        {"nip": "198001012005011001", "levels": {"M08": 2, "M01": 5}, "n": -(2**53 - 1)},
        {"emoji": "\U0001f600", "\U0001f600": 1, "\ufb33": 2, "quote": '"\\/'},
    ]
    texts = [canonicalize(value).decode() for value in values]
    unsafe = ['{"n": 9007199254740993}', '{"f": 1.5}']
    got = _evaluate(browser, small_server, CANONICAL_SCRIPT, texts + unsafe)
    assert got == [*texts, "entry.canonical", "entry.canonical"]
