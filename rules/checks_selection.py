"""Checks of the selection: candidacy, the published ranking, the golongan floor.

Each check takes the case and the rule's parameters and returns a ``Hit`` or
None. MERIT-002 runs only when a ranking exists (else MERIT-004 fires) and
the appointee is a candidate (else MERIT-003 fires), so one fact never
gives two findings. An appointee who is a candidate but unranked (not
assessed when the ranking was published) or missing from the ranking is
outside the top k.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from rules.facts import PlacementCase, RankingFact
from rules.findings import Hit
from rules.messages import category_counts, ordinal_en, plural_en
from rules.scales import golongan_index

Parameters = Mapping[str, Any]
_CATEGORY = attrgetter("potential_category")


def outside_top_k(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-002: the appointee is not among the top ``k`` of the published ranking."""
    ranking = case.ranking
    nip = case.decision.nip
    if ranking is None or nip not in case.vacancy.candidate_set:
        return None
    k = parameters["k"]
    entry = ranking.by_nip.get(nip)
    rank = None if entry is None else entry.rank
    if rank is not None and rank <= k:
        return None
    higher = _higher_ranked_by_category(ranking, rank)
    higher_count = sum(higher.values())
    of = ranking.ranked_count
    evidence = {
        "rank": rank,
        "of": of,
        "k": k,
        "ranking_seq": ranking.seq,
        "higher_ranked": higher_count,
        "higher_by_category": higher,
        "jpm": None if entry is None or entry.jpm is None else str(entry.jpm),
    }
    breakdown_id = f", di antaranya {category_counts(higher, language='id')}" if higher else ""
    breakdown_en = f", of them {category_counts(higher, language='en')}" if higher else ""
    if rank is None:
        why_id = "tidak tercantum" if entry is None else "tidak berperingkat (belum diasesmen)"
        why_en = "not listed" if entry is None else "not ranked (not assessed)"
        message_id = (
            f"{why_id} dalam peringkat seq {ranking.seq}; {of} kandidat berperingkat lebih "
            f"tinggi{breakdown_id}"
        )
        message_en = (
            f"{why_en} in ranking seq {ranking.seq}; {plural_en(of, 'candidate')} ranked "
            f"higher{breakdown_en}"
        )
    else:
        message_id = (
            f"peringkat ke-{rank} dari {of} kandidat (batas {k} besar, peringkat seq "
            f"{ranking.seq}); {higher_count} berperingkat lebih tinggi{breakdown_id}"
        )
        message_en = (
            f"ranked {ordinal_en(rank)} of {plural_en(of, 'candidate')} (top {k} required, "
            f"ranking seq {ranking.seq}); {higher_count} ranked higher{breakdown_en}"
        )
    return Hit(
        evidence_seqs=(case.decision.seq, case.vacancy.seq, ranking.seq),
        evidence=evidence,
        message_id=message_id,
        message_en=message_en,
    )


def not_a_candidate(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-003: the appointee is not among the vacancy's candidates."""
    vacancy = case.vacancy
    if case.decision.nip in vacancy.candidate_set:
        return None
    count = len(vacancy.candidates)
    return Hit(
        evidence_seqs=(case.decision.seq, vacancy.seq),
        evidence={"vacancy_id": vacancy.id, "candidates": count},
        message_id=(
            f"pejabat yang diangkat bukan salah satu dari {count} kandidat lowongan {vacancy.id}"
        ),
        message_en=(
            f"the appointee is not one of the {plural_en(count, 'candidate')} "
            f"of vacancy {vacancy.id}"
        ),
    )


def no_ranking(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-004: no ranking of the vacancy was published before the decision."""
    if case.ranking is not None:
        return None
    vacancy = case.vacancy
    return Hit(
        evidence_seqs=(case.decision.seq, vacancy.seq),
        evidence={"vacancy_id": vacancy.id, "opened_on": vacancy.opened_on.isoformat()},
        message_id=f"tidak ada peringkat lowongan {vacancy.id} yang diumumkan sebelum keputusan",
        message_en=f"no ranking of vacancy {vacancy.id} was published before the decision",
    )


def rank_below_minimum(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-008: the appointee's golongan is below the position's ``min_rank``."""
    minimum = case.position.min_rank
    if minimum is None:
        return None
    short = golongan_index(minimum) - golongan_index(case.person.rank)
    if short <= 0:
        return None
    return Hit(
        evidence_seqs=(case.decision.seq, case.position.seq, case.person.seq),
        evidence={"rank": case.person.rank, "min_rank": minimum, "steps_short": short},
        message_id=(
            f"golongan {case.person.rank} di bawah syarat minimum {minimum} jabatan "
            f"{case.position.code} (kurang {short} tingkat)"
        ),
        message_en=(
            f"golongan {case.person.rank} is below the minimum {minimum} of position "
            f"{case.position.code} ({plural_en(short, 'step')} short)"
        ),
    )


def _higher_ranked_by_category(ranking: RankingFact, rank: int | None) -> dict[str, int]:
    """Count the entries ranked above ``rank`` (all ranked if None) per category, best first."""
    higher = ranking.entries[: ranking.ranked_count if rank is None else rank - 1]
    # Counter keeps first-seen order, and entries are in rank order.
    return dict(Counter(map(_CATEGORY, higher)))
