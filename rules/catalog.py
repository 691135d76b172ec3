"""The rule catalogue: every rule as data (id, version, titles, severity, parameters).

Code in the checks modules interprets each (id, version); changing what a
rule means, or its severity, is a new version. Default severities:

============  ========  ==============================================
rule          severity  why
============  ========  ==============================================
MERIT-001     high      placement without a valid assessment
MERIT-002     high      appointee outside the top k of the ranking
MERIT-003     critical  appointee was not even a candidate
MERIT-004     high      no ranking published before the decision
MERIT-005     high      category below the floor; critical when candidates
                        of a higher category were passed over
MERIT-006     medium    low job match: needs a written justification
MERIT-007     high      a score was changed after the ranking/decision
MERIT-008     high      golongan below the position's minimum
MERIT-009     critical  conflict of interest of the decision maker
MERIT-010     high      rotation ring (positions swapped in a cycle)
MERIT-011     medium    mass reshuffle; high for a placement in the first
                        months after the regent's inauguration without the
                        approval UU 10/2016 art. 162(3) requires
MERIT-012     medium    promoted again within a short time
MERIT-013     critical  decision recorded over a "violation" check
============  ========  ==============================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from rules.errors import RuleSetError
from rules.jsonvalues import check_plain_json, freeze, thaw
from rules.parameters import PARAMETER_KINDS, check_parameters
from rules.scales import DEFAULT_POTENTIAL_CATEGORIES, SEVERITIES


@dataclass(frozen=True)
class RuleSpec:
    """One rule as data: parameters hold the defaults, ``parameter_kinds`` their kinds."""

    id: str
    version: int
    title_id: str
    title_en: str
    severity: str
    parameters: Mapping[str, Any]
    parameter_kinds: Mapping[str, str]

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise RuleSetError(f"{self.id}: unknown severity {self.severity!r}")
        for kind in self.parameter_kinds.values():
            if kind not in PARAMETER_KINDS:
                raise RuleSetError(f"{self.id}: unknown parameter kind {kind!r}")
        check_plain_json(thaw(self.parameters), f"{self.id} parameters")
        check_parameters(self.id, self.parameter_kinds, self.parameters)
        object.__setattr__(self, "parameters", freeze(self.parameters))
        object.__setattr__(self, "parameter_kinds", MappingProxyType(dict(self.parameter_kinds)))

    @property
    def key(self) -> tuple[str, int]:
        """Return (id, version), which names the code that interprets the rule."""
        return (self.id, self.version)


def _spec(
    rule_id: str,
    title_id: str,
    title_en: str,
    severity: str,
    **parameters: tuple[str, Any],
) -> RuleSpec:
    return RuleSpec(
        id=rule_id,
        version=1,
        title_id=title_id,
        title_en=title_en,
        severity=severity,
        parameters={name: default for name, (_, default) in parameters.items()},
        parameter_kinds={name: kind for name, (kind, _) in parameters.items()},
    )


CATALOG: tuple[RuleSpec, ...] = (
    _spec(
        "MERIT-001",
        "Pejabat yang diangkat tidak memiliki hasil asesmen yang berlaku",
        "Appointee has no valid assessment",
        "high",
        validity_months=("positive_int", 24),
    ),
    _spec(
        "MERIT-002",
        "Pejabat yang diangkat di luar peringkat teratas",
        "Appointee outside the top of the ranking",
        "high",
        k=("positive_int", 3),
    ),
    _spec(
        "MERIT-003",
        "Pejabat yang diangkat bukan kandidat lowongan",
        "Appointee is not a candidate for the vacancy",
        "critical",
    ),
    _spec(
        "MERIT-004",
        "Tidak ada peringkat yang diumumkan sebelum keputusan",
        "No ranking published before the decision",
        "high",
    ),
    _spec(
        "MERIT-005",
        "Kategori potensi di bawah batas minimum jenis jabatan",
        "Potential category below the floor for the position type",
        "high",
        categories=("category_list", list(DEFAULT_POTENTIAL_CATEGORIES)),
        floors=(
            "category_floors",
            {
                "jpt_pratama": "Potensial",
                "administrator": "Potensial",
                "pengawas": "Cukup Potensial",
            },
        ),
    ),
    _spec(
        "MERIT-006",
        "Job Person Match rendah untuk jabatan",
        "Low job person match for the position",
        "medium",
        min_jpm=("jpm", 78),
    ),
    _spec(
        "MERIT-007",
        "Nilai asesmen diubah setelah peringkat diumumkan atau keputusan dibuat",
        "Assessment score changed after the ranking or the decision",
        "high",
    ),
    _spec(
        "MERIT-008",
        "Pangkat/golongan di bawah syarat minimum jabatan",
        "Rank (golongan) below the position's minimum",
        "high",
    ),
    _spec(
        "MERIT-009",
        "Konflik kepentingan pejabat yang memutuskan",
        "Conflict of interest of the decision maker",
        "critical",
        max_hops=("positive_int", 2),
    ),
    _spec(
        "MERIT-010",
        "Rotasi melingkar (saling bertukar jabatan)",
        "Rotation ring (people taking each other's positions)",
        "high",
        window_days=("positive_int", 180),
    ),
    _spec(
        "MERIT-011",
        "Mutasi massal dalam satu unit kerja",
        "Mass reshuffle in one unit",
        "medium",
        max_placements=("positive_int", 10),
        window_days=("positive_int", 30),
        inauguration_months=("positive_int", 6),
        inauguration_date=("optional_date", None),
    ),
    _spec(
        "MERIT-012",
        "Promosi berulang dalam waktu singkat",
        "Rapid repromotion",
        "medium",
        months=("positive_int", 12),
    ),
    _spec(
        "MERIT-013",
        "Keputusan dicatat meskipun pemeriksaan menyatakan pelanggaran",
        "Decision recorded although the placement check found a violation",
        "critical",
    ),
)

SPECS: Mapping[tuple[str, int], RuleSpec] = MappingProxyType({spec.key: spec for spec in CATALOG})


def get_spec(rule_id: str, version: int) -> RuleSpec:
    """Return the catalogue entry for (rule_id, version); raise ``RuleSetError`` if unknown."""
    try:
        return SPECS[(rule_id, version)]
    except (KeyError, TypeError):
        known = ", ".join(f"{spec.id} v{spec.version}" for spec in CATALOG)
        raise RuleSetError(
            f"unknown rule {rule_id!r} version {version!r}; known: {known}"
        ) from None
