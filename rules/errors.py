"""Errors raised by the rules package.

Every error is a ``RulesError``; the ones about bad input are also
``ValueError`` so callers that only know the standard library can catch them.
Messages say what was wrong, where, and what to do.
"""

from __future__ import annotations


class RulesError(Exception):
    """Base class of every error raised by the rules package."""


class InvalidInputError(RulesError, ValueError):
    """A value handed to the rules package is malformed (a level, a code, a date...)."""


class CaseError(InvalidInputError):
    """The facts of a placement case do not fit together (wrong vacancy, wrong NIP...)."""


class RuleSetError(RulesError, ValueError):
    """A rule set or a parameter override is invalid (unknown rule, unknown parameter, bad type)."""
