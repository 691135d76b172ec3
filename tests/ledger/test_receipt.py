"""Offline receipt verification: every check named, every one-byte change caught."""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ledger_support import BuiltLog, build_log

from ledger.checkpoint import Checkpoint
from ledger.cosignature import CosignatureSigner
from ledger.note import NoteSigner
from ledger.receipt import FAIL, PASS, SKIP, ReceiptReport, verify_receipt
from ledger.receipt_cli import main
from ledger.tree import inclusion_proof, root_hash

ORIGIN = "receipts.example/ledger"
SIZE = 70
SEQ = 37
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def b64(raw: bytes) -> str:
    """Encode base64."""
    return base64.b64encode(raw).decode()


@pytest.fixture(scope="module")
def log() -> BuiltLog:
    """A 70-entry log."""
    return build_log(SIZE)


@pytest.fixture(scope="module")
def signer() -> NoteSigner:
    """The log's key."""
    return NoteSigner.generate(ORIGIN)


def make_receipt(log: BuiltLog, signer: NoteSigner, seq: int = SEQ) -> dict[str, Any]:
    """Return a receipt in the service's shape (integrity_service/receipts.py)."""
    note = Checkpoint(ORIGIN, SIZE, root_hash(SIZE, log.nodes)).sign(signer)
    return {
        "seq": seq,
        "entry": b64(log.entries[seq].entry_bytes),
        "redacted": False,
        "commitment": b64(log.leaves[seq]),
        "log": ORIGIN,
        "checkpoint": note,
        "inclusion_proof": {
            "index": seq,
            "size": SIZE,
            "proof": [b64(h) for h in inclusion_proof(seq, SIZE, log.nodes)],
        },
    }


def statuses(report: ReceiptReport) -> dict[str, str]:
    """Return each check's status by name."""
    return {check.name: check.status for check in report.checks}


def failed(report: ReceiptReport) -> list[str]:
    """Return the names of the failed checks."""
    return [check.name for check in report.failures()]


def flip(text: str, index: int) -> str:
    """Flip one bit of one byte of base64 text and re-encode it."""
    raw = bytearray(base64.b64decode(text))
    raw[index] ^= 0x01
    return b64(bytes(raw))


def test_valid_receipt_verifies(log: BuiltLog, signer: NoteSigner) -> None:
    report = verify_receipt(make_receipt(log, signer), log_key=signer.verifier())
    assert report.ok, report.checks
    assert statuses(report) == {
        "receipt": PASS,
        "commitment": PASS,
        "entry": PASS,
        "key": PASS,
        "signature": PASS,
        "checkpoint": PASS,
        "inclusion": PASS,
        "witnesses": SKIP,
    }
    wrapped = verify_receipt({"receipt": make_receipt(log, signer)}, log_key=signer.verifier())
    assert wrapped.ok


def _change_entry(receipt: dict[str, Any]) -> None:
    raw = bytearray(base64.b64decode(receipt["entry"]))
    position = raw.index(b'"n":') + 4  # a digit of the body
    raw[position] = ord("9") if raw[position] != ord("9") else ord("8")
    receipt["entry"] = b64(bytes(raw))


def _change_proof(receipt: dict[str, Any]) -> None:
    proof = receipt["inclusion_proof"]["proof"]
    proof[2] = flip(proof[2], 31)


def _change_checkpoint_text(receipt: dict[str, Any]) -> None:
    receipt["checkpoint"] = receipt["checkpoint"].replace(f"\n{SIZE}\n", f"\n{SIZE + 1}\n", 1)


def _change_root(receipt: dict[str, Any]) -> None:
    lines = receipt["checkpoint"].split("\n")
    lines[2] = flip(lines[2], 0)
    receipt["checkpoint"] = "\n".join(lines)


def _change_signature(receipt: dict[str, Any]) -> None:
    text, _, line = receipt["checkpoint"].rpartition("\n\n")
    prefix, _, encoded = line.rstrip("\n").rpartition(" ")
    receipt["checkpoint"] = f"{text}\n\n{prefix} {flip(encoded, 40)}\n"


def _change_commitment(receipt: dict[str, Any]) -> None:
    receipt["commitment"] = flip(receipt["commitment"], 0)


@pytest.mark.parametrize(
    ("change", "names", "words"),
    [
        (_change_entry, ["commitment"], "entry was changed"),
        (_change_proof, ["inclusion"], "root mismatch"),
        (_change_checkpoint_text, ["signature"], "does not verify"),
        (_change_root, ["signature"], "does not verify"),
        (_change_signature, ["signature"], "does not verify"),
        (_change_commitment, ["commitment", "inclusion"], "entry was changed"),
    ],
)
def test_one_changed_byte_fails_naming_what(
    log: BuiltLog, signer: NoteSigner, change: Any, names: list[str], words: str
) -> None:
    receipt = make_receipt(log, signer)
    change(receipt)
    report = verify_receipt(receipt, log_key=signer.verifier())
    assert not report.ok
    assert failed(report) == names
    assert words in report.failures()[0].detail


