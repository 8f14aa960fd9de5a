"""An insurer's compliance scorecard (合规评分, issue 6 item 3): per insurer and rule, how many
findings are met, not met (late or overdue), still open (due soon or pending) and unknown, and
the compliance rate: met among those decided (met or not met). Computed from the same
findings as ``services/findings.py``, inside the caller's read scope, in one statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.findings import FindingFilterInput, checked_query, rule_id
from services.rulesets import Ruleset
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.findings import FindingRepository, FindingRule, FindingState, Tally

NOT_MET = frozenset({FindingState.LATE, FindingState.OVERDUE})
OPEN = frozenset({FindingState.DUE_SOON, FindingState.PENDING})
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class RuleScore:
    rule: str  # the STANDARD.md id
    met: int
    not_met: int
    open: int
    unknown: int

    @classmethod
    def of(cls, rule: str, states: Mapping[FindingState, int]) -> RuleScore:
        """The score of findings counted by state (the one place states become a score:
        the scorecard and ``stats { groups { compliance } }`` both read it)."""
        return cls(
            rule=rule,
            met=states.get(FindingState.MET, 0),
            not_met=sum(states.get(s, 0) for s in NOT_MET),
            open=sum(states.get(s, 0) for s in OPEN),
            unknown=states.get(FindingState.UNKNOWN, 0),
        )

    @property
    def decided(self) -> int:
        """The rate's denominator: findings met or not met."""
        return self.met + self.not_met

    @property
    def rate(self) -> Decimal | None:
        """Met among the decided, to four places; None when none is decided yet."""
        decided = self.decided
        if decided == 0:
            return None
        return (Decimal(self.met) / decided).quantize(RATE_PLACES, ROUND_HALF_UP)


def states_by_rule_id(
    by_rule: Mapping[FindingRule, Mapping[FindingState, int]], rules: Ruleset
) -> dict[str, dict[FindingState, int]]:
    """Counts by state per rule of the standard, in ``FindingRule`` order: the statement's
    rules that cite the same one (R-7.1-staff: management staff trained, and no work for a
    suspended agency, by service and by scheme) are added up, so each id appears once."""
    merged: dict[str, dict[FindingState, int]] = {}
    for rule in FindingRule:
        states = by_rule.get(rule)
        if not states:
            continue
        into = merged.setdefault(rule_id(rule, rules), {})
        for state, n in states.items():
            into[state] = into.get(state, 0) + n
    return merged


@dataclass(frozen=True, slots=True)
class InsurerScore:
    insurer_id: int
    rules: tuple[RuleScore, ...]  # in the order of ``FindingRule``


@dataclass(frozen=True, slots=True)
class Scorecard:
    ruleset_id: str
    insurers: tuple[InsurerScore, ...]  # by insurer id


def _scores(tallies: tuple[Tally, ...], rules: Ruleset) -> tuple[InsurerScore, ...]:
    counts: dict[int, dict[FindingRule, dict[FindingState, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for t in tallies:
        counts[t.insurer_id][t.rule][t.state] = t.count
    insurers = []
    for insurer_id in sorted(counts):
        merged = states_by_rule_id(counts[insurer_id], rules)
        scores = tuple(RuleScore.of(rule, states) for rule, states in merged.items())
        insurers.append(InsurerScore(insurer_id, scores))
    return tuple(insurers)


async def scorecard(
    session: AsyncSession,
    data: FindingFilterInput,
    *,
    rules: Ruleset,
    today: date,
    scope: RowScope = EVERYTHING,
) -> Scorecard:
    """Every insurer's score under ``rules`` inside ``scope``; ``data`` narrows the findings
    as for ``findings`` (its states are not used: a score counts every state)."""
    query = checked_query(data, rules=rules, today=today)
    tallies = await FindingRepository(session, scope).tally(query)
    return Scorecard(ruleset_id=rules.id, insurers=_scores(tallies, rules))
