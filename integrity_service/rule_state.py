"""The active rule set: configured, recorded in the ledger when it changes, found by hash."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import db
from integrity_service.models import RuleSetRecord
from ledger.append import Draft
from rules.ruleset import RuleSet


def configured_ruleset(app: Flask | None = None) -> RuleSet:
    """Return the rule set the configuration asks for (defaults + RULE_PARAMETERS)."""
    app = app or current_app
    cached = app.extensions.get("integrity_ruleset")
    if cached is None:
        cached = RuleSet.default().with_parameters(app.config["RULE_PARAMETERS"] or {})
        app.extensions["integrity_ruleset"] = cached
    return cached


def latest_record(session: Session) -> RuleSetRecord | None:
    """Return the most recently activated rule set."""
    return session.scalars(
        select(RuleSetRecord).order_by(RuleSetRecord.seq.desc()).limit(1)
    ).first()


def ruleset_by_hash(session: Session, ruleset_hash: str) -> RuleSet:
    """Return a recorded rule set by its hash (for replaying old findings)."""
    record = session.get(RuleSetRecord, ruleset_hash)
    if record is None:
        raise LookupError(f"rule set {ruleset_hash} was never activated in this ledger")
    return RuleSet.from_json_obj(record.definition)


def ensure_active(session: Session, ruleset: RuleSet, *, actor: str) -> RuleSet:
    """Record ``ruleset`` in the ledger if it is not the active one (inside a write session)."""
    from integrity_service.records import append  # records imports nothing from here

    latest = latest_record(session)
    if latest is None or latest.hash != ruleset.hash:
        body = {"hash": ruleset.hash, "ruleset": ruleset.to_json_obj()}
        append(session, [Draft("ruleset.activated", actor, body)])
    return ruleset


@click.command("rules")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@with_appcontext
def rules_command(lang: str) -> None:
    """List the rules with their severity and parameters, and the active rule set's hash."""
    ruleset = configured_ruleset()
    click.echo(ruleset.listing(lang))
    click.echo(f"configured rule set: {ruleset.hash}")
    with db.sessions()() as session:
        latest = latest_record(session)
    if latest is None:
        click.echo("active in the ledger: none yet (recorded with the first check or decision)")
    else:
        click.echo(f"active in the ledger: {latest.hash} (entry {latest.seq})")
