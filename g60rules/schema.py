"""The fact schema: every field a rule may name, per kind of fact, with its type.

A rule ``applies_to`` one kind of fact — ``department``, ``project`` or ``indicator`` — and names
fields by dotted path. Indicator facts also carry their project's fields under ``project.``; project
facts carry their department's fields under ``department.``. Only these fields ever reach a rule
engine (durable-rules crashes on facts with ~300 properties; DURABLE-RULES.md).

Types: ``text`` (compared as strings, eq/ne/in/matches only), ``number``, ``money`` (元; written in a
ruleset as a number of 元 or as text such as ``20万元``; held by facts as whole 厘, :func:`money_units`), ``date`` (written ``YYYY-MM-DD``), and
``code`` (a closed set of English codes, listed, so a typo in a rule is caught when it loads).

``cell.<key>`` says what the form holds in a field: ``filled``, ``empty`` (on this form, not
filled), ``unreadable`` (present but could not be read) or ``absent`` (this form has no such field).
A "not filled" rule tests ``cell.<key>`` = ``empty``, so it never fires on a field the form lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from g60rules.graph import CELL_STATES, FUNDS_CELLS, INDICATOR_CELLS, LEVEL1, LEVEL2, PROJECT_CELLS
from g60rules.model import LEVEL2_EXTRA
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


# Money reaches both engines as a whole number of 厘 (0.001 元), never as a float: a float loses
# cents above ≈ 9·10^13 元, an int64 holds every amount below 10^15 元 exactly.
MONEY_SCALE = 1000


def money_units(amount: Decimal | int | float | str) -> int:
    """An amount in 元 as a whole number of 厘 (元 × 1000). Raises ValueError below 1 厘 or not finite."""
    exact = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if not exact.is_finite():
        raise ValueError("not a finite amount")
    units = exact * MONEY_SCALE
    if units != units.to_integral_value():
        raise ValueError("finer than 0.001 元")
    return int(units)


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
    "rollup.total_gap_wan": NUMBER,
}

_CELL = code(*CELL_STATES)

_PROJECT_OWN: dict[str, FieldType] = {
    "form": TEXT,
    "form.known": NUMBER,
    "name": TEXT,
    "nature": TEXT,
    "category": TEXT,
    "competent_department": TEXT,
    "implementing_unit": TEXT,
    "budget_year": NUMBER,
    "plan_start": DATE,
    "plan_end": DATE,
    "plan_start.precision": code("year", "month", "day"),
    "plan_end.precision": code("year", "month", "day"),
    "period": TEXT,
    "budget_arrangement": MONEY,
    "project_target": TEXT,
    "annual_target": TEXT,
    "performance_target": TEXT,
    "midterm_target": TEXT,
    "longterm_target": TEXT,
    **{f"funds.{k}": MONEY for k in (
        "total", "fiscal", "other", "annual_request", "appropriation", "carryover", "annual_other",
        "central", "provincial", "municipal", "county", "project_gap", "annual_gap", "budget")},
    "funds.budget_label": TEXT,
    **{f"cell.{k}": _CELL for k in PROJECT_CELLS},
    **{f"cell.funds.{k}": _CELL for k in (*FUNDS_CELLS, "budget")},
    "unfilled": TEXT,
    "unreadable": TEXT,
    "count.aliased": NUMBER,
    "aliased": TEXT,
    "budget_gap": MONEY,
    "cost.ceiling_sum": MONEY,
    "cost.ceiling_max": MONEY,
    "plan.years": NUMBER,
    "weights.count": NUMBER,
    "weights.sum": NUMBER,
    "plan.months": NUMBER,
    "plan.days": NUMBER,
    "target.same": NUMBER,
    "target.same_midterm": NUMBER,
    "count.indicators": NUMBER,
    "count.level1.unknown": NUMBER,
    "count.level2.unknown": NUMBER,
    **{f"count.level1.{c}": NUMBER for c in LEVEL1},
    **{f"count.level2.{c}": NUMBER for c in (*LEVEL2, "none")},
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
    "level2_code": code(*LEVEL2, *LEVEL2_EXTRA, "unknown"),
    "level2_parent": code(*LEVEL1),
    "level3": TEXT,
    "weight": NUMBER,
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
    "value.cell": TEXT,
    "value.cell_unit": TEXT,
    "value.cell_op": code(*(o.value for o in Operator)),
    "unit": TEXT,
    "operator": TEXT,
    "direction": code("positive", "negative"),
    "qualitative": code("qualitative", "quantitative"),
    "weight": NUMBER,
    "midterm_target.raw": TEXT,
    "midterm_target.kind": code(*(k.value for k in ValueKind)),
    "midterm_target.op": code(*(o.value for o in Operator)),
    "midterm_target.amount": NUMBER,
    "midterm_target.unit": TEXT,
    "midterm_target.qualifier": TEXT,
    "longterm_target.raw": TEXT,
    "standard": TEXT,
    "explanation": TEXT,
    "aliases": TEXT,
    "unreadable": TEXT,
    **{f"cell.{k}": _CELL for k in INDICATOR_CELLS},
    "dup.same_name_rows": NUMBER,
    "dup.same_name_values": NUMBER,
    "match.quantity_name": TEXT,
    "match.quantity_row": NUMBER,
    "match.quantity_amount": NUMBER,
    "match.quantity_unit": TEXT,
    "match.product_yuan": MONEY,
    "period.count": NUMBER,
    "period.product_yuan": MONEY,
    "name.amount": NUMBER,
    "name.unit": TEXT,
    "annual.amount": NUMBER,
    **{f"project.{k}": t for k, t in _PROJECT_OWN.items()},
}

FACTS: dict[str, dict[str, FieldType]] = {
    "department": DEPARTMENT,
    "project": PROJECT,
    "indicator": INDICATOR,
}

# What ``count`` counts for each kind of fact.
CHILDREN: dict[str, str] = {"department": "project", "project": "indicator"}
