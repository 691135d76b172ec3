"""The ``demo`` command: fill an empty database with a deterministic sample ledger."""

from __future__ import annotations

import random

import click
from flask import current_app
from flask.cli import with_appcontext

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from ledger.append import Draft

_LEVELS = ("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "SC01")
_CATEGORIES = ("Sangat Potensial", "Potensial", "Cukup Potensial", "Kurang Potensial")


def sample_batches(seed: int, batches: int = 4, size: int = 50) -> list[list[Draft]]:
    """Return deterministic batches of sample assessment entries."""
    rng = random.Random(seed)
    result = []
    for b in range(batches):
        drafts = []
        for i in range(size):
            serial = b * size + i + 1
            born = f"19{rng.randint(60, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
            nip = f"{born}2010031{serial:03d}"
            drafts.append(
                Draft(
                    "assessment.recorded",
                    "demo",
                    {
                        "nip": nip,
                        "event": "CACT-2025-08",
                        "session": b + 1,
                        "levels": {code: rng.randint(1, 5) for code in _LEVELS},
                        "potential_category": rng.choice(_CATEGORIES),
                    },
                )
            )
        result.append(drafts)
    return result


@click.command("demo")
@with_appcontext
@click.option("--seed", default=2025, show_default=True, help="Seed of the sample data.")
def demo_command(seed: int) -> None:
    """Fill an empty database with sample data and sign a checkpoint after each batch."""
    signer = keys.signer(current_app)
    with db.sessions()() as session:
        existing = SqlLedger(session).size()
    if existing:
        click.echo(f"database already holds {existing} entries; demo data not added")
        return
    for drafts in sample_batches(seed):
        with db.write_session(db.sessions()) as session:
            ledger = SqlLedger(session)
            ledger.append(drafts)
            ledger.sign_checkpoint(signer)
    with db.sessions()() as session:
        ledger = SqlLedger(session)
        click.echo(f"demo ledger: {ledger.size()} entries, {len(ledger.checkpoints())} checkpoints")
