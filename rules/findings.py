"""Findings: what a rule found, with its evidence, explanation and a replayable id.

A check returns a ``Hit`` (or None); the engine turns it into a ``Finding``
bound to the rule, its version, the rule-set hash and the subject. The
finding id is "F-" + the first 16 hex digits of SHA-256 over the RFC 8785
form of {rule_id, rule_version, ruleset_hash, subject, evidence_seqs}, so
replaying the same facts under the same rule set gives the same id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785

from rules.errors import InvalidInputError
from rules.jsonvalues import check_plain_json, freeze, thaw
from rules.scales import SEVERITIES

_FINDING_KEYS = (
    "finding_id",
    "rule_id",
    "rule_version",
    "ruleset_hash",
    "subject",
    "severity",
    "evidence_seqs",
    "evidence",
    "message_id",
    "message_en",
)


@dataclass(frozen=True)
class Hit:
    """A check's result before the engine binds it to a rule; ``severity`` None = the rule's."""

    evidence_seqs: Iterable[int | None]
    evidence: Mapping[str, Any]
    message_id: str
    message_en: str
    severity: str | None = None


@dataclass(frozen=True, kw_only=True)
class Finding:
    """A rule's finding about one decision or check, ready to store and to replay.

    ``subject`` and ``evidence`` are read-only (lists become tuples);
    ``to_json_obj()`` gives them back as plain JSON.
    """

    finding_id: str
    rule_id: str
    rule_version: int
    ruleset_hash: str
    subject: Mapping[str, Any]
    severity: str
    evidence_seqs: tuple[int, ...]
    evidence: Mapping[str, Any]
    message_id: str
    message_en: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise InvalidInputError(
                f"finding {self.finding_id}: unknown severity {self.severity!r}; "
                f"expected one of {', '.join(SEVERITIES)}"
            )
        check_plain_json(self.evidence, f"finding {self.finding_id} evidence")
        object.__setattr__(self, "subject", freeze(self.subject))
        object.__setattr__(self, "evidence", freeze(self.evidence))

    @classmethod
    def from_hit(
        cls,
        hit: Hit,
        *,
        rule_id: str,
        rule_version: int,
        default_severity: str,
        ruleset_hash: str,
        subject: Mapping[str, Any],
    ) -> Finding:
        """Return the finding for a check's ``hit``, with its deterministic id."""
        evidence_seqs = tuple(sorted({seq for seq in hit.evidence_seqs if seq is not None}))
        return cls(
            finding_id=finding_id(
                rule_id=rule_id,
                rule_version=rule_version,
                ruleset_hash=ruleset_hash,
                subject=subject,
                evidence_seqs=evidence_seqs,
            ),
            rule_id=rule_id,
            rule_version=rule_version,
            ruleset_hash=ruleset_hash,
            subject=subject,
            severity=hit.severity or default_severity,
            evidence_seqs=evidence_seqs,
            evidence=hit.evidence,
            message_id=hit.message_id,
            message_en=hit.message_en,
        )

    def to_json_obj(self) -> dict[str, Any]:
        """Return the finding as plain JSON (no floats)."""
        obj = {key: thaw(getattr(self, key)) for key in _FINDING_KEYS}
        obj["evidence_seqs"] = list(self.evidence_seqs)
        return obj

    @classmethod
    def from_json_obj(cls, obj: Any) -> Finding:
        """Rebuild a finding; raise ``InvalidInputError`` if malformed or its id does not match."""
        if not isinstance(obj, Mapping) or set(obj) != set(_FINDING_KEYS):
            raise InvalidInputError(
                f"finding: expected an object with keys {', '.join(_FINDING_KEYS)}"
            )
        seqs = obj["evidence_seqs"]
        if not isinstance(seqs, list) or not all(type(seq) is int for seq in seqs):
            raise InvalidInputError("finding: evidence_seqs must be a list of ints")
        if seqs != sorted(set(seqs)):
            raise InvalidInputError("finding: evidence_seqs must be sorted and distinct")
        for key in ("finding_id", "rule_id", "ruleset_hash", "message_id", "message_en"):
            if not isinstance(obj[key], str):
                raise InvalidInputError(f"finding: {key} must be a string")
        if type(obj["rule_version"]) is not int:
            raise InvalidInputError("finding: rule_version must be an int")
        for key in ("subject", "evidence"):
            if not isinstance(obj[key], Mapping):
                raise InvalidInputError(f"finding: {key} must be an object")
        finding = cls(**{**obj, "evidence_seqs": tuple(seqs)})
        expected = finding_id(
            rule_id=finding.rule_id,
            rule_version=finding.rule_version,
            ruleset_hash=finding.ruleset_hash,
            subject=finding.subject,
            evidence_seqs=finding.evidence_seqs,
        )
        if finding.finding_id != expected:
            raise InvalidInputError(
                f"finding {finding.finding_id}: id does not match its content (expected {expected})"
            )
        return finding


def finding_id(
    *,
    rule_id: str,
    rule_version: int,
    ruleset_hash: str,
    subject: Mapping[str, Any],
    evidence_seqs: tuple[int, ...],
) -> str:
    """Return "F-" + 16 hex digits identifying a finding's rule, rule set, subject and evidence."""
    material = {
        "rule_id": rule_id,
        "rule_version": rule_version,
        "ruleset_hash": ruleset_hash,
        "subject": thaw(subject),
        "evidence_seqs": list(evidence_seqs),
    }
    return "F-" + hashlib.sha256(rfc8785.dumps(material)).hexdigest()[:16]
