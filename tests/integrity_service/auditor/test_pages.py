"""The auditor pages on a small scenario: what each shows, in Indonesian and in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrity_service import db
from integrity_service.auditor import charts, paging
from integrity_service.ledger_store import SqlLedger
from tests.integrity_service.auditor.conftest import csrf_token
from tests.integrity_service.auditor.scenario import Scenario


@pytest.fixture
def auditor(scenario: Scenario, signed_in: Callable[[str], FlaskClient]) -> FlaskClient:
    """An auditor's client on the scenario."""
    return signed_in("auditor")


def page(client: FlaskClient, url: str) -> str:
    """Return a page that must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    return text


def rows(html: str) -> list[str]:
    """Return the table body rows of a page."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr.*?</tr>", body, flags=re.S)


def test_dashboard_counts_and_charts(auditor: FlaskClient) -> None:
    html = page(auditor, "/audit/")
    assert "Dasbor" in html and "Temuan menurut tingkat keparahan" in html
    # 4 findings: MERIT-002 high, 005 and 013 critical, 006 medium
    assert re.search(r'severity=critical">.*?<span class="num">2</span>', html, flags=re.S)
    assert re.search(r'severity=high">.*?<span class="num">1</span>', html, flags=re.S)
    assert "MERIT-005 · Kategori potensi di bawah batas minimum" in html
    assert "Ditandatangani pada ukuran pohon" in html
    assert "Belum pernah dijalankan verifikasi." in html
    assert "<svg" in html  # the reports package draws the charts


def test_dashboard_period_filter(auditor: FlaskClient) -> None:
    html = page(auditor, "/audit/?from=2025-09-02&to=2025-09-02")
    assert "MERIT-006" in html
    empty = page(auditor, "/audit/?from=2030-01-01")
    assert "MERIT-006" not in empty and "Tidak ada temuan." in empty
    odd = page(auditor, "/audit/?from=kemarin")
    assert "“kemarin” bukan tanggal" in odd


def test_findings_filters_and_sorting(auditor: FlaskClient) -> None:
    everything = rows(page(auditor, "/audit/findings"))
    assert len(everything) == 4
    critical = rows(page(auditor, "/audit/findings?severity=critical"))
    assert len(critical) == 2 and all("Kritis" in row for row in critical)
    by_rule = rows(page(auditor, "/audit/findings?rule=MERIT-006&status=open"))
    assert len(by_rule) == 1 and "JPM 66.67" in by_rule[0]
    assert rows(page(auditor, "/audit/findings?unit=Dinas%20Kesehatan&from=2025-09-02")) != []
    assert rows(page(auditor, "/audit/findings?to=2025-09-01")) == []
    worst_first = rows(page(auditor, "/audit/findings?sort=severity"))
    assert "Kritis" in worst_first[0] and "Sedang" in worst_first[-1]
    mildest_first = rows(page(auditor, "/audit/findings?sort=severity&order=asc"))
    assert "Sedang" in mildest_first[0]


def test_findings_ignore_bad_parameters_and_say_so(auditor: FlaskClient) -> None:
    html = page(auditor, "/audit/findings?severity=huge&rule=MERIT-999&sort=drop&page=-3")
    assert "Tingkat keparahan: “huge” bukan nilai yang dikenal" in html
    assert "Aturan: “MERIT-999” bukan nilai yang dikenal" in html
    assert len(rows(html)) == 4


def size(app: Flask) -> int:
    """Return the number of ledger entries."""
    with app.app_context(), db.sessions()() as session:
        return SqlLedger(session).size()


def test_ledger_browse_by_type_and_date(web_app: Flask, auditor: FlaskClient) -> None:
    first = page(auditor, "/audit/ledger")
    assert len(rows(first)) == size(web_app) == 15
    typed = page(auditor, "/audit/ledger?type=placement.decided")
    assert len(rows(typed)) == 2 and "Penempatan diputuskan" in typed
    assert len(rows(page(auditor, "/audit/ledger?from=2000-01-01&to=2000-01-02"))) == 0
    jump = auditor.get("/audit/ledger?seq=3")
    assert jump.headers["Location"] == "/audit/ledger/3"
    assert "Tidak ada entri berjenis “nope”" in page(auditor, "/audit/ledger?type=nope")


