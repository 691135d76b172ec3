"""Vacancies, placement decisions and assessment corrections, validated from JSON.

Like the other domain parsers: every problem of a body is reported at once,
each naming its field, in a `ValidationReport`. Whether the position, vacancy
or corrected assessment exists is the write path's question, not this one's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .assessments import AssessmentResult, parse_assessment_mapping
from .checking import FieldChecks, object_checks
from .errors import NO_VALUE, FieldError, Problem, ValidationReport, json_type_name
from .fields import check_no_control_characters, is_blank, parse_past_date, parse_text
from .nip import Nip, parse_nip
from .positions import parse_position_code
from .vocabulary import DEFAULT_POTENTIAL_SCHEME, Vocabulary

MAX_CANDIDATES = 5000
LONG_TEXT_MAX_LENGTH = 4000
DECISION_MAKER_MAX_LENGTH = 64
EARLIEST_DECISION_DATE = date(1900, 1, 1)  # the rules look back up to years from a decision

VACANCY_FIELDS: tuple[str, ...] = ("position", "candidates", "opened_on")
PLACEMENT_FIELDS: tuple[str, ...] = (
    "vacancy",
    "nip",
    "decree_number",
    "decided_on",
    "decided_by",
    "kind",
    "justification",
    "approval_reference",
)
CORRECTION_FIELDS: tuple[str, ...] = ("supersedes", "reason", "result")

PLACEMENT_KINDS = Vocabulary(
    "placement kind",
    ("promotion", "rotation", "acting", "definitive"),
    aliases={
        "promosi": "promotion",
        "rotasi": "rotation",
        "plt": "acting",
        "definitif": "definitive",
    },
)
"""Kinds of placement; "acting" is an acting official (Pelaksana tugas, Plt)."""

_NIP_LIKE = re.compile(r"[0-9 ]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class VacancyRequest:
    """A vacancy to open: the position's code, the candidates' NIPs and the opening date."""

    position: str
    candidates: tuple[str, ...]
    opened_on: date


@dataclass(frozen=True)
class PlacementDecision:
    """A placement decision (SK) as BKPSDM reports it."""

    vacancy: str
    nip: Nip
    decree_number: str
    decided_on: date
    decided_by: str
    kind: str
    justification: str | None
    approval_reference: str | None

    def to_json_obj(self) -> dict[str, Any]:
        """Return the decision as plain JSON types, as the write path records it."""
        return {
            "vacancy": self.vacancy,
            "nip": self.nip.value,
            "decree_number": self.decree_number,
            "decided_on": self.decided_on.isoformat(),
            "decided_by": self.decided_by,
            "kind": self.kind,
            "justification": self.justification,
            "approval_reference": self.approval_reference,
        }


@dataclass(frozen=True)
class CorrectionRequest:
    """A corrected assessment result replacing the one recorded at ``supersedes``."""

    supersedes: int
    reason: str
    result: AssessmentResult


def parse_long_text(value: object, *, field: str, max_length: int = LONG_TEXT_MAX_LENGTH) -> str:
    """Return required free text that may hold line breaks, each line tidied like `parse_text`."""
    if not isinstance(value, str):
        return parse_text(value, field=field)  # raises the usual "required" / type error
    lines = value.replace("\r\n", "\n").split("\n")
    for line in lines:
        check_no_control_characters(line, field=field)
    text = "\n".join(" ".join(line.split()) for line in lines).strip("\n")
    if not text.strip():
        raise FieldError(field, value, "is required and must not be empty")
    if len(text) > max_length:
        raise FieldError(
            field, value, f"is too long: {len(text)} characters, at most {max_length} allowed"
        )
    return text


def _parse_identifier(value: object, *, field: str) -> str:
    return parse_position_code(value, field=field)


def _parse_candidates(value: object, checks: FieldChecks, *, today: date) -> tuple[str, ...]:
    if not isinstance(value, list):
        got = "nothing" if value is None else json_type_name(value)
        checks.fail(FieldError("candidates", NO_VALUE, f"expected an array of NIPs, got {got}"))
        return ()
    if not 1 <= len(value) <= MAX_CANDIDATES:
        checks.fail(
            FieldError(
                "candidates",
                NO_VALUE,
                f"has {len(value)} NIPs; a vacancy needs 1 to {MAX_CANDIDATES} candidates",
            )
        )
        return ()
    first_at: dict[str, int] = {}
    for position, raw in enumerate(value):
        field = f"candidates[{position}]"
        nip = checks.take(lambda raw=raw, field=field: parse_nip(raw, today=today, field=field))
        if nip is None:
            continue
        earlier = first_at.setdefault(nip.value, position)
        if earlier != position:
            checks.fail(
                FieldError(field, raw, f"duplicate: the same NIP is already candidates[{earlier}]")
            )
    return tuple(first_at)


def parse_vacancy_mapping(obj: object, *, today: date) -> VacancyRequest:
    """Validate a vacancy body; raise `ValidationReport` listing every problem."""
    checks = object_checks(obj, VACANCY_FIELDS)
    assert isinstance(obj, Mapping)
    position = checks.take(lambda: _parse_identifier(obj.get("position"), field="position"))
    candidates = _parse_candidates(obj.get("candidates"), checks, today=today)
    opened_on = checks.take(
        lambda: parse_past_date(obj.get("opened_on"), field="opened_on", today=today)
    )
    checks.raise_if_any()
    assert position is not None and opened_on is not None
    return VacancyRequest(position, candidates, opened_on)


def _not_too_early(day: date, value: object, *, field: str) -> date:
    """Return a decision date; refuse one before 1900, a typo the rules' windows cannot use."""
    if day < EARLIEST_DECISION_DATE:
        raise FieldError(
            field, value, f"date {day} is before {EARLIEST_DECISION_DATE}: check the year"
        )
    return day


