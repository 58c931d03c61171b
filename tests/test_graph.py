"""The declaration graph: structure, roll-ups (exact 元) and exports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest

from g60rules.graph import build_graph, export
from g60rules.intake.yaml_loader import load_corpus, load_text

DECL = Path(__file__).resolve().parent.parent / "declarations" / "g60-2024"  # the seed, without examples/


@pytest.fixture(scope="module")
def seed_graph():
    corpus = load_corpus([DECL])
    return build_graph(corpus.departments, corpus.projects)


def _node(graph, node_type, **match):
    return next(a for _, a in graph.g.nodes(data=True)
                if a["node_type"] == node_type and all(a.get(k) == v for k, v in match.items()))


def test_department_rollup_matches_the_declared_total(seed_graph):
    dept = _node(seed_graph, "department")
    assert dept["rollup.project_count"] == 6
    assert dept["rollup.annual_request_sum"] == Decimal("5035000.00")
    assert dept["declared_total"] == Decimal("5035000.00")
    assert dept["rollup.total_gap"] == 0


def test_edges_link_department_project_funds_indicators(seed_graph):
    g = seed_graph.g
    kinds = {(g.nodes[a]["node_type"], g.nodes[b]["node_type"], d["kind"]) for a, b, d in g.edges(data=True)}
    assert kinds == {("department", "project", "has_project"), ("project", "funds", "funded_by"),
                     ("project", "indicator", "has_indicator"), ("indicator", "funds", "bounded_by"),
                     ("indicator", "indicator", "unit_of")}
    assert sum(1 for _, a in g.nodes(data=True) if a["node_type"] == "indicator") == 7 + 5 + 5 + 6 + 7 + 6


def test_counts_by_level_for_zhengce_yanjiu(seed_graph):
    p = _node(seed_graph, "project", name="政策研究")
    assert (p["count.level1.cost"], p["count.level1.output"], p["count.level1.benefit"],
            p["count.level1.satisfaction"]) == (3, 2, 1, 1)
    assert (p["count.level2.quantity"], p["count.level2.quality"], p["count.level2.timeliness"]) == (1, 1, 0)
    assert p["cost.ceiling_sum"] == Decimal("3700000.00")


def test_unit_cost_matched_with_the_quantity_of_the_same_noun(seed_graph):
    row = _node(seed_graph, "indicator", level3="路演场地租赁成本")
    assert row["match.quantity_name"] == "举办产融对接活动场次"
    assert row["match.quantity_amount"] == Decimal("20.00")
    assert row["match.product_yuan"] == Decimal("90000.0000")
    # 元/个 against reports counted in 篇: paired through the shared subject 课题
    by_subject = _node(seed_graph, "indicator", level3="单个课题成本", row=1)
    assert by_subject["match.quantity_name"] == "完成课题报告数量"
    assert by_subject["match.product_yuan"] == Decimal("200000.00") * Decimal("11.00")


def test_wan_and_yuan_mixed_compare_exactly():
    text = """\
