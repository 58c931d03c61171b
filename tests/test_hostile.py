"""Hostile input (issue 10, items 12–16 and 18–21): each kind found by attacking the product.

Inputs under tests/data/hostile/ are copies of the hand-over reproducers plus variants of our own.
Every command that could hang runs in a subprocess with a timeout: a hang fails the test, never
the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from g60rules.engines.pool import screen
from g60rules.rules.compiler import load_ruleset, ruleset_from_data

DATA = Path(__file__).resolve().parent / "data" / "hostile"


def g60(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh process; a hang past ``timeout`` raises and fails the test."""
    return subprocess.run([sys.executable, "-c", "from g60rules.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                               "COLUMNS": "200"})


def _rule(when: dict, applies_to: str = "indicator") -> dict:
    return {"ruleset": "t", "rules": [{
        "id": "T-1", "title": {"zh": "测", "en": "t"}, "severity": "error",
        "basis": {"source": "SH-FORM", "clause": "t"}, "applies_to": applies_to, "when": when,
        "message": {"zh": "命中", "en": "hit"},
        "examples": [{"expect": "pass", "declaration": {}}, {"expect": "fail", "declaration": {}}]}]}


def _rows(result, rule_id: str) -> list:
    return sorted(f.row for f in result.findings if f.rule_id == rule_id)


# --- 12: `matches` means the same on both engines ------------------------------------------------

@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_escaped_pattern_fires_on_both_engines(engine):
    ruleset = load_ruleset(DATA / "escaped-pattern" / "ruleset.yaml")
    result = screen([DATA / "escaped-pattern" / "decl"], ruleset, engine=engine, jobs=1)
    assert _rows(result, "T-ESC-001") == [1]
    assert result.fallbacks == []


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_quote_and_backslash_count_as_one_character_on_both_engines(engine):
    ruleset = load_ruleset(DATA / "quote-backslash" / "ruleset.yaml")
    result = screen([DATA / "quote-backslash" / "decl"], ruleset, engine=engine, jobs=1)
    assert _rows(result, "T-QUOTE-002") == [1, 2, 3]


@pytest.mark.parametrize(("pattern", "texts", "expected"), [
    (r"a\.b", ["a.b", "a\\xb", "axb"], [1]),
    (r"\(甲\)", ["(甲)", "\\(甲\\)", "甲"], [1]),
    (r"\\", ["\\", "\\\\", "x"], [1]),
    (r"[\]]+", ["]]", "\\]", "x"], [1]),
    ("..", ['"', "\\", "ab", "\\n"], [3, 4]),
    (r'.*".*', ['说"明', "说明", '""'], [1, 3]),
    ("[一-龥]+", ["中文", "abc", "中a"], [1]),
])
def test_patterns_mean_the_same_on_both_engines(pattern, texts, expected):
    ruleset = ruleset_from_data(_rule({"field": "level3", "matches": pattern}))
    from g60rules.engines.pool import screen_corpus
    from g60rules.rules.examples import example_corpus

    corpus = example_corpus({"kind": "project", "indicators": [{"level3": t} for t in texts]}, "p.yaml")
    for engine in ("durable", "reference"):
        result = screen_corpus(corpus, ruleset, engine=engine, jobs=1)
        assert result.fallbacks == []
        assert _rows(result, "T-1") == expected, engine


# --- 13: no pattern runs without a time bound ----------------------------------------------------

@pytest.mark.parametrize("ruleset", ["ruleset-plain.yaml", "ruleset-count.yaml", "ruleset-table.yaml"])
@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_nested_quantifiers_finish(ruleset, engine):
    done = g60("check", DATA / "redos" / "decl", "-r", DATA / "redos" / ruleset, "--engine", engine,
               "--lang", "en", timeout=60)
    assert done.returncode == 0, done.stderr


def test_nested_quantifiers_finish_in_baseline_impact_and_explain(tmp_path):
    redos = DATA / "redos"
    done = g60("baseline", "create", redos / "decl", "-r", redos / "ruleset-plain.yaml",
               "--baseline", tmp_path / "b.json", timeout=60)
    assert done.returncode == 0, done.stderr
    done = g60("impact", redos / "ruleset-count.yaml", redos / "ruleset-plain.yaml", redos / "decl", timeout=60)
    assert done.returncode == 0, done.stderr
    done = g60("explain", "T-REDOS-001", redos / "decl", "-r", redos / "ruleset-plain.yaml", timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("pattern", ["(a+)+b", "(.*)*(.*)*x", "(a|a)*b", "(a|aa)+c", "((a*)*)*b"])
def test_backtracking_patterns_are_linear_on_both_engines(tmp_path, pattern):
    # 5,000 characters: a backtracking matcher never finishes; in a subprocess so a hang fails
    import yaml

    (tmp_path / "r.yaml").write_text(yaml.safe_dump(_rule({"field": "level3", "matches": pattern})), encoding="utf-8")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "p.yaml").write_text(
        f"类型: 项目\n项目名称: p\n绩效指标:\n  - {{三级指标: {'a' * 5000}}}\n  - {{三级指标: aab}}\n", encoding="utf-8")
    expected = "T-1 ×1" if pattern in ("(a+)+b", "(a|a)*b", "((a*)*)*b") else "no findings that count"
    for engine in ("durable", "reference"):
        done = g60("check", tmp_path / "d", "-r", tmp_path / "r.yaml", "--engine", engine, "--lang", "en", timeout=60)
        assert expected in done.stdout, (engine, done.stdout, done.stderr)
        assert "G60-ENGINE" not in done.stdout


def test_more_rules_than_durable_rules_can_hold_still_run(tmp_path):
    from g60rules.engines.durable import MAX_RULES
    from g60rules.engines.pool import screen_corpus
    from g60rules.rules.examples import example_corpus

    count = 520
    data = {"ruleset": "many", "rules": [
        {**_rule({"field": "level3", "eq": f"名{i}"})["rules"][0], "id": f"T-{i}"} for i in range(count)]}
    ruleset = ruleset_from_data(data)
    corpus = example_corpus({"kind": "project", "indicators": [{"level3": "名3"}, {"level3": "名515"}]}, "p.yaml")
    result = screen_corpus(corpus, ruleset, engine="durable", jobs=1)
    assert result.fallbacks == []
    assert len(result.reference_rules) == count - MAX_RULES
    assert sorted(f.rule_id for f in result.findings) == ["T-3", "T-515"]
