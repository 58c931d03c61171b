"""Issue 10.5: conditions accept the form's Chinese category names wherever a category code is compared."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from g60rules.engines.pool import screen
from g60rules.rules.compiler import RulesetError, load_ruleset

RULE = """\
ruleset: t
rules:
  - id: T-001
    title: {zh: 缺少有日期的时效指标, en: no dated timeliness row}
    severity: error
    basis: {source: SH-FORM, clause: 测试}
    applies_to: project
    field: FIELD
    when:
      all:
        - {field: COUNTED, gt: 0}
        - count: {where: {all: [{field: level2_code, in: LABELS}, {field: value.kind, eq: date}]}}
          eq: 0
    message: {zh: 没有, en: none}
    examples:
      - {expect: fail, declaration: {indicators: [{level1: 产出指标, level2: 时效指标, level3: 完成时间, target_value: 及时}]}}
      - {expect: pass, declaration: {indicators: [{level1: 产出指标, level2: 时效指标, level3: 完成时间, target_value: 2024年12月31日}]}}
"""

CODES = {"FIELD": "count.level1.output", "COUNTED": "count.level2.timeliness", "LABELS": "[timeliness, quality]"}
NAMES = {"FIELD": "count.level1.产出指标", "COUNTED": "count.level2.时效", "LABELS": "[时效指标, 质量指标]"}


def _ruleset(tmp_path: Path, words: dict, name: str):
    body = RULE
    for key, value in words.items():
        body = body.replace(key, value)
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return load_ruleset(path)


def test_chinese_names_compile_to_the_same_conditions_as_codes(tmp_path):
    by_code = _ruleset(tmp_path, CODES, "codes.yaml")
    by_name = _ruleset(tmp_path, NAMES, "names.yaml")
    assert by_name.rules[0].condition == by_code.rules[0].condition
    assert by_name.rules[0].locate == "count.level1.output"
    assert by_name.counts == by_code.counts


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_both_engines_fire_on_a_rule_written_with_chinese_names(tmp_path, engine):
    ruleset = _ruleset(tmp_path, NAMES, "names.yaml")
    decl = tmp_path / "p.yaml"
    decl.write_text(textwrap.dedent("""\
        kind: project
        name: 乙
        indicators:
          - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 场次, 指标值: "≥3(场)"}
          - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值: 年内}
        """), encoding="utf-8")
    (finding,) = [f for f in screen([decl], ruleset, engine=engine, jobs=1).findings if f.rule_id == "T-001"]
    assert finding.field == "count.level1.output"


@pytest.mark.parametrize("field,label,code", [
    ("level1_code", "成本指标", "cost"),
    ("level2_code", "成本指标", "output_cost"),
    ("level2_parent", "满意度指标", "satisfaction"),
    ("level2_code", "服务对象满意度", "recipient_satisfaction"),
])
def test_a_name_means_the_code_of_the_level_the_field_holds(tmp_path, field, label, code):
    body = f"""\
ruleset: t
rules:
  - id: T-002
    title: {{zh: 测试, en: test}}
    severity: error
    basis: {{source: SH-FORM, clause: 测试}}
    applies_to: indicator
    when: {{field: {field}, eq: {label}}}
    message: {{zh: 有, en: found}}
    examples:
      - {{expect: fail, declaration: {{indicators: [{{level1: 成本指标, level2: 成本指标, target_value: 1}}]}}}}
      - {{expect: pass, declaration: {{indicators: [{{level1: 效益指标, target_value: 1}}]}}}}
"""
    path = tmp_path / "r.yaml"
    path.write_text(body, encoding="utf-8")
    assert load_ruleset(path).rules[0].condition.value == code


def test_a_name_that_is_no_category_is_still_refused(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(RULE.replace("FIELD", "count.level1.output").replace("COUNTED", "count.level2.timeliness")
                    .replace("LABELS", "[时效性]"), encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_ruleset(path)
    assert "时效性" in err.value.problem.zh
