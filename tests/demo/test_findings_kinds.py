"""The demo data set shows every kind of compliance finding (issue 6, item 3): for each rule,
subjects that meet it and subjects that do not, as of the data set's reference day."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from services.findings import FindingFilterInput, FindingRule, FindingState, cursor_of, findings
from services.rulesets import ruleset
from store.demo.clock import REFERENCE_DATE

NOT_MET = frozenset({FindingState.LATE, FindingState.OVERDUE})


async def test_every_rule_met_and_broken(demo: AsyncSession) -> None:
    seen: Counter[tuple[str, str]] = Counter()
    after: str | None = None
    while True:
        page = await findings(
            demo,
            FindingFilterInput(),
            rules=ruleset("AQ9010-draft"),
            today=REFERENCE_DATE,
            first=1000,
            after=after,
        )
        for f in page.findings:
            kind = "met" if f.state is FindingState.MET else f.state.value
            kind = "not met" if f.state in NOT_MET else kind
            # By rule of the statement: R-7.1-staff has three (staff, agency work, schemes).
            seen[(f.row.rule.value, kind)] += 1
        if not page.more:
            break
        after = cursor_of(page.findings[-1].row.key)
    rules = {rule for rule, _ in seen}
    assert len(rules) == len(FindingRule), sorted(seen.items())
    lacking = [
        (rule, kind)
        for rule in sorted(rules)
        for kind in ("met", "not met")
        if not seen[rule, kind]
    ]
    assert not lacking, f"{lacking} among {sorted(seen.items())}"
