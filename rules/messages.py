"""Small helpers to write findings' explanations in Indonesian and English."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def ordinal_en(number: int) -> str:
    """Return "1st", "2nd", "3rd", "4th", "11th", "21st"..."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def join_en(items: Iterable[str]) -> str:
    """Return "a", "a and b", "a, b and c"."""
    return _join(list(items), "and")


def join_id(items: Iterable[str]) -> str:
    """Return "a", "a dan b", "a, b dan c"."""
    return _join(list(items), "dan")


def plural_en(count: int, noun: str) -> str:
    """Return "1 candidate", "2 candidates"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def category_counts(counts: Mapping[str, int], *, language: str) -> str:
    """Return "2 Sangat Potensial and 4 Potensial" (or with "dan")."""
    parts = [f"{count} {category}" for category, count in counts.items()]
    return join_en(parts) if language == "en" else join_id(parts)


def _join(items: list[str], conjunction: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
