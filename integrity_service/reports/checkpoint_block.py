"""The checkpoint a report was made against, beside a QR code of the public verification page."""

from __future__ import annotations

from flask_babel import gettext
from reportlab.lib.units import cm, mm
from reportlab.platypus import Flowable, Table, TableStyle

from integrity_service.reports.layout import (
    HEAD_FILL,
    TEXT_WIDTH,
    para,
    qr_code,
    styles,
    table,
)
from integrity_service.reports.ledger_facts import CheckpointView

QR_SIZE = 34 * mm
KEY_WIDTH = 3.6 * cm


def checkpoint_rows(checkpoint: CheckpointView) -> list[tuple[str, str | Flowable]]:
    """Return the label/value rows of a checkpoint: origin, tree size, root hash (base64)."""
    return [
        (gettext("Log origin"), checkpoint.origin),
        (gettext("Tree size"), f"{checkpoint.size}"),
        (gettext("Root hash (base64)"), para(checkpoint.root, styles().mono)),
    ]


def checkpoint_block(checkpoint: CheckpointView | None, url: str) -> Table:
    """Return the checkpoint's fields and the verification URL, beside a QR code of the URL."""
    left_width = TEXT_WIDTH - QR_SIZE - 12
    rows: list[tuple[str, str | Flowable]] = []
    if checkpoint is None:
        warning = gettext(
            "The ledger has no signed checkpoint yet: the figures cannot be checked against a "
            "published root. Sign one (flask checkpoint) and make the report again."
        )
        rows.append((gettext("Checkpoint"), warning))
    else:
        rows.extend(checkpoint_rows(checkpoint))
    rows.append((gettext("Verify at"), url))
    cells = [
        [
            para(key, styles().cell_head),
            value if isinstance(value, Flowable) else para(value, styles().cell),
        ]
        for key, value in rows
    ]
    details = table(cells, [KEY_WIDTH, left_width - KEY_WIDTH - 8], header=False)
    block = Table(
        [[details, qr_code(url, QR_SIZE)]], colWidths=[left_width, QR_SIZE + 12], hAlign="LEFT"
    )
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, -1), HEAD_FILL),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return block
