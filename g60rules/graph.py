"""The declaration graph: department → project → funds / indicators, with roll-ups.

Built with networkx from the typed model. Node ids: ``department:<file>:<line>``,
``project:<file>:<line>``, ``funds:<file>:<line>``, ``indicator:<file>:<line>#<row>`` (the line of the
project mapping, so projects written inline in a department file stay apart). Edges: department → project (``has_project``),
project → funds (``funded_by``), project → indicator (``has_indicator``), cost indicator → funds
(``bounded_by``) and per-unit cost indicator → the quantity indicator it was matched with
(``unit_of``).

Every node carries ``node_type``, ``file``, ``line`` and its normalised values under the field paths
the rules use (``funds.annual_request``, ``value.amount_yuan`` …): money in 元 as Decimal, dates as
:class:`datetime.date`. An indicator's 指标值 is read for its row (:func:`row_family`): a bare 万 on a
cost row is 万元, an Excel day number on a time row is a date. Roll-ups are computed on the graph and stored on the nodes:

* department: ``rollup.project_count``, ``rollup.annual_request_sum`` (元) and
  ``rollup.total_gap`` = declared total − that sum (元) — CATALOGUE §2, department level;
* project: ``count.indicators``, ``count.level1.<code>``, ``count.level2.<code>``;
  ``funds.project_gap`` = 项目资金总额 − 财政资金 − 其他资金; ``funds.annual_gap`` = 年度资金申请总额 −
  当年财政拨款 − 上年结转资金 − 其他资金; ``budget_gap`` = 年度预算安排 − 年度资金申请总额 (元);
  ``cost.ceiling_sum`` = sum of the total-money cost ceilings (元; a range counts its upper bound)
  — CY-2015-88 相应匹配, SH-2023-16;
* indicator: ``dup.same_name_rows`` / ``dup.same_name_values`` (rows sharing its 三级 name, distinct
  values among them) and, for a per-unit cost ceiling (元/个, 元/次 …), the quantity indicator with the
  same unit noun: ``match.quantity_name``, ``match.quantity_amount``, ``match.product_yuan`` =
  ceiling × minimum quantity (元). When several rows match, the largest minimum quantity is used.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from decimal import Decimal
from typing import Any, Iterable

import networkx as nx

from g60rules.model import Department, Indicator, Project, Source, level2_parent

# Each derived gap is its first amount minus the others (module docstring): the first amount, so a
# report can compare the two sides (the other side is the first minus the gap).
GAP_FIRST: dict[str, str] = {
    "rollup.total_gap": "declared_total",
    "budget_gap": "budget_arrangement",
    "funds.project_gap": "funds.total",
    "funds.annual_gap": "funds.annual_request",
}


def wan_yuan_mixup(a: float | Decimal, b: float | Decimal) -> bool:
    """Whether two amounts of 元 differ about 10,000-fold (9,000–11,000×): one was likely written in
    万元 where 元 was meant, or the reverse (1 万元 = 10,000 元)."""
    small, large = sorted((abs(a), abs(b)))
    return small > 0 and 9_000 * small <= large <= 11_000 * small
from g60rules.values import Operator, RowFamily, UnitKind, ValueKind, for_row

LEVEL1 = ("cost", "output", "benefit", "satisfaction")
LEVEL2 = (
    "economic_cost", "social_cost", "ecological_cost", "quantity", "quality", "timeliness",
    "economic_benefit", "social_benefit", "ecological_benefit", "sustainability", "recipient_satisfaction",
)
_FUNDS = ("total", "fiscal", "other", "annual_request", "appropriation", "carryover", "annual_other")
_MIN_QUANTITY_OPS = (Operator.GE, Operator.EQ, Operator.GT)
_COUNTED = (UnitKind.COUNT.value, UnitKind.LENGTH.value)


def _put(attrs: dict, key: str, value: Any) -> None:
    if value is not None:
        attrs[key] = value


def _sum_present(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def project_attrs(project: Project) -> dict[str, Any]:
    """Project node attributes: header, funds (元), targets and derived gaps."""
    attrs: dict[str, Any] = {"node_type": "project", "file": project.source.file, "line": project.source.line}
    for key in ("name", "nature", "category", "competent_department", "implementing_unit",
                "plan_start", "plan_end", "budget_arrangement", "project_target", "annual_target"):
        _put(attrs, key, getattr(project, key))
    funds = project.funds
    for key in _FUNDS:
        _put(attrs, f"funds.{key}", getattr(funds, key))
    if funds.total is not None and funds.fiscal is not None:
        attrs["funds.project_gap"] = funds.total - funds.fiscal - (funds.other or Decimal(0))
    parts = (funds.appropriation, funds.carryover, funds.annual_other)
    if funds.annual_request is not None and any(p is not None for p in parts):
        attrs["funds.annual_gap"] = funds.annual_request - _sum_present(parts)
    if project.budget_arrangement is not None and funds.annual_request is not None:
        attrs["budget_gap"] = project.budget_arrangement - funds.annual_request
    return attrs


def indicator_attrs(indicator: Indicator) -> dict[str, Any]:
    """Indicator node attributes: levels with their codes, and the parsed 指标值 under ``value.*``."""
    attrs: dict[str, Any] = {
        "node_type": "indicator", "file": indicator.source.file, "line": indicator.source.line,
        "row": indicator.row,
    }
    _put(attrs, "level1", indicator.level1)
    _put(attrs, "level1_code", indicator.level1_code)
    _put(attrs, "level2", indicator.level2)
    _put(attrs, "level2_code", indicator.level2_code)
    _put(attrs, "level2_parent", level2_parent(indicator.level2))
    _put(attrs, "level3", indicator.level3)
    value = for_row(indicator.target_value, row_family(indicator.level1_code, indicator.level2_code))
    attrs["value.raw"] = value.raw
    attrs["value.kind"] = value.kind.value
    _put(attrs, "value.op", value.op.value if value.op else None)
    if value.op is not None:
        attrs["value.op_source"] = "implied" if value.op_implied else "written"
    _put(attrs, "value.amount", value.amount)
    _put(attrs, "value.upper", value.upper)
    _put(attrs, "value.unit", value.unit)
    _put(attrs, "value.unit_kind", value.unit_kind.value if value.unit_kind else None)
    _put(attrs, "value.unit_noun", value.unit_noun)
    _put(attrs, "value.unit_per", value.unit_per)
    _put(attrs, "value.unit_period", value.unit_period)
    _put(attrs, "value.unit_written", value.unit_written)
    if value.unit is not None:
        attrs["value.unit_source"] = "row" if value.unit_from_row else "written"
    _put(attrs, "value.amount_yuan", value.amount_yuan)
    _put(attrs, "value.upper_yuan", value.upper_yuan)
    _put(attrs, "value.date", value.date)
    _put(attrs, "value.date_precision", value.date_precision.value if value.date_precision else None)
    _put(attrs, "value.date_end", value.date_end)
    _put(attrs, "value.date_end_precision",
         value.date_end_precision.value if value.date_end_precision else None)
    _put(attrs, "value.date_serial", value.date_serial)
    _put(attrs, "value.qualifier", value.qualifier)
    _put(attrs, "value.change", value.change)
    _put(attrs, "value.note", value.note)
    _put(attrs, "value.word", value.word)
    _put(attrs, "value.problem", value.problem)
    return attrs


def row_family(level1_code: str | None, level2_code: str | None) -> RowFamily | None:
    """What the canonical level codes say about reading a row's value: a cost row reads a bare 万
    as 万元, a time row reads an Excel day number as a date (see values.for_row)."""
    if level1_code == "cost":
        return RowFamily.COST
    if level2_code == "timeliness":
        return RowFamily.TIMELINESS
    return None


def _value_key(r: dict) -> tuple:
    """What a row's value means: "≥90%" and "≥90.00(%)" are the same target (Decimal equality)."""
    if r["value.kind"] in (ValueKind.QUANTITATIVE.value, ValueKind.CHANGE.value, ValueKind.RANGE.value,
                           ValueKind.DATE.value, ValueKind.DATE_RANGE.value, ValueKind.QUALITATIVE.value):
        return tuple(r.get(k) for k in ("value.kind", "value.op", "value.amount", "value.upper", "value.unit",
                                        "value.change", "value.date", "value.date_end", "value.word"))
    return ("raw", "".join(r["value.raw"].split()))


