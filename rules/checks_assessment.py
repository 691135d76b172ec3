"""Checks about the appointee's assessment: its age, category, job match, corrections.

Each check takes the case and the rule's parameters and returns a ``Hit`` or
None. MERIT-005 and MERIT-006 run only when the appointee has a valid
assessment as of the decision (otherwise MERIT-001 fires, once); a stale
assessment is still used by them, and MERIT-001 reports its age. MERIT-007
runs only when there is a ranking or the decision is recorded.

"As of the decision" means recorded before the decision's seq (everything
known, for a proposed decision) and dated on or before the decision date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from rules.errors import CaseError
from rules.facts import AssessmentFact, PlacementCase
from rules.findings import Hit
from rules.jpm import DEFAULT_BANDS, jpm_band, jpm_of_masks, parse_jpm
from rules.messages import category_counts, plural_en
from rules.ranking import latest_valid_assessment
from rules.windows import months_window_start

Parameters = Mapping[str, Any]
_CATEGORY = attrgetter("potential_category")
_STAGE_ID = {"ranking": "peringkat diumumkan", "decision": "keputusan"}


def appointee_assessment(case: PlacementCase) -> AssessmentFact | None:
    """Return the appointee's latest valid assessment as of the decision, or None."""
    decision = case.decision
    return latest_valid_assessment(
        case.assessments, before_seq=decision.seq, on_or_before=decision.decided_on
    )


