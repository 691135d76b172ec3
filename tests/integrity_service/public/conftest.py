"""Fixtures of the public pages: a small ledger with receipts, a live server, a browser."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from integrity_service import db, keys, records
from integrity_service.demo import run_scenario
from integrity_service.demo_scenario import build_scenario
from integrity_service.domain.assessments import parse_assessment_mapping
from integrity_service.ledger_store import SqlLedger
from integrity_service.receipts import build_receipt
from integrity_service.redaction import redact
from integrity_service.witness_tables import LedgerCosignature
from ledger.cosignature import CosignatureSigner
from ledger.entry import utc_now_text
from tests.browser_support import chromium_browser, live_server
from tests.conftest import make_app
from tests.integrity_service.api.factories import assessment_json, levels, nip

PEOPLE = (
    ("Siti Aminah, S.Kep.", 1),
    ("Bambang Suryadi", 2),
    ("Dewi Lestari, S.E.", 3),
    ("Agus Salim Nugroho", 4),
    ("Rina Marlina, M.Si.", 5),
    ("Yusuf Hidayat", 6),
    ("Teguh Prasetyo", 7),
    ("Ratna Sari Dewi", 8),
)


@dataclass(frozen=True)
class SmallLedger:
    """The app of a small ledger: 8 assessments over three checkpoints, one erased, one new."""

    app: Flask
    people: tuple[tuple[str, str], ...]  # (NIP, name)
    covered: int  # an entry a checkpoint covers
    redacted: int  # an entry whose body was erased
    uncovered: int  # the last entry, after the last checkpoint
    key: str

    def receipt(self, seq: int) -> dict[str, Any]:
        """Return the receipt of entry ``seq`` as the API would."""
        with self.app.app_context():
            return build_receipt(SqlLedger(db.session()), seq)


def _record(app: Flask, people: list[tuple[str, int]]) -> list[int]:
    results = [
        parse_assessment_mapping(
            assessment_json(nip(serial), name=name, competencies=levels(2 + serial % 3)),
            index=i,
            today=date(2026, 1, 1),
        )
        for i, (name, serial) in enumerate(people)
    ]
    with app.app_context(), db.write_session(db.sessions()) as session:
        entries = records.record_assessments(session, results, actor="test:bkpsdm")
    return [entry.seq for entry in entries]


def _checkpoint(app: Flask) -> None:
    with app.app_context(), db.write_session(db.sessions()) as session:
        SqlLedger(session).sign_checkpoint(keys.signer())


def build_small_ledger(tmp_path: Path) -> SmallLedger:
    """Record assessments in three checkpoints, erase one body, then one more entry."""
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path)
    seqs = _record(app, list(PEOPLE[:5]))
    _checkpoint(app)
    seqs += _record(app, list(PEOPLE[5:7]))
    _checkpoint(app)
    with app.app_context(), db.write_session(db.sessions()) as session:
        redact(session, seqs[1], reason="UU 27/2022 erasure request", actor="test:dpo")
    _checkpoint(app)
    (uncovered,) = _record(app, [PEOPLE[7]])
    with app.app_context():
        key = keys.verifier().to_text()
    people = tuple((nip(serial), name) for name, serial in PEOPLE)
    return SmallLedger(app, people, seqs[2], seqs[1], uncovered, key)


@pytest.fixture(scope="package")
def small_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallLedger]:
    """A small ledger shared by the package's tests (read only)."""
    built = build_small_ledger(tmp_path_factory.mktemp("small-ledger"))
    yield built
    built.app.extensions["integrity_engine"].dispose()


@pytest.fixture(scope="package")
def small_server(small_ledger: SmallLedger) -> Iterator[str]:
    """The small ledger's app served on loopback; yields its base URL."""
    with live_server(small_ledger.app) as base:
        yield base


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, shared by the package's browser tests."""
    with chromium_browser() as launched:
        yield launched


