"""Charts for the PDF reports and the auditor pages: one reportlab Drawing, two renderings.

A chart is a :class:`reportlab.graphics.shapes.Drawing` of horizontal bars
(long unit names stay readable). A PDF story takes the Drawing as a
flowable; a page embeds :func:`to_svg` of the same Drawing. Text is passed
in already translated, except the few words the charts add themselves
(legend, notes), which go through the ``reports`` catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.dom.minidom import Element

from babel.numbers import format_decimal
from flask_babel import get_locale, gettext
from markupsafe import Markup
from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.lib.validators import isString
from reportlab.pdfbase.pdfmetrics import stringWidth

from integrity_service.reports.fonts import fit_text, report_fonts

WIDTH = 480.0  # fits the text width of an A4 page with 2 cm margins
MAX_BARS = 30  # a taller chart would not fit on one page
PAD = 6.0
ROW = 16.0
BAR = 11.0
LABEL_SIZE = 8.0
TITLE_SIZE = 10.0
MAX_LABEL_WIDTH = 190.0
VALUE_ROOM = 40.0
NOTE_HEIGHT = 14.0  # a line of legend or note under the bars
AXIS_HEIGHT = 12.0  # the tick labels of the JPM axis
BAR_COLOUR = HexColor("#4C78A8")
HIGHLIGHT_COLOUR = HexColor("#E8590C")  # orange against blue: distinct to colour-blind eyes too
INK = HexColor("#222222")
MUTED = HexColor("#666666")
GRID = HexColor("#D9D9D9")
_UNSAFE_ELEMENTS = ("script", "foreignObject", "a", "image", "use", "iframe")


class Chart(Drawing):
    """A Drawing that remembers its title and a plain-text description of its data."""

    _attrMap = AttrMap(  # noqa: N815  (the name reportlab looks up)
        BASE=Drawing, title=AttrMapValue(isString), description=AttrMapValue(isString)
    )

    def __init__(self, width: float, height: float, *, title: str, description: str) -> None:
        super().__init__(width, height)
        self.title = title
        self.description = description


def _number(value: float, pattern: str) -> str:
    """Format a number for the current locale (a decimal comma in Indonesian)."""
    try:
        locale = get_locale()
    except RuntimeError:  # an app context without a request and without force_locale
        locale = None
    return format_decimal(value, pattern, locale=str(locale or "en"))


def _frame(title: str, rows: int, footer: float) -> tuple[list[str], float]:
    """Return the title's lines (two at most) and the height of ``rows`` rows and a footer."""
    bold = report_fonts().bold
    lines = simpleSplit(title, bold, TITLE_SIZE, WIDTH - 2 * PAD)
    if len(lines) > 2:
        lines = [lines[0], fit_text(" ".join(lines[1:]), bold, TITLE_SIZE, WIDTH - 2 * PAD)]
    height = PAD + len(lines) * 13 + 6 + rows * ROW + footer + PAD
    return lines, height


def _start(title: str, description: str, rows: int, footer: float) -> tuple[Chart, float]:
    """Create the chart with its title drawn; return it and the baseline of the first row."""
    lines, height = _frame(title, rows, footer)
    chart = Chart(WIDTH, height, title=title, description=description)
    y = height - PAD - TITLE_SIZE
    for line in lines:
        chart.add(String(PAD, y, line, fontName=report_fonts().bold, fontSize=TITLE_SIZE))
        y -= 13
    return chart, y - 6 - BAR + 2


def _text(
    chart: Chart,
    x: float,
    y: float,
    text: str,
    *,
    size: float = LABEL_SIZE,
    strong: bool = False,
    colour: Color = INK,
    anchor: str = "start",
) -> None:
    fonts = report_fonts()
    font = fonts.bold if strong else fonts.regular
    chart.add(String(x, y, text, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor))


