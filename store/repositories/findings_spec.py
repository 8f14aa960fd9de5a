"""What a findings statement is asked and what it answers (合规发现, issue 6 item 3): the rules,
the states, the query with the ruleset's parameters, and a row. Shared by the rule modules
(``findings_*.py``) and the statement around them (``findings.py``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from store.enums import EvaluationMethod, HighRiskCategory, ServiceCategory
from store.repositories.stats.spec import DueCalendar


class FindingRule(enum.StrEnum):
    """The rules of STANDARD.md with findings; the order is the keyset's (new ones last)."""

    FOLLOWUP = "followup"  # R-6.3-followup
    ARCHIVE = "archive"  # R-6.3-archive
    COMPLAINT = "complaint"  # R-6.4-complaint
    ANNUAL = "annual"  # R-5.1-annual
    CONTRACT = "contract"  # R-4.1-contract
    SCHEME = "scheme"  # R-6.1-scheme
    MAJOR_HAZARD = "major_hazard"  # R-6.2-major-hazard
    STAFF = "staff"  # R-7.1-staff
    LEDGER = "ledger"  # R-7.3-ledger
    UNIT_ARCHIVE = "unit_archive"  # R-7.4-archive
    EVALUATION = "evaluation"  # R-8.1-evaluation
    PUBLICATION = "publication"  # R-8.2-publication
    AGENCY_WORK = "agency_work"  # R-7.1-staff: no service for a suspended agency
    AGENCY_SCHEME = "agency_scheme"  # R-7.1-staff: no scheme naming a suspended agency

    @property
    def rank(self) -> int:
        """Its place inside one event instant in the keyset order (and in a cursor)."""
        return RULE_ORDER.index(self) + 1

    @classmethod
    def of_rank(cls, rank: int) -> FindingRule:
        if not 1 <= rank <= len(RULE_ORDER):
            raise ValueError(rank)
        return RULE_ORDER[rank - 1]


RULE_ORDER: tuple[FindingRule, ...] = tuple(FindingRule)


class FindingState(enum.StrEnum):
    MET = "MET"  # done on or before the due day (or nothing is missing)
    LATE = "LATE"  # done after the due day
    OVERDUE = "OVERDUE"  # not done (or something missing), the due day is before today
    DUE_SOON = "DUE_SOON"  # not done, due within the window (``FindingQuery.soon_day``)
    PENDING = "PENDING"  # not done, due later
    UNKNOWN = "UNKNOWN"  # the holiday calendar or the data model cannot tell


class FindingOrder(enum.StrEnum):
    """What a page of findings is sorted by first; ties by rule, then subject (issue 9)."""

    STARTED = "started"  # the instant the clock started (the default)
    DUE = "due"  # the instant the due day ends; findings with none come last


@dataclass(frozen=True, slots=True)
class FindingKey:
    """A finding's place in the keyset order by start (what a cursor holds)."""

    event_at: datetime
    rule: FindingRule
    subject_id: int


@dataclass(frozen=True, slots=True)
class DueKey:
    """A finding's place in the keyset order by due instant; ``None`` sorts last."""

    due_ends: datetime | None
    rule: FindingRule
    subject_id: int


@dataclass(frozen=True, slots=True)
class RuleParameters:
    """The ruleset's numbers and lists the rules read (``services.findings.parameters``)."""

    annual_industries: tuple[HighRiskCategory, ...]  # R-5.1-annual
    annual_categories: tuple[ServiceCategory, ...]
    annual_min: int
    trainings_per_year: int  # R-7.1-staff
    hazard_told_days: int | None  # R-6.2-major-hazard: None, no deadline (及时)
    documents: tuple[str, ...]  # R-7.4-archive
    retention_years: int
    submit_days: int  # R-8.2-publication (and the R-8.1-evaluation report's due day)
    publish_days: int
    evaluation_sections: tuple[str, ...]  # R-8.1-evaluation
    evaluation_methods: tuple[EvaluationMethod, ...]
    answer_parts: tuple[str, ...]  # R-6.4-complaint


@dataclass(frozen=True, slots=True)
class FindingQuery:
    rules: tuple[FindingRule, ...]  # at least one
    calendar: DueCalendar  # due days of every deadline, for the events' days
    today: date  # a day in China: separates overdue from due soon and pending
    soon_day: date  # not done and due before this day begins: due soon
    limit: int
    after: FindingKey | DueKey | None = None  # a ``DueKey`` exactly when ordered by DUE
    order: FindingOrder = FindingOrder.STARTED
    descending: bool = False  # the sort key and the ties; NULL due instants stay last
    region_code: str | None = None  # the units of this jurisdiction
    industry_codes: tuple[str, ...] = ()  # the units of these industries (any of)
    insurer_ids: tuple[int, ...] = ()
    states: tuple[FindingState, ...] = ()
    from_day: date | None = None  # the event's day in China, inclusive
    to_day: date | None = None  # exclusive
    parameters: RuleParameters | None = None  # the ruleset's, once the arguments are checked
    # Years a yearly subject (R-7.1-staff, R-8.1-evaluation, R-8.2-publication) is measured
    # for: those of [from_day, to_day), or the retention period up to today (R-7.4-archive).
    years: tuple[int, ...] = ()

    @property
    def params(self) -> RuleParameters:
        if self.parameters is None:
            raise ValueError("findings need the parameters of a ruleset")
        return self.parameters


@dataclass(frozen=True, slots=True)
class FindingRow:
    rule: FindingRule
    subject_id: int  # the subject's key in its table (see ``services.findings.SUBJECTS``)
    insurer_id: int
    unit_id: int | None  # None for an insurer's own duty
    event_at: datetime  # when the clock started: completion, filing, policy start, year start
    done_at: datetime | None  # when it was done (visit, answer, telling, report…)
    due_ends: datetime | None  # the instant the due day ends in China; None: no due day
    needs_verification: bool
    state: FindingState
    measured: int | None = None  # services delivered, trainings, fen spent…
    required: int | None = None  # what the rule asks for, in the same unit
    flagged: int | None = None  # entries at fault (spending with no service behind it)
    missing: tuple[str, ...] = ()  # documents or fields missing
    unverifiable: tuple[str, ...] = ()  # documents the data model does not hold

    @property
    def key(self) -> FindingKey:
        return FindingKey(self.event_at, self.rule, self.subject_id)

    def key_in(self, order: FindingOrder) -> FindingKey | DueKey:
        """Its place in ``order`` (what its cursor holds)."""
        if order is FindingOrder.DUE:
            return DueKey(self.due_ends, self.rule, self.subject_id)
        return self.key


@dataclass(frozen=True, slots=True)
class FindingPage:
    rows: tuple[FindingRow, ...]
    more: bool
