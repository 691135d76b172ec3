"""``flask verify-receipt``: check a receipt offline with :mod:`ledger.receipt` only.

It reads no configuration and opens no database: the same checks as
``python -m ledger.receipt``, runnable by anyone who has the receipt and the
published keys.
"""

from __future__ import annotations

import json
import sys
from typing import IO

import click

from ledger.cosignature import CosignatureVerifier
from ledger.errors import FormatError
from ledger.receipt import verify_receipt
from ledger.receipt_cli import print_report, read_key_argument, read_key_list


@click.command("verify-receipt")
@click.argument("receipt_file", metavar="RECEIPT.json", type=click.File("r", encoding="utf-8"))
@click.option(
    "--key",
    "key_texts",
    required=True,
    multiple=True,
    help="The log's verifier key or key list (/public/keys), as text or file; repeatable.",
)
@click.option("--witness", "witness_keys", multiple=True, help="A witness's vkey (repeatable).")
@click.option("--quorum", type=click.IntRange(min=0), help="Witnesses needed (default: all).")
def verify_receipt_command(
    receipt_file: IO[str],
    key_texts: tuple[str, ...],
    witness_keys: tuple[str, ...],
    quorum: int | None,
) -> None:
    """Verify RECEIPT.json offline: commitment, entry, signature, inclusion, witnesses."""
    try:
        key = read_key_list(key_texts)
    except (FormatError, OSError) as exc:
        raise click.BadParameter(str(exc), param_hint="--key") from exc
    try:
        witnesses = [CosignatureVerifier.from_text(read_key_argument(w)) for w in witness_keys]
    except (FormatError, OSError) as exc:
        raise click.BadParameter(str(exc), param_hint="--witness") from exc
    try:
        receipt = json.load(receipt_file)
    except ValueError as exc:
        click.echo(f"FAIL  receipt     not JSON: {exc}")
        sys.exit(1)
    report = verify_receipt(receipt, log_key=key, witnesses=witnesses, quorum=quorum)
    print_report(report)
    if not report.ok:
        sys.exit(1)
