"""Job Person Match (JPM): a person's competency levels against a position's standard.

JPM = 100 * sum over the standard's competencies of min(person level, standard
level) / sum of the standard levels, rounded half up to 2 decimals. A
competency the person was not assessed on counts 0. Results are ``Decimal``
values quantized to 0.01 (the ledger stores them as strings such as "87.50"),
computed with integer arithmetic so no decimal context can change them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from rules.errors import InvalidInputError
from rules.scales import COMPETENCY_CODES, COMPETENCY_INDEX, MAX_LEVEL, MIN_LEVEL

Levels: TypeAlias = Mapping[str, int] | Iterable[tuple[str, int]]

# (band name, lowest JPM in the band), best band first; the last band starts at 0.
DEFAULT_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("optimal", Decimal("90")),
    ("cukup optimal", Decimal("78")),
    ("kurang optimal", Decimal("0")),
)
_HUNDRED = Decimal(100)


def level_vector(levels: Levels, *, what: str = "levels") -> tuple[int, ...]:
    """Return the levels as a tuple over ``COMPETENCY_CODES`` (0 where a code is absent)."""
    items = levels.items() if isinstance(levels, Mapping) else levels
    vector = [0] * len(COMPETENCY_CODES)
    for code, level in items:
        index = COMPETENCY_INDEX.get(code)
        if index is None:
            raise InvalidInputError(
                f"{what}: unknown competency code {code!r}; "
                f"expected one of {', '.join(COMPETENCY_CODES)}"
            )
        if type(level) is not int or not MIN_LEVEL <= level <= MAX_LEVEL:
            raise InvalidInputError(
                f"{what}: level of {code} must be an int from {MIN_LEVEL} to {MAX_LEVEL}, "
                f"got {level!r}"
            )
        if vector[index]:
            raise InvalidInputError(f"{what}: competency {code} is given twice")
        vector[index] = level
    return tuple(vector)


def level_pairs(vector: Sequence[int]) -> tuple[tuple[str, int], ...]:
    """Return the (code, level) pairs of a level vector, skipping absent codes."""
    pairs = zip(COMPETENCY_CODES, vector, strict=True)
    return tuple((code, level) for code, level in pairs if level)


def jpm_hundredths(matched: int, required: int) -> int:
    """Return round-half-up(10000 * matched / required): the JPM in hundredths of a percent."""
    return (20000 * matched + required) // (2 * required)


def jpm_from_hundredths(hundredths: int) -> Decimal:
    """Return the JPM Decimal, quantized to 0.01, for a value in hundredths."""
    return Decimal(f"{hundredths // 100}.{hundredths % 100:02d}")


def level_mask(vector: Sequence[int]) -> int:
    """Pack a level vector in unary, ``MAX_LEVEL`` bits per competency.

    Level 3 is 0b00111 in its field, so popcount(person & standard) is the sum
    of min(person level, standard level): the JPM numerator in two C-level
    operations, which keeps ranking thousands of candidates cheap.
    """
    mask = 0
    for index, level in enumerate(vector):
        mask |= ((1 << level) - 1) << (index * MAX_LEVEL)
    return mask


def job_person_match(levels: Levels, standard: Levels) -> Decimal:
    """Return the JPM of ``levels`` against the position's ``standard``, e.g. Decimal("87.50")."""
    person = level_mask(level_vector(levels, what="person levels"))
    required = level_mask(level_vector(standard, what="position standard"))
    return jpm_of_masks(person, required)


def jpm_of_masks(person_mask: int, standard_mask: int) -> Decimal:
    """Return the JPM of two level masks (see ``level_mask``)."""
    total = standard_mask.bit_count()
    if total == 0:
        raise InvalidInputError("position standard: at least one competency level is required")
    matched = (person_mask & standard_mask).bit_count()
    return jpm_from_hundredths(jpm_hundredths(matched, total))


def parse_jpm(value: Decimal | int | str, *, what: str = "JPM") -> Decimal:
    """Return a JPM given as Decimal, int or decimal string ("77.50"), checked to 0..100."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInputError(
            f'{what}: expected a Decimal, an int or a decimal string such as "77.50", got {value!r}'
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInputError(f"{what}: {value!r} is not a decimal number") from None
    if not number.is_finite() or not 0 <= number <= _HUNDRED:
        raise InvalidInputError(f"{what}: must be between 0 and 100, got {value!r}")
    if number != number.quantize(Decimal("0.01")):
        raise InvalidInputError(f"{what}: at most 2 decimal places, got {value!r}")
    return number


def jpm_band(jpm: Decimal | int | str, bands: Sequence[tuple[str, Decimal]] = DEFAULT_BANDS) -> str:
    """Return the name of the band ``jpm`` falls in (the first whose lower bound it reaches)."""
    check_bands(bands)
    value = parse_jpm(jpm)
    # check_bands guarantees the last band starts at 0, so a band always matches.
    return next(name for name, lower in bands if value >= Decimal(lower))


def check_bands(bands: Sequence[tuple[str, Decimal]]) -> None:
    """Raise ``InvalidInputError`` unless bands are named, strictly descending, and end at 0."""
    if not bands:
        raise InvalidInputError("JPM bands: at least one band is required")
    previous: Decimal | None = None
    for position, band in enumerate(bands):
        if len(band) != 2 or not isinstance(band[0], str) or not band[0]:
            raise InvalidInputError(f"JPM bands[{position}]: expected (name, lower bound)")
        lower = parse_jpm(band[1], what=f"JPM bands[{position}] lower bound")
        if previous is not None and lower >= previous:
            raise InvalidInputError(
                "JPM bands: lower bounds must be strictly descending (best band first)"
            )
        previous = lower
    if previous != 0:
        raise InvalidInputError("JPM bands: the last band must start at 0")
