"""Fonts of the reports and charts: DejaVu Sans when installed, else the PDF base fonts.

DejaVu (Debian's fonts-dejavu-core) covers Indonesian and every other Latin
text, and is embedded in the PDF; Helvetica is the fallback that needs no
file, but only covers Latin-1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
# What a browser should use for the same names when a chart is shown as SVG.
_CSS_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif"
_CSS_MONO = "'DejaVu Sans Mono', Menlo, Consolas, monospace"


@dataclass(frozen=True)
class Fonts:
    """The registered font names: regular, bold and monospaced (for hashes)."""

    regular: str
    bold: str
    mono: str
    embedded: bool

    @property
    def tick(self) -> str:
        """Return a check mark the fonts can show (the base fonts have no U+2713)."""
        return "✓" if self.embedded else "+"

    def svg_hacks(self) -> dict[str, dict[str, str]]:
        """Return renderSVG ``fontHacks``: the CSS family (and weight) of each font name."""
        return {
            self.regular: {"family": _CSS_FAMILY},
            self.bold: {"family": _CSS_FAMILY, "weight": "bold"},
            self.mono: {"family": _CSS_MONO},
        }


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """Return ``text``, shortened with an ellipsis to at most ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@cache
def report_fonts(directory: Path = DEJAVU_DIR) -> Fonts:
    """Register DejaVu Sans (regular, bold, mono) from ``directory`` if present; return names."""
    files = {
        "DejaVuSans": directory / "DejaVuSans.ttf",
        "DejaVuSans-Bold": directory / "DejaVuSans-Bold.ttf",
        "DejaVuSansMono": directory / "DejaVuSansMono.ttf",
    }
    if not all(path.is_file() for path in files.values()):
        return Fonts(regular="Helvetica", bold="Helvetica-Bold", mono="Courier", embedded=False)
    for name, path in files.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # Lets Paragraph markup <b> switch to the bold face.
    addMapping("DejaVuSans", 0, 0, "DejaVuSans")
    addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
    addMapping("DejaVuSans", 0, 1, "DejaVuSans")
    addMapping("DejaVuSans", 1, 1, "DejaVuSans-Bold")
    return Fonts(regular="DejaVuSans", bold="DejaVuSans-Bold", mono="DejaVuSansMono", embedded=True)