def tampered_entry(receipt: dict[str, Any]) -> dict[str, Any]:
    """Return the receipt with one byte of its entry changed (a competency level)."""
    changed = copy.deepcopy(receipt)
    raw = bytearray(base64.b64decode(receipt["entry"]))
    at = raw.index(b'"M01":') + len(b'"M01":')
    raw[at] = ord("5") if raw[at] != ord("5") else ord("4")
    changed["entry"] = base64.b64encode(bytes(raw)).decode()
    return changed


def tampered_proof(receipt: dict[str, Any], position: int = 0) -> dict[str, Any]:
    """Return the receipt with one bit of one inclusion-proof hash flipped."""
    changed = copy.deepcopy(receipt)
    raw = bytearray(base64.b64decode(receipt["inclusion_proof"]["proof"][position]))
    raw[7] ^= 0x01
    changed["inclusion_proof"]["proof"][position] = base64.b64encode(bytes(raw)).decode()
    return changed


def tampered_checkpoint_text(receipt: dict[str, Any]) -> dict[str, Any]:
    """Return the receipt with one character of the checkpoint's root line changed."""
    changed = copy.deepcopy(receipt)
    lines = receipt["checkpoint"].split("\n")
    root = lines[2]
    lines[2] = ("B" if root[0] != "B" else "C") + root[1:]
    changed["checkpoint"] = "\n".join(lines)
    return changed


def tampered_signature(receipt: dict[str, Any]) -> dict[str, Any]:
    """Return the receipt with one byte of the log's Ed25519 signature changed."""
    changed = copy.deepcopy(receipt)
    text, _, block = receipt["checkpoint"].rpartition("\n\n")
    prefix, _, encoded = block.rstrip("\n").rpartition(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[4 + 10] ^= 0x40  # past the 4-byte key ID: inside the signature
    line = f"{prefix} {base64.b64encode(bytes(raw)).decode()}\n"
    changed["checkpoint"] = f"{text}\n\n{line}"
    return changed


def as_json(receipt: dict[str, Any]) -> str:
    """Return the receipt as the JSON text a person would paste."""
    return json.dumps(receipt, indent=2)


@dataclass(frozen=True)
class DemoLedger:
    """The demo scenario's ledger, its people, and a witness that cosigned the last checkpoint."""

    app: Flask
    nips: frozenset[str]
    names: frozenset[str]
    witness: str


def _people_of(scenario: Any) -> tuple[set[str], set[str]]:
    nips: set[str] = set()
    names: set[str] = set()
    for step in scenario.steps():
        for result in [*getattr(step, "results", ()), getattr(step, "result", None)]:
            if result is not None:
                nips.add(result.nip.value)
                names.add(result.name)
        decision = getattr(step, "decision", None)
        if decision is not None:
            nips.update({decision.nip, decision.decided_by})
        nips.update(getattr(step, "candidates", ()))
    return nips, names


def _cosign_latest(app: Flask, name: str) -> None:
    """Store a witness's cosignature of the latest checkpoint, as the witnessing code would."""
    with app.app_context(), db.sessions()() as session, session.begin():
        latest = SqlLedger(session).latest_checkpoint()
        assert latest is not None
        signer = CosignatureSigner.generate(name)
        text = latest.note[: latest.note.index("\n\n") + 1]
        session.add(
            LedgerCosignature(
                size=latest.size,
                witness=name,
                key_id=signer.verifier().key_id,
                timestamp=1_767_225_600,
                line=signer.signature_line(text, 1_767_225_600),
                created_at=utc_now_text(),
            )
        )


@pytest.fixture(scope="package")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoLedger]:
    """The demo scenario (seed 2025) through the write path, cosigned by one witness."""
    tmp_path = tmp_path_factory.mktemp("demo-ledger")
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path)
    scenario = build_scenario(2025)
    with app.app_context():
        run_scenario(scenario, db.sessions(), keys.signer())
    witness = "witness.example/w1"
    _cosign_latest(app, witness)
    nips, names = _people_of(scenario)
    yield DemoLedger(app, frozenset(nips), frozenset(names), witness)
    app.extensions["integrity_engine"].dispose()
