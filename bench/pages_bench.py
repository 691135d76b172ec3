"""Benchmark: auditor pages on the demo scenario, rendered through Flask's test client.

Usage: ``python bench/pages_bench.py [--repeat 20]``. Builds the demo
scenario on a SQLite file, signs an auditor in, then renders the dashboard,
the findings list (first page, and filtered) and a finding page repeatedly.
Prints a JSON object last with each page's median and p95 milliseconds.
Target: dashboard and findings list under 300 ms each.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask

from integrity_service import create_app, db
from integrity_service.cli import initialise
from integrity_service.models import Finding
from integrity_service.users import create_user

PASSWORD = "benchmark password 2026"


def make_demo(folder: Path) -> Flask:
    """Return an app with the demo scenario and an auditor account."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "KEY_FILE": str(folder / "signing.key"),
            "SECRET_KEY": "bench",
            "REQUEST_LOG": "",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        initialise()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.sessions()() as session, session.begin():
        create_user(session, username="inspektur", role="auditor", password=PASSWORD)
    return app


def main() -> None:
    """Render each page ``--repeat`` times and print the JSON result last."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = make_demo(Path(tmp))
        client = app.test_client()
        signed = client.post("/audit/login", data={"username": "inspektur", "password": PASSWORD})
        assert signed.status_code == 302, signed.get_data(as_text=True)[:300]
        with app.app_context():
            finding = db.session().query(Finding.id).first()[0]
        pages = {
            "dashboard": "/audit/",
            "findings_list": "/audit/findings",
            "findings_filtered": "/audit/findings?severity=high&sort=unit",
            "finding": f"/audit/findings/{finding}",
        }
        results = {}
        for name, path in pages.items():
            client.get(path)  # warm caches (templates, statements)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                assert not re.search(r"Traceback|Internal error", response.get_data(as_text=True))
            times.sort()
            results[name] = {
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            }
            print(f"{name}: median {results[name]['median_ms']} ms", flush=True)
        app.extensions["integrity_engine"].dispose()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
