"""Policy staff's tools: lint, rule tests, overlays, threshold tables, states, explain, impact, docs."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.engines.pool import screen
from g60rules.rules.impact import impact
from g60rules.rules.lint import lint
from g60rules.rules.docs import rules_markdown
from g60rules.rules.format import json_schema
from g60rules.rules.compiler import load_ruleset
from samples import MINIMAL_RULE

ROOT = Path(__file__).resolve().parent.parent
DECL = ROOT / "declarations"
SONGJIANG = ROOT / "rulesets" / "districts" / "songjiang.yaml"
runner = CliRunner()

GOOD_RULE = MINIMAL_RULE


def _write(tmp_path: Path, body: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _codes(problems):
    return [(p.code, p.line) for p in problems]


# --- lint: each kind of mistake, with its line ---------------------------------------------------

@pytest.mark.parametrize("old,new,code,line", [
    ("    severity: error\n", "    severity: error\n    colour: red\n", "RS-KEY", 6),
    ("field: value.amount, gt", "field: value.amout, gt", "RS-FIELD", 8),
    ("field: value.amount, gt: 100", "field: value.amount, above: 100", "RS-OP", 8),
    ("field: value.amount, gt: 100", "field: value.amount, gt: lots", "RS-TYPE", 8),
    ("{zh: 超过, en: above}", "{zh: '超过 {value.amont}', en: above}", "RS-PLACEHOLDER", 9),
    ("source: SH-FORM", "source: SH-2099", "RS-BASIS", 6),
    ('target_value: "≥120(%)"}]}}', 'target_value: "≥20(%)"}]}}', "RS-EXAMPLE", 11),
    ('target_value: "≥90(%)"}]}}', 'target_value: "≥190(%)"}]}}', "RS-EXAMPLE", 12),
    ("{expect: fail, declaration: {indicators", "{expect: fail, declaration: {indikators", "RS-EXAMPLE-LOAD", 11),
])
def test_lint_finds_each_kind_of_mistake_with_its_line(tmp_path, old, new, code, line):
    body = "ruleset: t\nrules:\n" + GOOD_RULE.replace(old, new)
    assert old in GOOD_RULE
    problems = lint(_write(tmp_path, body))
    assert (code, line) in _codes(problems), [p.text("en") for p in problems]
    assert all(p.file.endswith("r.yaml") and p.column >= 1 for p in problems)


def test_lint_reports_every_problem_not_only_the_first(tmp_path):
    second = GOOD_RULE.replace("T-001", "T-002").replace("value.amount, gt", "value.amout, gt")
    third = GOOD_RULE.replace("source: SH-FORM", "source: NOPE")
    problems = lint(_write(tmp_path, "ruleset: t\nrules:\n" + GOOD_RULE + second + third))
    assert ("RS-FIELD", 18) in _codes(problems)
    assert ("RS-DUPID", 23) in _codes(problems)  # third rule reuses T-001
    assert len({p.code for p in problems}) >= 2


def test_lint_never_and_always_fire_and_coverage(tmp_path):
    never = GOOD_RULE.replace('"≥120(%)"', '"≥50(%)"')
    always = GOOD_RULE.replace("T-001", "T-002").replace('"≥90(%)"', '"≥190(%)"')
    problems = lint(_write(tmp_path, "ruleset: t\nrules:\n" + never + always))
    assert ("RS-NEVER", 3) in _codes(problems) and ("RS-ALWAYS", 13) in _codes(problems)
    only_fail = GOOD_RULE.replace("{expect: pass", "{expect: fail").replace('"≥90(%)"', '"≥190(%)"')
    assert "RS-COVERAGE" in {p.code for p in lint(_write(tmp_path, "ruleset: t\nrules:\n" + only_fail, "c.yaml"))}


def test_lint_extends_cycle_missing_parent_and_yaml(tmp_path):
    _write(tmp_path, "ruleset: a\nextends: b.yaml\n", "a.yaml")
    _write(tmp_path, "ruleset: b\nextends: a.yaml\n", "b.yaml")
    assert "RS-CYCLE" in {p.code for p in lint(tmp_path / "a.yaml")}
    assert _codes(lint(_write(tmp_path, "ruleset: c\n\nextends: gone.yaml\n", "c.yaml"))) == [("RS-PARENT", 3)]
    assert _codes(lint(_write(tmp_path, "ruleset: d\nrules: [\n", "d.yaml")))[0][0] == "RS-YAML"


def test_lint_messages_in_chinese_by_default_english_on_request(tmp_path):
    path = _write(tmp_path, "ruleset: t\nrules:\n" + GOOD_RULE.replace("value.amount, gt", "value.amout, gt"))
    zh = runner.invoke(app, ["ruleset", "lint", str(path)])
    en = runner.invoke(app, ["ruleset", "lint", str(path), "--lang", "en"])
    assert zh.exit_code == en.exit_code == 1
    assert f"{path}:8:" in zh.output and "没有字段" in zh.output and "提示" in zh.output
    assert "unknown field 'value.amout'" in en.output and "hint" in en.output


def test_shipped_rulesets_lint_clean():
    for path in (ROOT / "rulesets").rglob("*.yaml"):
        assert lint(path) == [], path


# --- threshold tables ------------------------------------------------------------------------------

TABLE_RULE = """\
ruleset: t
rules:
  - id: T-SAT
    title: {zh: 满意度, en: satisfaction}
    severity: warning
    basis: {source: CY-2015-88, clause: 合理可行}
    applies_to: indicator
    when:
      all:
        - {field: level1_code, eq: satisfaction}
        - {field: value.amount, lt: {param: floor}}
    params:
      floor:
        table:
          key: project.category
          hit: HIT
          rows:
            - {when: 特定目标类, value: 90}
            - {when: [特定目标类, 其他运转类], value: 85}
