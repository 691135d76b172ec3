"""Each public page in Chromium on the demo ledger: no script error or CSP violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import live_server, screenshot
from tests.integrity_service.public.conftest import DemoLedger
from tests.integrity_service.public.receipt_page import new_page

pytestmark = pytest.mark.slow

PAGES = [
    ("public-index", "/public/"),
    ("public-history", "/public/history"),
    ("public-statistics", "/public/statistics"),
    ("public-verify-howto", "/public/verify-howto"),
    ("public-receipt", "/public/receipt"),
]


@pytest.fixture(scope="module")
def demo_server(demo_ledger: DemoLedger) -> Iterator[str]:
    """The demo ledger served on loopback."""
    with live_server(demo_ledger.app) as base:
        yield base


@pytest.mark.parametrize("lang", ["id", "en"])
def test_public_pages_render_cleanly(demo_server: str, browser: Any, lang: str) -> None:
    page, errors = new_page(browser)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    for name, path in PAGES:
        response = page.goto(f"{demo_server}{path}?lang={lang}")
        assert response is not None and response.status == 200
        assert page.get_attribute("html", "lang") == lang
        screenshot(page, f"{name}-{lang}")
    if lang == "en":
        page.goto(f"{demo_server}/public/")
        page.click("text=The signed note, exactly as published")
        screenshot(page, "public-index-note-open-en")
    assert errors == []
    assert not [text for text in console if "Content Security Policy" in text], console
