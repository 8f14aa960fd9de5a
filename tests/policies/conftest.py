"""The policies tests' report: the authorization matrix states how many cells it checked."""

from __future__ import annotations

import pytest

from tests.policies.matrix.report import SUMMARY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUMMARY:
        terminalreporter.section("authorization matrix")
        for line in SUMMARY:
            terminalreporter.write_line(line)
