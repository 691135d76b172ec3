"""The public pages' catalogues are complete: every text, in Indonesian and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from flask import Flask
from jinja2.ext import babel_extract

from integrity_service.public.receipt_messages import receipt_messages

ROOT = Path(__file__).resolve().parents[3] / "integrity_service"
PYTHON_SOURCES = [
    ROOT / "public" / "pages.py",
    ROOT / "public" / "statistics.py",
    ROOT / "public" / "receipt_messages.py",
    ROOT / "public" / "views.py",
    ROOT / "reports" / "receipt_pdf.py",
]
TEMPLATES = sorted((ROOT / "templates" / "public").rglob("*.html"))
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def extracted() -> set[str]:
    """Return every message id the public pages, their script texts and the PDF use."""
    ids: set[str] = set()
    options = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
    for template in TEMPLATES:
        for _, message, _, _ in extract_from_file(babel_extract, str(template), options=options):
            ids.add(message if isinstance(message, str) else message[0])
    for source in PYTHON_SOURCES:
        for _, message, _, _ in extract_from_file("python", str(source)):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def catalogue(lang: str) -> Catalog:
    """Return the public pages' catalogue of ``lang``."""
    with (ROOT / "translations" / lang / "public.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_catalogue_is_complete_and_current(lang: str) -> None:
    wanted = extracted()
    assert len(wanted) > 200 and TEMPLATES
    messages = {message.id: message for message in catalogue(lang) if message.id}
    missing = sorted(wanted - set(messages))
    untranslated = sorted(m for m in wanted & set(messages) if not messages[m].string)
    fuzzy = sorted(m for m, message in messages.items() if message.fuzzy)
    obsolete = sorted(set(messages) - wanted)
    assert (missing, untranslated, fuzzy, obsolete) == ([], [], [], [])
    for message_id, message in messages.items():
        assert sorted(PLACEHOLDER.findall(message_id)) == sorted(
            PLACEHOLDER.findall(str(message.string))
        ), message_id


def test_indonesian_differs_from_english_where_it_should() -> None:
    translated = catalogue("id")
    same = sorted(m.id for m in translated if m.id and m.string == m.id)
    # Names, codes and loan words read the same in both languages; everything else differs.
    assert set(same) <= {"Log", "log", "NIP", "Checkpoint"}


CODE = re.compile(
    r'"((?:receipt|commitment|entry|key|note|signature|checkpoint|inclusion|witnesses|skipped'
    r'|error|value)(?:\.[a-z0-9]+)+)"'
)


def test_every_code_the_script_names_has_a_message(app: Flask) -> None:
    scripts = "\n".join(p.read_text() for p in (ROOT / "static" / "js" / "receipt").glob("*.js"))
    codes = {*CODE.findall(scripts), "skipped"}
    assert {"commitment.mismatch", "signature.bad", "inclusion.root", "key.fetch"} <= codes
    checks = re.search(r"export const CHECKS = \[([^\]]+)\]", scripts)
    assert checks is not None
    codes |= {f"check.{name}" for name in re.findall(r'"(\w+)"', checks.group(1))}
    codes |= {f"status.{s}" for s in ("pass", "fail", "skip", "note", "pending")}
    codes |= {f"verdict.{v}" for v in ("verified", "pending", "failed")}
    codes |= {f"engine.{e}" for e in ("webcrypto", "noble")}
    for lang in ("id", "en"):
        with app.test_request_context(f"/public/receipt?lang={lang}"):
            messages = receipt_messages()
        assert sorted(codes - set(messages)) == []
