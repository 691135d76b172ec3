"""The active rule set: which rules run, with which parameters, under which hash.

A rule set is recorded in the ledger as ``to_json_obj()`` whenever it
changes; ``from_json_obj`` rebuilds it for a replay, and ``hash`` (hex
SHA-256 of the RFC 8785 form) ties every finding to the rule set that
produced it. The JSON form holds only ints, strings, lists and objects::

    {"format": "rules.ruleset/1",
     "rules": [{"id": "MERIT-001", "version": 1, "severity": "high",
                "parameters": {"validity_months": 24}}, ...]}

Rules are listed in id order; severity is the catalogue's for that version
and is recorded so the JSON reads on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.catalog import CATALOG, RuleSpec, get_spec
from rules.errors import InvalidInputError, RuleSetError
from rules.jsonvalues import canonical_sha256, check_plain_json, freeze, thaw
from rules.parameters import check_parameters

FORMAT = "rules.ruleset/1"
_RULE_KEYS = frozenset({"id", "version", "severity", "parameters"})


@dataclass(frozen=True)
class ActiveRule:
    """A catalogue rule with the parameter values in force."""

    spec: RuleSpec
    parameters: Mapping[str, Any]

    def __post_init__(self) -> None:
        _check_plain(self.parameters, f"{self.spec.id} parameters")
        check_parameters(self.spec.id, self.spec.parameter_kinds, self.parameters)
        object.__setattr__(self, "parameters", freeze(self.parameters))

    @property
    def id(self) -> str:
        """Return the rule id, e.g. "MERIT-002"."""
        return self.spec.id

    def to_json_obj(self) -> dict[str, Any]:
        """Return the rule's entry of the rule set's JSON form."""
        return {
            "id": self.spec.id,
            "version": self.spec.version,
            "severity": self.spec.severity,
            "parameters": thaw(self.parameters),
        }


@dataclass(frozen=True)
class RuleSet:
    """The rules that run, in id order, and the hash that identifies them."""

    rules: tuple[ActiveRule, ...]
    hash: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        rules = tuple(sorted(self.rules, key=lambda rule: rule.id))
        ids = [rule.id for rule in rules]
        duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if duplicates:
            raise RuleSetError(f"rule {', '.join(duplicates)} is listed more than once")
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "hash", canonical_sha256(self.to_json_obj()))

    @classmethod
    def default(cls) -> RuleSet:
        """Return every catalogue rule with its default parameters."""
        return cls(tuple(ActiveRule(spec, spec.parameters) for spec in CATALOG))

    def __iter__(self) -> Iterator[ActiveRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def ids(self) -> tuple[str, ...]:
        """Return the ids of the active rules, in order."""
        return tuple(rule.id for rule in self.rules)

    def rule(self, rule_id: str) -> ActiveRule:
        """Return the active rule ``rule_id``; raise ``RuleSetError`` if it is not active."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise RuleSetError(
            f"rule {rule_id!r} is not in the rule set; active: {', '.join(self.ids) or 'none'}"
        )

    def with_parameters(self, overrides: Mapping[str, Mapping[str, Any]]) -> RuleSet:
        """Return a copy with some parameters changed, e.g. {"MERIT-006": {"min_jpm": 80}}."""
        if not isinstance(overrides, Mapping):
            raise RuleSetError("parameter overrides must map rule ids to {parameter: value}")
        changed = {}
        for rule_id, values in overrides.items():
            rule = self.rule(rule_id)
            if not isinstance(values, Mapping):
                raise RuleSetError(f"{rule_id}: overrides must be an object {{parameter: value}}")
            unknown = sorted(set(values) - set(rule.spec.parameter_kinds))
            if unknown:
                known = ", ".join(sorted(rule.spec.parameter_kinds)) or "none"
                raise RuleSetError(
                    f"{rule_id}: unknown parameter {', '.join(unknown)}; known: {known}"
                )
            changed[rule_id] = ActiveRule(rule.spec, {**thaw(rule.parameters), **values})
        return RuleSet(tuple(changed.get(rule.id, rule) for rule in self.rules))

    def without(self, *rule_ids: str) -> RuleSet:
        """Return a copy without the given rules."""
        for rule_id in rule_ids:
            self.rule(rule_id)
        return RuleSet(tuple(rule for rule in self.rules if rule.id not in rule_ids))

    def to_json_obj(self) -> dict[str, Any]:
        """Return the rule set as plain JSON (ints, strings, lists, objects; no floats)."""
        return {"format": FORMAT, "rules": [rule.to_json_obj() for rule in self.rules]}

    @classmethod
    def from_json_obj(cls, obj: Any) -> RuleSet:
        """Rebuild a rule set from ``to_json_obj`` output; raise ``RuleSetError`` if invalid."""
        if not isinstance(obj, Mapping) or set(obj) != {"format", "rules"}:
            raise RuleSetError('rule set: expected an object with keys "format" and "rules"')
        if obj["format"] != FORMAT:
            raise RuleSetError(f"rule set: unsupported format {obj['format']!r}; expected {FORMAT}")
        if not isinstance(obj["rules"], list):
            raise RuleSetError('rule set: "rules" must be a list')
        return cls(tuple(_active_rule_from_json(item, i) for i, item in enumerate(obj["rules"])))

    def describe(self) -> list[dict[str, Any]]:
        """Return one plain row per rule (id, version, severity, titles, parameters)."""
        return [
            {
                "id": rule.id,
                "version": rule.spec.version,
                "severity": rule.spec.severity,
                "title_id": rule.spec.title_id,
                "title_en": rule.spec.title_en,
                "parameters": thaw(rule.parameters),
            }
            for rule in self.rules
        ]

    def listing(self, language: str = "id") -> str:
        """Return a text table of the rules, titles in "id" (Indonesian) or "en"."""
        if language not in ("id", "en"):
            raise RuleSetError(f'listing language must be "id" or "en", got {language!r}')
        lines = [f"rule set {self.hash}"]
        for row in self.describe():
            parameters = " ".join(
                f"{name}={json.dumps(value, ensure_ascii=False)}"
                for name, value in row["parameters"].items()
            )
            title = row[f"title_{language}"]
            lines.append(
                f"{row['id']} v{row['version']} {row['severity']:<8} {title}"
                + (f" [{parameters}]" if parameters else "")
            )
        return "\n".join(lines) + "\n"


def _active_rule_from_json(item: Any, index: int) -> ActiveRule:
    where = f"rule set: rules[{index}]"
    if not isinstance(item, Mapping) or set(item) != _RULE_KEYS:
        raise RuleSetError(f"{where}: expected an object with keys {', '.join(sorted(_RULE_KEYS))}")
    if type(item["version"]) is not int:
        raise RuleSetError(f"{where}: version must be an int")
    spec = get_spec(item["id"], item["version"])
    if item["severity"] != spec.severity:
        raise RuleSetError(
            f"{where}: severity of {spec.id} v{spec.version} is {spec.severity!r}, "
            f"not {item['severity']!r}; a different severity needs a new rule version"
        )
    if not isinstance(item["parameters"], Mapping):
        raise RuleSetError(f"{where}: parameters must be an object")
    return ActiveRule(spec, item["parameters"])


def _check_plain(value: Any, where: str) -> None:
    try:
        check_plain_json(thaw(value), where)
    except InvalidInputError as error:
        raise RuleSetError(str(error)) from None
