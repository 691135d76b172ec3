"""The auditor catalogues: complete in Indonesian and English, placeholders intact, no leftovers."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from tests.integrity_service.auditor.catalogue import LOCALES, catalogue, used_messages

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_messages_are_found_in_code_and_templates() -> None:
    used = used_messages()
    assert len(used) > 200
    assert "Findings" in used and "Sign in" in used and "Under review" in used


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_used_is_translated(locale: str) -> None:
    translated = {m.id: m.string for m in catalogue(locale) if m.id}
    missing = {
        msgid: where for msgid, where in used_messages().items() if not translated.get(msgid)
    }
    assert missing == {}, f"untranslated in {locale}/auditor.po"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_their_placeholders(locale: str) -> None:
    wrong = [
        m.id
        for m in catalogue(locale)
        if m.id and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_holds_no_leftovers(locale: str) -> None:
    stale = {m.id for m in catalogue(locale) if m.id} - set(used_messages())
    assert stale == set()


def test_indonesian_is_a_translation_not_a_copy() -> None:
    same = [m.id for m in catalogue("id") if m.id and m.string == m.id]
    # Only names that read the same in both languages (acronyms, loanwords) may be equal.
    assert set(same) <= {"Auditor", "Administrator", "BKPSDM", "JPM", "Status", "Unit"}


def test_the_app_serves_the_merged_catalogue(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("id"):
            assert gettext("Under review") == "Sedang ditelaah"
        with force_locale("en"):
            assert gettext("Under review") == "Under review"
