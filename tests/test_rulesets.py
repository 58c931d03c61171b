"""Rulesets: the shipped rules, their examples on both engines, and broken files rejected with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from g60rules.rules.compiler import KNOWN_SOURCES, RulesetError, load_ruleset
from g60rules.rules.examples import run_examples
from samples import MINIMAL_RULE

ROOT = Path(__file__).resolve().parent.parent


def test_core_has_at_least_25_rules_each_with_a_catalogue_basis(core):
    assert len(core.rules) >= 25
    for rule in core.rules:
        assert rule.basis.source in KNOWN_SOURCES and rule.basis.clause


def test_shanghai_extends_core(core, shanghai):
    assert {r.id for r in core.rules} < {r.id for r in shanghai.rules}
    assert shanghai.files[0].endswith("core.yaml")


@pytest.mark.parametrize("engine", ["reference", "durable"])
def test_every_rule_example_behaves_as_stated(shanghai, engine):
    outcomes = run_examples(shanghai, engine=engine)
    failing = [o.label for o in outcomes if not o.ok]
    assert failing == []
    for rule in shanghai.rules:
        expects = {e.expect for e in rule.examples}
        assert expects == {"pass", "fail"}, rule.id


RULE = "ruleset: t\nrules:\n" + MINIMAL_RULE


def _load(tmp_path: Path, text: str, name: str = "r.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_ruleset(path)


def test_the_minimal_rule_loads(tmp_path):
    assert [r.id for r in _load(tmp_path, RULE).rules] == ["T-001"]


@pytest.mark.parametrize("old,new,line,words", [
    ("    severity: error\n", "    severity: error\n    severity: warning\n", 6, "duplicate key"),
    ("    severity: error\n", "    severity: error\n    colour: red\n", 6, "unknown key 'colour'"),
    ("field: value.amount, gt: 100", "field: value.amout, gt: 100", 8, "unknown field 'value.amout'"),
    ("field: value.amount, gt: 100", "field: value.amount, above: 100", 8, "above"),
    ("field: value.amount, gt: 100", "field: value.amount, gt: lots", 8, "not a number"),
    ("field: value.amount, gt: 100", "field: level3, gt: 5", 8, "needs a number"),
    ("field: value.amount, gt: 100", "field: value.amount, gt: {param: cap}", 8, "parameter 'cap'"),
    ("field: value.amount, gt: 100", "field: value.kind, eq: quantitive", 8, "not a value of 'value.kind'"),
    ("field: value.amount, gt: 100", "field: level3, matches: '\\d+'", 8, "supported subset"),
    ("field: value.amount, gt: 100", "field: value.amount, contains_none: [a]", 8, "needs a text field"),
    ("field: value.amount, gt: 100", "field: level3, contains_none: []", 8, "non-empty list"),
    ("field: value.amount, gt: 100", "field: level3, matches: ''", 8, "empty pattern"),
    ("{zh: 超过, en: above}", "{zh: '超过 {value.amont}', en: above}", 9, "placeholder '{value.amont}'"),
    ("source: SH-FORM", "source: SH-2099", 6, "not in the catalogue"),
    ("severity: error", "severity: fatal", 5, "severity"),
    ("      - {expect: pass, declaration: {indicators: [{target_value: \"≥90(%)\"}]}}\n", "", 10, "at least 2"),
    ("  - id: T-001\n", "  - id: t 001\n", 3, "pattern"),
    # the { left open on line 8 is the fault, though the parser notices on line 9
    ("    when: {field: value.amount, gt: 100}\n", "    when: {field: value.amount, gt: 100\n", 8, "YAML syntax"),
])
def test_broken_rulesets_stop_with_file_and_line(tmp_path, old, new, line, words):
    assert old in RULE
    with pytest.raises(RulesetError) as info:
        _load(tmp_path, RULE.replace(old, new))
    assert info.value.file.endswith("r.yaml")
    assert info.value.line == line, info.value
    assert words in info.value.message


def test_duplicate_rule_id_across_files(tmp_path):
    _load(tmp_path, RULE, "parent.yaml")
    child = RULE.replace("ruleset: t\n", "ruleset: c\nextends: parent.yaml\n")
    with pytest.raises(RulesetError) as info:
        _load(tmp_path, child, "child.yaml")
    assert info.value.file.endswith("child.yaml") and info.value.line == 4
    assert "already defined" in info.value.message


def test_extends_cycle_and_missing_parent(tmp_path):
    (tmp_path / "a.yaml").write_text("ruleset: a\nextends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("ruleset: b\nextends: a.yaml\n", encoding="utf-8")
    with pytest.raises(RulesetError, match="cycle"):
        load_ruleset(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text("ruleset: c\n\nextends: gone.yaml\n", encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        load_ruleset(tmp_path / "c.yaml")
    assert info.value.line == 3 and "not found" in info.value.message


def test_overrides_change_params_and_severity(tmp_path):
    (tmp_path / "district.yaml").write_text(
        "ruleset: district\nextends: " + str(ROOT / "rulesets" / "shanghai.yaml") + "\n"
        "overrides:\n  G60-APP-008: {params: {floor: 90}, severity: error}\n", encoding="utf-8")
    compiled = load_ruleset(tmp_path / "district.yaml")
    rule = compiled.rule("G60-APP-008")
    # the override replaces floor only; the rule's word tables stay
    assert rule.params["floor"] == 90 and rule.severity == "error"
    parent = load_ruleset(ROOT / "rulesets" / "shanghai.yaml")
    assert rule.word_tables == parent.rule("G60-APP-008").word_tables == ("adverse_words", "handling")
    assert compiled.word_tables == parent.word_tables


def test_override_errors_name_the_line(tmp_path):
    base = "ruleset: district\nextends: " + str(ROOT / "rulesets" / "core.yaml") + "\noverrides:\n"
    cases = [
        ("  G60-NOPE-001: {severity: error}\n", "unknown rule"),
        ("  G60-APP-008: {params: {flor: 90}}\n", "no parameter flor"),
        ("  G60-APP-008: {enabled: false}\n", "needs a reason"),
    ]
    for body, words in cases:
        (tmp_path / "d.yaml").write_text(base + body, encoding="utf-8")
        with pytest.raises(RulesetError) as info:
            load_ruleset(tmp_path / "d.yaml")
        assert info.value.line == 4 and words in info.value.message


def test_yaml_tags_that_build_objects_are_refused(tmp_path):
    with pytest.raises(RulesetError) as info:
        _load(tmp_path, "ruleset: !!python/object:os.system {}\n")
    assert info.value.line == 1