ROWS
    message: {zh: "低于 {param.floor}", en: "below {param.floor}"}
    examples:
      - expect: fail
        message: 低于 90
        declaration:
          category: 特定目标类
          indicators: [{level1: 满意度指标, target_value: "≥89(%)"}]
      - expect: pass
        declaration:
          category: 其他运转类
          indicators: [{level1: 满意度指标, target_value: "≥89(%)"}]
"""


def test_table_param_first_hit_with_default(tmp_path):
    path = _write(tmp_path, TABLE_RULE.replace("HIT", "first").replace("ROWS", "            - {value: 80}"))
    assert [p.code for p in lint(path)] == []
    ruleset = load_ruleset(path)
    project = tmp_path / "p.yaml"
    project.write_text("kind: project\ncategory: 公益类\nindicators: [{level1: 满意度指标, target_value: '≥79(%)'}]\n",
                       encoding="utf-8")
    (finding,) = screen([project], ruleset, engine="durable", jobs=1).findings
    assert finding.message_zh == "低于 80"


def test_table_overlap_and_uncovered_are_reported(tmp_path):
    unique = lint(_write(tmp_path, TABLE_RULE.replace("HIT", "unique").replace("ROWS\n", ""), "u.yaml"))
    assert {"RS-TABLE-OVERLAP", "RS-TABLE-UNCOVERED"} <= {p.code for p in unique}
    overlap = next(p for p in unique if p.code == "RS-TABLE-OVERLAP")
    assert "特定目标类" in overlap.zh and overlap.line == 13
    first = lint(_write(tmp_path, TABLE_RULE.replace("HIT", "first").replace("ROWS", "            - {value: 80}"), "f.yaml"))
    assert "RS-TABLE-OVERLAP" not in {p.code for p in first}  # row 2 still applies to 其他运转类


# --- overlays, show, states -----------------------------------------------------------------------

def test_songjiang_overlay_rule_tests_pass():
    result = runner.invoke(app, ["ruleset", "test", str(SONGJIANG), "--lang", "en"])
    assert result.exit_code == 0 and " 0 failed" in result.output


def test_show_says_where_each_value_comes_from():
    result = runner.invoke(app, ["ruleset", "show", str(SONGJIANG)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    severity = next(i for i, line in enumerate(lines) if line.startswith("G60-COMP-018")) + 1
    assert lines[severity].split()[1] == "error" and "songjiang.yaml:14" in lines[severity]
    assert any("params.floor = table by project.category" in line and "songjiang.yaml:18" in line for line in lines)
    assert any(line.startswith("SJ-TIME-001") for line in lines)


def test_overlay_on_the_seed_raises_timeliness_and_the_floor():
    findings = screen([DECL], load_ruleset(SONGJIANG), engine="durable").findings
    timeliness = [f for f in findings if f.rule_id == "G60-COMP-018"]
    # 5: 05-publicity's 产出 rows with unreadable 二级 may hold the 时效 row, so it is not claimed missing
    assert len(timeliness) == 5 and {f.severity for f in timeliness} == {"error"}
    floor = [f for f in findings if f.rule_id == "G60-APP-008"]
    assert len(floor) == 6 and all("88%" in f.message_zh for f in floor)


def test_shadow_and_warn_states_never_fail_the_run(tmp_path):
    rule = GOOD_RULE.replace("    severity: error\n", "    severity: error\n    state: STATE\n")
    declaration = tmp_path / "d.yaml"
    declaration.write_text("kind: project\nindicators: [{target_value: '≥120(%)'}]\n", encoding="utf-8")
    for state, code in (("enforce", 1), ("warn", 0), ("shadow", 0)):
        path = _write(tmp_path, "ruleset: t\nrules:\n" + rule.replace("STATE", state), f"{state}.yaml")
        result = runner.invoke(app, ["check", str(declaration), "-r", str(path), "-f", "json"])
        assert result.exit_code == code, state
        data = json.loads(result.output)
        assert data["summary"]["shadow"] == (1 if state == "shadow" else 0)


def test_effective_dates_follow_as_of(tmp_path):
    rule = GOOD_RULE.replace("    severity: error\n", "    severity: error\n    effective: {from: 2025-01-01}\n")
    path = _write(tmp_path, "ruleset: t\nrules:\n" + rule)
    declaration = tmp_path / "d.yaml"
    declaration.write_text("kind: project\nindicators: [{target_value: '≥120(%)'}]\n", encoding="utf-8")
    assert runner.invoke(app, ["check", str(declaration), "-r", str(path), "--as-of", "2024-12-31"]).exit_code == 0
    assert runner.invoke(app, ["check", str(declaration), "-r", str(path), "--as-of", "2025-01-01"]).exit_code == 1


# --- explain and impact ---------------------------------------------------------------------------

def test_explain_shows_the_values_compared():
    result = runner.invoke(app, ["explain", "G60-APP-001", str(DECL / "g60-2024" / "02-factor-matching.yaml"),
                                 "--lang", "en"])
    assert result.exit_code == 0
    assert "CY-2015-88" in result.output
    assert "02-factor-matching.yaml:25  要素对接 › row 1 › 活动成本  → FIRES" in result.output
    assert "value.amount_yuan [800,000.00] > project.funds.budget [735,000.00] → true" in result.output


def test_explain_unknown_rule_exits_2():
    assert runner.invoke(app, ["explain", "G60-NOPE-1"]).exit_code == 2


def test_impact_of_the_songjiang_overlay_on_the_seed():
    impacts = {i.rule_id: i for i in impact(str(ROOT / "rulesets" / "shanghai.yaml"), str(SONGJIANG),
                                            [DECL / "g60-2024"])}
    assert set(impacts) == {"G60-APP-008", "G60-COMP-018"}
    assert len(impacts["G60-APP-008"].newly_fail) == 6 and not impacts["G60-APP-008"].newly_pass
    changed = impacts["G60-COMP-018"].changed
    # 5: 05-publicity's 产出 rows with unreadable 二级 may hold the 时效 row (no G60-COMP-018 there)
    assert len(changed) == 5 and {(a.severity, b.severity) for a, b in changed} == {("warning", "error")}


def test_impact_against_a_git_revision(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    base = "ruleset: base\nrules:\n" + GOOD_RULE
    (repo / "rules" / "base.yaml").write_text(base, encoding="utf-8")
    (repo / "rules" / "child.yaml").write_text("ruleset: child\nextends: base.yaml\n", encoding="utf-8")
    declaration = repo / "d.yaml"
    declaration.write_text("kind: project\nindicators: [{target_value: '≥95(%)'}]\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    (repo / "rules" / "base.yaml").write_text(base.replace("gt: 100", "gt: 90").replace('"≥90(%)"', '"≥80(%)"'),
                                              encoding="utf-8")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["impact", "git:HEAD:rules/child.yaml", "rules/child.yaml", "d.yaml", "-f", "md"])
    assert result.exit_code == 0, result.output
    assert "| `T-001` | 1 | 0 | 0 |" in result.output


# --- schema and docs ------------------------------------------------------------------------------

def test_committed_json_schema_is_current_and_accepts_the_shipped_rulesets():
    jsonschema = pytest.importorskip("jsonschema")
    committed = json.loads((ROOT / "rulesets" / "schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema()
    for path in (ROOT / "rulesets").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema="), path
        data = json.loads(json.dumps(yaml.safe_load(text), default=str))
        jsonschema.Draft202012Validator(committed).validate(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(committed).validate({"ruleset": "x", "rules": [{"id": "X-1", "colour": 1}]})


def test_rules_page_is_current(shanghai):
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(shanghai)
    page = rules_markdown(shanghai)
    section = page[page.index("## G60-APP-008"):page.index("## G60-APP-009")]
    for part in ("**检查什么.**", "**为什么.**", "**参数.** `floor` = 85", "**不通过的示例.**", "**通过的示例.**"):
        assert part in section


def test_a_bad_value_in_an_override_is_reported_on_the_override(tmp_path):
    # Regression: a wrong type in a district override was blamed on core.yaml.
    path = _write(tmp_path, f"ruleset: d\nextends: {ROOT / 'rulesets' / 'shanghai.yaml'}\n"
                            "overrides:\n  G60-APP-008:\n    params: {floor: 九十}\n", "d.yaml")
    problems = [p for p in lint(path) if p.code == "RS-TYPE"]
    assert [(Path(p.file).name, p.line) for p in problems] == [("d.yaml", 5)]


def test_stale_examples_after_an_override_are_reported_on_the_override_with_a_hint(tmp_path):
    path = _write(tmp_path, f"ruleset: d\nextends: {ROOT / 'rulesets' / 'shanghai.yaml'}\n"
                            "overrides:\n  G60-APP-008: {params: {floor: 90}}\n", "d.yaml")
    problems = lint(path)
    assert problems and all(Path(p.file).name == "d.yaml" and p.line == 4 for p in problems)
    assert all("examples" in p.hint_en for p in problems)


def test_a_bad_date_in_a_ruleset_is_a_problem_not_a_crash(tmp_path):
    # Regression: effective: {from: 2025-13-01} raised ValueError out of the loader.
    body = "ruleset: t\nrules:\n" + GOOD_RULE.replace("    severity: error\n",
                                                      "    severity: error\n    effective: {from: 2025-13-01}\n")
    assert ("RS-VALUE", 6) in _codes(lint(_write(tmp_path, body)))


@pytest.mark.parametrize("expectation,ok", [
    ("field: value.amount", True), ("field: value.raw", False), ("row: 1", True), ("row: 2", False),
    ("count: 1", True), ("count: 2", False), ("message: above", True), ("message: 低于", False),
])
def test_failing_examples_may_state_field_row_count_and_message(tmp_path, expectation, ok):
    rule = GOOD_RULE.replace("      - {expect: fail, declaration:",
                             f"      - {{expect: fail, {expectation}, declaration:")
    outcome = run_examples_of(_write(tmp_path, "ruleset: t\nrules:\n" + rule))
    assert outcome == ok


def run_examples_of(path: Path) -> bool:
    from g60rules.rules.examples import run_examples

    return all(o.ok for o in run_examples(load_ruleset(path)))


@pytest.mark.parametrize("condition,code", [
    ('{field: funds.total, gt: ""}', "RS-TYPE"),                   # regression: TypeError, no line
])
def test_values_that_broke_the_compiler_or_the_engine_are_problems(tmp_path, condition, code):
    body = "ruleset: t\nrules:\n" + GOOD_RULE.replace("{field: value.amount, gt: 100}", condition).replace(
        "applies_to: indicator", "applies_to: " + ("project" if "funds" in condition else "indicator"))
    assert (code, 8) in _codes(lint(_write(tmp_path, body)))


def test_a_finding_points_at_the_field_that_made_it_fire(tmp_path):
    # Regression: "start or end date missing" pointed at the start date when the end was missing.
    path = tmp_path / "p.yaml"
    path.write_text("kind: project\nname: 甲\nplan_start: 2024-01-01\nfunds:\n  total: 100\n  carryover: '-5'\n",
                    encoding="utf-8")
    findings = {f.rule_id: f for f in screen([path], load_ruleset(ROOT / "rulesets" / "shanghai.yaml"),
                                              engine="reference").findings}
    assert findings["G60-COMP-014"].line == 1 and findings["G60-COMP-014"].field == "plan_end"
    assert findings["G60-APP-014"].line == 6 and findings["G60-APP-014"].field == "funds.carryover"


# --- known values (issue 10.4) ---------------------------------------------------------------------

def _overlay(tmp_path: Path, when: str, extra: str = "") -> Path:
    text = SONGJIANG.read_text(encoding="utf-8").replace("extends: ../shanghai.yaml",
                                                         f"extends: {ROOT / 'rulesets' / 'shanghai.yaml'}{extra}")
    assert "{when: 特定目标类, value: 90}" in text
    return _write(tmp_path, text.replace("{when: 特定目标类, value: 90}", f"{{when: {when}, value: 90}}"), "sj.yaml")


def test_lint_warns_on_a_table_key_no_declaration_takes_and_suggests_the_closest(tmp_path):
    problems = [p for p in lint(_overlay(tmp_path, "特定目标")) if p.code == "RS-UNKNOWN-VALUE"]
    (problem,) = problems
    assert problem.level == "warning" and problem.file.endswith("sj.yaml") and problem.line == 23  # the row with the typo
    assert "特定目标" in problem.zh and "是否想写“特定目标类”" in problem.zh and "第 1 行" in problem.zh
    assert "did you mean '特定目标类'" in problem.en
    result = runner.invoke(app, ["ruleset", "lint", str(tmp_path / "sj.yaml"), "--strict"])
    assert result.exit_code == 1 and "RS-UNKNOWN-VALUE" in result.output
    # a list row, another field, another word
    problems = [p for p in lint(_overlay(tmp_path, "[其他运转类, 专项类]")) if p.code == "RS-UNKNOWN-VALUE"]
    assert [("专项类" in p.zh) for p in problems] == [True]


def test_lint_accepts_known_values_and_values_a_child_ruleset_adds(tmp_path):
    assert not [p for p in lint(_overlay(tmp_path, "其他运转类")) if p.code == "RS-UNKNOWN-VALUE"]
    added = _overlay(tmp_path, "公益类", "\nknown_values: {category: [公益类]}")
    assert not [p for p in lint(added) if p.code == "RS-UNKNOWN-VALUE"]
    assert load_ruleset(added).known_values["category"][-1] == "公益类"


def test_lint_warns_on_a_condition_comparing_with_an_unknown_value(tmp_path):
    body = ("ruleset: t\nknown_values: {nature: [阶段性项目, 经常性项目]}\nrules:\n"
            + GOOD_RULE.replace("{field: value.amount, gt: 100}",
                                "{all: [{field: value.amount, gt: 100}, {field: project.nature, in: [阶段项目]}]}"))
    (problem,) = [p for p in lint(_write(tmp_path, body)) if p.code == "RS-UNKNOWN-VALUE"]
    assert problem.line == 4 and "阶段性项目" in problem.zh


def test_known_values_must_name_a_text_field_of_a_project(tmp_path):
    body = "ruleset: t\nknown_values: {categroy: [甲]}\nrules:\n" + GOOD_RULE
    assert ("RS-FIELD", 2) in _codes(lint(_write(tmp_path, body)))