def _parse_decision_maker(value: object, *, today: date) -> str:
    """Return the decision maker: a NIP (checked, compacted) or another short identifier."""
    text = parse_text(value, field="decided_by", max_length=DECISION_MAKER_MAX_LENGTH)
    if _NIP_LIKE.fullmatch(text):
        return parse_nip(text, today=today, field="decided_by").value
    return text


def _parse_optional_text(value: object, *, field: str) -> str | None:
    return None if is_blank(value) else parse_text(value, field=field)


def parse_placement_mapping(obj: object, *, today: date) -> PlacementDecision:
    """Validate a placement decision body; raise `ValidationReport` listing every problem."""
    checks = object_checks(obj, PLACEMENT_FIELDS)
    assert isinstance(obj, Mapping)
    take = checks.take
    vacancy = take(lambda: _parse_identifier(obj.get("vacancy"), field="vacancy"))
    nip = take(lambda: parse_nip(obj.get("nip"), today=today))
    decree = take(lambda: parse_text(obj.get("decree_number"), field="decree_number"))
    decided_on = take(
        lambda: _not_too_early(
            parse_past_date(obj.get("decided_on"), field="decided_on", today=today),
            obj.get("decided_on"),
            field="decided_on",
        )
    )
    decided_by = take(lambda: _parse_decision_maker(obj.get("decided_by"), today=today))
    kind = take(lambda: PLACEMENT_KINDS.require(obj.get("kind"), field="kind"))
    # Optional here: the rules decide whether this decision needs one (a deviation does).
    justification = take(
        lambda: (
            None
            if is_blank(obj.get("justification"))
            else parse_long_text(obj.get("justification"), field="justification")
        )
    )
    approval = take(
        lambda: _parse_optional_text(obj.get("approval_reference"), field="approval_reference")
    )
    checks.raise_if_any()
    assert vacancy and nip and decree and decided_on and decided_by and kind
    return PlacementDecision(
        vacancy, nip, decree, decided_on, decided_by, kind, justification, approval
    )


def _parse_seq(value: object, *, field: str) -> int:
    if value is None:
        raise FieldError(field, value, "is required: the seq of the assessment entry to correct")
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldError(field, value, f"expected an integer seq, got {json_type_name(value)}")
    if not 0 <= value < 2**63:
        raise FieldError(field, value, "a seq is a whole number from 0")
    return value


def parse_correction_mapping(
    obj: object, *, today: date, scheme: Vocabulary = DEFAULT_POTENTIAL_SCHEME
) -> CorrectionRequest:
    """Validate a correction body; problems of the result are placed at ``result.<field>``."""
    checks = object_checks(obj, CORRECTION_FIELDS)
    assert isinstance(obj, Mapping)
    supersedes = checks.take(lambda: _parse_seq(obj.get("supersedes"), field="supersedes"))
    reason = checks.take(lambda: parse_long_text(obj.get("reason"), field="reason"))
    problems: list[Problem] = []
    result: AssessmentResult | None = None
    if obj.get("result") is None:
        checks.fail(FieldError("result", NO_VALUE, "is required: the corrected assessment result"))
    else:
        try:
            result = parse_assessment_mapping(obj["result"], index=0, scheme=scheme, today=today)
        except ValidationReport as report:
            problems = [_inside_result(problem) for problem in report.problems]
    if checks.errors or problems:
        own = [Problem.from_field_error(error) for error in checks.errors]
        raise ValidationReport([*own, *problems])
    assert supersedes is not None and reason is not None and result is not None
    return CorrectionRequest(supersedes, reason, result)


def _inside_result(problem: Problem) -> Problem:
    field = "result" if problem.field is None else f"result.{problem.field}"
    return replace(problem, index=None, field=field)


CHECK_FIELDS: tuple[str, ...] = (
    "vacancy",
    "nip",
    "decided_by",
    "decided_on",
    "kind",
    "approval_reference",
)
"""Fields of a placement check request."""


def _parse_any_date(value: object, *, field: str) -> date:
    """Return an ISO date, past or future (a check may be asked before the planned date)."""
    if not isinstance(value, str):
        raise FieldError(field, value, "is required: a date YYYY-MM-DD")
    try:
        if _ISO_DATE.fullmatch(value):
            return _not_too_early(date.fromisoformat(value), value, field=field)
    except ValueError:
        pass
    raise FieldError(field, value, "is not a real date in the form YYYY-MM-DD")


def parse_check_mapping(obj: object, *, today: date) -> dict[str, Any]:
    """Validate a placement check body; return the decision fields the rules evaluate."""
    checks = object_checks(obj, CHECK_FIELDS)
    assert isinstance(obj, Mapping)
    take = checks.take
    vacancy = take(lambda: _parse_identifier(obj.get("vacancy"), field="vacancy"))
    nip = take(lambda: parse_nip(obj.get("nip"), today=today))
    decided_on = take(lambda: _parse_any_date(obj.get("decided_on"), field="decided_on"))
    decided_by = take(lambda: _parse_decision_maker(obj.get("decided_by"), today=today))
    kind = take(
        lambda: (
            "definitive"
            if is_blank(obj.get("kind"))
            else PLACEMENT_KINDS.require(obj.get("kind"), field="kind")
        )
    )
    approval = take(
        lambda: _parse_optional_text(obj.get("approval_reference"), field="approval_reference")
    )
    checks.raise_if_any()
    assert nip is not None and decided_on is not None
    return {
        "vacancy": vacancy,
        "nip": nip.value,
        "decided_on": decided_on.isoformat(),
        "decided_by": decided_by,
        "kind": kind,
        "approval_reference": approval,
    }
