"""``flask rotate-key begin|finish``, and the key lines of ``checkpoint`` and ``verify``.

``begin --new-key-file PATH`` creates the new key (mode 0600), announces it in the
ledger and signs a checkpoint covering the announcement with the old and the new key.
While ``INTEGRITY_NEXT_KEY_FILE`` names that file, ``checkpoint`` signs with both keys
(the overlap). ``finish`` retires the old key in the ledger, signs a checkpoint with the
new key only, and switches the files in one rename: the new key becomes
``INTEGRITY_KEY_FILE`` and the old one is kept beside it, renamed, for destruction.
"""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from integrity_service import db, keys
from integrity_service.cli_support import requires_schema
from integrity_service.key_rotation import (
    ACTOR,
    RotationError,
    begin_rotation,
    check_can_begin,
    checkpoint_signers,
    finish_rotation,
)
from integrity_service.witness_cli import ask_witnesses
from ledger.keyset import key_label
from ledger.note import NoteSigner
from ledger.verify import VerifyReport

_FLASK = "flask --app integrity_service"


def _key_file_signer() -> NoteSigner:
    try:
        return keys.signer()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc


def next_signer_or_exit() -> NoteSigner | None:
    """Return the new key's signer while INTEGRITY_NEXT_KEY_FILE is set, else None."""
    try:
        return keys.next_signer()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc


def signers_or_exit(
    session: Session, current: NoteSigner, following: NoteSigner | None
) -> list[NoteSigner]:
    """Return the keys that sign the next checkpoint, or exit saying why none may."""
    try:
        return checkpoint_signers(session, current, following)
    except RotationError as exc:
        raise click.ClickException(str(exc)) from exc


def trust_lines(report: VerifyReport) -> list[str]:
    """Return what ``verify`` prints about the log's keys, once the log has rotated one."""
    if len(report.keys) < 2 and not report.key_notes:
        return []
    lines = ["log keys (from the ledger's key entries):"]
    for key in report.keys:
        origin = (
            "the log's first key"
            if key.announced_seq is None
            else f"announced by entry {key.announced_seq}"
        )
        retired = "" if key.last_size is None else f", retired by entry {key.last_size}"
        lines.append(f"  {key.label}: {key.sizes_text()} ({origin}{retired})")
    lines += [f"trust: {note}" for note in report.key_notes]
    return lines


@click.group("rotate-key")
def rotate_key_group() -> None:
    """Rotate the log's signing key: 'begin' announces a new key, 'finish' switches to it."""


@rotate_key_group.command("begin")
@click.option(
    "--new-key-file",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to create the new key (mode 0600); the path must not exist.",
)
@click.option("--actor", default=ACTOR, show_default=True, help="Recorded as the entry's actor.")
@with_appcontext
@requires_schema
def begin_command(new_key_file: str, actor: str) -> None:
    """Create a new key, announce it in the ledger, sign a checkpoint with both keys."""
    current = _key_file_signer()
    with db.sessions()() as session:
        try:
            check_can_begin(session, current)
        except RotationError as exc:
            raise click.ClickException(str(exc)) from exc
    try:
        new = keys.create_new_key_file(new_key_file, current_app.config["LOG_ORIGIN"])
    except (keys.KeyFileError, OSError) as exc:
        raise click.ClickException(f"new key file refused: {exc}") from exc
    try:
        with db.write_session(db.sessions()) as session:
            entry, stored = begin_rotation(session, current, new, actor=actor)
    except BaseException as exc:
        os.unlink(new_key_file)  # nothing announced it: it must not linger as a key
        if isinstance(exc, RotationError):
            raise click.ClickException(str(exc)) from exc
        raise
    old_label, new_label = key_label(current.verifier()), key_label(new.verifier())
    path = os.path.abspath(new_key_file)
    click.echo(f"new signing key created: {path} (mode 0600)")
    click.echo(f"new verifier key: {new.verifier().to_text()}")
    click.echo(f"announced in the ledger: entry {entry.seq} (log.key_announced), after {old_label}")
    click.echo(f"signed checkpoint at size {stored.size} with the old and the new key:")
    click.echo(stored.note, nl=False)
    click.echo(
        "\nNext steps (the overlap: every checkpoint carries both signatures):\n"
        f"  1. Set INTEGRITY_NEXT_KEY_FILE={path} wherever 'checkpoint' runs (its timer or\n"
        "     cron job) and for 'rotate-key finish'; 'checkpoint' then signs with both keys.\n"
        "  2. Publish the new verifier key above beside the old one (website, decree);\n"
        "     /public/keys lists both, each with the tree sizes it signs.\n"
        f"  3. Give every witness the new key (its --log-key), and tell monitors: {new_label}.\n"
        "  4. Back up the new key file as you back up the old one (encrypted, offline).\n"
        "  5. When witnesses and clients know the new key, switch to it:\n"
        f"     INTEGRITY_NEXT_KEY_FILE={path} {_FLASK} rotate-key finish"
    )
    ask_witnesses()  # last: it exits 1 when the quorum is not met, the rotation stands


