"""Charts: the same Drawing renders to PDF and to safe, parseable SVG."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect, String

from integrity_service.reports.charts import (
    HIGHLIGHT_COLOUR,
    MAX_BARS,
    bar_chart,
    jpm_chart,
    to_svg,
)
from integrity_service.reports.fonts import report_fonts

SVG = "{http://www.w3.org/2000/svg}"
UNITS = [
    ("Dinas Kepemudaan, Olahraga dan Pariwisata", 5),
    ("Kecamatan Sindangjaya", 3),
    ("Sekretariat Daerah", 1),
]
CANDIDATES = [("Ani Rahmawati", 96.5), ("Budi Santoso", 88.0), ("Citra Dewi", 71.25)]


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [node.text or "" for node in root.iter(f"{SVG}text")]


def _strings(drawing: Drawing) -> list[str]:
    return [node.text for node in drawing.contents if isinstance(node, String)]


def _highlighted(drawing: Drawing) -> list[Rect]:
    return [
        node
        for node in drawing.contents
        if isinstance(node, Rect) and node.fillColor == HIGHLIGHT_COLOUR
    ]


def test_bar_chart_svg_parses_and_shows_every_label_and_value() -> None:
    svg = to_svg(bar_chart(UNITS, title="Findings by unit"))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert not svg.startswith("<?xml") and "DOCTYPE" not in svg
    assert root.find(f"{SVG}title").text == "Findings by unit"
    texts = _texts(svg)
    for label, value in UNITS:
        assert label in texts
        assert str(value) in texts


def test_bar_chart_highlights_exactly_the_named_bar() -> None:
    drawing = bar_chart(UNITS, title="t", highlight="Kecamatan Sindangjaya")
    bars = [node for node in drawing.contents if isinstance(node, Rect)]
    marked = _highlighted(drawing)
    assert len(marked) == 1
    # Bars are drawn in the given order; the second is 3/5 as long as the first.
    assert marked[0] is bars[1]
    assert abs(bars[1].width / bars[0].width - 3 / 5) < 1e-9


def test_svg_has_no_script_and_escapes_hostile_labels() -> None:
    hostile = '<script>alert("x")</script><a href="javascript:1">'
    svg = to_svg(bar_chart([(hostile, 1)], title=hostile))
    root = ET.fromstring(svg)
    names = {node.tag.removeprefix(SVG) for node in root.iter()}
    assert "script" not in names and "a" not in names
    assert "<script" not in svg
    assert hostile in _texts(svg)
    assert all("id" not in node.attrib for node in root.iter())


def test_long_lists_are_cut_with_a_note() -> None:
    items = [(f"Unit {n}", n) for n in range(MAX_BARS + 5)]
    texts = _texts(to_svg(bar_chart(items, title="t")))
    assert "Unit 0" in texts and f"Unit {MAX_BARS - 1}" in texts
    assert f"Unit {MAX_BARS}" not in texts
    assert "5 more not shown" in texts


def test_jpm_chart_marks_the_appointee_and_the_threshold() -> None:
    drawing = jpm_chart(CANDIDATES, appointee="Citra Dewi", threshold=78, title="VAC-00001")
    texts = _strings(drawing)
    assert "3. Citra Dewi" in texts and "1. Ani Rahmawati" in texts
    assert "71.25" in texts and "minimum JPM 78" in texts
    marked = _highlighted(drawing)
    bars = [node for node in drawing.contents if isinstance(node, Rect)]
    assert bars.index(marked[0]) == 2  # the appointee's bar (the legend swatch comes last)
    dashed = [n for n in drawing.contents if isinstance(n, Line) and n.strokeDashArray]
    assert len(dashed) == 1
    x0 = bars[0].x
    scale = bars[0].width / 96.5
    assert abs(dashed[0].x1 - (x0 + 78 * scale)) < 1e-6


def test_jpm_chart_names_an_appointee_who_was_not_a_candidate() -> None:
    drawing = jpm_chart(CANDIDATES, appointee="Dodi", title="t")
    assert "The appointee, Dodi, is not among the ranked candidates." in _strings(drawing)
    assert len(_highlighted(drawing)) == 1  # only the legend swatch


def test_jpm_chart_keeps_a_low_ranked_appointee_in_view() -> None:
    many = [(f"C{n:03d}", 100 - n / 2) for n in range(1, 61)]
    texts = _strings(jpm_chart(many, appointee="C050", title="t"))
    assert "50. C050" in texts and "1. C001" in texts
    assert "60. C060" not in texts


def test_empty_charts_say_so() -> None:
    assert "No data." in _texts(to_svg(jpm_chart([], appointee=None, title="t")))
    assert "No data." in _texts(to_svg(bar_chart([], title="t")))


def test_charts_render_into_a_pdf() -> None:
    data = renderPDF.drawToString(jpm_chart(CANDIDATES, appointee="Budi Santoso", title="Ranking"))
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Budi Santoso" in text and "Ranking" in text


def test_chart_words_and_numbers_follow_the_locale(app: Flask) -> None:
    with app.app_context(), force_locale("id"):
        texts = _texts(to_svg(jpm_chart(CANDIDATES, appointee="Dodi", title="t")))
    assert "71,25" in texts
    assert "JPM minimum 78" in texts
    assert "pejabat yang diangkat" in texts


@pytest.mark.parametrize(
    "drawing",
    [
        bar_chart(UNITS, title="A title long enough to wrap onto a second line " * 2),
        bar_chart([(f"Unit {n}", n) for n in range(MAX_BARS + 3)], title="t"),
        jpm_chart(CANDIDATES, appointee="Dodi", title="t"),
        jpm_chart([(f"C{n}", 100.0 - n) for n in range(60)], appointee="C45", title="t"),
        jpm_chart([], appointee=None, title="t"),
    ],
)
def test_everything_drawn_lies_inside_the_drawing(drawing: Drawing) -> None:
    left, bottom, right, top = drawing.getBounds()
    assert left >= 0 and bottom >= 0
    assert right <= drawing.width and top <= drawing.height


def test_fonts_fall_back_to_the_base_fonts_without_dejavu(tmp_path: Path) -> None:
    fonts = report_fonts(tmp_path)
    assert (fonts.regular, fonts.bold, fonts.embedded) == ("Helvetica", "Helvetica-Bold", False)
    assert fonts.tick == "+"
