"""The content of an audit report, read from one session (one snapshot of the database).

The figures, the findings, the rankings and the cited commitments are read
in the same transaction as the checkpoint the report names, so they agree
with each other; anything newer than the checkpoint is flagged as not yet
covered by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service.models import Finding, Placement
from integrity_service.reports.ledger_facts import (
    CheckpointView,
    CitedEntry,
    begin_snapshot,
    cited_entries,
    latest_checkpoint,
    verifier_key_text,
)
from integrity_service.reports.ranking_view import RankingView, ranking_view
from integrity_service.reports.scope import ReportScope
from integrity_service.stats import (
    FindingsSummary,
    PlacementSummary,
    findings_summary,
    placement_summary,
)

_IN_BATCH = 500


@dataclass(frozen=True)
class AuditData:
    """Everything an audit report shows, for one scope."""

    scope: ReportScope
    generated_at: datetime
    checkpoint: CheckpointView | None
    verifier_key: str | None
    placements: PlacementSummary
    findings_summary: FindingsSummary
    findings: list[Finding]
    placements_by_id: dict[str, Placement]
    rankings: list[RankingView]
    cited: list[CitedEntry]

    @property
    def uncovered(self) -> int:
        """Return how many cited entries the checkpoint does not cover yet."""
        return sum(not entry.covered for entry in self.cited)


def _findings(session: Session, scope: ReportScope) -> list[Finding]:
    query = select(Finding).where(
        Finding.decided_on >= scope.start, Finding.decided_on <= scope.end
    )
    if scope.unit:
        query = query.where(Finding.unit == scope.unit)
    return list(
        session.scalars(query.order_by(Finding.decided_on, Finding.placement_id, Finding.rule_id))
    )


def _placements(session: Session, ids: list[str]) -> dict[str, Placement]:
    found: dict[str, Placement] = {}
    for start in range(0, len(ids), _IN_BATCH):
        part = ids[start : start + _IN_BATCH]
        found.update(
            (p.id, p) for p in session.scalars(select(Placement).where(Placement.id.in_(part)))
        )
    return found


def cited_seqs(findings: list[Finding], placements: dict[str, Placement]) -> set[int]:
    """Return the seqs a report cites: each finding's evidence, its entry and its placement's."""
    seqs: set[int] = set()
    for finding in findings:
        seqs.update(int(seq) for seq in finding.evidence_seqs)
        seqs.add(finding.seq)
        placement = placements.get(finding.placement_id)
        if placement is not None:
            seqs.add(placement.seq)
    return seqs


def gather_audit(session: Session, scope: ReportScope) -> AuditData:
    """Read the content of the audit report for ``scope``."""
    begin_snapshot(session)
    checkpoint = latest_checkpoint(session)
    findings = _findings(session, scope)
    placements = _placements(session, sorted({f.placement_id for f in findings}))
    window = {"start": scope.start, "end": scope.end, "unit": scope.unit}
    return AuditData(
        scope=scope,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        checkpoint=checkpoint,
        verifier_key=verifier_key_text(),
        placements=placement_summary(session, **window),
        findings_summary=findings_summary(session, **window),
        findings=findings,
        placements_by_id=placements,
        rankings=[ranking_view(session, placements[pid]) for pid in sorted(placements)],
        cited=cited_entries(session, cited_seqs(findings, placements), checkpoint),
    )
