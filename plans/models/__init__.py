from .agencies import Agency, AgencyKind, AgencySuccession, ProgramProject
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
from .figures import DEFAULT_STANDARD, FigureKind, HouseholdFigure
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
    "Agency",
    "AgencyKind",
    "AgencyResponsibility",
    "AgencySuccession",
    "Appendix",
    "AppendixKind",
    "AppendixRow",
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
]
