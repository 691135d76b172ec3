"""The auditor views' message ids, extracted as pybabel would, and their catalogues."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[3] / "integrity_service"
PYTHON_SOURCES = [
    *sorted((PACKAGE / "auditor").glob("*.py")),
    PACKAGE / "users.py",
    PACKAGE / "casework.py",
    PACKAGE / "verification_jobs.py",
]
TEMPLATES = sorted((PACKAGE / "templates" / "auditor").rglob("*.html"))
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
LOCALES = ("id", "en")


def used_messages() -> dict[str, str]:
    """Return every message id the auditor code and templates use, with where it is used."""
    found: dict[str, str] = {}
    sources = [("python", path) for path in PYTHON_SOURCES]
    sources += [("jinja2", path) for path in TEMPLATES]
    for method, path in sources:
        for lineno, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS
        ):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids:
                if msgid:
                    found.setdefault(msgid, f"{path.relative_to(PACKAGE)}:{lineno}")
    return found


def catalogue(locale: str) -> Catalog:
    """Return the auditor catalogue of ``locale``."""
    path = PACKAGE / "translations" / locale / "auditor.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)
