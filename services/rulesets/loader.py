"""Reading ruleset files strictly: every key known, present and of its type.

A ruleset file is TOML: the header keys ``id``, ``title``, ``source``, ``effective_from``,
``note`` and optionally ``based_on``, then one table per rule (the names in ``SECTIONS``), each
with the STANDARD.md ``rule`` id it parameterises and the ``clause`` of ``source``. A file with
``based_on`` keeps the named ruleset's tables where it gives none (a table given replaces the
whole table, so a section never mixes two documents). Anything else is an error naming the
file and the key: a typo in a day count must stop the deployment, not shift every deadline.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import NoReturn, TypeVar, cast, get_args

from services.rulesets.model import (
    AnnualService,
    ArchiveOrganisation,
    Citation,
    ComplaintDeadlines,
    DayKind,
    Evaluation,
    Extension,
    FollowUp,
    MajorHazard,
    Publication,
    Retention,
    Ruleset,
    StaffTraining,
)
from store.enums import EvaluationMethod, FollowUpMethod, HighRiskCategory, ServiceCategory

E = TypeVar("E", bound=StrEnum)

# table name → the STANDARD.md rule it parameterises (the file must cite the same)
SECTIONS = {
    "annual_service": "R-5.1-annual",
    "followup": "R-6.3-followup",
    "archive": "R-6.3-archive",
    "complaint": "R-6.4-complaint",
    "staff_training": "R-7.1-staff",
    "retention": "R-7.4-archive",
    "evaluation": "R-8.1-evaluation",
    "major_hazard": "R-6.2-major-hazard",
    "publication": "R-8.2-publication",
}
HEADER = frozenset({"id", "title", "source", "effective_from", "note", "based_on"})


class RulesetError(ValueError):
    """A ruleset file (or a set of them) that cannot be used; the message names file and key."""


class _Table:
    """One TOML table being read; remembers the keys read so ``done`` can refuse the rest."""

    def __init__(self, file: str, path: str, data: Mapping[str, object]) -> None:
        self.file, self.path, self.data = file, path, data
        self.read: set[str] = set()

    def fail(self, key: str, problem: str) -> NoReturn:
        raise RulesetError(f"{self.file}: {self.path}{key}: {problem}")

    def _get(self, key: str) -> object:
        self.read.add(key)
        if key not in self.data:
            self.fail(key, "missing")
        return self.data[key]

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a non-empty string, not {value!r}")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def count(self, key: str) -> int:
        """A positive whole number (days, years, times a year)."""
        value = self._get(key)
        # bool is an int in Python; ``true`` days is a typo, not 1.
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            self.fail(key, f"must be a positive integer, not {value!r}")
        return value

    def optional_count(self, key: str) -> int | None:
        return self.count(key) if key in self.data else None

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {value!r}")
        return value

    def day(self, key: str) -> date:
        value = self._get(key)
        # A TOML local date; a date-time would make "in force from" depend on a time zone.
        if not isinstance(value, date) or isinstance(value, datetime):
            self.fail(key, f"must be a date (YYYY-MM-DD), not {value!r}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(item, str) and item.strip() for item in value)
        ):
            self.fail(key, f"must be a non-empty list of non-empty strings, not {value!r}")
        items = tuple(cast("list[str]", value))
        if len(set(items)) != len(items):
            self.fail(key, f"lists a value twice: {list(items)!r}")
        return items

    def codes(self, key: str, enum: type[E]) -> tuple[E, ...]:
        known = {member.value: member for member in enum}
        items = self.texts(key)
        unknown = [item for item in items if item not in known]
        if unknown:
            self.fail(key, f"unknown {enum.__name__} {unknown!r}; known: {sorted(known)}")
        return tuple(known[item] for item in items)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in choices:
            self.fail(key, f"must be one of {list(choices)}, not {value!r}")
        return value

    def table(self, key: str) -> _Table:
        value = self._get(key)
        if not isinstance(value, dict):
            self.fail(key, f"must be a table, not {value!r}")
        return _Table(self.file, f"{self.path}{key}.", value)

    def optional_table(self, key: str) -> _Table | None:
        return self.table(key) if key in self.data else None

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            self.fail(unknown[0], f"unknown key (known: {sorted(self.read)})")


@dataclass(frozen=True, slots=True)
class _Section:
    """A rule's table as written, with the document it was read from."""

    file: str
    document: str
    data: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class _File:
    file: str
    id: str
    title: str
    source: str
    effective_from: date
    note: str
    based_on: str | None
    sections: Mapping[str, _Section]


def _read(path: Path) -> _File:
    file = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesetError(f"{file}: cannot be read: {error}") from error
    top = _Table(file, "", data)
    header = {key: value for key, value in data.items() if key in HEADER}
    head = _Table(file, "", header)
    source = head.text("source")
    sections = {
        name: _Section(file, source, top.table(name).data) for name in SECTIONS if name in data
    }
    top.read.update(HEADER)
    top.done()  # refuses top-level keys that are neither header nor a known rule table
    read = _File(
        file=file,
        id=head.text("id"),
        title=head.text("title"),
        source=source,
        effective_from=head.day("effective_from"),
        note=head.text("note"),
        based_on=head.optional_text("based_on"),
        sections=sections,
    )
    head.done()
    return read


def _cite(table: _Table, name: str, document: str) -> Citation:
    rule = table.text("rule")
    if rule != SECTIONS[name]:
        table.fail("rule", f"is {rule!r}, but [{name}] parameterises {SECTIONS[name]}")
    return Citation(rule=rule, document=document, clause=table.text("clause"))