def _label(chart: Chart, text: str, y: float, *, width: float, strong: bool = False) -> None:
    font = report_fonts().bold if strong else report_fonts().regular
    _text(chart, PAD, y + 2.5, fit_text(text, font, LABEL_SIZE, width), strong=strong)


def _note(chart: Chart, text: str, y: float) -> None:
    _text(chart, PAD, y, fit_text(text, report_fonts().regular, LABEL_SIZE, WIDTH - 2 * PAD))


def _label_width(labels: Sequence[str]) -> float:
    bold = report_fonts().bold  # measured in bold: the highlighted label must fit too
    widest = max((stringWidth(label, bold, LABEL_SIZE) for label in labels), default=0.0)
    return min(widest, MAX_LABEL_WIDTH)


def _empty(title: str) -> Chart:
    chart, y = _start(title, gettext("No data."), 1, 0)
    _note(chart, gettext("No data."), y + 2.5)
    return chart


def bar_chart(
    items: Sequence[tuple[str, int]], *, title: str, highlight: str | None = None
) -> Drawing:
    """Return a horizontal bar chart of ``(label, count)`` in the given order.

    The bar whose label equals ``highlight`` is drawn in another colour with
    a bold label. Past ``MAX_BARS`` items the rest are counted in a note.
    """
    if not items:
        return _empty(title)
    shown, hidden = list(items[:MAX_BARS]), len(items) - MAX_BARS
    description = "; ".join(f"{label}: {value}" for label, value in items)
    chart, y = _start(title, description, len(shown), NOTE_HEIGHT if hidden > 0 else 0)
    label_width = _label_width([label for label, _ in shown])
    x0 = PAD + label_width + 6
    span = WIDTH - PAD - VALUE_ROOM - x0
    top = max(max(value for _, value in shown), 1)
    bottom = y - (len(shown) - 1) * ROW - 2
    chart.add(Line(x0, bottom, x0, y + BAR + 2, strokeColor=MUTED, strokeWidth=0.5))
    for label, value in shown:
        marked = highlight is not None and label == highlight
        width = span * max(value, 0) / top
        colour = HIGHLIGHT_COLOUR if marked else BAR_COLOUR
        chart.add(Rect(x0, y, width, BAR, fillColor=colour, strokeColor=None))
        _label(chart, label, y, width=label_width, strong=marked)
        _text(chart, x0 + width + 4, y + 2.5, _number(value, "#,##0"))
        y -= ROW
    if hidden > 0:
        _note(chart, gettext("%(count)s more not shown", count=hidden), y + ROW - NOTE_HEIGHT)
    return chart


def _jpm_rows(
    candidates: Sequence[tuple[str, float]], appointee: str | None
) -> list[tuple[int, str, float] | None]:
    """Return the rows to draw: (rank, label, JPM), None marking left-out ranks."""
    ranked = [(rank, label, jpm) for rank, (label, jpm) in enumerate(candidates, start=1)]
    if len(ranked) <= MAX_BARS:
        return list(ranked)
    position = next((row[0] for row in ranked if row[1] == appointee), None)
    if position is None or position <= MAX_BARS:
        return [*ranked[:MAX_BARS], None]
    return [*ranked[: MAX_BARS - 2], None, ranked[position - 1], None]


