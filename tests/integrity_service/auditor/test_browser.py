"""An auditor's session in Debian's Chromium on the demo scenario, screenshot by screenshot.

Signs in, reads the dashboard, filters the findings, opens one and moves it to
"under review", follows it to its vacancy and its appointee, checks an entry's
proof, runs the verification, downloads a PDF report, and switches to English.
Every page must be free of errors, untranslated words and CSP violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.browser_support import chromium_browser, live_server, screenshot
from tests.conftest import make_app
from tests.integrity_service.auditor.conftest import FAST_ARGON2, PASSWORD, add_user

pytestmark = pytest.mark.slow

# English words of the interface that every Indonesian page must have translated.
ENGLISH_UI = [
    "Dashboard",
    "Findings",
    "Vacancies",
    "People",
    "Ledger",
    "Verification",
    "Sign out",
    "Severity",
    "Under review",
    "Evidence",
    "History",
    "Explanation",
    "Decided",
    "Published ranking",
    "Candidates",
    "Decisions",
    "Timeline",
    "Previous",
    "Next",
    "Show as a table",
    "Inclusion proof",
    "Commitment",
    "entries checked",
    "Nothing is wrong",
    "Record the change",
]
INDONESIAN_UI = [
    "Dasbor",
    "Temuan",
    "Lowongan",
    "Buku besar",
    "Keluar",
    "Sedang ditelaah",
    "Riwayat",
]
ERRORS = ["Traceback", "Internal error", "Kesalahan internal", "Not Found", "Tidak ditemukan"]


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo scenario with an auditor account."""
    folder = tmp_path_factory.mktemp("auditor-demo")
    app = make_app(f"sqlite:///{folder / 'integrity.db'}", folder, **FAST_ARGON2)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    add_user(app, "inspektur", "auditor")
    yield app
    app.extensions["integrity_engine"].dispose()


def visible_text(page: Any) -> str:
    """Return the text a reader sees (the header, the main part, the footer)."""
    return page.inner_text("body")


def console_error(message: Any, problems: list[str]) -> None:
    """Keep a browser console error (a script error, a CSP violation), not the missing favicon."""
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        problems.append(f"{message.location.get('url')}: {message.text}")


def check_page(page: Any, *, locale: str = "id", skip: tuple[str, ...] = ()) -> str:
    """Assert the page shows no error and no word of the other language; return its text."""
    text = visible_text(page)
    for word in ERRORS:
        assert word not in text, f"{page.url}: {word!r}"
    assert not re.match(r"\s*(4\d\d|500)\b", page.inner_text("h1")), page.url
    foreign = ENGLISH_UI if locale == "id" else INDONESIAN_UI
    for word in foreign:
        if word not in skip:
            assert not re.search(rf"\b{re.escape(word)}\b", text), f"{page.url}: {word!r} shown"
    return text


def test_an_auditor_works_through_the_pages(demo_app: Flask, tmp_path: Path) -> None:
    shots: list[Path] = []
    problems: list[str] = []
    with live_server(demo_app) as base, chromium_browser() as browser:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.on("console", lambda message: console_error(message, problems))
        page.on("pageerror", lambda e: problems.append(str(e)))

        page.goto(f"{base}/audit/")
        assert "/audit/login" in page.url
        check_page(page)
        shots.append(screenshot(page, "auditor-01-login"))
        page.fill("#username", "inspektur")
        page.fill("#password", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(f"{base}/audit/")
        text = check_page(page)
        assert "Temuan menurut tingkat keparahan" in text
        assert page.locator("figure.chart svg").count() >= 3
        shots.append(screenshot(page, "auditor-02-dashboard"))

        page.click("nav.main >> text=Temuan")
        page.select_option("#severity", "critical")
        page.click("form.filters button[type=submit]")
        page.wait_for_url(re.compile(r"severity=critical"))
        text = check_page(page)
        rows = page.locator("table.findings tbody tr")
        assert rows.count() >= 5
        assert all("Kritis" in rows.nth(i).inner_text() for i in range(rows.count()))
        shots.append(screenshot(page, "auditor-03-findings-critical"))

        page.goto(f"{base}/audit/findings?rule=MERIT-002")
        page.locator("table.findings tbody tr a").first.click()
        page.wait_for_url(re.compile(r"/audit/findings/F-"))
        check_page(page)
        shots.append(screenshot(page, "auditor-04-finding"))

        page.select_option("#to", "under_review")
        page.fill("#note", "Meminta penjelasan PPK atas pengangkatan di luar tiga besar.")
        page.click("#casework button[type=submit]")
        page.wait_for_load_state()
        text = check_page(page)
        assert "tercatat di buku besar sebagai entri" in text
        assert "Meminta penjelasan PPK" in text and "Sedang ditelaah" in text
        shots.append(screenshot(page, "auditor-05-finding-under-review"))

        with page.expect_download() as download:
            page.click("text=Laporan penempatan (PDF)")
        pdf = tmp_path / download.value.suggested_filename
        download.value.save_as(pdf)
        assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")

        page.locator("dl.facts a[href*='/audit/vacancies/']").first.click()
        page.wait_for_url(re.compile(r"/audit/vacancies/VAC-"))
        check_page(page)
        assert page.locator("table.ranking tr.highlight").count() == 1
        assert page.locator("figure.chart svg").count() == 1
        shots.append(screenshot(page, "auditor-06-vacancy"))

        page.locator("table.ranking tr.highlight a").first.click()
        page.wait_for_url(re.compile(r"/audit/people/\d{18}"))
        text = check_page(page)
        assert "Linimasa" in text and "Asesmen" in text and "Penempatan" in text
        shots.append(screenshot(page, "auditor-07-person"))

        page.locator("ol.timeline a.mono").first.click()
        page.wait_for_url(re.compile(r"/audit/ledger/\d+"))
        text = check_page(page, skip=("Next", "Previous"))  # the decoded body is data
        assert "Terverifikasi" in text
        shots.append(screenshot(page, "auditor-08-ledger-entry"))

        page.goto(f"{base}/audit/verify")
        page.click("text=Mulai verifikasi")
        page.wait_for_selector("text=Tidak ada kesalahan.", timeout=30_000)
        check_page(page)
        shots.append(screenshot(page, "auditor-09-verification"))

        page.goto(f"{base}/audit/")
        page.click("nav.lang >> text=English")
        page.wait_for_url(re.compile(r"lang=en"))
        text = check_page(page, locale="en")
        assert "Findings by severity" in text and "Verified" in text
        shots.append(screenshot(page, "auditor-10-dashboard-en"))
        page.goto(f"{base}/audit/findings?status=under_review")
        text = check_page(page, locale="en")
        assert "Under review" in text
        shots.append(screenshot(page, "auditor-11-findings-en"))

        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, storage_state=context.storage_state()
        )
        small = phone.new_page()
        small.goto(f"{base}/audit/?lang=id")
        check_page(small)
        assert small.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scroll
        shots.append(screenshot(small, "auditor-12-dashboard-phone"))
        phone.close()
        context.close()
    assert problems == [], problems  # no script error, no CSP violation
    assert all(shot.exists() and shot.stat().st_size > 5000 for shot in shots)
