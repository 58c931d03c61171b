"""Issue 10.8: one mistyped key gives one finding naming the field meant; the rest of the block is read."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.intake.yaml_loader import load_text, suggest_keys
from g60rules.model import FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

FUNDS = """\
类型: 项目
项目名称: 甲
项目资金:
  项目资金总额: 100000
  财政资金: 100000
  KEY: 80000
  当年财政拨款: 80000
"""


@pytest.mark.parametrize("typo,field", [
    ("年度资金申请", "annual_request"), ("年度资金申请总数", "annual_request"), ("anual_request", "annual_request"),
    ("Annual_Request", "annual_request"), ("年度资金申请总额 当年财政拔款", "appropriation"),
])
def test_a_near_miss_in_the_funds_block_is_one_finding_and_the_value_is_read(typo, field):
    if field == "appropriation":  # the block gives the annual request; the typo is on the next line
        text = FUNDS.replace("  KEY: 80000\n", "  年度资金申请总额: 80000\n").replace("  当年财政拨款:", "  当年财政拔款:")
    else:
        text = FUNDS.replace("KEY", typo)
    project, problems = load_text(text, "p.yaml")
    (problem,) = problems
    assert (problem.rule_id, problem.line) == ("G60-FILE-004", 6 if field == "annual_request" else 7)
    assert "是否想写" in problem.message_zh and field in problem.message_zh and "已按该字段读取" in problem.message_zh
    assert "可用字段" not in problem.message_zh and "did you mean" in problem.message_en
    assert getattr(project.funds, field) == Decimal(80000)
    assert project.funds.total == Decimal(100000) and project.funds.fiscal == Decimal(100000)


def test_no_cascade_of_not_filled_after_a_typo(tmp_path):
    text = (ROOT / "tests" / "data" / "clean-project.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("  年度资金申请总额: 100000", "  年度资金申请: 100000"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "-f", "json", "--strict"])
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule_id"] for f in findings] == ["G60-FILE-004"]


def test_a_typo_for_a_field_already_given_is_not_read_over_it():
    text = FUNDS.replace("  KEY: 80000\n", "  年度资金申请总额: 80000\n  年度资金申请: 1\n")
    project, problems = load_text(text, "p.yaml")
    (problem,) = problems
    assert "已按该字段读取" not in problem.message_zh and "年度资金申请总额" in problem.message_zh
    assert project.funds.annual_request == Decimal(80000)


def test_a_key_like_no_field_lists_the_fields():
    project, problems = load_text(FUNDS.replace("KEY", "备注"), "p.yaml")
    (problem,) = problems
    assert "可用字段" in problem.message_zh and "annual_request/年度资金申请总额" in problem.message_zh
    assert project.funds.fiscal == Decimal(100000)


def test_an_indicator_row_keeps_its_other_cells():
    text = "类型: 项目\n绩效指标:\n  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指表: 报告数量, 指标值: \"≥3(篇)\"}\n"
    project, problems = load_text(text, "p.yaml")
    (problem,) = problems
    assert "三级指标" in problem.message_zh
    (row,) = project.indicators
    assert (row.level1, row.level3, row.target_value.raw) == ("产出指标", "报告数量", "≥3(篇)")


@pytest.mark.parametrize("raw,specs,best", [
    ("项目名", PROJECT_FIELDS, "name"), ("implementing_units", PROJECT_FIELDS, "implementing_unit"),
    ("二级指标名称", INDICATOR_FIELDS, "level2"), ("上年结转", FUNDS_FIELDS, "carryover"),
])
def test_suggestions_come_from_english_keys_and_chinese_labels(raw, specs, best):
    assert suggest_keys(raw, specs)[0][0] == best


def test_a_mistyped_key_or_field_in_a_ruleset_names_the_one_meant(tmp_path):
    from samples import MINIMAL_RULE

    from g60rules.rules.lint import lint

    key = tmp_path / "k.yaml"
    key.write_text("ruleset: t\nrules:\n" + MINIMAL_RULE.replace("    severity: error", "    severty: error"),
                   encoding="utf-8")
    (problem,) = [p for p in lint(key) if p.code == "RS-KEY"]
    assert "是否想写“severity”" in problem.hint_zh and "did you mean 'severity'" in problem.hint_en
    field = tmp_path / "f.yaml"
    field.write_text("ruleset: t\nrules:\n" + MINIMAL_RULE.replace("field: value.amount, gt", "field: value.amout, gt"),
                     encoding="utf-8")
    (problem,) = [p for p in lint(field) if p.code == "RS-FIELD"]
    assert "value.amount" in problem.hint_zh and "是否想写" in problem.hint_zh


def test_a_mistyped_key_in_a_waivers_file_names_the_one_meant(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text("类型: 项目\n项目名称: 甲\n", encoding="utf-8")
    Path("w.yaml").write_text("waivers:\n  - rule: G60-COMP-003\n    files: p.yaml\n    reasn: 说明\n"
                              "    approved_by: 张三\n    expires: 2099-01-01\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "p.yaml", "--waivers", "w.yaml"])
    assert result.exit_code == 2 and "w.yaml:4" in result.output and "是否想写“reason”" in result.output


@pytest.mark.parametrize("typo,field,value", [
    ("年度值", "target_value", "≥3(篇)"), ("三级", "level3", "报告数量"),
])
def test_part_of_one_fields_name_is_read_as_that_field(typo, field, value):
    text = ("类型: 项目\n绩效指标:\n  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 报告数量, 指标值: \"≥3(篇)\"}\n"
            .replace("三级指标" if field == "level3" else "指标值", typo, 1))
    project, problems = load_text(text, "p.yaml")
    (problem,) = problems
    assert "已按该字段读取" in problem.message_zh
    (row,) = project.indicators
    assert (row.target_value.raw if field == "target_value" else row.level3) == value


def test_a_part_shared_by_several_fields_is_suggested_not_read():
    # 值 is part of 指标值, 中期指标值, 长期指标值 and 分值 (issue 7's columns): no single field is meant
    text = "类型: 项目\n绩效指标:\n  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 报告数量, 值: \"≥3(篇)\"}\n"
    project, problems = load_text(text, "p.yaml")
    (problem,) = problems
    assert "已按该字段读取" not in problem.message_zh and "指标值（target_value）" in problem.message_zh
    assert project.indicators[0].target_value.raw == ""


def test_a_name_holding_one_fields_label_is_read_as_that_field():
    project, problems = load_text("类型: 项目\n项目名称（全称）: 甲\n", "p.yaml")
    (problem,) = problems
    assert project.name == "甲" and "已按该字段读取" in problem.message_zh


def test_part_of_several_fields_names_is_only_suggested():
    project, problems = load_text("类型: 项目\n项目资金:\n  总额: 5\n", "p.yaml")
    (problem,) = problems
    assert "已按该字段读取" not in problem.message_zh and project.funds.total is None


# Trial A (extra-fields): columns real forms carry that no rule reads are info, not errors to fix
EXTRA = """\
类型: 项目
项目名称: 甲
KEY: VALUE
项目总目标: 提高居民健康素养
"""


@pytest.mark.parametrize("label", ["项目负责人", "备注", "联系电话", "填报人", "填报日期", "联系人", "单位负责人", "remarks"])
def test_a_column_no_rule_reads_is_an_info_notice_without_a_list_of_fields(label):
    _, problems = load_text(EXTRA.replace("KEY", label).replace("VALUE", "张三"), "p.yaml")
    (problem,) = problems
    assert (problem.rule_id, problem.severity.value, problem.line) == ("G60-FILE-013", "info", 3)
    assert label in problem.message_zh and "已忽略" in problem.message_zh
    assert "是否想写" not in problem.message_zh and "可用字段" not in problem.message_zh
    assert "须修改" not in problem.message_zh and "project_target" not in problem.message_zh


@pytest.mark.parametrize("typo,field", [("项目名秤", "name"), ("年度总体目表", "annual_target"),
                                        ("计划完成日其", "plan_end"), ("budget_yaer", "budget_year")])
def test_a_typo_of_a_project_field_stays_an_error_naming_that_field(typo, field):
    _, problems = load_text(EXTRA.replace("项目名称: 甲\n", "项目名称: 甲\n" if field != "name" else "")
                            .replace("KEY", typo).replace("VALUE", "2026"), "p.yaml")
    (problem,) = [p for p in problems if p.rule_id.startswith("G60-FILE")]
    assert (problem.rule_id, problem.severity.value) == ("G60-FILE-004", "error")
    assert f"（{field}）" in problem.message_zh


@pytest.mark.parametrize("typo", ["levle3", "lvl3", "leve3", "Level_3"])
def test_a_typo_of_level3_in_an_indicator_row_stays_an_error_naming_level3(typo):
    text = EXTRA.replace("KEY: VALUE\n", "") + f"绩效指标:\n  - {{level1: 产出指标, level2: 数量指标, {typo}: 场次, target_value: '≥2'}}\n"
    _, problems = load_text(text, "p.yaml")
    (problem,) = [p for p in problems if p.rule_id.startswith("G60-FILE")]
    assert (problem.rule_id, problem.line) == ("G60-FILE-004", 5)
    assert "level3" in problem.message_zh


def test_a_label_sharing_only_a_common_word_is_not_suggested():
    assert suggest_keys("项目负责人", PROJECT_FIELDS) == []
    assert suggest_keys("填报单位", PROJECT_FIELDS) == []
    assert suggest_keys("项目名秤", PROJECT_FIELDS)[0] == ("name", True)