def jpm_chart(
    candidates: Sequence[tuple[str, float]],
    *,
    appointee: str | None,
    threshold: float = 78.0,
    title: str,
) -> Drawing:
    """Return the ranking of a vacancy: each candidate's JPM in rank order, 0-100.

    Labels are shown as "rank. label". The candidate whose label equals
    ``appointee`` is drawn in another colour with a bold label; an appointee
    not among the candidates is named in a note. A dashed line marks the
    minimum JPM ``threshold``.
    """
    if not candidates:
        return _empty(title)
    rows = _jpm_rows(candidates, appointee)
    outsider = appointee is not None and all(label != appointee for label, _ in candidates)
    description = "; ".join(
        f"{rank}. {label}: {jpm:.2f}" for rank, (label, jpm) in enumerate(candidates, start=1)
    )
    footer = AXIS_HEIGHT + NOTE_HEIGHT * (2 if outsider else 1)
    chart, y = _start(title, description, len(rows) + 1, footer)
    label_width = _label_width([f"{row[0]}. {row[1]}" for row in rows if row is not None])
    x0 = PAD + label_width + 6
    scale = (WIDTH - PAD - VALUE_ROOM - x0) / 100.0
    y -= ROW  # the first row holds the threshold's caption
    top, bottom = y + BAR + 4, y - (len(rows) - 1) * ROW - 2
    for tick in (0, 25, 50, 75, 100):
        x = x0 + tick * scale
        chart.add(Line(x, bottom, x, top, strokeColor=GRID, strokeWidth=0.5))
        _text(chart, x, bottom - 9, str(tick), size=6.5, colour=MUTED, anchor="middle")
    values: list[tuple[float, float, str]] = []
    for row in rows:
        if row is None:
            _label(chart, "…", y, width=label_width)
        else:
            rank, label, jpm = row
            marked = label == appointee
            width = scale * min(max(jpm, 0.0), 100.0)
            colour = HIGHLIGHT_COLOUR if marked else BAR_COLOUR
            chart.add(Rect(x0, y, width, BAR, fillColor=colour, strokeColor=None))
            _label(chart, f"{rank}. {label}", y, width=label_width, strong=marked)
            values.append((x0 + width + 4, y + 2.5, _number(jpm, "0.00")))
        y -= ROW
    x_line = x0 + min(max(threshold, 0.0), 100.0) * scale
    chart.add(Line(x_line, bottom, x_line, top, strokeColor=INK, strokeDashArray=[3, 2]))
    minimum = gettext("minimum JPM %(value)s", value=_number(threshold, "0.##"))
    _text(chart, x_line, top + 3, minimum, size=7, anchor="middle")
    for x, value_y, value in values:  # after the line, so the line never hides a value
        _text(chart, x, value_y, value)
    legend = bottom - AXIS_HEIGHT - NOTE_HEIGHT + 4
    chart.add(Rect(PAD, legend - 1, 10, 8, fillColor=HIGHLIGHT_COLOUR, strokeColor=None))
    _text(chart, PAD + 14, legend, gettext("appointee"))
    if outsider:
        note = gettext(
            "The appointee, %(name)s, is not among the ranked candidates.", name=appointee
        )
        _note(chart, note, legend - NOTE_HEIGHT)
    return chart


def _strip_unsafe(element: Element) -> None:
    """Remove anything active (scripts, links, event handlers) and ids that could collide."""
    for name in _UNSAFE_ELEMENTS:
        for node in list(element.getElementsByTagName(name)):
            node.parentNode.removeChild(node)
    for node in [element, *element.getElementsByTagName("*")]:
        for attribute in list(node.attributes.keys()):
            if attribute.lower().startswith("on") or "href" in attribute or attribute == "id":
                node.removeAttribute(attribute)


def to_svg(drawing: Drawing) -> Markup:
    """Return the drawing as inline SVG markup (no XML declaration, no script, no ids)."""
    canvas = renderSVG.SVGCanvas(
        (drawing.width, drawing.height),
        useClip=True,  # a clip path would need an id, and ids collide when charts share a page
        fontHacks=report_fonts().svg_hacks(),
        svgAttrs={"class": "chart", "role": "img"},
    )
    renderSVG.draw(drawing, canvas)
    svg = canvas.svg
    title = getattr(drawing, "title", "") or ""
    description = getattr(drawing, "description", "") or ""
    for tag, text in (("title", title), ("desc", description)):
        node = svg.getElementsByTagName(tag)[0]
        node.firstChild.data = text  # minidom escapes it on output
    if title:
        svg.setAttribute("aria-label", title)
    _strip_unsafe(svg)
    return Markup(svg.toxml())
