"""Turning projection rows into the rules engine's plain facts."""

from __future__ import annotations

from integrity_service.models import Assessment
from rules.facts import AssessmentFact


def assessment_fact(row: Assessment) -> AssessmentFact:
    """Return the rules' view of one assessment row."""
    return AssessmentFact(
        seq=row.seq,
        nip=row.nip,
        assessed_on=row.assessed_on,
        levels=row.levels,
        potential_category=row.potential_category,
        performance_rating=row.performance_rating,
        supersedes=row.supersedes,
    )