@rotate_key_group.command("finish")
@click.option("--actor", default=ACTOR, show_default=True, help="Recorded as the entry's actor.")
@with_appcontext
@requires_schema
def finish_command(actor: str) -> None:
    """Retire the old key in the ledger, sign with the new key only, switch the key files."""
    key_file = current_app.config["KEY_FILE"]
    next_file = current_app.config.get("NEXT_KEY_FILE")
    if not next_file:
        raise click.ClickException(
            "INTEGRITY_NEXT_KEY_FILE is not set: set it to the new key file that "
            "'rotate-key begin' created, then run 'rotate-key finish' again"
        )
    old = _key_file_signer()
    try:
        new = keys.next_signer()
        assert new is not None
        retired = keys.retired_key_path(key_file, old)
        keys.check_switch(key_file, next_file, retired)
    except (keys.KeyFileError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        with db.write_session(db.sessions()) as session:
            finished = finish_rotation(session, old, new, actor=actor)
    except RotationError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        keys.switch_key_files(key_file, next_file, retired)
    except OSError as exc:
        raise click.ClickException(
            f"the ledger retired the old key, but switching the key files failed: {exc}. "
            "'checkpoint' keeps signing with the new key while INTEGRITY_NEXT_KEY_FILE is "
            "set; fix the cause and run 'rotate-key finish' again to switch the files"
        ) from exc
    keys.forget_signer()
    old_label, new_label = key_label(old.verifier()), key_label(new.verifier())
    click.echo(
        f"the announcement of {new_label} is covered by the checkpoint of tree size "
        f"{finished.covered_at}, signed by {old_label}"
    )
    if finished.entry is None:
        click.echo(f"the ledger had retired {old_label} already; only the files were switched")
    else:
        click.echo(f"old key {old_label} retired: entry {finished.entry.seq} (log.key_retired)")
    if finished.checkpoint is not None:
        click.echo(f"signed checkpoint at size {finished.checkpoint.size} with the new key only:")
        click.echo(finished.checkpoint.note, nl=False)
    click.echo(f"key file switched: {key_file} now holds {new_label}")
    click.echo(f"old key kept for destruction: {retired}")
    click.echo(
        "\nNext steps:\n"
        "  1. Unset INTEGRITY_NEXT_KEY_FILE wherever you set it (its file is now the key file).\n"
        "  2. Restart the web workers: /public/key serves the new key once they reload it\n"
        "     (/healthz answers 503, 'key file changed', until then).\n"
        f"  3. Check: {_FLASK} verify   (and with --key <the original verifier key>:\n"
        "     the original key still verifies the whole log through the announcements).\n"
        f"  4. Destroy the old key: shred -u {retired}, and its backups.\n"
        "     Back up the new key file."
    )
    if finished.checkpoint is not None:
        ask_witnesses()  # last: witnesses that only know the old key refuse this checkpoint