def not_assessed(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-001: no valid assessment dated within ``validity_months`` before the decision."""
    months = parameters["validity_months"]
    decided_on = case.decision.decided_on
    window_start = months_window_start(decided_on, months)
    current = appointee_assessment(case)
    if current is not None and current.assessed_on >= window_start:
        return None
    evidence = {
        "decided_on": decided_on.isoformat(),
        "validity_months": months,
        "window_start": window_start.isoformat(),
        "assessment_seq": None if current is None else current.seq,
        "assessed_on": None if current is None else current.assessed_on.isoformat(),
    }
    if current is None:
        return Hit(
            evidence_seqs=(case.decision.seq,),
            evidence=evidence,
            message_id=f"tidak ada hasil asesmen yang berlaku per tanggal keputusan {decided_on}",
            message_en=f"no valid assessment as of the decision date {decided_on}",
        )
    age = (decided_on - current.assessed_on).days
    return Hit(
        evidence_seqs=(case.decision.seq, current.seq),
        evidence={**evidence, "age_days": age},
        message_id=(
            f"asesmen terakhir yang berlaku (seq {current.seq}) tertanggal {current.assessed_on}, "
            f"{age} hari sebelum keputusan {decided_on}: lebih lama dari {months} bulan "
            f"(batas {window_start})"
        ),
        message_en=(
            f"latest valid assessment (seq {current.seq}) is dated {current.assessed_on}, "
            f"{age} days before the decision on {decided_on}: older than {months} months "
            f"(limit {window_start})"
        ),
    )


def below_category_floor(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-005: category below the position type's floor; critical if better ones passed over."""
    position = case.position
    floor = parameters["floors"].get(position.type)
    current = appointee_assessment(case)
    if floor is None or current is None:
        return None
    order = {category: i for i, category in enumerate(parameters["categories"])}
    category = current.potential_category
    if category not in order:
        raise CaseError(
            f"assessment seq {current.seq}: potential category {category!r} is not in the "
            f"MERIT-005 scheme ({', '.join(order)}); set the rule's categories parameter"
        )
    if order[category] <= order[floor]:
        return None
    passed_over = _passed_over(case, order, order[category])
    seqs = [case.decision.seq, position.seq, current.seq]
    if passed_over and case.ranking is not None:
        seqs.append(case.ranking.seq)
    count = sum(passed_over.values())
    message_id = (
        f"kategori potensi {category} (asesmen seq {current.seq}) di bawah batas minimum "
        f"{floor} untuk jabatan {position.type}"
    )
    message_en = (
        f"potential category {category} (assessment seq {current.seq}) is below the floor "
        f"{floor} for {position.type} positions"
    )
    if passed_over:
        message_id += (
            f"; {count} kandidat berkategori lebih tinggi dilewati "
            f"({category_counts(passed_over, language='id')})"
        )
        message_en += (
            f"; {plural_en(count, 'candidate')} of a higher category passed over "
            f"({category_counts(passed_over, language='en')})"
        )
    return Hit(
        evidence_seqs=seqs,
        evidence={
            "category": category,
            "floor": floor,
            "position_type": position.type,
            "assessment_seq": current.seq,
            "passed_over": count,
            "passed_over_by_category": passed_over,
        },
        message_id=message_id,
        message_en=message_en,
        severity="critical" if passed_over else None,
    )


def low_job_match(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-006: the appointee's JPM for the position is below ``min_jpm`` (equal passes)."""
    position = case.position
    current = appointee_assessment(case)
    if current is None or not position.standard_mask:
        return None
    jpm = jpm_of_masks(current.level_mask, position.standard_mask)
    minimum = parse_jpm(parameters["min_jpm"], what="MERIT-006 min_jpm")
    if jpm >= minimum:
        return None
    band = jpm_band(jpm, DEFAULT_BANDS)
    return Hit(
        evidence_seqs=(case.decision.seq, position.seq, current.seq),
        evidence={
            "jpm": str(jpm),
            "min_jpm": str(parameters["min_jpm"]),
            "band": band,
            "position_code": position.code,
            "assessment_seq": current.seq,
        },
        message_id=(
            f"JPM {jpm} untuk jabatan {position.code} (asesmen seq {current.seq}) di bawah "
            f"batas minimum {parameters['min_jpm']} ({band})"
        ),
        message_en=(
            f"JPM {jpm} for position {position.code} (assessment seq {current.seq}) is below "
            f"the minimum {parameters['min_jpm']} ({band})"
        ),
    )


def score_changed(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-007: a correction of the appointee's assessment came after the ranking or decision."""
    ranking_seq = None if case.ranking is None else case.ranking.seq
    decision_seq = case.decision.seq
    late = []
    for correction in sorted(case.assessments, key=lambda a: a.seq):
        if correction.supersedes is None:
            continue
        after_ranking = ranking_seq is not None and correction.seq > ranking_seq
        after_decision = decision_seq is not None and correction.seq > decision_seq
        if after_ranking or after_decision:
            late.append((correction, after_ranking, after_decision))
    if not late:
        return None
    parts_id = []
    parts_en = []
    for correction, after_ranking, after_decision in late:
        stages = [
            stage for stage, on in (("ranking", after_ranking), ("decision", after_decision)) if on
        ]
        when_en = " and ".join(f"the {stage}" for stage in stages)
        when_id = " dan ".join(_STAGE_ID[stage] for stage in stages)
        parts_en.append(
            f"seq {correction.seq} corrects seq {correction.supersedes} after {when_en}"
        )
        parts_id.append(
            f"seq {correction.seq} mengoreksi seq {correction.supersedes} setelah {when_id}"
        )
    count = len(late)
    return Hit(
        evidence_seqs=[
            ranking_seq,
            decision_seq,
            *(c.seq for c, _, _ in late),
            *(c.supersedes for c, _, _ in late),
        ],
        evidence={
            "ranking_seq": ranking_seq,
            "decision_seq": decision_seq,
            "corrections": [
                {
                    "seq": c.seq,
                    "supersedes": c.supersedes,
                    "after_ranking": after_ranking,
                    "after_decision": after_decision,
                }
                for c, after_ranking, after_decision in late
            ],
        },
        message_id=f"{count} koreksi nilai asesmen: " + "; ".join(parts_id),
        message_en=f"{plural_en(count, 'correction')} of the assessment: " + "; ".join(parts_en),
    )


def _passed_over(case: PlacementCase, order: Mapping[str, int], below: int) -> dict[str, int]:
    """Count the other ranked candidates of a category better than ``below``, best first."""
    ranking = case.ranking
    if ranking is None:
        return {}
    counts = Counter(map(_CATEGORY, ranking.entries[: ranking.ranked_count]))
    own = ranking.by_nip.get(case.decision.nip)
    if own is not None and own.rank is not None:
        counts[own.potential_category] -= 1
    return {
        category: counts[category]
        for category, position in order.items()
        if position < below and counts[category] > 0
    }