def _name_key(text: str | None) -> str | None:
    return "".join(text.split()) if text else None


class DeclarationGraph:
    """A networkx DiGraph of departments, projects, funds and indicators, with roll-ups."""

    def __init__(self) -> None:
        self.g = nx.DiGraph()
        self.sources: dict[str, Source] = {}

    def add_department(self, department: Department) -> str:
        """Add a department and its projects; returns the department node id."""
        node = f"department:{department.source.file}:{department.source.line}"
        attrs: dict[str, Any] = {"node_type": "department", "file": department.source.file,
                                 "line": department.source.line}
        for key in ("name", "year", "budget_unit_count", "declared_project_count", "declared_total"):
            _put(attrs, key, getattr(department, key))
        self.g.add_node(node, **attrs)
        self.sources[node] = department.source
        for project in department.projects:
            self.g.add_edge(node, self.add_project(project, department_node=node), kind="has_project")
        self._department_rollups(node)
        return node

    def add_project(self, project: Project, department_node: str | None = None) -> str:
        """Add a project with its funds and indicators; returns the project node id."""
        node = f"project:{project.source.file}:{project.source.line}"
        self.g.add_node(node, **project_attrs(project))
        source = Source(project.source.file, project.source.line, dict(project.source.field_lines))
        if project.funds.source:
            source.field_lines.update({f"funds.{k}": v for k, v in project.funds.source.field_lines.items()})
        self.sources[node] = source
        if department_node:
            self.g.nodes[node]["department_node"] = department_node
        funds_node = f"funds:{project.source.file}:{project.source.line}"
        funds_line = project.funds.source.line if project.funds.source else project.source.line
        self.g.add_node(funds_node, node_type="funds", file=project.source.file, line=funds_line,
                        **{k: v for k, v in self.g.nodes[node].items() if k.startswith("funds.")})
        self.g.add_edge(node, funds_node, kind="funded_by")
        for indicator in project.indicators:
            ind_node = f"indicator:{project.source.file}:{project.source.line}#{indicator.row}"
            self.g.add_node(ind_node, **indicator_attrs(indicator))
            self.sources[ind_node] = indicator.source
            self.g.add_edge(node, ind_node, kind="has_indicator")
        self._project_rollups(node, funds_node)
        return node

    def indicators(self, project_node: str) -> list[str]:
        """Indicator node ids of a project, in row order."""
        found = [n for n in self.g.successors(project_node) if self.g.nodes[n]["node_type"] == "indicator"]
        return sorted(found, key=lambda n: self.g.nodes[n]["row"])

    def projects(self, department_node: str) -> list[str]:
        return [n for n in self.g.successors(department_node) if self.g.nodes[n]["node_type"] == "project"]

    def _project_rollups(self, node: str, funds_node: str) -> None:
        attrs = self.g.nodes[node]
        rows = [self.g.nodes[n] for n in self.indicators(node)]
        attrs["count.indicators"] = len(rows)
        level1 = Counter(r.get("level1_code") for r in rows)
        level2 = Counter(r.get("level2_code") for r in rows)
        for code in LEVEL1:
            attrs[f"count.level1.{code}"] = level1[code]
        for code in LEVEL2:
            attrs[f"count.level2.{code}"] = level2[code]
        # a cost row's ceiling: its amount under ≤ < =, or the upper bound of a range
        ceilings = [r.get("value.upper_yuan", r.get("value.amount_yuan")) for r in rows
                    if r.get("level1_code") == "cost" and r.get("value.unit_kind") == UnitKind.MONEY.value
                    and (r.get("value.op") in (Operator.LE.value, Operator.LT.value, Operator.EQ.value)
                         or r.get("value.kind") == ValueKind.RANGE.value)]
        ceilings = [c for c in ceilings if c is not None]
        if ceilings:
            attrs["cost.ceiling_sum"] = sum(ceilings, Decimal(0))
        by_name: dict[str, list[dict]] = {}
        for r in rows:
            key = _name_key(r.get("level3"))
            if key:
                by_name.setdefault(key, []).append(r)
        for same in by_name.values():
            distinct = {_value_key(r) for r in same}
            for r in same:
                r["dup.same_name_rows"] = len(same)
                r["dup.same_name_values"] = len(distinct)
        for ind_node in self.indicators(node):
            r = self.g.nodes[ind_node]
            if r.get("level1_code") == "cost" and r.get("value.unit_kind") in (
                    UnitKind.MONEY.value, UnitKind.MONEY_PER_UNIT.value):
                self.g.add_edge(ind_node, funds_node, kind="bounded_by")
            if r.get("value.unit_kind") == UnitKind.MONEY_PER_UNIT.value and "value.amount_yuan" in r:
                self._match_quantity(ind_node, node)

    def _match_quantity(self, ind_node: str, project_node: str) -> None:
        """Pair a per-unit cost ceiling with the quantity target counted in the same noun (个, 人, 亩,
        平方米 …; "2万人" counts 人)."""
        r = self.g.nodes[ind_node]
        noun = r.get("value.unit_noun")
        best: tuple[Decimal, str] | None = None
        for other in self.indicators(project_node):
            q = self.g.nodes[other]
            if (other != ind_node and q.get("level1_code") == "output"
                    and q.get("value.kind") == ValueKind.QUANTITATIVE.value
                    and q.get("value.unit_kind") in _COUNTED and q.get("value.unit") == noun
                    and q.get("value.op") in {o.value for o in _MIN_QUANTITY_OPS}
                    and q["value.amount"] > 0 and (best is None or q["value.amount"] > best[0])):
                best = (q["value.amount"], other)
        if best is None:
            return
        amount, other = best
        r["match.quantity_name"] = self.g.nodes[other].get("level3", "")
        r["match.quantity_row"] = self.g.nodes[other]["row"]
        r["match.quantity_amount"] = amount
        r["match.product_yuan"] = r["value.amount_yuan"] * amount
        self.g.add_edge(ind_node, other, kind="unit_of")

    def _department_rollups(self, node: str) -> None:
        attrs = self.g.nodes[node]
        requests = [self.g.nodes[p].get("funds.annual_request") for p in self.projects(node)]
        attrs["rollup.project_count"] = len(requests)
        attrs["rollup.projects_without_request"] = sum(1 for r in requests if r is None)
        attrs["rollup.annual_request_sum"] = _sum_present(requests)
        if "declared_total" in attrs:
            attrs["rollup.total_gap"] = attrs["declared_total"] - attrs["rollup.annual_request_sum"]


