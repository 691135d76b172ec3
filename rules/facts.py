"""Facts: the plain, immutable values the service hands to the engine.

Every fact carries the ledger ``seq`` of the entry it comes from (``None``
only for a proposed decision that is being checked and not yet recorded).
"Before" and "after" compare seqs, which the ledger makes monotonic; time
windows compare dates. All fields are keyword-only.

Levels and standards may be given as a mapping ``{"M01": 3, ...}``; they are
stored as sorted ``(code, level)`` pairs plus the level mask the JPM uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple

from rules.errors import CaseError, InvalidInputError
from rules.jpm import Levels, level_mask, level_pairs, level_vector, parse_jpm
from rules.scales import (
    MANAGERIAL_CODES,
    PERFORMANCE_RATINGS,
    PLACEMENT_KINDS,
    POSITION_TYPES,
    VERDICTS,
    golongan_index,
)

_MANAGERIAL_COUNT = len(MANAGERIAL_CODES)
_RANK = attrgetter("rank")
_NIP = attrgetter("nip")


class RankedCandidate(NamedTuple):
    """One line of a vacancy's ranking; ``rank`` and ``jpm`` are None for the unassessed.

    A named tuple rather than a dataclass: a ranking builds thousands of them per check.
    """

    rank: int | None
    nip: str
    jpm: Decimal | None
    potential_category: str | None
    performance_rating: str | None
    managerial_sum: int | None
    assessment_seq: int | None

    def to_json_obj(self) -> dict[str, Any]:
        """Return the entry as plain JSON, the JPM as a string such as "87.50"."""
        return {
            "rank": self.rank,
            "nip": self.nip,
            "jpm": None if self.jpm is None else str(self.jpm),
            "potential_category": self.potential_category,
            "performance_rating": self.performance_rating,
            "managerial_sum": self.managerial_sum,
            "assessment_seq": self.assessment_seq,
        }

    @classmethod
    def from_json_obj(cls, obj: Any) -> RankedCandidate:
        """Rebuild an entry from ``to_json_obj`` output; raise ``InvalidInputError`` if bad."""
        if not isinstance(obj, dict) or set(obj) != set(cls._fields):
            raise InvalidInputError(
                f"ranking entry: expected an object with keys {', '.join(cls._fields)}"
            )
        for name in ("rank", "managerial_sum", "assessment_seq"):
            if obj[name] is not None and type(obj[name]) is not int:
                raise InvalidInputError(f"ranking entry: {name} must be an int or null")
        for name in ("potential_category", "performance_rating"):
            if obj[name] is not None and not isinstance(obj[name], str):
                raise InvalidInputError(f"ranking entry: {name} must be a string or null")
        require_text(obj["nip"], "ranking entry: nip")
        jpm = obj["jpm"]
        if jpm is not None and not isinstance(jpm, str):
            raise InvalidInputError('ranking entry: jpm must be a decimal string such as "87.50"')
        return cls(**{**obj, "jpm": None if jpm is None else parse_jpm(jpm, what="ranking jpm")})


@dataclass(frozen=True, kw_only=True)
class AssessmentFact:
    """A recorded assessment result; a correction names the seq it ``supersedes``."""

    seq: int
    nip: str
    assessed_on: date
    levels: Levels
    potential_category: str
    performance_rating: str | None = None
    supersedes: int | None = None
    level_mask: int = field(init=False, repr=False, compare=False)
    managerial_sum: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"assessment seq {self.seq!r}"
        require_seq(self.seq, where)
        require_text(self.nip, f"{where}: nip")
        require_date(self.assessed_on, f"{where}: assessed_on")
        require_text(self.potential_category, f"{where}: potential_category")
        if self.performance_rating is not None and self.performance_rating not in (
            PERFORMANCE_RATINGS
        ):
            raise InvalidInputError(
                f"{where}: unknown performance rating {self.performance_rating!r}; "
                f"expected one of {', '.join(PERFORMANCE_RATINGS)} or None"
            )
        if self.supersedes is not None:
            require_seq(self.supersedes, f"{where}: supersedes")
            if self.supersedes >= self.seq:
                raise InvalidInputError(
                    f"{where}: a correction must come after the assessment it supersedes "
                    f"(supersedes {self.supersedes})"
                )
        vector = level_vector(self.levels, what=f"{where}: levels")
        object.__setattr__(self, "levels", level_pairs(vector))
        object.__setattr__(self, "level_mask", level_mask(vector))
        object.__setattr__(self, "managerial_sum", sum(vector[:_MANAGERIAL_COUNT]))


@dataclass(frozen=True, kw_only=True)
class PositionFact:
    """A position: its unit, type, minimum golongan and competency standard (SKJ)."""

    code: str
    unit: str
    type: str
    min_rank: str | None
    standard: Levels
    seq: int
    standard_mask: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"position {self.code!r}"
        require_text(self.code, "position code")
        require_text(self.unit, f"{where}: unit")
        require_seq(self.seq, f"{where}: seq")
        if self.type not in POSITION_TYPES:
            raise InvalidInputError(
                f"{where}: unknown position type {self.type!r}; "
                f"expected one of {', '.join(POSITION_TYPES)}"
            )
        if self.min_rank is not None:
            golongan_index(self.min_rank)
        vector = level_vector(self.standard, what=f"{where}: standard")
        object.__setattr__(self, "standard", level_pairs(vector))
        object.__setattr__(self, "standard_mask", level_mask(vector))


@dataclass(frozen=True, kw_only=True)
class VacancyFact:
    """A vacancy for a position and the NIPs of its candidates."""

    id: str
    position_code: str
    candidates: tuple[str, ...]
    opened_on: date
    seq: int

    def __post_init__(self) -> None:
        where = f"vacancy {self.id!r}"
        require_text(self.id, "vacancy id")
        require_text(self.position_code, f"{where}: position_code")
        require_date(self.opened_on, f"{where}: opened_on")
        require_seq(self.seq, f"{where}: seq")
        candidates = tuple(self.candidates)
        if len(set(candidates)) != len(candidates):
            raise InvalidInputError(f"{where}: a candidate NIP is listed twice")
        object.__setattr__(self, "candidates", candidates)

    @cached_property
    def candidate_set(self) -> frozenset[str]:
        """Return the candidates as a set, for membership tests."""
        return frozenset(self.candidates)


@dataclass(frozen=True, kw_only=True)
class RankingFact:
    """A ranking published for a vacancy (entries as built by ``rank_candidates``).

    Entries must be in rank order: ranks 1..n, then the unranked (rank None).
    """

    vacancy_id: str
    entries: tuple[RankedCandidate, ...]
    seq: int
    ranked_count: int = field(init=False, repr=False, compare=False)
    by_nip: Mapping[str, RankedCandidate] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"ranking of vacancy {self.vacancy_id!r}"
        require_text(self.vacancy_id, "ranking vacancy_id")
        require_seq(self.seq, f"{where}: seq")
        entries = tuple(self.entries)
        # C-level passes only: a check endpoint builds rankings of thousands.
        ranks = list(map(_RANK, entries))
        ranked = len(ranks) - ranks.count(None)
        if ranks[:ranked] != list(range(1, ranked + 1)):
            raise InvalidInputError(
                f"{where}: entries must be in rank order 1..n, then the unranked (rank None)"
            )
        by_nip = dict(zip(map(_NIP, entries), entries, strict=True))
        if len(by_nip) != len(entries):
            raise InvalidInputError(f"{where}: a NIP appears in more than one entry")
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "ranked_count", ranked)
        object.__setattr__(self, "by_nip", MappingProxyType(by_nip))


@dataclass(frozen=True, kw_only=True)
class PlacementFact:
    """A placement decision; ``seq`` is None for a proposed decision being checked."""

    seq: int | None
    vacancy_id: str | None
    nip: str
    position_code: str
    unit: str
    from_position: str | None
    decided_on: date
    decided_by: str | None
    kind: str
    approval_reference: str | None = None

    def __post_init__(self) -> None:
        where = f"placement seq {self.seq!r}"
        if self.seq is not None:
            require_seq(self.seq, where)
        require_text(self.nip, f"{where}: nip")
        require_text(self.position_code, f"{where}: position_code")
        require_text(self.unit, f"{where}: unit")
        require_date(self.decided_on, f"{where}: decided_on")
        if self.kind not in PLACEMENT_KINDS:
            raise InvalidInputError(
                f"{where}: unknown kind {self.kind!r}; expected one of {', '.join(PLACEMENT_KINDS)}"
            )


@dataclass(frozen=True, kw_only=True)
class RelationFact:
    """A declared relation (family, business...) between two people, undirected."""

    seq: int
    a: str
    b: str
    kind: str

    def __post_init__(self) -> None:
        require_seq(self.seq, "relation seq")
        require_text(self.a, f"relation seq {self.seq}: a")
        require_text(self.b, f"relation seq {self.seq}: b")
        require_text(self.kind, f"relation seq {self.seq}: kind")
        if self.a == self.b:
            raise InvalidInputError(f"relation seq {self.seq}: relates {self.a!r} to itself")


@dataclass(frozen=True, kw_only=True)
class CheckFact:
    """The recorded answer of an earlier placement check."""

    seq: int
    vacancy_id: str
    nip: str
    verdict: str

    def __post_init__(self) -> None:
        require_seq(self.seq, "check seq")
        if self.verdict not in VERDICTS:
            raise InvalidInputError(
                f"check seq {self.seq}: unknown verdict {self.verdict!r}; "
                f"expected one of {', '.join(VERDICTS)}"
            )


@dataclass(frozen=True, kw_only=True)
class PersonFact:
    """An official's golongan as last recorded."""

    nip: str
    rank: str
    seq: int

    def __post_init__(self) -> None:
        require_text(self.nip, "person nip")
        golongan_index(self.rank)
        require_seq(self.seq, f"person {self.nip}: seq")


