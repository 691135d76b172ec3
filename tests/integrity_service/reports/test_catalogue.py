"""The reports' own catalogues are complete in both languages and keep every placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import integrity_service
from integrity_service.i18n import LOCALES

PACKAGE = Path(integrity_service.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


# The modules whose messages reports.po holds (receipt_pdf.py keeps its own catalogue).
MODULES = (
    "audit_data",
    "audit_report",
    "charts",
    "checkpoint_block",
    "cli",
    "fonts",
    "layout",
    "ledger_facts",
    "placement_report",
    "ranking_view",
    "routes",
    "scope",
    "words",
)


def _msgids() -> set[str]:
    msgids: set[str] = set()
    for module in MODULES:
        found = extract_from_file("python", str(PACKAGE / "reports" / f"{module}.py"))
        msgids.update(msg if isinstance(msg, str) else msg[0] for _l, msg, _c, _x in found)
    return msgids


def _catalogue(lang: str) -> Catalog:
    with (PACKAGE / "translations" / lang / "reports.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", LOCALES)
def test_every_report_message_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    msgids = _msgids()
    assert len(msgids) > 50
    for msgid in sorted(msgids):
        message = catalogue.get(msgid)
        assert message is not None and message.string, f"{lang}: {msgid!r} is not translated"
        assert not message.fuzzy
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(msgid))
    stale = {m.id for m in catalogue if m.id} - msgids
    assert not stale, f"{lang}: messages no report uses: {sorted(stale)}"


def test_indonesian_differs_from_english_where_it_should() -> None:
    catalogue = _catalogue("id")
    assert catalogue.get("Placement audit report").string == "Laporan audit penempatan"
    same = [m.id for m in catalogue if m.id and m.string == m.id]
    assert set(same) <= {"Status", "Checkpoint", "checkpoint %(size)s", "Unit"}
