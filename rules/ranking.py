"""Ranking a vacancy's candidates, and choosing each candidate's valid assessment.

Order (each key breaks the ties of the ones before it):

1. JPM against the position's standard, highest first;
2. potential category, better first (the scheme's order);
3. performance rating, better first, a missing rating last;
4. sum of the managerial levels M01..M08, highest first;
5. NIP, ascending.

Candidates without an assessment follow all assessed ones, in NIP order,
with rank and JPM None. The NIP makes the order total, so ranks are 1..n
without ties.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import count
from typing import NamedTuple

from rules.errors import InvalidInputError
from rules.facts import AssessmentFact, RankedCandidate
from rules.jpm import Levels, jpm_from_hundredths, jpm_hundredths, level_mask, level_vector
from rules.scales import (
    DEFAULT_POTENTIAL_CATEGORIES,
    MANAGERIAL_CODES,
    MAX_LEVEL,
    PERFORMANCE_RATINGS,
)

_MANAGERIAL_SPAN = len(MANAGERIAL_CODES) * MAX_LEVEL + 1
# A RankedCandidate from a plain tuple, skipping the Python-level __new__.
_new_ranked_candidate = partial(tuple.__new__, RankedCandidate)
_ROW_WIDTH = len(RankedCandidate._fields)


class Candidate(NamedTuple):
    """A candidate of a vacancy and their latest valid assessment (None if unassessed)."""

    nip: str
    assessment: AssessmentFact | None


def rank_candidates(
    candidates: Iterable[tuple[str, AssessmentFact | None]],
    standard: Levels,
    *,
    categories: Sequence[str] = DEFAULT_POTENTIAL_CATEGORIES,
) -> list[RankedCandidate]:
    """Return the ranking of ``candidates`` for a position with competency ``standard``.

    ``candidates`` are (nip, latest valid assessment or None) pairs, e.g.
    ``Candidate`` values or ``mapping.items()``; ``categories`` is the potential
    category scheme, best first.
    """
    required = level_mask(level_vector(standard, what="position standard"))
    total = required.bit_count()
    if total == 0:
        raise InvalidInputError("position standard: at least one competency level is required")
    category_order = {category: i for i, category in enumerate(categories)}
    if not categories or len(category_order) != len(categories):
        raise InvalidInputError("category scheme: give distinct category names, best first")
    rating_order: dict[str | None, int] = {r: i for i, r in enumerate(PERFORMANCE_RATINGS)}
    rating_order[None] = len(PERFORMANCE_RATINGS)
    category_span = len(categories)
    rating_span = len(PERFORMANCE_RATINGS) + 1

    jpm_of_matched = [
        jpm_from_hundredths(jpm_hundredths(matched, total)) for matched in range(total + 1)
    ]

    # The hot path of a placement check (thousands of candidates), kept flat.
    # Keys 1-4 are packed into one integer so the sort compares ints, not
    # tuples; (key, nip) is unique because NIPs are, so the sort never looks
    # further. The rest of each row is the RankedCandidate without its rank.
    rows: list[tuple[int, str, Decimal, str, str | None, int, int]] = []
    unassessed: list[str] = []
    add_row, category_of = rows.append, category_order.get
    for nip, assessment in candidates:
        if assessment is None:
            unassessed.append(nip)
            continue
        category_name = assessment.potential_category
        rating_name = assessment.performance_rating
        managerial_sum = assessment.managerial_sum
        category = category_of(category_name)
        if category is None or assessment.nip != nip:
            raise _bad_candidate(nip, assessment, categories)
        matched = (assessment.level_mask & required).bit_count()
        key = (
            ((total - matched) * category_span + category) * rating_span
            + rating_order[rating_name]  # AssessmentFact admits only ratings of the scale
        ) * _MANAGERIAL_SPAN - managerial_sum
        add_row(
            (
                key,
                nip,
                jpm_of_matched[matched],
                category_name,
                rating_name,
                managerial_sum,
                assessment.seq,
            )
        )
    rows.sort()
    # Transpose once, then rebuild the rows with their rank in front (C-level).
    columns = list(zip(*rows, strict=True)) or [()] * _ROW_WIDTH
    nips = columns[1]
    if len(set(nips).union(unassessed)) != len(nips) + len(unassessed):
        raise InvalidInputError("a candidate NIP is listed twice; list each candidate once")
    ranking = list(map(_new_ranked_candidate, zip(count(1), *columns[1:], strict=False)))
    ranking.extend(
        RankedCandidate(None, nip, None, None, None, None, None) for nip in sorted(unassessed)
    )
    return ranking


def _bad_candidate(
    nip: str, assessment: AssessmentFact, categories: Sequence[str]
) -> InvalidInputError:
    if assessment.nip != nip:
        return InvalidInputError(
            f"candidate {nip!r} was given assessment seq {assessment.seq} of {assessment.nip!r}"
        )
    return InvalidInputError(
        f"assessment seq {assessment.seq}: potential category "
        f"{assessment.potential_category!r} is not in the scheme ({', '.join(categories)})"
    )


def latest_valid_assessments(
    assessments: Iterable[AssessmentFact],
    *,
    before_seq: int | None = None,
    on_or_before: date | None = None,
) -> dict[str, AssessmentFact]:
    """Return each NIP's latest valid assessment, keyed by NIP.

    Only assessments recorded before ``before_seq`` (if given) are known. An
    assessment superseded by a known correction is not valid; the correction
    takes its place. Of the valid ones dated on or before ``on_or_before`` (if
    given), the latest by (assessed_on, seq) wins.
    """
    known = [a for a in assessments if before_seq is None or a.seq < before_seq]
    nip_of_seq: dict[int, str] = {}
    for assessment in known:
        if assessment.seq in nip_of_seq:
            raise InvalidInputError(f"assessment seq {assessment.seq} is given twice")
        nip_of_seq[assessment.seq] = assessment.nip
    superseded: set[int] = set()
    for assessment in known:
        target = assessment.supersedes
        if target is None:
            continue
        if target in nip_of_seq and nip_of_seq[target] != assessment.nip:
            raise InvalidInputError(
                f"assessment seq {assessment.seq} of {assessment.nip!r} supersedes seq {target}, "
                f"which belongs to {nip_of_seq[target]!r}"
            )
        superseded.add(target)
    latest: dict[str, AssessmentFact] = {}
    for assessment in known:
        if assessment.seq in superseded:
            continue
        if on_or_before is not None and assessment.assessed_on > on_or_before:
            continue
        current = latest.get(assessment.nip)
        if current is None or (assessment.assessed_on, assessment.seq) > (
            current.assessed_on,
            current.seq,
        ):
            latest[assessment.nip] = assessment
    return latest


def latest_valid_assessment(
    assessments: Iterable[AssessmentFact],
    *,
    before_seq: int | None = None,
    on_or_before: date | None = None,
) -> AssessmentFact | None:
    """Return the latest valid assessment of one person's ``assessments``, or None."""
    latest = latest_valid_assessments(assessments, before_seq=before_seq, on_or_before=on_or_before)
    if len(latest) > 1:
        raise InvalidInputError(
            f"expected the assessments of one person, got {len(latest)} NIPs: "
            f"{', '.join(sorted(latest))}"
        )
    return next(iter(latest.values()), None)
