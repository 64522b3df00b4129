from .agencies import (
    Agency,
    AgencyKind,
    AgencySuccession,
    CoordinatingAgenciesRule,
    ProgramProject,
    coordinating_agencies_error,
    refuse_coordinating_agencies_of_another_province,
)
from .documents import (
    Appendix,
    AppendixKind,
    AppendixRow,
    LegalBasis,
    Plan,
    PlanSection,
    PlanStatus,
    Recipient,
    SectionKind,
)
from .figures import DEFAULT_STANDARD, RULE_ATTRIBUTES, UNVALIDATED_FIELDS, FigureKind, HouseholdFigure
from .responsibilities import (
    AgencyResponsibility,
    Duty,
    PolicyTask,
    ReportingFrequency,
    ReportingObligation,
)
from .standards import PovertyStandard

__all__ = [
    "DEFAULT_STANDARD",
    "RULE_ATTRIBUTES",
    "UNVALIDATED_FIELDS",
    "Agency",
    "AgencyKind",
    "AgencyResponsibility",
    "AgencySuccession",
    "Appendix",
    "AppendixKind",
    "AppendixRow",
    "CoordinatingAgenciesRule",
    "Duty",
    "FigureKind",
    "HouseholdFigure",
    "LegalBasis",
    "Plan",
    "PlanSection",
    "PlanStatus",
    "PolicyTask",
    "PovertyStandard",
    "ProgramProject",
    "Recipient",
    "ReportingFrequency",
    "ReportingObligation",
    "SectionKind",
    "coordinating_agencies_error",
    "refuse_coordinating_agencies_of_another_province",
]
