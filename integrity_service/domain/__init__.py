"""Domain vocabulary and input validation, shared by the CSV import and the JSON API.

Pure Python (standard library only): no Flask, no SQLAlchemy.
"""

from .assessments import (
    ASSESSMENT_FIELDS,
    AssessmentResult,
    parse_assessment_batch,
    parse_assessment_mapping,
    parse_assessment_row,
)
from .csvfile import ASSESSMENT_COLUMNS, POSITION_COLUMNS, read_assessments_csv, read_positions_csv
from .errors import DomainError, FieldError, Problem, ValidationReport, show_value
from .nip import Gender, Nip, parse_nip
from .positions import (
    POSITION_FIELDS,
    PositionSpec,
    parse_position_batch,
    parse_position_mapping,
    parse_position_row,
)
from .vocabulary import (
    COMPETENCY_CODES,
    DEFAULT_POTENTIAL_SCHEME,
    PERFORMANCE_RATINGS,
    POSITION_TYPES,
    RANKS,
    Vocabulary,
    potential_scheme,
)

__all__ = [
    "ASSESSMENT_COLUMNS",
    "ASSESSMENT_FIELDS",
    "COMPETENCY_CODES",
    "DEFAULT_POTENTIAL_SCHEME",
    "PERFORMANCE_RATINGS",
    "POSITION_COLUMNS",
    "POSITION_FIELDS",
    "POSITION_TYPES",
    "RANKS",
    "AssessmentResult",
    "DomainError",
    "FieldError",
    "Gender",
    "Nip",
    "PositionSpec",
    "Problem",
    "ValidationReport",
    "Vocabulary",
    "parse_assessment_batch",
    "parse_assessment_mapping",
    "parse_assessment_row",
    "parse_nip",
    "parse_position_batch",
    "parse_position_mapping",
    "parse_position_row",
    "potential_scheme",
    "read_assessments_csv",
    "read_positions_csv",
    "show_value",
]
