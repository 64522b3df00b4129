from .agencies import Agency, AgencyKind, ProgramProject
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
from .figures import FigureKind, HouseholdFigure, PovertyStandard
from .responsibilities import (
    AgencyResponsibility,
    Duty,
    PolicyTask,
    ReportingFrequency,
    ReportingObligation,
)

__all__ = [
    "Agency",
    "AgencyKind",
    "AgencyResponsibility",
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
