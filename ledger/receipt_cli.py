"""The command line of receipt verification: ``python -m ledger.receipt`` runs :func:`main`.

Usage: ``python -m ledger.receipt RECEIPT.json --key KEY [--witness KEY ...] [--quorum N]``;
each key is given as text or as a file holding it. After a key rotation, ``--key`` may be
the log's key list (``/public/keys``: one key per line with the tree sizes it signs), or
be given once per key. Prints one line per check of
:mod:`ledger.receipt` and a verdict; exit 0 verified, 1 not verified, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from ledger.cosignature import CosignatureVerifier
from ledger.errors import Error
from ledger.keyset import LogKey, parse_key_list
from ledger.receipt import FAIL, PASS, SKIP, ReceiptReport, verify_receipt


def read_key_argument(value: str) -> str:
    """Return a key given on the command line, or the first line of a file holding it."""
    if os.path.isfile(value):
        with open(value, encoding="utf-8") as handle:
            return handle.read().strip()
    return value


def read_key_list(values: Sequence[str]) -> list[LogKey]:
    """Return the log keys of ``--key`` values (each a key, a key list, or a file of either)."""
    return [key for value in values for key in parse_key_list(read_key_argument(value))]


def main(argv: Sequence[str] | None = None) -> int:
    """Verify a receipt file from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger.receipt", description="Verify a ledger receipt offline."
    )
    parser.add_argument("receipt", help="receipt JSON file ('-' for standard input)")
    parser.add_argument(
        "--key",
        action="append",
        required=True,
        help="the log's verifier key or key list (text or file); repeatable",
    )
    parser.add_argument("--witness", action="append", default=[], help="a witness vkey")
    parser.add_argument("--quorum", type=int, help="witnesses needed (default: all given)")
    args = parser.parse_args(argv)
    try:
        key = read_key_list(args.key)
        witnesses = [CosignatureVerifier.from_text(read_key_argument(w)) for w in args.witness]
        if args.receipt == "-":
            raw = sys.stdin.read()
        else:
            with open(args.receipt, encoding="utf-8") as handle:
                raw = handle.read()
    except (Error, OSError) as exc:
        print(f"verify-receipt: {exc}", file=sys.stderr)
        return 2
    try:
        receipt = json.loads(raw)
    except ValueError as exc:
        print(f"FAIL  format      receipt is not JSON: {exc}")
        return 1
    report = verify_receipt(receipt, log_key=key, witnesses=witnesses, quorum=args.quorum)
    print_report(report)
    return 0 if report.ok else 1


def print_report(report: ReceiptReport, out: Any = None) -> None:
    """Print one line per check and a verdict."""
    stream = out or sys.stdout
    labels = {PASS: "ok  ", FAIL: "FAIL", SKIP: "skip"}
    for check in report.checks:
        print(f"{labels[check.status]}  {check.name:<10}  {check.detail}", file=stream)
    failed = ", ".join(c.name for c in report.failures())
    print("receipt VERIFIED" if report.ok else f"receipt NOT verified ({failed})", file=stream)
