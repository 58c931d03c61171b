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
