"""PDF downloads from the auditor pages: auditors only, bad arguments answered as problems."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from integrity_service import db
from integrity_service.users import User, create_user
from integrity_service.web_sessions import start_web_session

PASSWORD = "correct horse battery staple"


def _client(app: Flask, role: str | None) -> FlaskClient:
    """Return a client signed in with ``role`` (none: anonymous)."""
    client = app.test_client()
    if role is None:
        return client
    username = f"report-{role}"
    with app.app_context(), db.sessions()() as session, session.begin():
        user = session.get(User, username)
        if user is None:
            user = create_user(session, username=username, role=role, password=PASSWORD)
        session_id = start_web_session(session, user)
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = session_id
        flask_session["_fresh"] = True
    return client


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_auditor_downloads_the_audit_report(demo_app: Flask) -> None:
    client = _client(demo_app, "auditor")
    response = client.get("/audit/reports/audit.pdf?from=2025-01-01&to=2025-12-31&lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'filename="audit-2025-01-01-2025-12-31.pdf"' in response.headers["Content-Disposition"]
    assert "Placementauditreport" in _text(response.data)


def test_report_language_follows_the_page_without_lang(demo_app: Flask) -> None:
    client = _client(demo_app, "admin")
    response = client.get("/audit/reports/audit.pdf?from=2025-01-01&to=2025-03-31")
    assert response.status_code == 200
    assert "Laporanauditpenempatan" in _text(response.data)


def test_auditor_downloads_a_placement_one_pager(demo_app: Flask) -> None:
    response = _client(demo_app, "auditor").get("/audit/reports/placement/PL-00033.pdf?lang=en")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 1
    assert "PlacementPL-00033" in _text(response.data)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=2025-02-30&to=2025-12-31", "from"),
        ("from=2025-01-01", "to"),
        ("from=2025-01-01&to=2025-12-31&unit=Nowhere", "unit"),
        ("from=2025-01-01&to=2025-12-31&lang=fr", "lang"),
    ],
)
def test_bad_arguments_are_a_problem_naming_the_parameter(
    demo_app: Flask, query: str, parameter: str
) -> None:
    response = _client(demo_app, "auditor").get(
        f"/audit/reports/audit.pdf?{query}", headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["parameter"] == parameter


def test_unknown_placement_is_not_found(demo_app: Flask) -> None:
    response = _client(demo_app, "auditor").get(
        "/audit/reports/placement/PL-99999.pdf", headers={"Accept": "application/json"}
    )
    assert response.status_code == 404
    assert "PL-99999" in response.get_json()["detail"]


def test_anonymous_users_are_sent_to_sign_in(demo_app: Flask) -> None:
    response = _client(demo_app, None).get("/audit/reports/placement/PL-00033.pdf")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_other_roles_are_forbidden(demo_app: Flask) -> None:
    response = _client(demo_app, "bkpsdm").get(
        "/audit/reports/placement/PL-00033.pdf", headers={"Accept": "application/json"}
    )
    assert response.status_code == 403
