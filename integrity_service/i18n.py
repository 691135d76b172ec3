"""Indonesian first, English available: locale choice and the translation catalogues.

Message ids are English; ``translations/id`` and ``translations/en`` hold
complete catalogues. The ``.po`` files are the source; their ``.mo`` files
are compiled at start-up when missing or older, so a fresh clone needs no
extra build step.
"""

from __future__ import annotations

import os
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
    """Merge each locale's ``.po`` files into its ``messages.mo`` when missing or stale.

    Every area keeps its own catalogue (``translations/<lang>/*.po`` beside
    ``LC_MESSAGES/messages.po``), so pages can be added without editing one
    shared file; they are merged here.
    """
    for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        sources = sorted(lang_dir.rglob("*.po"))
        mo_path = lang_dir / "LC_MESSAGES" / "messages.mo"
        if not sources:
            continue
        newest = max(source.stat().st_mtime for source in sources)
        if mo_path.exists() and mo_path.stat().st_mtime >= newest:
            continue
        merged = None
        for source in sources:
            with source.open("rb") as handle:
                catalog = read_po(handle, locale=lang_dir.name)
            if merged is None:
                merged = catalog
                continue
            for message in catalog:
                if message.id:
                    merged[message.id] = message
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            write_mo(handle, merged)
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
