"""A one-page PDF of a receipt, for the person it is about, with a QR code to the checker.

The PDF shows what the receipt proves and how to check it: the entry (type,
time, recorded data), its commitment, the checkpoint and the inclusion proof,
and a QR code linking to ``/public/receipt``, where the receipt's JSON file
is checked in the browser. The PDF is a printout, not the proof: the JSON is.
Call inside an app context (the texts come from the catalogue of ``lang``).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from flask_babel import force_locale, format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from integrity_service.public.receipt_messages import entry_type_labels, field_labels
from integrity_service.reports.fonts import report_fonts

MARGIN = 1.6 * cm
QR_SIZE = 3.4 * cm
MAX_VALUE = 240  # characters of one recorded value; the JSON holds the rest
MAX_BODY_ROWS = 30
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def _styles() -> dict[str, ParagraphStyle]:
    fonts = report_fonts()
    base = ParagraphStyle("base", fontName=fonts.regular, fontSize=9, leading=11.5)
    return {
        "title": ParagraphStyle("title", base, fontName=fonts.bold, fontSize=16, leading=20),
        "heading": ParagraphStyle(
            "heading", base, fontName=fonts.bold, fontSize=10.5, leading=14, spaceBefore=6
        ),
        "body": base,
        "label": ParagraphStyle(
            "label", base, fontName=fonts.bold, textColor=colors.HexColor("#444444")
        ),
        "mono": ParagraphStyle("mono", base, fontName=fonts.mono, fontSize=7.2, leading=9),
        "small": ParagraphStyle("small", base, fontSize=7.8, leading=10),
    }


def _text(value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def _shorten(value: str) -> str:
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"


def _show(value: Any) -> str:
    """Return a recorded value as one line of text (objects as "key value" pairs)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return format_decimal(value)
    if isinstance(value, str) and _DAY.match(value):
        try:
            return format_date(date.fromisoformat(value), "long")
        except ValueError:
            return value
    if isinstance(value, dict):
        return " · ".join(f"{key} {_show(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_show(item) for item in value) or "—"
    return str(value)


def _entry(receipt: dict[str, Any]) -> dict[str, Any] | None:
    """Return the receipt's entry as parsed JSON, or None if redacted or unreadable."""
    encoded = receipt.get("entry")
    if not isinstance(encoded, str):
        return None
    try:
        entry = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        return None
    return entry if isinstance(entry, dict) else None


def _time(text: Any) -> str:
    try:
        return format_datetime(datetime.fromisoformat(str(text).replace("Z", "+00:00")), "long")
    except ValueError:
        return str(text)


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#D7DDE4")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _qr(url: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    return drawing


def _entry_part(
    receipt: dict[str, Any], styles: dict[str, ParagraphStyle], width: float
) -> list[Any]:
    entry = _entry(receipt)
    labels, kinds = field_labels(), entry_type_labels()
    story: list[Any] = [_text(_("The entry"), styles["heading"])]
    if entry is None:
        notice = (
            _(
                "The body of this entry was erased lawfully (UU 27/2022). Its commitment "
                "stays in the ledger and is proved below."
            )
            if receipt.get("redacted")
            else _("The receipt holds no readable entry.")
        )
        story.append(_text(notice, styles["body"]))
        return story
    kind = str(entry.get("type", ""))
    head = [
        (labels["seq"], str(entry.get("seq"))),
        (labels["type"], f"{kinds[kind]} ({kind})" if kind in kinds else kind),
        (labels["time"], _time(entry.get("time"))),
        (labels["actor"], _show(entry.get("actor"))),
    ]
    body = entry.get("body") if isinstance(entry.get("body"), dict) else {}
    order = {name: place for place, name in enumerate(labels)}
    fields = sorted(body.items(), key=lambda item: order.get(item[0], len(order)))
    rows = [(labels.get(name, name), _shorten(_show(value))) for name, value in fields]
    if len(rows) > MAX_BODY_ROWS:
        more = len(rows) - MAX_BODY_ROWS
        rows = [
            *rows[:MAX_BODY_ROWS],
            ("…", _("%(count)s more fields in the receipt file", count=more)),
        ]
    cells = [[_text(a, styles["label"]), _text(b, styles["body"])] for a, b in head + rows]
    story.append(_table(cells, [4.6 * cm, width - 4.6 * cm]))
    return story


def _proof_part(
    receipt: dict[str, Any], styles: dict[str, ParagraphStyle], width: float
) -> list[Any]:
    story: list[Any] = [_text(_("The proof"), styles["heading"])]
    rows = [(_("Commitment (SHA-256 of the entry)"), str(receipt.get("commitment", "")))]
    proof = receipt.get("inclusion_proof")
    note = receipt.get("checkpoint")
    if isinstance(note, str) and isinstance(proof, dict):
        hashes = [str(item) for item in proof.get("proof", [])]
        rows += [
            (_("Log"), str(receipt.get("log", ""))),
            (_("Checkpoint: tree size"), format_decimal(int(proof.get("size", 0)))),
            (_("Inclusion proof (%(count)s hashes)", count=len(hashes)), "\n".join(hashes)),
            (_("Signed checkpoint"), note.rstrip("\n")),
        ]
    else:
        rows.append(
            (_("Checkpoint"), _("None yet: ask for the receipt again after the next checkpoint."))
        )
    cells = [[_text(a, styles["label"]), _text(b, styles["mono"])] for a, b in rows]
    story.append(_table(cells, [4.6 * cm, width - 4.6 * cm]))
    return story


def _story(receipt: dict[str, Any], public_url: str, width: float) -> list[Any]:
    styles = _styles()
    title = [
        _text(_("Ledger receipt"), styles["title"]),
        _text(
            _("Entry %(seq)s of the log %(log)s", seq=receipt.get("seq"), log=receipt.get("log")),
            styles["body"],
        ),
        Spacer(0, 4),
        _text(
            _(
                "This receipt proves that the entry below is in the tamper-evident placement "
                "ledger, exactly as it was recorded. Keep it with the receipt file (JSON), "
                "which holds the same data."
            ),
            styles["small"],
        ),
    ]
    check = [
        _qr(public_url),
        _text(
            _("Check it: open %(url)s and choose the receipt file.", url=public_url),
            styles["small"],
        ),
    ]
    header = Table([[title, check]], colWidths=[width - QR_SIZE - 0.6 * cm, QR_SIZE + 0.6 * cm])
    header.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    footer = _text(
        _(
            "To verify without this website: flask --app integrity_service verify-receipt "
            "RECEIPT.json --key KEY, with the log's verifier key from /public/key. The receipt "
            "proves that the entry is in the ledger and unchanged, not that its content is "
            "right."
        ),
        styles["small"],
    )
    return [
        header,
        *_entry_part(receipt, styles, width),
        *_proof_part(receipt, styles, width),
        Spacer(0, 6),
        footer,
    ]


def receipt_pdf(receipt: dict[str, Any], *, public_url: str, lang: str) -> bytes:
    """Return a one-page A4 PDF of ``receipt`` in ``lang`` ("id" or "en").

    ``public_url`` is the absolute address of the receipt checker
    (``/public/receipt``); the QR code links to it. Content that would not
    fit on one page is scaled down, never continued on a second page.
    """
    buffer = io.BytesIO()
    with force_locale(lang):
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Ledger receipt"),
            subject=f"{receipt.get('log', '')} #{receipt.get('seq', '')}",
        )
        story = _story(receipt, public_url, document.width)
        document.build([KeepInFrame(document.width, document.height, story, mode="shrink")])
    return buffer.getvalue()
