"""The parameters of one ruleset: frozen dataclasses, one per rule of STANDARD.md.

Every day count, list and number the rules use lives here as data read from a ruleset file
(``services/rulesets/*.toml``), never as a constant in code (DESIGN.md, "Rules as data").
Lists are tuples so that a loaded ruleset cannot be changed in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from store.enums import EvaluationMethod, FollowUpMethod, HighRiskCategory, ServiceCategory

DayKind = Literal["working", "calendar"]


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a parameter comes from: the STANDARD.md rule, the document and its clause."""

    rule: str  # e.g. "R-6.3-followup"
    document: str  # the ``source`` of the ruleset file that defined the section
    clause: str  # e.g. "6.3"


@dataclass(frozen=True, slots=True)
class AnnualService:
    """R-5.1-annual: high-risk units above designated size get a service of these categories."""

    cite: Citation
    industries: tuple[HighRiskCategory, ...]
    categories: tuple[ServiceCategory, ...]
    min_services_per_year: int


@dataclass(frozen=True, slots=True)
class FollowUp:
    """R-6.3-followup: a visit within ``working_days`` after the service is completed."""

    cite: Citation
    working_days: int
    methods: tuple[FollowUpMethod, ...]


@dataclass(frozen=True, slots=True)
class ArchiveOrganisation:
    """R-6.3-archive: organised within ``working_days`` after completion, then confirmed."""

    cite: Citation
    working_days: int
    unit_confirmation: bool


@dataclass(frozen=True, slots=True)
class Extension:
    """An approved extension of a complaint's deadline (published text only)."""

    max_days: int
    day_kind: DayKind
    # What an extension must record: ``extension_<name>`` of the complaint answer.
    requires: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComplaintDeadlines:
    """R-6.4-complaint: answered within ``working_days``, or ``verification_working_days``
    when further verification is needed; ``extension`` is None where none is allowed."""

    cite: Citation
    working_days: int
    verification_working_days: int
    # The parts every answer contains: ``answer_<name>`` of the complaint answer.
    answer_parts: tuple[str, ...]
    extension: Extension | None


@dataclass(frozen=True, slots=True)
class StaffTraining:
    """R-7.1-staff: management staff trained at least this often a year."""

    cite: Citation
    trainings_per_year: int


@dataclass(frozen=True, slots=True)
class Retention:
    """R-7.4-archive: what a unit's archive holds, and for how many years at least."""

    cite: Citation
    years: int
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """R-8.1-evaluation: evaluations a year, by whom, and the sections of the report."""

    cite: Citation
    per_year: int
    methods: tuple[EvaluationMethod, ...]
    sections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MajorHazard:
    """R-6.2-major-hazard: the unit is told of a major hazard a service finds. The seed text
    says only 及时 (promptly): with ``told_within_days`` None any recorded telling is in time
    and an untold one is overdue from the day it was found."""

    cite: Citation
    told_within_days: int | None  # calendar days after the day it was found, when set


@dataclass(frozen=True, slots=True)
class Publication:
    """R-8.2-publication: the report on a year is submitted to the emergency-management
    department, and its results published, within these calendar days after the year ends
    (the text names no deadline: a deployment's choice, see the ruleset file)."""

    cite: Citation
    submit_within_days: int
    publish_within_days: int


@dataclass(frozen=True, slots=True)
class Ruleset:
    """One dated set of the standard's parameters; findings record its ``id``."""

    id: str
    title: str
    source: str
    effective_from: date  # in force from this day (China) until the next ruleset's
    note: str
    based_on: str | None  # the ruleset whose sections this one keeps where it gives none
    annual_service: AnnualService
    followup: FollowUp
    archive: ArchiveOrganisation
    complaint: ComplaintDeadlines
    staff_training: StaffTraining
    retention: Retention
    evaluation: Evaluation
    major_hazard: MajorHazard
    publication: Publication

    def citations(self) -> tuple[Citation, ...]:
        return (
            self.annual_service.cite,
            self.followup.cite,
            self.archive.cite,
            self.complaint.cite,
            self.staff_training.cite,
            self.retention.cite,
            self.evaluation.cite,
            self.major_hazard.cite,
            self.publication.cite,
        )
