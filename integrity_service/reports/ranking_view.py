"""A placement's vacancy ranking as the reports chart it: candidates, JPM, the appointee.

The ranking shown is the one the rules judged the decision against: the
latest published before the decision's ledger entry. The minimum JPM line
comes from the rule set recorded with the decision (MERIT-006 ``min_jpm``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportlab.graphics.shapes import Drawing
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service.models import Person, Placement, Position, Ranking
from integrity_service.reports.charts import jpm_chart
from integrity_service.rule_state import ruleset_by_hash

DEFAULT_MIN_JPM = 78.0


@dataclass(frozen=True)
class RankingView:
    """The ranked candidates of one placement's vacancy, labelled "NIP name", and the appointee."""

    placement_id: str
    vacancy_id: str
    position: str
    candidates: list[tuple[str, float]]
    appointee: str
    threshold: float
    ranking_seq: int | None

    @property
    def appointee_rank(self) -> int | None:
        """Return the appointee's rank (1 is best), or None if they were not ranked."""
        labels = [label for label, _ in self.candidates]
        return labels.index(self.appointee) + 1 if self.appointee in labels else None

    def chart(self, title: str) -> Drawing:
        """Return the JPM chart of this ranking with the appointee marked."""
        return jpm_chart(
            self.candidates, appointee=self.appointee, threshold=self.threshold, title=title
        )


def _min_jpm(session: Session, ruleset_hash: str | None) -> float:
    if not ruleset_hash:
        return DEFAULT_MIN_JPM
    try:
        ruleset = ruleset_by_hash(session, ruleset_hash)
    except LookupError:
        return DEFAULT_MIN_JPM
    if "MERIT-006" not in ruleset.ids:
        return DEFAULT_MIN_JPM
    return float(Decimal(str(ruleset.rule("MERIT-006").parameters["min_jpm"])))


def _label(nip: str, names: dict[str, str]) -> str:
    name = names.get(nip)
    return f"{nip} {name}" if name else nip


def ranking_view(session: Session, placement: Placement) -> RankingView:
    """Return the ranking ``placement`` was judged against (no candidates if none was)."""
    ranking = session.scalars(
        select(Ranking)
        .where(Ranking.vacancy_id == placement.vacancy_id, Ranking.seq < placement.seq)
        .order_by(Ranking.seq.desc())
        .limit(1)
    ).first()
    # Unassessed candidates have no rank and no JPM: they are not on the chart.
    lines = sorted(
        (line for line in (ranking.entries if ranking is not None else []) if line["rank"]),
        key=lambda line: line["rank"],
    )
    nips = {line["nip"] for line in lines} | {placement.nip}
    rows = session.execute(select(Person.nip, Person.name).where(Person.nip.in_(nips)))
    names = {nip: name for nip, name in rows}
    position = session.get(Position, placement.position_code)
    return RankingView(
        placement_id=placement.id,
        vacancy_id=placement.vacancy_id,
        position=f"{placement.position_code} {position.title}"
        if position
        else placement.position_code,
        candidates=[(_label(line["nip"], names), float(line["jpm"])) for line in lines],
        appointee=_label(placement.nip, names),
        threshold=_min_jpm(session, placement.ruleset_hash),
        ranking_seq=ranking.seq if ranking is not None else None,
    )