def build_graph(departments: Iterable[Department], projects: Iterable[Project]) -> DeclarationGraph:
    """Graph of every department (with its projects) and every standalone project."""
    graph = DeclarationGraph()
    for department in departments:
        graph.add_department(department)
    for project in projects:
        graph.add_project(project)
    return graph


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export(graph: DeclarationGraph, fmt: str) -> str:
    """Serialise the graph: ``graphml``, ``json`` (node-link) or ``dot``. Decimals become strings."""
    plain = nx.DiGraph()
    for node, attrs in graph.g.nodes(data=True):
        plain.add_node(node, **{k: _plain(v) for k, v in attrs.items()})
    plain.add_edges_from(graph.g.edges(data=True))
    if fmt == "json":
        return json.dumps(nx.node_link_data(plain, edges="edges"), ensure_ascii=False, indent=2)
    if fmt == "graphml":
        buffer = io.BytesIO()  # generate_graphml would escape every Chinese character as &#…;
        nx.write_graphml(plain, buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue().decode("utf-8")
    if fmt == "dot":
        return _to_dot(plain)
    raise ValueError(f"unknown graph format: {fmt}")


def _dot_id(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _to_dot(g: nx.DiGraph) -> str:
    """Graphviz DOT text; written here because pydot/pygraphviz would add a system dependency."""
    lines = ["digraph declarations {", "  node [shape=box];"]
    for node, attrs in g.nodes(data=True):
        label = attrs.get("name") or attrs.get("level3") or attrs.get("node_type")
        fields = ", ".join(f"{_dot_id(k)}={_dot_id(v)}" for k, v in sorted(attrs.items()))
        lines.append(f"  {_dot_id(node)} [label={_dot_id(label)}, {fields}];")
    for a, b, attrs in g.edges(data=True):
        lines.append(f"  {_dot_id(a)} -> {_dot_id(b)} [label={_dot_id(attrs.get('kind', ''))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
