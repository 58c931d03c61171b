"""Value readings from issue 8 carried through to findings, on declarations of our own (other words
and numbers than ../shared/cases c05–c09, c19, c23, c24), on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from g60rules.engines.pool import screen

HEADER = """\
kind: project
name: {name}
nature: 其他经常性项目
category: 特定目标类
competent_department: 某局
implementing_unit: 某中心
plan_start: 2025-01-01
plan_end: 2025-12-31
funds: {{total: {money}, fiscal: {money}, annual_request: {money}, appropriation: {money}}}
project_target: 完成年度任务
annual_target: 完成年度任务
indicators:
"""
ROWS = {
    # name: (annual request in 元, rows as (level1, level2, level3, value))
    "percent-word": (90000, [("产出指标", "质量指标", "验收通过率", "≥110百分比")]),
    "wan-people": (60000, [("产出指标", "数量指标", "培训人数", "≥1.2万人"),
                           ("成本指标", "经济成本指标", "人均培训成本", "≤4元/人")]),
    "noted": (50000, [("产出指标", "质量指标", "建档率", "≥92%(上年88%)"),
                      ("效益指标", "社会效益指标", "随访率", "≥70%（新增）")]),
    "bracket-op": (40000, [("满意度指标", "服务对象满意度指标", "群众满意度", "》85%"),
                           ("产出指标", "数量指标", "改造面积", "》 亩")]),
    "masked": (30000, [("成本指标", "经济成本指标", "维护总成本", "≤**5000元")]),
    "bare-wan-cost": (700000, [("成本指标", "经济成本指标", "设备购置成本", "≤80万")]),
    "per-person-year": (100000, [("产出指标", "数量指标", "资助人数", "≥600人"),
                                 ("成本指标", "经济成本指标", "人均资助标准", "≤200元/人/年")]),
    "per-metre": (250000, [("产出指标", "数量指标", "管网铺设长度", "=800米"),
                           ("成本指标", "经济成本指标", "每米铺设成本", "≤350元/米")]),
}


@pytest.fixture(scope="module", params=["reference", "durable"])
def found(request, tmp_path_factory, shanghai):
    folder = tmp_path_factory.mktemp("values")
    for name, (money, rows) in ROWS.items():
        text = HEADER.format(name=name, money=money) + "".join(
            f'  - {{level1: {a}, level2: {b}, level3: {c}, target_value: "{v}"}}\n' for a, b, c, v in rows)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    result = screen([folder], shanghai, engine=request.param)
    hits: dict[str, set[tuple[str, int | None]]] = {}
    for f in result.findings:
        hits.setdefault(Path(f.file).stem, set()).add((f.rule_id, f.row))
    return hits


def test_percent_word_reads_as_percent(found):
    assert ("G60-APP-005", 1) in found["percent-word"]  # 110 % is above 100 %


def test_wan_people_pair_with_a_per_person_cost(found):
    # 4 元/人 × 12,000 人 = 48,000 元 ≤ 60,000 元: nothing to report, and the pair is found
    assert not {r for r, _ in found.get("wan-people", set())} & {"G60-APP-003", "G60-APP-004"}


def test_a_note_after_the_value_is_not_unreadable(found):
    assert not {r for r, _ in found.get("noted", set())} & {"G60-COMP-012"}


def test_bracket_typed_for_ge(found):
    rows = found["bracket-op"]
    assert ("G60-COMP-012", 1) not in rows
    assert ("G60-COMP-011", 2) in rows  # "》 亩": operator and unit, no number


def test_masked_digits_are_a_placeholder(found):
    rows = found["masked"]
    assert ("G60-COMP-011", 1) in rows and ("G60-COMP-012", 1) not in rows


def test_bare_wan_on_a_cost_row_is_money(found):
    rows = found["bare-wan-cost"]
    assert ("G60-APP-001", 1) in rows  # 800,000 元 > 700,000 元
    assert ("G60-APP-012", 1) not in rows  # the unit is money


def test_per_person_per_year_and_per_metre_costs_are_multiplied(found):
    assert ("G60-APP-003", 2) in found["per-person-year"]  # 200 × 600 = 120,000 > 100,000
    assert ("G60-APP-003", 2) in found["per-metre"]  # 350 × 800 = 280,000 > 250,000