@dataclass(frozen=True, kw_only=True)
class PlacementCase:
    """Everything one evaluation needs, gathered by the service from its ledger.

    ``ranking`` is the latest ranking of the vacancy published before the
    decision (None if there is none). ``assessments`` are all of the
    appointee's assessments, corrections included; ``history`` the other
    placements; ``checks`` the earlier placement checks. The constructor
    rejects facts that do not belong together.
    """

    decision: PlacementFact
    position: PositionFact
    vacancy: VacancyFact
    ranking: RankingFact | None
    assessments: tuple[AssessmentFact, ...]
    person: PersonFact
    relations: tuple[RelationFact, ...] = ()
    history: tuple[PlacementFact, ...] = ()
    checks: tuple[CheckFact, ...] = ()

    def __post_init__(self) -> None:
        for name in ("assessments", "relations", "history", "checks"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        decision = self.decision
        _same(decision.position_code, self.position.code, "decision position vs position code")
        _same(decision.unit, self.position.unit, "decision unit vs position unit")
        _same(decision.vacancy_id, self.vacancy.id, "decision vacancy vs vacancy id")
        _same(self.vacancy.position_code, self.position.code, "vacancy position vs position code")
        _same(self.person.nip, decision.nip, "person nip vs appointee nip")
        for placement in self.history:
            if placement.seq is None:
                raise CaseError(
                    f"history placement of {placement.nip} on {placement.decided_on} has no seq; "
                    "only recorded placements belong in the history"
                )
        for assessment in self.assessments:
            _same(assessment.nip, decision.nip, f"assessment seq {assessment.seq} nip vs appointee")
        if self.ranking is not None:
            _same(self.ranking.vacancy_id, self.vacancy.id, "ranking vacancy vs vacancy id")
            if decision.seq is not None and self.ranking.seq >= decision.seq:
                raise CaseError(
                    f"ranking seq {self.ranking.seq} was not published before decision seq "
                    f"{decision.seq}; pass the latest ranking published before the decision"
                )

    @property
    def subject(self) -> dict[str, Any]:
        """Return what the evaluation is about: the decision's seq, or a check's key fields."""
        decision = self.decision
        if decision.seq is not None:
            return {"decision_seq": decision.seq}
        return {
            "vacancy_id": decision.vacancy_id,
            "nip": decision.nip,
            "decided_on": decision.decided_on.isoformat(),
        }


def require_seq(value: object, where: str) -> None:
    """Raise ``InvalidInputError`` unless ``value`` is a ledger seq (an int >= 0)."""
    if type(value) is not int or value < 0:
        raise InvalidInputError(f"{where}: expected a ledger seq (int >= 0), got {value!r}")


def require_date(value: object, where: str) -> None:
    """Raise ``InvalidInputError`` unless ``value`` is a ``date`` (not a datetime)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInputError(f"{where}: expected a datetime.date, got {value!r}")


def require_text(value: object, where: str) -> None:
    """Raise ``InvalidInputError`` unless ``value`` is a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{where}: expected a non-empty string, got {value!r}")


def _same(actual: object, expected: object, what: str) -> None:
    if actual != expected:
        raise CaseError(f"facts do not belong together: {what}: {actual!r} != {expected!r}")