def test_pagination_moves_through_pages(
    auditor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "PER_PAGE", 4)
    first = page(auditor, "/audit/ledger?type=assessment.recorded")
    assert len(rows(first)) == 4 and "Halaman 1 dari 2" in first
    assert "Menampilkan 1\u20134 dari 5" in first
    assert 'href="/audit/ledger?page=2&amp;type=assessment.recorded"' in first
    second = page(auditor, "/audit/ledger?type=assessment.recorded&page=2")
    assert len(rows(second)) == 1 and "Halaman 2 dari 2" in second
    beyond = page(auditor, "/audit/ledger?type=assessment.recorded&page=99")
    assert "Halaman 2 dari 2" in beyond
    findings = page(auditor, "/audit/findings?severity=critical&page=1")
    assert "Halaman" not in findings  # one page needs no page links


def test_entry_page_shows_commitment_chain_and_proof(web_app: Flask, auditor: FlaskClient) -> None:
    html = page(auditor, "/audit/ledger/5")
    assert "cocok dengan bita entri" in html
    assert "terhubung ke komitmen sebelumnya" in html
    assert "Terverifikasi" in html and "daun 5 dari pohon bertanda tangan berukuran 15" in html
    assert "Siti Aminah" not in html and "Agus Salim" in html  # the decoded body of entry 5
    assert 'href="/audit/people/198001012005011004"' in html
    token = csrf_token(auditor, "/audit/findings")
    finding = re.search(r"/audit/findings/(F-[0-9a-f]+)", page(auditor, "/audit/findings"))
    auditor.post(
        f"/audit/findings/{finding.group(1)}/status",
        data={"csrf_token": token, "from": "open", "to": "under_review", "note": "Ditelaah."},
    )
    newest = page(auditor, "/audit/ledger/15")  # after the last checkpoint
    assert "Status temuan diubah" in newest and "user:auditor" in newest
    assert "Belum ada checkpoint bertanda tangan yang mencakup entri ini" in newest
    assert f'href="/audit/findings/{finding.group(1)}"' in newest
    missing = auditor.get("/audit/ledger/999", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert "isinya entri 0 sampai 15" in missing.get_data(as_text=True)


def test_vacancy_page_marks_the_appointee(auditor: FlaskClient, scenario: Scenario) -> None:
    html = page(auditor, f"/audit/vacancies/{scenario.deviating_vacancy}")
    ranking = rows(html)
    assert len(ranking) == 4
    highlighted = [row for row in ranking if 'class="highlight"' in row]
    assert len(highlighted) == 1 and scenario.deviating_appointee in highlighted[0]
    assert "Diangkat" in highlighted[0] and "66,67" in highlighted[0]  # Indonesian decimals
    assert "<svg" in html and "Job Person Match (JPM) para kandidat" in html
    assert "Pelanggaran" in html  # the decision's verdict
    assert "MERIT-013" in html and "Pemeriksaan penempatan" in html
    vacancies = page(auditor, "/audit/vacancies?q=P2P")
    assert scenario.deviating_vacancy in vacancies
    assert scenario.compliant_vacancy not in vacancies


def test_person_page_is_a_timeline(auditor: FlaskClient, scenario: Scenario) -> None:
    html = page(auditor, f"/audit/people/{scenario.deviating_appointee}")
    assert "Rina Wati" in html
    for word in ("Asesmen", "Kandidat", "Penempatan", "Temuan", "Pemeriksaan penempatan"):
        assert word in html
    assert html.index("Temuan") < html.index("Asesmen")  # newest first
    found = auditor.get("/audit/people?q=198001012005011005")
    assert found.headers["Location"] == f"/audit/people/{scenario.deviating_appointee}"
    assert "Rina Wati" in page(auditor, "/audit/people?q=rina")
    unknown = auditor.get("/audit/people/123", headers={"Accept": "text/html"})
    assert unknown.status_code == 404


def test_english_is_one_click_away(auditor: FlaskClient, scenario: Scenario) -> None:
    english = page(auditor, "/audit/findings?lang=en")
    assert "Findings" in english and "Severity" in english and "Critical" in english
    assert "is below the floor Potensial" in english  # the finding's English explanation
    again = page(auditor, f"/audit/vacancies/{scenario.deviating_vacancy}")  # remembered
    assert "Published ranking" in again and "66.67" in again
    indonesian = page(auditor, "/audit/findings?lang=id")
    assert "Tingkat keparahan" in indonesian and "di bawah batas minimum" in indonesian


def test_bkpsdm_sees_only_own_submissions_with_check_results(
    web_app: Flask, scenario: Scenario, signed_in: Callable[[str], FlaskClient]
) -> None:
    html = page(signed_in("bkpsdm"), "/audit/submissions")
    assert "token:bkpsdm-web" in html
    assert html.count('<section class="card">') == 15  # every entry of the scenario is theirs
    assert "Jawaban aturan:" in html and "Pelanggaran" in html and "MERIT-002" in html
    add_other = web_app.test_client()
    from tests.integrity_service.api.factories import bearer, make_token, position_json

    other = make_token(web_app, "bkpsdm", name="someone-else")
    add_other.post("/api/v1/positions", json=position_json("OTHER-1"), headers=bearer(other))
    again = page(signed_in("bkpsdm"), "/audit/submissions")
    assert "OTHER-1" not in again and "someone-else" not in again


def test_admin_creates_a_token_shown_once_and_revokes_it(
    web_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    admin = signed_in("admin")
    token = csrf_token(admin, "/audit/admin")
    created = admin.post(
        "/audit/admin/tokens",
        data={"csrf_token": token, "name": "bkpsdm-2026", "role": "bkpsdm", "owner": "bkpsdm"},
    )
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    secret = re.search(r"isv_[A-Za-z0-9_-]+", created.get_data(as_text=True)).group(0)
    listing = page(admin, "/audit/admin")
    assert secret not in listing and "bkpsdm-2026" in listing
    api = web_app.test_client()
    with_token = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/positions/X", headers=with_token).status_code == 404
    again = admin.post(
        "/audit/admin/tokens", data={"csrf_token": token, "name": "bkpsdm-2026", "role": "bkpsdm"}
    )
    assert "sudah dipakai" in admin.get(again.headers["Location"]).get_data(as_text=True)
    revoked = admin.post("/audit/admin/tokens/bkpsdm-2026/revoke", data={"csrf_token": token})
    assert "dicabut" in admin.get(revoked.headers["Location"]).get_data(as_text=True)
    assert api.get("/api/v1/positions/X", headers=with_token).status_code == 401


def test_admin_deactivates_and_reactivates_a_user(
    web_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    admin, auditor = signed_in("admin"), signed_in("auditor")
    token = csrf_token(admin, "/audit/admin")
    admin.post("/audit/admin/users/auditor/active", data={"csrf_token": token, "active": "0"})
    assert auditor.get("/audit/").status_code == 302
    self_off = admin.post(
        "/audit/admin/users/admin/active", data={"csrf_token": token, "active": "0"}
    )
    assert "akun sendiri" in admin.get(self_off.headers["Location"]).get_data(as_text=True)
    admin.post("/audit/admin/users/auditor/active", data={"csrf_token": token, "active": "1"})
    assert signed_in("auditor").get("/audit/").status_code == 200


def test_a_redacted_entry_still_proves_its_inclusion(web_app: Flask, auditor: FlaskClient) -> None:
    runner = web_app.test_cli_runner()
    result = runner.invoke(args=["redact", "5", "--reason", "UU 27/2022 permintaan subjek data"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["checkpoint"]).exit_code == 0
    html = page(auditor, "/audit/ledger/5")
    assert "Agus Salim" not in html and "(dihapus)" in html
    assert "Isi dihapus atas permintaan yang sah, tercatat di entri" in html
    assert "Isinya telah dihapus" in html and "Terverifikasi" in html
    listing = page(auditor, "/audit/ledger?type=assessment.recorded")
    assert "(dihapus)" in listing


def test_without_charts_the_data_stays_as_tables(
    auditor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "_charts", lambda: None)
    html = page(auditor, "/audit/")
    assert "<svg" not in html and "Tampilkan sebagai tabel" not in html
    assert "<caption>Temuan menurut aturan</caption>" in html
    assert "MERIT-006 · " in html


def test_a_chart_that_fails_leaves_its_table(
    auditor: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def bar_chart(self, *args: object, **kwargs: object) -> None:
            raise ValueError("no font")

    monkeypatch.setattr(charts, "_charts", Broken)
    html = page(auditor, "/audit/")
    assert "<svg" not in html and "<caption>Temuan per bulan</caption>" in html
    assert "could not be drawn" in caplog.text


def test_an_entry_proves_its_inclusion_after_a_key_rotation(
    web_app: Flask, auditor: FlaskClient, tmp_path: Path
) -> None:
    runner = web_app.test_cli_runner()
    assert runner.invoke(args=["checkpoint"]).exit_code == 0
    assert "Terverifikasi" in page(auditor, "/audit/ledger/1")  # this worker loads its key
    path = tmp_path / "next.key"
    begun = runner.invoke(args=["rotate-key", "begin", "--new-key-file", str(path)])
    assert begun.exit_code == 0, begun.output
    web_app.config["NEXT_KEY_FILE"] = str(path)
    finished = runner.invoke(args=["rotate-key", "finish"])
    assert finished.exit_code == 0, finished.output
    web_app.config["NEXT_KEY_FILE"] = None
    # The latest checkpoint is signed by the new key only; the worker still holds the old one.
    assert "Terverifikasi" in page(auditor, "/audit/ledger/1")
