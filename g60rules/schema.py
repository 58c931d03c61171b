"""The fact schema: every field a rule may name, per kind of fact, with its type.

A rule ``applies_to`` one kind of fact — ``department``, ``project`` or ``indicator`` — and names
fields by dotted path. Indicator facts also carry their project's fields under ``project.``; project
facts carry their department's fields under ``department.``. Only these fields ever reach a rule
engine (durable-rules crashes on facts with ~300 properties; DURABLE-RULES.md).

Types: ``text`` (compared as strings, eq/ne/in/matches only), ``number``, ``money`` (元; written in a
ruleset as a number of 元 or as text such as ``20万元``), ``date`` (written ``YYYY-MM-DD``), and
``code`` (a closed set of English codes, listed, so a typo in a rule is caught when it loads).
"""

from __future__ import annotations

from dataclasses import dataclass

from g60rules.graph import LEVEL1, LEVEL2
from g60rules.values import DatePrecision, Operator, UnitKind, ValueKind


@dataclass(frozen=True)
class FieldType:
    """Type of one fact field; ``codes`` lists the allowed values of a ``code`` field."""

    name: str
    codes: tuple[str, ...] = ()

    @property
    def ordered(self) -> bool:
        return self.name in ("number", "money", "date")


TEXT = FieldType("text")
NUMBER = FieldType("number")
MONEY = FieldType("money")
DATE = FieldType("date")


def code(*values: str) -> FieldType:
    return FieldType("code", tuple(values))


DEPARTMENT: dict[str, FieldType] = {
    "name": TEXT,
    "year": NUMBER,
    "budget_unit_count": NUMBER,
    "declared_project_count": NUMBER,
    "declared_total": MONEY,
    "rollup.project_count": NUMBER,
    "rollup.projects_without_request": NUMBER,
    "rollup.annual_request_sum": MONEY,
    "rollup.total_gap": MONEY,
}

_PROJECT_OWN: dict[str, FieldType] = {
    "name": TEXT,
    "nature": TEXT,
    "category": TEXT,
    "competent_department": TEXT,
    "implementing_unit": TEXT,
    "plan_start": DATE,
    "plan_end": DATE,
    "budget_arrangement": MONEY,
    "project_target": TEXT,
    "annual_target": TEXT,
    **{f"funds.{k}": MONEY for k in (
        "total", "fiscal", "other", "annual_request", "appropriation", "carryover", "annual_other",
        "project_gap", "annual_gap")},
    "budget_gap": MONEY,
    "cost.ceiling_sum": MONEY,
    "count.indicators": NUMBER,
    **{f"count.level1.{c}": NUMBER for c in LEVEL1},
    **{f"count.level2.{c}": NUMBER for c in LEVEL2},
}

PROJECT: dict[str, FieldType] = {
    **_PROJECT_OWN,
    **{f"department.{k}": t for k, t in DEPARTMENT.items() if not k.startswith("rollup.")},
}

INDICATOR: dict[str, FieldType] = {
    "row": NUMBER,
    "level1": TEXT,
    "level1_code": code(*LEVEL1, "unknown"),
    "level2": TEXT,
    "level2_code": code(*LEVEL2, "output_cost", "unknown"),
    "level2_parent": code(*LEVEL1),
    "level3": TEXT,
    "value.raw": TEXT,
    "value.kind": code(*(k.value for k in ValueKind)),
    "value.op": code(*(o.value for o in Operator)),
    "value.op_source": code("written", "implied"),
    "value.amount": NUMBER,
    "value.upper": NUMBER,
    "value.unit": TEXT,
    "value.unit_kind": code(*(u.value for u in UnitKind)),
    "value.unit_noun": TEXT,
    "value.unit_per": TEXT,
    "value.unit_period": TEXT,
    "value.unit_written": TEXT,
    "value.unit_source": code("written", "row"),
    "value.amount_yuan": MONEY,
    "value.upper_yuan": MONEY,
    "value.date": DATE,
    "value.date_precision": code(*(p.value for p in DatePrecision)),
    "value.date_end": DATE,
    "value.date_end_precision": code(*(p.value for p in DatePrecision)),
    "value.date_serial": NUMBER,
    "value.qualifier": TEXT,
    "value.change": code("up", "down"),
    "value.note": TEXT,
    "value.word": TEXT,
    "value.problem": TEXT,
    "dup.same_name_rows": NUMBER,
    "dup.same_name_values": NUMBER,
    "match.quantity_name": TEXT,
    "match.quantity_row": NUMBER,
    "match.quantity_amount": NUMBER,
    "match.product_yuan": MONEY,
    **{f"project.{k}": t for k, t in _PROJECT_OWN.items()},
}

FACTS: dict[str, dict[str, FieldType]] = {
    "department": DEPARTMENT,
    "project": PROJECT,
    "indicator": INDICATOR,
}

# What ``count`` counts for each kind of fact.
CHILDREN: dict[str, str] = {"department": "project", "project": "indicator"}
