"""Shared fixtures: the bundled rulesets, compiled once per test session."""

from pathlib import Path

import pytest

from g60rules.rules.compiler import load_ruleset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shanghai():
    return load_ruleset(ROOT / "rulesets" / "shanghai.yaml")


@pytest.fixture(scope="session")
def core():
    return load_ruleset(ROOT / "rulesets" / "core.yaml")


@pytest.fixture(autouse=True)
def _neutral_locale(monkeypatch):
    """The CLI's language follows the locale (g60rules.cli_text): tests expecting the default,
    Chinese, must not depend on the machine's LANG. A test may set it again."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
