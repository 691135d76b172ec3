"""The public pages: what they show, in Indonesian and English, and nothing run inline."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrity_service import db, keys, stats
from integrity_service.ledger_store import SqlLedger
from ledger.proofs import verify_consistency
from tests.integrity_service.public.conftest import DemoLedger, SmallLedger
from tests.integrity_service.test_ledger_store import append

PAGES = ("/public/", "/public/history", "/public/statistics", "/public/receipt",
         "/public/verify-howto")  # fmt: skip


def html(client: FlaskClient, path: str) -> str:
    """Return a page's HTML, asserting it answered 200."""
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def text_of(page: str) -> str:
    """Return the page's text without tags, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


class _ScriptAudit(HTMLParser):
    """Collects inline scripts and event-handler attributes, which the CSP would block."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, _ in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}>")
        if tag == "script":
            if named.get("src"):
                self.scripts.append(named["src"] or "")
            elif named.get("type") != "application/json":  # a data block is never run
                self.problems.append("inline <script>")
        for name in ("href", "src", "action"):
            if (named.get(name) or "").lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag}>")


@pytest.mark.parametrize("path", PAGES)
def test_pages_run_no_inline_script_and_send_the_csp(small_ledger: SmallLedger, path: str) -> None:
    client = small_ledger.app.test_client()
    response = client.get(path)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    audit = _ScriptAudit()
    audit.feed(response.get_data(as_text=True))
    assert audit.problems == []
    for src in audit.scripts:
        script = client.get(src)
        script.close()
        assert src.startswith("/static/") and script.status_code == 200


def test_index_shows_the_latest_checkpoint_and_key_in_indonesian_then_english(
    small_ledger: SmallLedger,
) -> None:
    client = small_ledger.app.test_client()
    with small_ledger.app.app_context():
        latest = SqlLedger(db.session()).latest_checkpoint()
        key = keys.verifier().to_text()
    assert latest is not None
    page = html(client, "/public/")
    assert '<html lang="id">' in page and "Verifikasi publik" in page
    assert "Checkpoint terbaru" in page and "Kunci verifikasi" in page
    assert base64.b64encode(latest.root).decode() in page
    assert key in page
    shown = text_of(page)
    assert latest.note.split("\n\n")[1].strip() in shown  # the log's signature line
    english = html(client, "/public/?lang=en")
    assert '<html lang="en">' in english and "Latest checkpoint" in english
    assert "Belum ada saksi" not in english and "No witness has cosigned" in english
    assert '<html lang="en">' in html(client, "/public/history")  # the choice is remembered


def test_witness_cosignature_lines_follow_the_logs(demo_ledger: DemoLedger) -> None:
    client = demo_ledger.app.test_client()
    page = html(client, "/public/?lang=en")
    roles = re.findall(r'<li data-role="(log|witness)">', page)
    assert roles == ["log", "witness"]
    assert f"\u2014 {demo_ledger.witness} " in page
    assert "1 January 2026" in text_of(page) or "January 1, 2026" in text_of(page)
    history = html(client, "/public/history?lang=en")
    assert "witnesses: 1" in history


def test_history_is_paginated_newest_first_with_consistency_links(
    app: Flask, client: FlaskClient
) -> None:
    for _ in range(45):
        append(app, 1)
        with app.app_context(), db.write_session(db.sessions()) as session:
            SqlLedger(session).sign_checkpoint(keys.signer())
    first = html(client, "/public/history?lang=en")
    sizes = [int(size) for size in re.findall(r'<tr data-size="(\d+)">', first)]
    assert sizes == list(range(45, 25, -1))
    assert "Page 1 of 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = html(client, "/public/history?page=3")
    assert [int(s) for s in re.findall(r'<tr data-size="(\d+)">', last)] == [5, 4, 3, 2, 1]
    assert "checkpoint pertama" in last or "first checkpoint" in last
    # The last row of a page links to the first checkpoint of the next page.
    link = re.search(r'href="(/public/proof/consistency\?old=25&amp;size=26)"', first)
    assert link is not None
    proof = client.get(link.group(1).replace("&amp;", "&")).get_json()
    with app.app_context():
        ledger = SqlLedger(db.session())
        verify_consistency(
            old_size=25,
            size=26,
            old_root=ledger.root(25),
            root=ledger.root(26),
            proof=[base64.b64decode(p) for p in proof["proof"]],
        )
    assert client.get("/public/history?page=4", headers={"Accept": "text/html"}).status_code == 404
    for bad in ("0", "abc", "-1", "1.5"):
        response = client.get(f"/public/history?page={bad}")
        assert response.status_code == 400 and response.get_json()["parameter"] == "page"


def test_empty_log_pages_render(client: FlaskClient) -> None:
    assert "Belum ada checkpoint yang ditandatangani." in html(client, "/public/")
    assert "Belum ada checkpoint yang ditandatangani." in html(client, "/public/history")
    figures = html(client, "/public/statistics")
    assert 'data-figure="followed">—<' in figures
    for path in ("/public/receipt", "/public/verify-howto"):
        html(client, path)


def test_statistics_show_the_aggregates_with_charts_and_tables(demo_ledger: DemoLedger) -> None:
    client = demo_ledger.app.test_client()
    with demo_ledger.app.app_context():
        placements = stats.placement_summary(db.session())
        findings = stats.findings_summary(db.session())
    page = html(client, "/public/statistics?lang=en")

    def figure(name: str) -> str:
        found = re.search(rf'data-figure="{name}">([^<]*)<', page)
        assert found is not None
        return found.group(1)

    assert figure("assessments") == f"{placements.assessments:,}"
    assert figure("placements") == str(placements.placements)
    assert figure("findings") == str(findings.total)
    share = placements.share_followed
    assert share is not None and figure("followed") == f"{round(share * 100)}%"
    assert page.count("<svg") == 5 and page.count("<table") == 5
    for rule, count in findings.by_rule:
        assert re.search(rf"<td>{rule} [^<]+</td><td class=\"number\">{count}</td>", page)
    unit, count = findings.by_unit[0]
    assert f"<td>{unit}</td>" in page
    assert "Jan 2026" in page  # months in the page's language
    indonesian = html(client, "/public/statistics?lang=id")
    assert f"{placements.assessments:,}".replace(",", ".") in indonesian  # 2.001
    assert "Temuan menurut aturan" in indonesian


def test_verify_howto_names_the_key_the_tools_and_the_formats(small_ledger: SmallLedger) -> None:
    page = html(small_ledger.app.test_client(), "/public/verify-howto?lang=en")
    assert small_ledger.key in page
    assert "flask --app integrity_service verify-receipt RECEIPT.json --key key.txt" in page
    assert "golang.org/x/mod/sumdb/note" in page and "tlog.CheckRecord" in page
    assert "openssl pkeyutl -verify" in page
    for spec in ("tlog-checkpoint", "signed-note", "tlog-cosignature", "tlog-tiles", "rfc9162"):
        assert spec in page
    served = [path for path in re.findall(r"<td><code>(/public/[^<]+)</code></td>", page)]
    assert "/public/key" in served and "/public/proof/inclusion?index=I&amp;size=N" in served
