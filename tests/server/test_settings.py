"""deploy/env.example documents every setting the server reads, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from server.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "env.example"


def test_env_example_lists_every_setting() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    active = set(re.findall(r"^(ANZEXIAN_[A-Z_]+)=", text, flags=re.MULTILINE))
    expected = {f"ANZEXIAN_{name.upper()}" for name in Settings.model_fields}
    assert active == expected


def test_env_example_defaults_are_the_code_defaults() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    values = dict(re.findall(r"^ANZEXIAN_([A-Z_]+)=(.*)$", text, flags=re.MULTILINE))
    defaults = Settings()
    for key, value in values.items():
        default = getattr(defaults, key.lower())
        shown = default.get_secret_value() if hasattr(default, "get_secret_value") else default
        assert str(shown).lower() == value.lower(), key


def test_ruleset_is_a_known_id_or_empty() -> None:
    assert Settings(ruleset="").ruleset == ""  # choose by date
    assert Settings(ruleset="AQ9010-2019").ruleset == "AQ9010-2019"
    with pytest.raises(ValidationError, match="no ruleset 'AQ9010'"):
        Settings(ruleset="AQ9010")
