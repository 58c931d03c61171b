"""Issue 10.7: YAML mistakes Chinese typists make are named where they are, in the user's language,
in declarations, rulesets and waivers files alike (one helper)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from samples import MINIMAL_RULE
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.intake.yaml_errors import explain
from g60rules.intake.yaml_loader import load_text
from g60rules.rules.lint import lint

runner = CliRunner()


def _explained(text: str):
    """The explanation of the YAML error ``text`` raises (a test fails when it parses)."""
    with pytest.raises(yaml.YAMLError) as info:
        yaml.compose(text, Loader=yaml.SafeLoader)
    return explain(text, info.value)


GOOD = "类型: 项目\n项目名称: 甲\n项目资金:\n  项目资金总额: 5\n  财政资金: 5\n计划开始日期: 2024-01-01\n"


@pytest.mark.parametrize("broken,line,column,zh", [
    (GOOD.replace("项目名称: 甲", "项目名称：甲"), 2, 5, "第 2 行用了全角冒号“：”，请改为半角“:”"),
    (GOOD.replace("  财政资金: 5", "  财政资金：5"), 5, 7, "第 5 行用了全角冒号“：”"),
    (GOOD.replace("项目名称: 甲", "项目名称:甲"), 2, 6, "第 2 行冒号后缺少空格"),
    (GOOD.replace("  财政资金", "\t财政资金"), 5, 1, "第 5 行第 1 列用了制表符（Tab）"),
    (GOOD.replace("  财政资金", "   财政资金"), 5, 4, "第 5 行缩进 3 个空格，与上一行的 2 个不一致"),
    (GOOD.replace("项目名称: 甲", '项目名称: "甲'), 2, 7, "第 2 行第 7 列：引号或括号没有成对"),
])
def test_typists_mistakes_are_named_on_their_own_line(broken, line, column, zh):
    problem = _explained(broken)
    assert (problem.line, problem.column) == (line, column) and zh in problem.zh
    assert problem.en.startswith(f"line {line}")
    _, findings = load_text(broken, "p.yaml")
    (finding,) = findings
    assert (finding.rule_id, finding.line) == ("G60-FILE-002", line) and zh in finding.message_zh


def test_a_ruleset_with_a_full_width_colon_names_its_line_and_column(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("ruleset: t\nrules:\n" + MINIMAL_RULE.replace("    severity: error", "    severity：error"),
                    encoding="utf-8")
    (problem,) = lint(path)
    assert (problem.code, problem.line, problem.column) == ("RS-YAML", 5, 13)
    assert "全角冒号" in problem.zh and "full-width colon" in problem.en
    result = runner.invoke(app, ["rules", "--ruleset", str(path)])
    assert result.exit_code == 2 and f"{path}:5:13" in result.output and "全角冒号" in result.output


def test_a_waivers_file_with_a_tab_names_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(GOOD, encoding="utf-8")
    Path("w.yaml").write_text(f"waivers:\n  - rule: G60-COMP-003\n\tfiles: p.yaml\n    expires: {dt.date.today()}\n",
                              encoding="utf-8")
    result = runner.invoke(app, ["check", "p.yaml", "--waivers", "w.yaml"])
    assert result.exit_code == 2 and "w.yaml:3:1" in result.output and "制表符" in result.output
    result = runner.invoke(app, ["check", "p.yaml", "--waivers", "w.yaml", "--lang", "en"])
    assert result.exit_code == 2 and "w.yaml:3:1" in result.output and "indented with a tab" in result.output


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["项目名称", "实施单位", "name", "主管部门"]), st.text("甲乙丙一二三abc123", min_size=1, max_size=8),
       st.integers(0, 3))
def test_a_full_width_colon_anywhere_is_found_on_its_line(key, value, at):
    lines = GOOD.splitlines()
    index = [0, 1, 5, 5][at]
    lines.insert(index + 1, f"{key}：{value}")
    text = "\n".join(lines) + "\n"
    _, findings = load_text(text, "p.yaml")
    (syntax,) = [f for f in findings if f.rule_id == "G60-FILE-002"]
    assert syntax.line == index + 2 and "全角冒号" in syntax.message_zh


def test_a_broken_baseline_names_its_line_and_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(GOOD, encoding="utf-8")
    Path("b.json").write_text('{"tool": "g60rules",\n "version": 1\n "findings": []}\n', encoding="utf-8")
    result = runner.invoke(app, ["check", "p.yaml", "--baseline", "b.json"])
    assert result.exit_code == 2 and "b.json:3:2" in result.output and "不是有效的 JSON" in result.output


@pytest.mark.parametrize("text,line,zh", [
    ("类型：项目\n项目名称：甲\n", 1, "第 1 行用了全角冒号"),
    ("类型:项目\n项目名称:甲\n", 1, "第 1 行冒号后缺少空格"),
    ("# 说明\n类型：项目\n", 2, "第 2 行用了全角冒号"),
])
def test_a_file_that_parses_as_one_string_names_the_colon(text, line, zh):
    # every line "key：value" is valid YAML: one plain string, not a mapping
    _, findings = load_text(text, "p.yaml")
    (finding,) = findings
    assert (finding.rule_id, finding.line) == ("G60-FILE-002", line) and zh in finding.message_zh


def test_an_indicator_row_with_a_full_width_colon_names_it():
    _, findings = load_text("类型: 项目\n项目名称: 甲\n绩效指标:\n  - 一级指标：产出指标\n", "p.yaml")
    (finding,) = findings
    assert finding.line == 4 and "全角冒号" in finding.message_zh and "full-width colon" in finding.message_en


def test_a_ruleset_written_with_full_width_colons_names_the_first(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("# 规则\nruleset：t\nrules：[]\n", encoding="utf-8")
    (problem,) = lint(path)
    assert (problem.code, problem.line, problem.column) == ("RS-YAML", 2, 8) and "全角冒号" in problem.zh


# --- trial 8: an unclosed bracket or quote is named where it opened and where the parser noticed ------

@pytest.mark.parametrize("broken,line,column,parts", [
    # the trial's own: the { of line 4 is never closed, the parser gives up on line 5
    ("类型: 项目\n项目名称: 甲\n指标:\n  - {一级指标: 产出指标, 二级指标: 数量指标\n  - 三级指标: [oops\n", 4, 5,
     ("第 4 行第 5 列：花括号 { } 没有成对", "花括号“{”从这里开始", "第 5 行第 9 列")),
    ("类型: 项目\n项目名称: 甲\n标签: [一, 二\n备注: 乙\n", 3, 5,
     ("第 3 行第 5 列：方括号 [ ] 没有成对", "方括号“[”从这里开始", "第 4 行第 3 列")),
    ("类型: 项目\n名称: '甲\n备注: 乙\n", 2, 5, ("第 2 行第 5 列：引号或括号没有成对", "引号从这里开始", "第 4 行第 1 列")),
    # a bad escape is where the parser stopped; the quote it sits in is named too
    ('类型: 项目\n名称: "a\\q"\n', 2, 8, ("第 2 行第 8 列：双引号中的反斜杠", "引号从第 2 行第 5 列开始")),
    ("a: b\n- c\n", 2, 1, ("第 2 行第 1 列：缩进不一致", "所在的字段块从第 1 行第 1 列开始")),
])
def test_an_error_with_a_context_names_where_it_began(broken, line, column, parts):
    problem = _explained(broken)
    assert (problem.line, problem.column) == (line, column)
    for part in parts:
        assert part in problem.zh
    assert problem.en.startswith(f"line {line}, column {column}: ")


@settings(max_examples=40, deadline=None)
@given(before=st.integers(0, 6), after=st.integers(1, 4), bracket=st.sampled_from(["{a: 1, b: 2", "[1, 2"]),
       indent=st.integers(0, 3))
def test_an_unclosed_bracket_is_reported_on_the_line_it_opened(before, after, bracket, indent):
    lines = [f"k{i}: {i}" for i in range(before)] + [f"x:{' ' * (indent + 1)}{bracket}"]
    lines += [f"y{j}: {j}" for j in range(after)]
    text = "\n".join(lines) + "\n"
    problem = _explained(text)
    assert (problem.line, problem.column) == (before + 1, indent + 4)
    assert f"第 {before + 1} 行第 {indent + 4} 列" in problem.zh and "从这里开始" in problem.zh
    # where the parser noticed is named as well, on a later line
    assert any(f"读到第 {n} 行" in problem.zh for n in range(before + 2, before + after + 3))


# Trial A (broken/a1): a quote left open swallows the keys below it until the next quote, and the
# parser fails lines later; the unit must be sent to the line where the quote opened
@pytest.mark.parametrize("mark", ['"', "'"])
@pytest.mark.parametrize("text,line,column,failed", [
    ("类型: 项目\n项目名称: Q社区健康讲座\n项目性质: 其他\n主管部门: 甲\n项目资金:\n  项目资金总额: Q120, 000. 00Q\n",
     2, 7, 6),
    ("kind: project\nname: Q甲\nnature: 乙\nfunds:\n  total: Q5Q\n  fiscal: Q5Q\n", 2, 7, 5),
    ("项目资金:\n  财政资金: 5\n  年度资金申请总额: Q80\n  当年财政拨款: 80\n备注: Q无Q\n", 3, 13, 5),
])
def test_an_unclosed_quote_is_named_where_it_opened(mark, text, line, column, failed):
    text = text.replace("Q", mark)
    problem = _explained(text)
    assert (problem.line, problem.column) == (line, column)
    assert f"第 {line} 行第 {column} 列的引号 {mark} 没有在本行闭合" in problem.zh
    assert f"第 {failed} 行才发现问题" in problem.zh and f"failed at line {failed}" in problem.en
    assert "缩进" not in problem.zh


def test_an_unclosed_quote_in_a_declaration_file_is_reported_on_its_line():
    text = '类型: 项目\n项目名称: "社区健康讲座\n项目性质: 其他\n项目资金:\n  项目资金总额: "120, 000. 00"\n'
    _, problems = load_text(text, "p.yaml")
    (problem,) = problems
    assert (problem.rule_id, problem.line) == ("G60-FILE-002", 2) and "引号" in problem.message_zh


def test_a_quoted_value_over_two_lines_without_keys_inside_is_not_blamed_on_its_quote():
    problem = _explained('名称: "甲\n  乙" 丙\n')
    assert "没有在本行闭合" not in problem.zh


# Trial B (t24, t27): a colon without a space in a nested key is explained as at the top level, on
# its own line — whether the parser fails (key:{…}) or the line parses as a string below its key
HEAD = "ruleset: t\nrules:\n" + MINIMAL_RULE + "word_tables:\n"


@pytest.mark.parametrize("tail,line,column,key", [
    ("  prompts:{add: [待填]}\n", 14, 11, "prompts"),        # t24: the parser fails on this line
    ("  placeholders:[待补充, 另行]\n", 14, 16, "placeholders"),
    ("  prompts:\n    add:[待填]\n", 15, 9, "add"),          # t27: parses as prompts = "add:[待填]"
    ("  vague:\n    remove:[若干]\n", 15, 12, "remove"),
    ("  prompts: add:[待填]\n", 14, 16, "add"),
    ("  prompts:\n    add：[待填]\n", 15, 8, None),
])
def test_a_missing_space_after_a_nested_key_is_named_on_its_line(tmp_path, tail, line, column, key):
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + tail, encoding="utf-8")
    (problem,) = lint(path)
    assert (problem.code, problem.line, problem.column) == ("RS-YAML", line, column)
    if key:
        assert f"第 {line} 行冒号后缺少空格：请写成“{key}: 值”" in problem.zh and f"'{key}: value'" in problem.en
    else:
        assert "全角冒号" in problem.zh
    assert "缩进" not in problem.zh


def test_a_nested_block_below_its_key_is_not_called_an_indentation_mismatch():
    problem = _explained("a:\n  b: 1\n  c: [1\n")
    assert "缩进" not in problem.zh


@pytest.mark.parametrize("value", ["(?:甲|乙)", "'add:[x]'", "10:30", "http://x.cn/a"])
def test_a_value_below_its_key_that_is_no_key_is_left_alone(value):
    from g60rules.intake.yaml_errors import nested_slip
    text = f"a:\n  b:\n    {value}\n"
    assert nested_slip(yaml.compose(text, Loader=yaml.SafeLoader)) is None
