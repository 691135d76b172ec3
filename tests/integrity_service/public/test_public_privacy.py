"""No public route shows a NIP, a name or an assessment result: every /public rule is fetched."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from flask import Flask

from integrity_service import db
from integrity_service.ledger_store import SqlLedger
from tests.integrity_service.public.conftest import DemoLedger

# Per-person assessment results: none of these may appear, even without a name beside them.
RESULT_WORDS = ("Sangat Potensial", "Cukup Potensial", "Kurang Potensial")
# Sample values for rules with arguments (the tile routes): valid and invalid alike.
ARGUMENT_SAMPLES = {
    "int": ["0", "1"],
    "path": ["0/000", "0/000.p/1", "entries/000", "entries/000.p/3", "1/000.p/9", "x"],
    "default": ["0", "x"],
}


def public_urls(app: Flask, size: int) -> Iterator[str]:
    """Yield a URL for every GET rule under /public, arguments filled with simple samples."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/public") or "GET" not in (rule.methods or ()):
            continue
        if not rule.arguments:
            yield rule.rule
            continue
        (argument,) = rule.arguments  # every public rule takes at most one argument
        kind = type(rule._converters[argument]).__name__.removesuffix("Converter").lower()
        for sample in ARGUMENT_SAMPLES.get(kind, ARGUMENT_SAMPLES["default"]):
            yield rule.rule.replace(f"<{kind}:{argument}>", sample).replace(f"<{argument}>", sample)
    yield "/public/history?page=1"
    yield f"/public/proof/inclusion?index=0&size={size}"
    yield f"/public/proof/consistency?old=1&size={size}"


def test_no_public_route_shows_personal_data(demo_ledger: DemoLedger) -> None:
    app = demo_ledger.app
    client = app.test_client()
    with app.app_context():
        size = SqlLedger(db.session()).size()
    urls = sorted(set(public_urls(app, size)))
    assert {"/public/", "/public/receipt", "/public/statistics", "/public/key"} <= set(urls)
    assert any("tile" in url for url in urls) or "public.tlog_tile" not in app.view_functions
    nips = [nip.encode() for nip in demo_ledger.nips]
    names = [
        form.encode()
        for name in demo_ledger.names
        for form in {name, html.escape(name), html.escape(name, quote=False)}
    ]
    assert len(nips) > 2000 and len(names) > 1500  # some officials share a name
    fetched = 0
    for url in urls:
        for lang in ("id", "en"):
            for accept in ("text/html", "application/json"):
                separator = "&" if "?" in url else "?"
                response = client.get(f"{url}{separator}lang={lang}", headers={"Accept": accept})
                body = response.get_data()
                fetched += 1
                leaked = [n for n in nips if n in body] + [n for n in names if n in body]
                assert leaked == [], (url, response.status_code, leaked[:3])
                if response.mimetype != "application/octet-stream":  # tiles are binary hashes
                    text = body.decode("utf-8")
                    assert re.search(r"(?<![0-9A-Za-z+/])\d{18}(?!\d)", text) is None, url
                    assert not any(word in text for word in RESULT_WORDS), url
    assert fetched >= 4 * len(urls)