def test_redacted_entry_still_verifies(log: BuiltLog, signer: NoteSigner) -> None:
    receipt = make_receipt(log, signer)
    receipt["entry"], receipt["redacted"] = None, True
    report = verify_receipt(receipt, log_key=signer.verifier())
    assert report.ok
    assert statuses(report)["commitment"] == SKIP and statuses(report)["entry"] == SKIP
    assert "redacted" in report.checks[1].detail
    receipt["redacted"] = False
    assert failed(verify_receipt(receipt, log_key=signer.verifier())) == ["commitment"]
    receipt = make_receipt(log, signer)
    receipt["redacted"] = True
    assert failed(verify_receipt(receipt, log_key=signer.verifier())) == ["commitment"]


def test_mismatched_claims_fail(log: BuiltLog, signer: NoteSigner) -> None:
    good = make_receipt(log, signer)
    receipt = copy.deepcopy(good)
    receipt["seq"] = SEQ + 1
    assert failed(verify_receipt(receipt, log_key=signer.verifier())) == ["entry", "inclusion"]
    receipt = copy.deepcopy(good)
    receipt["log"] = "another.example/log"
    assert failed(verify_receipt(receipt, log_key=signer.verifier())) == ["checkpoint"]
    receipt = copy.deepcopy(good)
    receipt["inclusion_proof"]["size"] = SIZE - 1
    assert failed(verify_receipt(receipt, log_key=signer.verifier())) == ["inclusion"]
    other_key = NoteSigner.generate(ORIGIN).verifier()
    report = verify_receipt(good, log_key=other_key)
    assert failed(report) == ["signature"] and "no signature by" in report.failures()[0].detail


def test_receipt_without_checkpoint_is_not_verified(log: BuiltLog, signer: NoteSigner) -> None:
    receipt = make_receipt(log, signer)
    receipt["checkpoint"], receipt["inclusion_proof"] = None, None
    report = verify_receipt(receipt, log_key=signer.verifier())
    assert not report.ok and failed(report) == ["checkpoint"]
    assert "after the next checkpoint" in report.failures()[0].detail


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.pop("commitment"),
        lambda r: r.update(commitment="not base64!"),
        lambda r: r.update(commitment=b64(bytes(31))),
        lambda r: r.update(seq=-1),
        lambda r: r.update(seq="37"),
        lambda r: r.update(entry=5),
        lambda r: r["inclusion_proof"]["proof"].append("AAAA"),
        lambda r: r.update(inclusion_proof=[]),
    ],
)
def test_malformed_receipts_fail_the_receipt_check(
    log: BuiltLog, signer: NoteSigner, mutate: Any
) -> None:
    receipt = make_receipt(log, signer)
    mutate(receipt)
    report = verify_receipt(receipt, log_key=signer.verifier())
    assert [(c.name, c.status) for c in report.checks] == [("receipt", FAIL)]
    assert verify_receipt([1, 2], log_key=signer.verifier()).checks[0].status == FAIL


def test_witness_quorum(log: BuiltLog, signer: NoteSigner) -> None:
    receipt = make_receipt(log, signer)
    text = receipt["checkpoint"].split("\n\n")[0] + "\n"
    w1, w2, w3 = (CosignatureSigner.generate(f"w{i}.example") for i in (1, 2, 3))
    receipt["checkpoint"] += w1.signature_line(text) + w2.signature_line(text)
    witnesses = [w1.verifier(), w2.verifier(), w3.verifier()]
    key = signer.verifier()
    assert verify_receipt(receipt, log_key=key, witnesses=witnesses, quorum=2).ok
    short = verify_receipt(receipt, log_key=key, witnesses=witnesses, quorum=3)
    assert failed(short) == ["witnesses"] and "2 of 3" in short.failures()[0].detail
    assert not verify_receipt(receipt, log_key=key, witnesses=witnesses).ok  # default: all
    assert verify_receipt(receipt, log_key=key, witnesses=witnesses[:2]).ok
    head, _, last = receipt["checkpoint"].rstrip("\n").rpartition("\n")
    prefix, _, encoded = last.rpartition(" ")
    receipt["checkpoint"] = f"{head}\n{prefix} {flip(encoded, 50)}\n"
    broken = verify_receipt(receipt, log_key=key, witnesses=witnesses, quorum=1)
    assert failed(broken) == ["witnesses"] and "does not verify" in broken.failures()[0].detail


def test_command_line(
    log: BuiltLog, signer: NoteSigner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(make_receipt(log, signer)))
    key_file = tmp_path / "log.vkey"
    key_file.write_text(signer.verifier().to_text() + "\n")
    assert main([str(path), "--key", str(key_file)]) == 0
    out = capsys.readouterr().out
    assert "ok    inclusion" in out and out.rstrip().endswith("receipt VERIFIED")
    bad = make_receipt(log, signer)
    _change_proof(bad)
    path.write_text(json.dumps(bad))
    assert main([str(path), "--key", signer.verifier().to_text()]) == 1
    assert "FAIL  inclusion" in capsys.readouterr().out
    assert main([str(path), "--key", "garbage"]) == 2
    path.write_text("{not json")
    assert main([str(path), "--key", signer.verifier().to_text()]) == 1


def test_python_dash_m(log: BuiltLog, signer: NoteSigner, tmp_path: Path) -> None:
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(make_receipt(log, signer)))
    result = subprocess.run(
        [sys.executable, "-m", "ledger.receipt", str(path), "--key", signer.verifier().to_text()],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "receipt VERIFIED" in result.stdout
