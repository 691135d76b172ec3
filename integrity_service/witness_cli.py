"""The witness step of ``flask checkpoint``: ask, store, report, and say if the quorum is met."""

from __future__ import annotations

import sys

import click

from integrity_service import db
from integrity_service.witnessing import (
    WitnessConfigError,
    configured_quorum,
    configured_witnesses,
    request_cosignatures,
)


def ask_witnesses() -> None:
    """Ask the configured witnesses to cosign the latest checkpoint and report each answer.

    Exits with status 1 when fewer than ``WITNESS_QUORUM`` witnesses have
    cosigned it; the checkpoint itself is already stored and stays published.
    """
    try:
        witnesses = configured_witnesses()
        quorum = configured_quorum()
    except WitnessConfigError as exc:
        raise click.ClickException(
            f"{exc} (the checkpoint is stored; no witness was asked)"
        ) from exc
    if not witnesses:
        return
    stored, outcomes = request_cosignatures(db.sessions(), witnesses)
    if stored is None:
        return
    for outcome in outcomes:
        mark = "ok  " if outcome.ok else "FAIL"
        click.echo(f"witness {mark} {outcome.witness} ({outcome.url}): {outcome.message}")
    cosigned = sum(outcome.ok for outcome in outcomes)
    summary = f"checkpoint {stored.size} cosigned by {cosigned} of {len(witnesses)} witnesses"
    if cosigned >= quorum:
        click.echo(f"{summary} (quorum {quorum}: met)")
        return
    unreachable = (
        " (WITNESS_QUORUM exceeds the witnesses configured)" if quorum > len(witnesses) else ""
    )
    click.echo(
        f"{summary}: quorum {quorum} NOT met{unreachable}. The checkpoint is stored and "
        "published; run 'flask checkpoint' again to retry the witnesses.",
        err=True,
    )
    sys.exit(1)
