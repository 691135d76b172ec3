"""The one-page report of a single placement: decision, verdict, ranking, findings, receipt.

The receipt part states the placement entry's commitment and checks its
inclusion proof against the latest signed checkpoint, which is printed with
a QR code of the public verification page. Everything is shrunk to fit one
A4 page when a long ranking or many findings would not fit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import force_locale, gettext
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepInFrame, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Finding, Person, Placement, Position
from integrity_service.receipts import build_receipt
from integrity_service.reports.checkpoint_block import checkpoint_block
from integrity_service.reports.layout import (
    MARGIN,
    PAGE_HEIGHT,
    TEXT_WIDTH,
    ReportDocument,
    key_values,
    para,
    severity_label,
    styles,
    table,
)
from integrity_service.reports.ledger_facts import (
    CheckpointView,
    begin_snapshot,
    latest_checkpoint,
    public_verification_url,
)
from integrity_service.reports.ranking_view import RankingView, ranking_view
from integrity_service.reports.scope import ReportError
from integrity_service.reports.words import (
    explanation,
    kind_name,
    long_date,
    ranking_caption,
    rule_title,
    severity_name,
    verdict_name,
)
from integrity_service.stats import SEVERITIES
from ledger.entry import unb64
from ledger.errors import VerificationError
from ledger.hashing import leaf_hash
from ledger.proofs import verify_inclusion


@dataclass(frozen=True)
class PlacementData:
    """What the one-pager shows about one placement."""

    placement: Placement
    appointee: str
    position: str
    findings: list[Finding]
    ranking: RankingView
    receipt: dict[str, Any]
    checkpoint: CheckpointView | None
    proof_checked: bool


def _proof_checked(receipt: dict[str, Any], checkpoint: CheckpointView | None) -> bool:
    proof = receipt["inclusion_proof"]
    if proof is None or checkpoint is None or proof["size"] != checkpoint.size:
        return False
    try:
        verify_inclusion(
            index=proof["index"],
            size=proof["size"],
            leaf_hash=leaf_hash(unb64(receipt["commitment"])),
            proof=[unb64(node) for node in proof["proof"]],
            root=unb64(checkpoint.root),
        )
    except VerificationError:
        return False
    return True


def gather_placement(session: Session, placement_id: str) -> PlacementData:
    """Read what the one-pager of ``placement_id`` shows; `ReportError` if it is unknown."""
    begin_snapshot(session)
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise ReportError(
            "placement", f"no placement {placement_id!r} is recorded (ids look like PL-00001)"
        )
    person = session.get(Person, placement.nip)
    position = session.get(Position, placement.position_code)
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    findings = sorted(
        session.scalars(select(Finding).where(Finding.placement_id == placement.id)),
        key=lambda f: (order.get(f.severity, len(order)), f.rule_id, f.id),
    )
    checkpoint = latest_checkpoint(session)
    receipt = build_receipt(SqlLedger(session), placement.seq)
    return PlacementData(
        placement=placement,
        appointee=f"{placement.nip} {person.name}" if person else placement.nip,
        position=f"{placement.position_code} {position.title}"
        if position
        else placement.position_code,
        findings=findings,
        ranking=ranking_view(session, placement),
        receipt=receipt,
        checkpoint=checkpoint,
        proof_checked=_proof_checked(receipt, checkpoint),
    )


def _details(data: PlacementData) -> Flowable:
    placement = data.placement
    rows: list[tuple[str, Any]] = [
        (
            gettext("Verdict"),
            severity_label(_verdict_colour(placement.verdict), verdict_name(placement.verdict)),
        ),
        (gettext("Appointee"), data.appointee),
        (gettext("Position"), f"{data.position} · {placement.unit}"),
        (gettext("Former position"), placement.from_position or "—"),
        (gettext("Vacancy"), placement.vacancy_id),
        (gettext("Decree"), f"{placement.decree_number} · {kind_name(placement.kind)}"),
        (gettext("Decided"), f"{long_date(placement.decided_on)} · {placement.decided_by}"),
        (gettext("Justification"), placement.justification or "—"),
    ]
    if placement.approval_reference:
        rows.append((gettext("Approval reference"), placement.approval_reference))
    return key_values(rows, key_width=3.6 * cm)


def _verdict_colour(verdict: str | None) -> str:
    colours = {"violation": "critical", "needs_justification": "medium", "compliant": "compliant"}
    return colours.get(verdict or "", "low")


def _ranking(data: PlacementData) -> list[Flowable]:
    view = data.ranking
    caption = para(ranking_caption(view), styles().small)
    if view.ranking_seq is None:
        return [caption]
    return [view.chart(f"{view.vacancy_id} · {view.position}"), caption]


def _findings(data: PlacementData, lang: str) -> list[Flowable]:
    s = styles()
    if not data.findings:
        return [para(gettext("No findings: the placement followed the rules."), s.body)]
    rows = [
        [gettext("Finding"), gettext("Rule"), gettext("Severity"), gettext("Explanation")],
        *(
            [
                f.id,
                f"{f.rule_id} {rule_title(f.rule_id, f.rule_version, lang)}",
                severity_label(f.severity, severity_name(f.severity)),
                explanation(f, lang),
            ]
            for f in data.findings
        ),
    ]
    return [table(rows, [3.6 * cm, 3.8 * cm, 2.2 * cm, TEXT_WIDTH - 9.6 * cm])]


def _receipt(data: PlacementData) -> list[Flowable]:
    s = styles()
    seq = data.placement.seq
    if data.proof_checked and data.checkpoint is not None:
        proof = gettext(
            "checked: entry %(seq)s is in the tree of size %(size)s signed below",
            seq=seq,
            size=data.checkpoint.size,
        )
    else:
        proof = gettext("not yet covered by a signed checkpoint")
    rows: list[tuple[str, Any]] = [
        (gettext("Ledger entry"), f"{seq}"),
        (gettext("Commitment (base64)"), para(data.receipt["commitment"], s.mono)),
        (gettext("Inclusion proof"), proof),
    ]
    return [
        key_values(rows, key_width=3.6 * cm),
        Spacer(1, 4),
        checkpoint_block(data.checkpoint, public_verification_url()),
    ]


def render_placement(data: PlacementData, lang: str) -> bytes:
    """Return the one-page PDF (call inside the report's forced locale)."""
    s = styles()
    out = io.BytesIO()
    title = gettext("Placement %(id)s", id=data.placement.id)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    footer = f"{title} · " + gettext("Made on %(time)s", time=made)
    story: list[Flowable] = [
        para(title, s.title),
        Spacer(1, 6),
        _details(data),
        para(gettext("Ranking against the appointee"), s.subheading),
        *_ranking(data),
        para(gettext("Findings"), s.subheading),
        *_findings(data, lang),
        para(gettext("Receipt and checkpoint"), s.subheading),
        *_receipt(data),
    ]
    document = ReportDocument(
        out, title=title, footer=footer, page_label=gettext("page %(number)s"), cover=False
    )
    document.build([KeepInFrame(TEXT_WIDTH, PAGE_HEIGHT - 2 * MARGIN, story, mode="shrink")])
    return out.getvalue()


def placement_report_pdf(session: Session, placement_id: str, *, lang: str) -> bytes:
    """Return the one-page PDF report of a placement in ``lang``."""
    with force_locale(lang):
        return render_placement(gather_placement(session, placement_id), lang)
