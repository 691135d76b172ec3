"""Indonesian first, English available: locale choice and the translation catalogues.

Message ids are English; ``translations/id`` and ``translations/en`` hold
complete catalogues. The ``.po`` files are the source; their ``.mo`` files
are compiled at start-up when missing or older, so a fresh clone needs no
extra build step.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import Babel, get_locale

LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"
TRANSLATIONS = Path(__file__).with_name("translations")


def select_locale() -> str:
    """Return the locale: ``?lang=`` (remembered in the session), else the session, else id."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in LOCALES else DEFAULT_LOCALE


def compile_catalogues(folder: Path = TRANSLATIONS) -> None:
    """Compile each ``messages.po`` to ``messages.mo`` when the ``.mo`` is missing or stale."""
    for po_path in folder.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        temporary = mo_path.with_suffix(".mo.tmp")
        with temporary.open("wb") as handle:
            write_mo(handle, catalog)
        temporary.replace(mo_path)  # atomic: parallel workers never read half a file


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the project's catalogues."""
    compile_catalogues()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta")
    Babel(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    app.context_processor(lambda: {"current_locale": current_locale})


def current_locale() -> str:
    """Return the request's locale code ("id" or "en")."""
    return str(get_locale() or DEFAULT_LOCALE)