kind: project
budget_arrangement: 349.8万元
funds: {annual_request: "3, 498, 000. 00"}
indicators: [{level1: 成本指标, target_value: "≤349.8万元"}]
"""
    project, _ = load_text(text, "p.yaml")
    graph = build_graph([], [project])
    p = _node(graph, "project")
    assert p["budget_gap"] == 0
    assert _node(graph, "indicator")["value.amount_yuan"] == Decimal("3498000")


@pytest.mark.parametrize("fmt", ["graphml", "json", "dot"])
def test_exports(seed_graph, fmt, tmp_path):
    text = export(seed_graph, fmt)
    if fmt == "json":
        data = json.loads(text)
        dept = next(n for n in data["nodes"] if n["node_type"] == "department")
        assert dept["declared_total"] == "5035000.00"
    elif fmt == "graphml":
        path = tmp_path / "g.graphml"
        path.write_text(text, encoding="utf-8")
        back = nx.read_graphml(path)
        assert back.number_of_nodes() == seed_graph.g.number_of_nodes()
    else:
        assert text.startswith("digraph") and "活动成本" in text and text.count("->") == seed_graph.g.number_of_edges()


def test_glossary_page_is_current():
    from g60rules.glossary import glossary_markdown

    committed = (Path(__file__).resolve().parent.parent / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert committed == glossary_markdown()


def _rows(text: str) -> dict[str, dict]:
    project, findings = load_text(text, "p.yaml")
    assert findings == []
    graph = build_graph([], [project])
    return {a["level3"]: a for _, a in graph.g.nodes(data=True) if a["node_type"] == "indicator"}


READING_BY_ROW = """\
kind: project
funds: {annual_request: 800000}
indicators:
  - {level1: 成本指标, level2: 经济成本指标, level3: 设备采购成本, target_value: "≤75万"}
  - {level1: 成本指标, level2: 经济成本指标, level3: 亩均补助, target_value: "≤450元/亩"}
  - {level1: 成本指标, level2: 经济成本指标, level3: 人均培训成本, target_value: "≤6元/人"}
  - {level1: 成本指标, level2: 经济成本指标, level3: 每生每年补助, target_value: "≤900元/生/年"}
  - {level1: 产出指标, level2: 数量指标, level3: 补助面积, target_value: "≥1200亩"}
  - {level1: 产出指标, level2: 数量指标, level3: 培训人数, target_value: "≥3.5万人"}
  - {level1: 产出指标, level2: 时效指标, level3: 完成时间, target_value: "45838"}
  - {level1: 产出指标, level2: 数量指标, level3: 年度编号, target_value: "45838"}
  - {level1: 效益指标, level2: 社会效益指标, level3: 受益率, target_value: "95%(上年90%)"}
  - {level1: 效益指标, level2: 社会效益指标, level3: 带动增收, target_value: "≥10万"}
"""


def test_the_row_decides_how_a_value_reads():
    rows = _rows(READING_BY_ROW)
    cost = rows["设备采购成本"]  # a bare 万 on a cost row is 万元 (issue 8, case c23)
    assert (cost["value.unit"], cost["value.unit_written"], cost["value.unit_source"]) == ("万元", "万", "row")
    assert cost["value.amount_yuan"] == Decimal("750000")
    benefit = rows["带动增收"]  # elsewhere it stays a bare 万
    assert (benefit["value.unit"], benefit["value.unit_source"]) == ("万", "written")
    assert "value.amount_yuan" not in benefit
    when = rows["完成时间"]  # an Excel day number on a time row is a date
    assert (when["value.kind"], when["value.date_serial"], when["value.date_precision"]) == ("date", 45838, "day")
    assert str(when["value.date"]) == "2025-06-30"
    number = rows["年度编号"]
    assert (number["value.kind"], number["value.amount"]) == ("quantitative", Decimal("45838"))


def test_unit_costs_pair_with_area_and_scaled_quantities():
    rows = _rows(READING_BY_ROW)
    area = rows["亩均补助"]  # c24: 元/亩 pairs with a quantity in 亩
    assert (area["match.quantity_name"], area["match.product_yuan"]) == ("补助面积", Decimal("540000"))
    people = rows["人均培训成本"]  # c07: 万人 counts 人
    assert (people["match.quantity_amount"], people["match.product_yuan"]) == (Decimal("35000"), Decimal("210000"))
    yearly = rows["每生每年补助"]
    assert (yearly["value.unit_per"], yearly["value.unit_period"], yearly["value.unit_noun"]) == ("生", "年", "生")


def test_operator_source_and_note_reach_the_facts():
    from g60rules.facts import FactBuilder

    project, _ = load_text(READING_BY_ROW, "p.yaml")
    (declaration,) = FactBuilder(build_graph([], [project])).declarations()
    facts = {f.indicator: f.values for f in declaration.facts[1:]}
    rate = facts["受益率"]
    assert (rate["value.op"], rate["value.op_source"], rate["value.note"]) == ("eq", "implied", "上年90%")
    assert facts["补助面积"]["value.op_source"] == "written"
    assert facts["完成时间"]["value.date"] == 20250630.0 and facts["完成时间"]["value.date_serial"] == 45838.0


def test_a_remembered_value_keeps_its_field_type():
    """Regression: values were remembered by their Python type and value only, so an amount first
    seen in a count field came back as a plain number in a money field (and the other way round)."""
    from decimal import Decimal

    from g60rules import facts, schema

    facts._SEEN.clear()
    as_count = facts._normalised(Decimal("37"), schema.NUMBER)
    as_money = facts._normalised(Decimal("37"), schema.MONEY)
    assert as_count == (37.0, None)
    assert as_money == (schema.money_units(Decimal("37")), None) and as_money != as_count