def _annual_service(t: _Table, cite: Citation) -> AnnualService:
    return AnnualService(
        cite=cite,
        industries=t.codes("industries", HighRiskCategory),
        categories=t.codes("categories", ServiceCategory),
        min_services_per_year=t.count("min_services_per_year"),
    )


def _followup(t: _Table, cite: Citation) -> FollowUp:
    return FollowUp(
        cite=cite, working_days=t.count("working_days"), methods=t.codes("methods", FollowUpMethod)
    )


def _archive(t: _Table, cite: Citation) -> ArchiveOrganisation:
    return ArchiveOrganisation(
        cite=cite,
        working_days=t.count("working_days"),
        unit_confirmation=t.flag("unit_confirmation"),
    )


def _extension(t: _Table) -> Extension:
    extension = Extension(
        max_days=t.count("max_days"),
        day_kind=cast(DayKind, t.choice("day_kind", get_args(DayKind))),
        requires=t.texts("requires"),
    )
    t.done()
    return extension


def _complaint(t: _Table, cite: Citation) -> ComplaintDeadlines:
    deadlines = ComplaintDeadlines(
        cite=cite,
        working_days=t.count("working_days"),
        verification_working_days=t.count("verification_working_days"),
        answer_parts=t.texts("answer_parts"),
        extension=None if (ext := t.optional_table("extension")) is None else _extension(ext),
    )
    if deadlines.verification_working_days < deadlines.working_days:
        t.fail("verification_working_days", "is shorter than working_days")
    return deadlines


def _staff_training(t: _Table, cite: Citation) -> StaffTraining:
    return StaffTraining(cite=cite, trainings_per_year=t.count("trainings_per_year"))


def _retention(t: _Table, cite: Citation) -> Retention:
    return Retention(cite=cite, years=t.count("years"), documents=t.texts("documents"))


def _evaluation(t: _Table, cite: Citation) -> Evaluation:
    return Evaluation(
        cite=cite,
        per_year=t.count("per_year"),
        methods=t.codes("methods", EvaluationMethod),
        sections=t.texts("sections"),
    )


def _major_hazard(t: _Table, cite: Citation) -> MajorHazard:
    return MajorHazard(cite=cite, told_within_days=t.optional_count("told_within_days"))


def _publication(t: _Table, cite: Citation) -> Publication:
    return Publication(
        cite=cite,
        submit_within_days=t.count("submit_within_days"),
        publish_within_days=t.count("publish_within_days"),
    )


_BUILDERS: dict[str, Callable[[_Table, Citation], object]] = {
    "annual_service": _annual_service,
    "followup": _followup,
    "archive": _archive,
    "complaint": _complaint,
    "staff_training": _staff_training,
    "retention": _retention,
    "evaluation": _evaluation,
    "major_hazard": _major_hazard,
    "publication": _publication,
}


def _build(read: _File, sections: Mapping[str, _Section]) -> Ruleset:
    built: dict[str, object] = {}
    for name in SECTIONS:
        if name not in sections:
            raise RulesetError(f"{read.file}: [{name}]: missing (and not given by based_on)")
        section = sections[name]
        table = _Table(section.file, f"{name}.", section.data)
        built[name] = _BUILDERS[name](table, _cite(table, name, section.document))
        table.done()
    return Ruleset(
        id=read.id,
        title=read.title,
        source=read.source,
        effective_from=read.effective_from,
        note=read.note,
        based_on=read.based_on,
        annual_service=cast(AnnualService, built["annual_service"]),
        followup=cast(FollowUp, built["followup"]),
        archive=cast(ArchiveOrganisation, built["archive"]),
        complaint=cast(ComplaintDeadlines, built["complaint"]),
        staff_training=cast(StaffTraining, built["staff_training"]),
        retention=cast(Retention, built["retention"]),
        evaluation=cast(Evaluation, built["evaluation"]),
        major_hazard=cast(MajorHazard, built["major_hazard"]),
        publication=cast(Publication, built["publication"]),
    )


def load_rulesets(paths: Iterable[Path]) -> tuple[Ruleset, ...]:
    """Every ruleset of the files, ordered by ``effective_from``; ids and dates unique."""
    files: dict[str, _File] = {}
    for path in paths:
        read = _read(path)
        if read.id in files:
            raise RulesetError(f"{read.file}: id: {read.id!r} is also {files[read.id].file}'s")
        files[read.id] = read
    if not files:
        raise RulesetError("no ruleset files")

    resolved: dict[str, Mapping[str, _Section]] = {}

    def sections(read: _File, chain: tuple[str, ...]) -> Mapping[str, _Section]:
        if read.id in resolved:
            return resolved[read.id]
        if read.id in chain:
            raise RulesetError(f"{read.file}: based_on: a cycle {' → '.join((*chain, read.id))}")
        inherited: Mapping[str, _Section] = {}
        if read.based_on is not None:
            if read.based_on not in files:
                raise RulesetError(f"{read.file}: based_on: unknown ruleset {read.based_on!r}")
            inherited = sections(files[read.based_on], (*chain, read.id))
        resolved[read.id] = {**inherited, **read.sections}
        return resolved[read.id]

    rulesets = sorted(
        (_build(read, sections(read, ())) for read in files.values()),
        key=lambda ruleset: ruleset.effective_from,
    )
    for earlier, later in itertools.pairwise(rulesets):
        if earlier.effective_from == later.effective_from:
            raise RulesetError(
                f"effective_from: {earlier.id} and {later.id} both take effect on "
                f"{later.effective_from}; which is in force would be a guess"
            )
    return tuple(rulesets)
