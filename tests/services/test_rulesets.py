"""Rulesets as dated data (services/rulesets/): the shipped files, the choice by date, and the
strict loader's errors."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from services.annual_evaluation import SECTIONS
from services.complaint import ComplaintAnswer
from services.rulesets import (
    DATA,
    DEFAULT_RULESET,
    Ruleset,
    RulesetError,
    UnknownRuleset,
    chosen,
    load_rulesets,
    ruleset,
    ruleset_for,
    rulesets,
)
from store.enums import EvaluationMethod, FollowUpMethod, HighRiskCategory, ServiceCategory

ROOT = Path(__file__).resolve().parents[2]
STANDARD = ROOT / "docs" / "standard"  # STANDARD.md and the seed text, copied in
DRAFT_TEXT = (DATA / "AQ9010-draft.toml").read_text(encoding="utf-8")
PUBLISHED_TEXT = (DATA / "AQ9010-2019.toml").read_text(encoding="utf-8")


def _shared(name: str) -> str:
    """STANDARD.md or the seed text, as copied into docs/standard/."""
    return (STANDARD / name).read_text(encoding="utf-8")


def test_the_files_ship_with_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["package-data"]["services.rulesets"]
    files = sorted(DATA.glob("*.toml"))
    assert len(files) == len(rulesets())
    assert all(any(path.match(pattern) for pattern in shipped) for path in files)


def test_both_files_load_in_date_order() -> None:
    assert [item.id for item in rulesets()] == ["AQ9010-draft", "AQ9010-2019"]
    assert ruleset(DEFAULT_RULESET).source == "seed/AQ9010-draft-zh.txt"
    assert ruleset("AQ9010-2019").effective_from == date(2020, 2, 1)


@pytest.mark.parametrize("item", rulesets(), ids=lambda item: item.id)
def test_every_cited_rule_is_in_standard(item: Ruleset) -> None:
    known = set(re.findall(r"\*\*(R-[0-9.]+-[a-z-]+)\*\*", _shared("STANDARD.md")))
    assert {cite.rule for cite in item.citations()} <= known
    assert all(cite.clause and cite.document for cite in item.citations())


def test_default_is_the_seed_text() -> None:
    draft = ruleset(DEFAULT_RULESET)
    assert draft.annual_service.industries == tuple(HighRiskCategory)
    assert draft.annual_service.categories == (
        ServiceCategory.RISK_ASSESSMENT,
        ServiceCategory.HAZARD_INVESTIGATION,
    )
    assert draft.annual_service.min_services_per_year == 1
    assert draft.followup.working_days == 5
    assert draft.followup.methods == tuple(FollowUpMethod)
    assert draft.archive.working_days == 10
    assert draft.archive.unit_confirmation
    assert (draft.complaint.working_days, draft.complaint.verification_working_days) == (5, 10)
    assert draft.complaint.extension is None
    assert draft.staff_training.trainings_per_year == 1
    assert draft.retention.years == 5
    assert len(draft.retention.documents) == 7  # R-7.4-archive lists seven kinds
    assert draft.evaluation.per_year == 1
    assert draft.evaluation.methods == tuple(EvaluationMethod)
    assert draft.evaluation.sections == tuple(SECTIONS)  # the six sections of


def test_default_numbers_are_read_from_the_seed_text() -> None:
    seed = _shared("AQ9010-draft-zh.txt")
    draft = ruleset(DEFAULT_RULESET)
    (followup,) = re.findall(r"服务完成以后(\d+)个工作日内通过", seed)
    (archive,) = re.findall(r"服务完成以后(\d+)个工作日内整理完毕", seed)
    (answer, verified) = re.findall(r"(\d+)个工作日内[将予]", seed)
    (years,) = re.findall(r"至少保留(\d+)年", seed)
    assert draft.followup.working_days == int(followup)
    assert draft.archive.working_days == int(archive)
    assert draft.complaint.working_days == int(answer)
    assert draft.complaint.verification_working_days == int(verified)
    assert draft.retention.years == int(years)
    for industry in draft.annual_service.industries:
        assert industry.label_zh in seed


def test_published_complaint_deadlines() -> None:
    published, draft = ruleset("AQ9010-2019"), ruleset("AQ9010-draft")
    complaint = published.complaint
    assert (complaint.working_days, complaint.verification_working_days) == (10, 30)
    assert complaint.extension is not None
    assert (complaint.extension.max_days, complaint.extension.day_kind) == (30, "calendar")
    assert complaint.cite.document == published.source
    # Everything else is the draft's, still citing the draft.
    assert published.based_on == draft.id
    assert dataclasses.replace(published, complaint=draft.complaint) == dataclasses.replace(
        draft,
        id=published.id,
        title=published.title,
        source=published.source,
        effective_from=published.effective_from,
        note=published.note,
        based_on=published.based_on,
    )


@pytest.mark.parametrize("item", rulesets(), ids=lambda item: item.id)
def test_named_parts_are_fields_of_the_complaint_answer(item: Ruleset) -> None:
    fields = {field.name for field in dataclasses.fields(ComplaintAnswer)}
    assert {f"answer_{part}" for part in item.complaint.answer_parts} <= fields
    if item.complaint.extension is not None:
        needed = {f"extension_{name}" for name in item.complaint.extension.requires}
        assert needed <= fields


def test_choice_by_date_at_the_boundary() -> None:
    published = ruleset("AQ9010-2019")
    day = published.effective_from
    assert ruleset_for(day) is published
    assert ruleset_for(day - timedelta(days=1)).id == "AQ9010-draft"
    first = rulesets()[0].effective_from
    assert ruleset_for(first).id == "AQ9010-draft"
    with pytest.raises(UnknownRuleset, match="no ruleset in force on 1999-12-31"):
        ruleset_for(first - timedelta(days=1))


def test_pinned_or_by_date() -> None:
    later = ruleset("AQ9010-2019").effective_from + timedelta(days=400)
    assert chosen("", later).id == "AQ9010-2019"
    assert chosen("AQ9010-draft", later).id == "AQ9010-draft"
    with pytest.raises(UnknownRuleset, match="no ruleset 'AQ9010'"):
        chosen("AQ9010", later)


def test_parameters_are_immutable() -> None:
    draft = ruleset(DEFAULT_RULESET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.complaint.working_days = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.effective_from = date(2030, 1, 1)  # type: ignore[misc]
    assert isinstance(draft.annual_service.industries, tuple)
    assert rulesets() is rulesets()  # loaded once: every caller sees the same values


def _load(tmp_path: Path, **files: str) -> tuple[Ruleset, ...]:
    for stem, text in files.items():
        (tmp_path / f"{stem}.toml").write_text(text, encoding="utf-8")
    return load_rulesets(sorted(tmp_path.glob("*.toml")))


def test_a_copy_loads(tmp_path: Path) -> None:
    (copy,) = _load(tmp_path, draft=DRAFT_TEXT)
    assert copy == ruleset(DEFAULT_RULESET)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ('id = "AQ9010-draft"\n', 'id = "AQ9010-draft"\ncolour = "red"\n', "draft.toml: colour"),
        ("working_days = 5\n", "working_days = 5\nworkng_days = 5\n", "followup.workng_days"),
        ("min_services_per_year = 1\n", "", "annual_service.min_services_per_year: missing"),
        ('title = "', 'titel = "', "draft.toml: titel: unknown key"),
        ("note = ", "# note = ", "draft.toml: note: missing"),
        ("working_days = 5\n", 'working_days = "5"\n', "followup.working_days: must be a pos"),
        ("working_days = 5\n", "working_days = 0\n", "followup.working_days: must be a pos"),
        ("working_days = 5\n", "working_days = -5\n", "followup.working_days: must be a pos"),
        ("working_days = 5\n", "working_days = true\n", "followup.working_days: must be a pos"),
        ("working_days = 5\n", "working_days = 5.5\n", "followup.working_days: must be a pos"),
        ("years = 5\n", "years = 0\n", "retention.years: must be a positive integer"),
        ("unit_confirmation = true", "unit_confirmation = 1", "archive.unit_confirmation"),
        ('"fishery",', '"fishing",', "annual_service.industries: unknown HighRiskCategory"),
        ('"fishery",', '"coal_mine",', "annual_service.industries: lists a value twice"),
        ('methods = ["phone"', 'methods = ["fax"', "followup.methods: unknown FollowUpMethod"),
        ('answer_parts = ["request", "facts", "measures"]', "answer_parts = []", "answer_parts"),
        ('rule = "R-6.3-followup"', 'rule = "R-6.4-complaint"', "followup.rule: is 'R-6.4"),
        ("effective_from = 2000-01-01", "effective_from = 2000-01-01T00:00:00", "effective_from"),
        ("effective_from = 2000-01-01", 'effective_from = "2000-01-01"', "effective_from"),
        ("verification_working_days = 10", "verification_working_days = 4", "shorter than"),
        ("[staff_training]", "[staff_trainings]", "draft.toml: staff_trainings: unknown key"),
        ("submit_within_days = 90\n", "submit_within_days = 0\n", "publication.submit_within"),
        ("publish_within_days = 120\n", "", "publication.publish_within_days: missing"),
        ('clause = "6.2"\n', 'clause = "6.2"\ntold_within_days = "1"\n', "told_within_days"),
        ('id = "AQ9010-draft"\n', 'id = "AQ9010-draft\n', "draft.toml: cannot be read"),
    ],
)
def test_a_broken_file_is_refused_by_name(tmp_path: Path, old: str, new: str, error: str) -> None:
    assert old in DRAFT_TEXT
    with pytest.raises(RulesetError, match=re.escape(error)):
        _load(tmp_path, draft=DRAFT_TEXT.replace(old, new, 1))


def test_major_hazard_and_publication_parameters(tmp_path: Path) -> None:
    # R-6.2-major-hazard: the draft's 及时 sets no deadline; a ruleset may set one in days.
    draft = ruleset(DEFAULT_RULESET)
    assert draft.major_hazard.told_within_days is None
    assert (draft.publication.submit_within_days, draft.publication.publish_within_days) == (
        90,
        120,
    )
    assert ruleset("AQ9010-2019").publication == draft.publication  # inherited, citing the draft
    text = DRAFT_TEXT.replace('clause = "6.2"\n', 'clause = "6.2"\ntold_within_days = 1\n', 1)
    (timed,) = _load(tmp_path, draft=text)
    assert timed.major_hazard.told_within_days == 1


def test_a_rule_that_is_not_a_table(tmp_path: Path) -> None:
    text = DRAFT_TEXT.replace("[followup]\n", "[later]\n").replace("id = ", "followup = 5\nid = ")
    with pytest.raises(RulesetError, match=r"draft\.toml: followup: must be a table"):
        _load(tmp_path, draft=text)


def test_a_missing_table_without_based_on(tmp_path: Path) -> None:
    text = PUBLISHED_TEXT.replace('based_on = "AQ9010-draft"\n', "")
    with pytest.raises(RulesetError, match=r"published.toml: \[annual_service\]: missing"):
        _load(tmp_path, draft=DRAFT_TEXT, published=text)


def test_an_extension_with_unknown_day_kind(tmp_path: Path) -> None:
    text = PUBLISHED_TEXT.replace('day_kind = "calendar"', 'day_kind = "lunar"')
    with pytest.raises(RulesetError, match=r"complaint\.extension\.day_kind: must be one of"):
        _load(tmp_path, draft=DRAFT_TEXT, published=text)


def test_sets_of_files_that_contradict(tmp_path: Path) -> None:
    with pytest.raises(RulesetError, match="is also"):
        _load(tmp_path, a=DRAFT_TEXT, b=DRAFT_TEXT)
    for stale in tmp_path.glob("*.toml"):
        stale.unlink()
    same_day = PUBLISHED_TEXT.replace("effective_from = 2020-02-01", "effective_from = 2000-01-01")
    with pytest.raises(RulesetError, match="both take effect on 2000-01-01"):
        _load(tmp_path, draft=DRAFT_TEXT, published=same_day)
    with pytest.raises(RulesetError, match="based_on: unknown ruleset 'AQ9010-draft'"):
        load_rulesets([tmp_path / "published.toml"])
    looped = DRAFT_TEXT.replace(
        'id = "AQ9010-draft"\n', 'id = "AQ9010-draft"\nbased_on = "AQ9010-2019"\n'
    )
    (tmp_path / "draft.toml").write_text(looped, encoding="utf-8")
    (tmp_path / "published.toml").write_text(PUBLISHED_TEXT, encoding="utf-8")
    with pytest.raises(RulesetError, match="based_on: a cycle"):
        load_rulesets(sorted(tmp_path.glob("*.toml")))
    with pytest.raises(RulesetError, match="no ruleset files"):
        load_rulesets([])
