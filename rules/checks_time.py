"""Checks over time: mass reshuffles, rapid repromotions, ignored checks.

Windows are closed intervals of dates (see ``rules.windows``); "earlier"
and "later" between facts compare ledger seqs. A history placement with the
decision's own seq is the decision itself and is not counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from rules.facts import PlacementCase
from rules.findings import Hit
from rules.messages import plural_en
from rules.windows import add_months, days_window_start, months_window_start

Parameters = Mapping[str, Any]


def mass_reshuffle(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-011: too many placements in the unit, or one soon after the regent's inauguration.

    Fires when more than ``max_placements`` placements in the decision's unit
    (the decision counted) were decided within ``window_days`` up to the
    decision date; or when ``inauguration_date`` is set, the decision date is
    within ``inauguration_months`` after it, and the decision carries no
    approval reference (UU 10/2016 art. 162(3) requires the minister's
    written approval). The second part raises the severity to high.
    """
    decision = case.decision
    decided_on = decision.decided_on
    window_days = parameters["window_days"]
    maximum = parameters["max_placements"]
    start = days_window_start(decided_on, window_days)
    same_unit = [
        p
        for p in case.history
        if p.seq != decision.seq and p.unit == decision.unit and start <= p.decided_on <= decided_on
    ]
    count = len(same_unit) + 1
    mass = count > maximum
    inauguration = parameters["inauguration_date"]
    months = parameters["inauguration_months"]
    unapproved = False
    period_end = None
    if inauguration is not None:
        inaugurated_on = date.fromisoformat(inauguration)
        period_end = add_months(inaugurated_on, months)
        approved = bool(decision.approval_reference and decision.approval_reference.strip())
        unapproved = inaugurated_on <= decided_on <= period_end and not approved
    if not mass and not unapproved:
        return None
    parts_id, parts_en = [], []
    if mass:
        parts_id.append(
            f"{count} penempatan di unit {decision.unit} dalam {window_days} hari "
            f"({start} s.d. {decided_on}), lebih dari {maximum}"
        )
        parts_en.append(
            f"{plural_en(count, 'placement')} in unit {decision.unit} within {window_days} days "
            f"({start} to {decided_on}), more than {maximum}"
        )
    if unapproved:
        parts_id.append(
            f"diputuskan {decided_on}, dalam {months} bulan setelah pelantikan kepala daerah "
            f"{inauguration} (s.d. {period_end}), tanpa persetujuan tertulis Menteri "
            "(UU 10/2016 pasal 162 ayat 3)"
        )
        parts_en.append(
            f"decided on {decided_on}, within {months} months after the regional head's "
            f"inauguration on {inauguration} (until {period_end}), without the minister's "
            "written approval (UU 10/2016 art. 162(3))"
        )
    return Hit(
        evidence_seqs=[decision.seq, *(p.seq for p in same_unit if mass)],
        evidence={
            "unit": decision.unit,
            "placements_in_window": count,
            "max_placements": maximum,
            "window_days": window_days,
            "window_start": start.isoformat(),
            "mass": mass,
            "inauguration_date": inauguration,
            "inauguration_period_end": None if period_end is None else period_end.isoformat(),
            "without_approval_after_inauguration": unapproved,
        },
        message_id="; ".join(parts_id),
        message_en="; ".join(parts_en),
        severity="high" if unapproved else None,
    )


def rapid_repromotion(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-012: the appointee was promoted before, within ``months`` up to this promotion.

    An earlier promotion is one decided within the window and before this one:
    on an earlier date, or on the same date with a lower seq (for a proposed
    decision, every recorded one on that date).
    """
    decision = case.decision
    if decision.kind != "promotion":
        return None
    months = parameters["months"]
    decided_on = decision.decided_on
    start = months_window_start(decided_on, months)
    earlier = sorted(
        (
            p
            for p in case.history
            if p.nip == decision.nip
            and p.kind == "promotion"
            and p.seq != decision.seq
            and start <= p.decided_on <= decided_on
            and (p.decided_on < decided_on or decision.seq is None or p.seq < decision.seq)
        ),
        key=lambda p: (p.decided_on, p.seq),
    )
    if not earlier:
        return None
    last = earlier[-1]
    days = (decided_on - last.decided_on).days
    return Hit(
        evidence_seqs=[decision.seq, *(p.seq for p in earlier)],
        evidence={
            "months": months,
            "window_start": start.isoformat(),
            "earlier_promotions": [
                {
                    "seq": p.seq,
                    "position_code": p.position_code,
                    "decided_on": p.decided_on.isoformat(),
                }
                for p in earlier
            ],
            "days_since_last": days,
        },
        message_id=(
            f"dipromosikan lagi {days} hari setelah promosi ke {last.position_code} pada "
            f"{last.decided_on} (seq {last.seq}); {len(earlier)} promosi dalam {months} bulan "
            f"sejak {start}"
        ),
        message_en=(
            f"promoted again {days} days after the promotion to {last.position_code} on "
            f"{last.decided_on} (seq {last.seq}); {plural_en(len(earlier), 'promotion')} within "
            f"{months} months since {start}"
        ),
    )


def check_ignored(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-013: the decision was recorded although the latest check before it said violation.

    Only the latest check of the same vacancy and appointee recorded before the
    decision counts: a violation resolved and re-checked as compliant does not
    fire. Not applicable to a proposed decision (a check is not a decision).
    """
    decision = case.decision
    if decision.seq is None:
        return None
    earlier = [
        c
        for c in case.checks
        if c.vacancy_id == decision.vacancy_id and c.nip == decision.nip and c.seq < decision.seq
    ]
    if not earlier:
        return None
    latest = max(earlier, key=lambda c: c.seq)
    if latest.verdict != "violation":
        return None
    return Hit(
        evidence_seqs=(decision.seq, latest.seq),
        evidence={
            "check_seq": latest.seq,
            "verdict": latest.verdict,
            "checks_before": len(earlier),
        },
        message_id=(
            f"keputusan dicatat setelah pemeriksaan penempatan seq {latest.seq} untuk lowongan "
            f"{decision.vacancy_id} dan pejabat ini menyatakan pelanggaran"
        ),
        message_en=(
            f"the decision was recorded after placement check seq {latest.seq} for vacancy "
            f"{decision.vacancy_id} and this appointee answered violation"
        ),
    )
