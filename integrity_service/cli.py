"""Ledger CLI commands: init-db, checkpoint, verify (``flask --app integrity_service ...``)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from integrity_service import db, keys
from integrity_service.cli_support import requires_schema
from integrity_service.key_rotation import sign_checkpoint
from integrity_service.key_rotation_cli import (
    next_signer_or_exit,
    rotate_key_group,
    signers_or_exit,
    trust_lines,
)
from integrity_service.ledger_store import SqlLedger
from integrity_service.schema_upgrade import SchemaUpgradeError, add_missing_columns
from integrity_service.witness_cli import ask_witnesses
from ledger.errors import FormatError
from ledger.note import NoteSigner, NoteVerifier
from ledger.verify import verify_log


def _load_signer_or_exit() -> NoteSigner:
    try:
        return keys.signer()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc


def initialise(report: Callable[[str], object] | None = None) -> tuple[NoteSigner, bool]:
    """Create the schema and, if absent, the signing key; return the signer and if it is new.

    Tables, nullable columns and indexes a newer version brought are added to an
    existing database; ``report`` is told each column added.
    """
    from integrity_service import models  # noqa: F401  (registers every table)

    engine = db.engine()
    db.Base.metadata.create_all(engine)
    # create_all adds missing tables only: add the nullable columns and the indexes a
    # newer version brought to existing tables too (columns first: an index may use one).
    with engine.begin() as connection:
        added = add_missing_columns(connection, db.Base.metadata)
        for table in db.Base.metadata.sorted_tables:
            for index in table.indexes:
                index.create(connection, checkfirst=True)
    for name in added if report is not None else ():
        report(f"column added: {name}")
    return keys.create_key_file(current_app.config["KEY_FILE"], current_app.config["LOG_ORIGIN"])


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the schema and, if absent, the Ed25519 signing key; print the verifier key."""
    path = current_app.config["KEY_FILE"]
    try:
        signer, created = initialise(click.echo)
    except (keys.KeyFileError, SchemaUpgradeError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"database ready: {db.engine().url.render_as_string(hide_password=True)}")
    click.echo(f"signing key {'created' if created else 'kept'}: {path}")
    click.echo(f"verifier key: {signer.verifier().to_text()}")


@click.command("checkpoint")
@with_appcontext
@requires_schema
def checkpoint_command() -> None:
    """Sign a checkpoint for the current tree size, if it grew; then ask the witnesses.

    During a key rotation's overlap (INTEGRITY_NEXT_KEY_FILE set) both keys sign it.
    """
    signer = _load_signer_or_exit()
    following = next_signer_or_exit()
    with db.write_session(db.sessions()) as session:
        signers = signers_or_exit(session, signer, following)
        stored = sign_checkpoint(session, signers)
    if stored is None:
        click.echo("tree did not grow; no new checkpoint")
    else:
        click.echo(f"signed checkpoint at size {stored.size}")
        if len(signers) > 1:
            click.echo("signed by the old and the new key (key rotation overlap)")
        click.echo(stored.note, nl=False)
    ask_witnesses()  # outside the write lock; a failed witness never loses the checkpoint


@click.command("verify")
@with_appcontext
@requires_schema
@click.option(
    "--key",
    "key_text",
    help="Verifier key to trust (default: the key file's); after a key rotation the original "
    "key or a later announced one.",
)
def verify_command(key_text: str | None) -> None:
    """Recompute every commitment, link, tree hash, checkpoint root and signature."""
    if key_text:
        try:
            verifier = NoteVerifier.from_text(key_text)
        except FormatError as exc:
            raise click.BadParameter(str(exc), param_hint="--key") from exc
    else:
        verifier = _load_signer_or_exit().verifier()
    session = db.sessions()()
    try:
        ledger = SqlLedger(session)
        size = ledger.size()
        progress = None
        if sys.stderr.isatty():

            def progress(done: int) -> None:
                click.echo(f"\r  {done}/{size} entries", nl=False, err=True)

        report = verify_log(
            ledger.iter_entries(),
            ledger.checkpoints(),
            verifier,
            redacted=ledger.redacted_seqs(),
            progress=progress,
        )
    finally:
        session.close()
    if progress is not None:
        click.echo("", err=True)
    for problem in report.problems:
        click.echo(f"FAIL {problem}", err=True)
    for line in trust_lines(report):
        click.echo(line)
    if report.redacted:
        click.echo(f"redacted entries (body erased, commitment kept): {report.redacted}")
    click.echo(
        f"checked {report.entries_checked} of {size} entries and "
        f"{report.checkpoints_checked} checkpoint roots: {'OK' if report.ok else 'FAILED'}"
    )
    if not report.ok:
        sys.exit(1)


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
    from integrity_service.accounts import create_token_command, revoke_token_command
    from integrity_service.audit import audit_command, export_ledger_command
    from integrity_service.demo import demo_command
    from integrity_service.importer import import_assessments_command, import_positions_command
    from integrity_service.monitor import monitor_command
    from integrity_service.rebuild import rebuild_command
    from integrity_service.receipt_check import verify_receipt_command
    from integrity_service.redaction import redact_command
    from integrity_service.reports.cli import report_command
    from integrity_service.rule_state import rules_command
    from integrity_service.tile_export import export_tiles_command
    from integrity_service.users import create_user_command
    from integrity_service.web_sessions_prune import prune_web_sessions_command

    for command in (
        init_db_command,
        checkpoint_command,
        verify_command,
        rotate_key_group,
        demo_command,
        import_assessments_command,
        import_positions_command,
        rebuild_command,
        redact_command,
        create_token_command,
        revoke_token_command,
        rules_command,
        audit_command,
        export_ledger_command,
        export_tiles_command,
        monitor_command,
        verify_receipt_command,
        create_user_command,
        prune_web_sessions_command,
        report_command,
    ):
        app.cli.add_command(command)
