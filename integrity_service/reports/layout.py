"""Page layout shared by the PDF reports: A4 pages, paragraph styles, tables, QR codes.

Text from records (names, explanations, evidence) is escaped before it
reaches a Paragraph, whose mini-language would otherwise read ``<`` and
``&`` as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from integrity_service.reports.fonts import fit_text, report_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
RULE_COLOUR = HexColor("#BBBBBB")
HEAD_FILL = HexColor("#EEF2F7")
SEVERITY_COLOURS = {
    "compliant": HexColor("#1E7B34"),
    "critical": HexColor("#A51C30"),
    "high": HexColor("#C2410C"),
    "medium": HexColor("#8A6D00"),
    "low": HexColor("#4B5563"),
}

Cell = str | Flowable


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the reports."""

    title: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    mono: ParagraphStyle


@cache
def styles() -> Styles:
    """Return the styles, in DejaVu Sans when installed (see :mod:`.fonts`)."""
    fonts = report_fonts()
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=13)
    return Styles(
        title=ParagraphStyle("title", body, fontName=fonts.bold, fontSize=20, leading=25),
        heading=ParagraphStyle(
            "heading",
            body,
            fontName=fonts.bold,
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=6,
        ),
        subheading=ParagraphStyle(
            "subheading",
            body,
            fontName=fonts.bold,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
        ),
        body=ParagraphStyle("body-spaced", body, spaceAfter=4),
        small=ParagraphStyle("small", body, fontSize=8, leading=10.5),
        cell=ParagraphStyle("cell", body, fontSize=8, leading=10),
        cell_head=ParagraphStyle("cell-head", body, fontName=fonts.bold, fontSize=8, leading=10),
        mono=ParagraphStyle("mono", body, fontName=fonts.mono, fontSize=7.5, leading=9.5),
    )


def para(text: object, style: ParagraphStyle | None = None) -> Paragraph:
    """Return a paragraph of plain text (escaped; line breaks kept)."""
    markup = escape(str(text)).replace("\n", "<br/>")
    return Paragraph(markup, style or styles().body)


def markup(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """Return a paragraph of trusted markup (only for text built from escaped parts)."""
    return Paragraph(text, style or styles().body)


def bold(text: object) -> str:
    """Return escaped text wrapped in bold markup."""
    return f"<b>{escape(str(text))}</b>"


def severity_label(severity: str, label: str) -> Paragraph:
    """Return a table cell naming a severity in its colour."""
    colour = SEVERITY_COLOURS.get(severity, HexColor("#222222")).hexval()[2:]
    return markup(f'<font color="#{colour}"><b>{escape(label)}</b></font>', styles().cell)


def table(
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    header: bool = True,
    align_right: Sequence[int] = (),
) -> Table:
    """Return a table of wrapped cells; the first row is the header when ``header``."""
    cells: list[list[Any]] = []
    for index, row in enumerate(rows):
        style = styles().cell_head if header and index == 0 else styles().cell
        cells.append([cell if isinstance(cell, Flowable) else para(cell, style) for cell in row])
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE_COLOUR),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    for column in align_right:
        commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    result = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


def key_values(pairs: Sequence[tuple[str, Cell]], *, key_width: float = 4.2 * cm) -> Table:
    """Return a two-column table of labels and values."""
    rows = [
        [
            para(key, styles().cell_head),
            value if isinstance(value, Flowable) else para(value, styles().cell),
        ]
        for key, value in pairs
    ]
    return table(rows, [key_width, TEXT_WIDTH - key_width], header=False)


def qr_code(url: str, size: float = 34 * mm) -> Drawing:
    """Return a QR code of ``url`` as a square drawing ``size`` points wide (quiet zone kept)."""
    widget = QrCodeWidget(url, barLevel="M", barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget)
    return drawing


class ReportDocument(BaseDocTemplate):
    """An A4 document: a cover page without footer (if ``cover``), then pages with a footer."""

    def __init__(
        self, out: BinaryIO, *, title: str, footer: str, page_label: str, cover: bool = True
    ) -> None:
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
            author="integrity-service",
            subject=footer,
            creator="integrity-service (reportlab)",
        )
        self.footer = footer
        self.page_label = page_label  # e.g. "page %(number)s", already translated
        frame = Frame(
            MARGIN,
            MARGIN,
            TEXT_WIDTH,
            PAGE_HEIGHT - 2 * MARGIN,
            id="text",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        body = PageTemplate(id="body", frames=[frame], onPage=self._draw_footer)
        self.addPageTemplates([PageTemplate(id="cover", frames=[frame]), body] if cover else [body])

    def _draw_footer(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        fonts = report_fonts()
        canvas.saveState()
        canvas.setFont(fonts.regular, 7.5)
        canvas.setFillColor(HexColor("#555555"))
        y = MARGIN - 0.9 * cm
        page = self.page_label % {"number": document.page}
        room = TEXT_WIDTH - canvas.stringWidth(page, fonts.regular, 7.5) - 12
        canvas.drawString(MARGIN, y, fit_text(self.footer, fonts.regular, 7.5, room))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, y, page)
        canvas.restoreState()
