"""The declaration graph: structure, roll-ups (exact 元) and exports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest

from g60rules.graph import build_graph, export
from g60rules.intake.yaml_loader import load_corpus, load_text

DECL = Path(__file__).resolve().parent.parent / "declarations"


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
