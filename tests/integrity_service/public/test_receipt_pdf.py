"""The receipt PDF: one page, in the asked language, with the proof and a QR code."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

from pypdf import PdfReader
from reportlab.graphics.barcode.qr import QrCodeWidget

from integrity_service.reports.receipt_pdf import _qr, receipt_pdf
from tests.integrity_service.public.conftest import SmallLedger

URL = "https://bkpsdm.example.go.id/public/receipt"


def pages_of(small_ledger: SmallLedger, receipt: dict[str, Any], lang: str) -> list[str]:
    """Return the text of each page of the receipt's PDF."""
    with small_ledger.app.app_context():
        pdf = receipt_pdf(receipt, public_url=URL, lang=lang)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_receipt_pdf_in_indonesian_holds_the_entry_and_its_proof(
    small_ledger: SmallLedger,
) -> None:
    receipt = small_ledger.receipt(small_ledger.covered)
    (text,) = pages_of(small_ledger, receipt, "id")
    nip, name = small_ledger.people[small_ledger.covered]
    assert "Tanda terima buku besar" in text and "Bukti inklusi" in text
    assert nip in text and name in text  # the person's own receipt shows their record
    assert receipt["commitment"] in text
    assert receipt["inclusion_proof"]["proof"][0] in text
    assert receipt["checkpoint"].split("\n")[2] in text  # the checkpoint's root
    assert URL in text.replace(" ", "")  # the QR code's address, printed beside it
    assert "11 Agustus 2025" in text  # dates in the language of the receipt


def test_receipt_pdf_in_english(small_ledger: SmallLedger) -> None:
    (text,) = pages_of(small_ledger, small_ledger.receipt(0), "en")
    assert "Ledger receipt" in text and "Inclusion proof" in text
    assert "August 11, 2025" in text


def test_redacted_and_pending_receipts(small_ledger: SmallLedger) -> None:
    redacted = small_ledger.receipt(small_ledger.redacted)
    (text,) = pages_of(small_ledger, redacted, "en")
    assert "erased lawfully" in text
    assert small_ledger.people[small_ledger.redacted][1] not in text
    assert redacted["commitment"] in text
    (text,) = pages_of(small_ledger, small_ledger.receipt(small_ledger.uncovered), "en")
    assert "ask for the receipt again after the next checkpoint" in text


def test_a_long_entry_still_fits_one_page(small_ledger: SmallLedger) -> None:
    receipt = small_ledger.receipt(small_ledger.covered)
    entry = json.loads(base64.b64decode(receipt["entry"]))
    entry["body"] = {f"field_{i:02d}": "panjang " * 60 for i in range(60)}
    receipt["entry"] = base64.b64encode(json.dumps(entry).encode()).decode()
    pages = pages_of(small_ledger, receipt, "id")
    assert len(pages) == 1
    assert "30 kolom lainnya ada di berkas tanda terima" in pages[0]


def test_qr_code_encodes_the_checker_address() -> None:
    drawing = _qr(URL)
    (widget,) = drawing.contents
    assert isinstance(widget, QrCodeWidget) and widget.value == URL
    assert drawing.width == drawing.height > 0
