"""The declaration graph: department → project → funds / indicators, with roll-ups.

Built with networkx from the typed model. Node ids: ``department:<file>:<line>``,
``project:<file>:<line>``, ``funds:<file>:<line>``, ``indicator:<file>:<line>#<row>`` (the line of the
project mapping, so projects written inline in a department file stay apart). Edges: department → project (``has_project``),
project → funds (``funded_by``), project → indicator (``has_indicator``), cost indicator → funds
(``bounded_by``) and per-unit cost indicator → the quantity indicator it was matched with
(``unit_of``).

Every node carries ``node_type``, ``file``, ``line`` and its normalised values under the field paths
the rules use (``funds.annual_request``, ``value.amount_yuan`` …): money in 元 as Decimal, dates as
:class:`datetime.date` (plan dates as :class:`~g60rules.dates.DateBound`: a month or a year as the span
it names). The project's form picks its :class:`~g60rules.layouts.Layout` from the ruleset: each cell
of a project, its funds and its rows gets ``cell.<key>`` = filled / empty / unreadable / absent (not
on this form), ``funds.budget`` is the layout's amount, and category labels are read into canonical
codes through the ruleset's category table. An indicator's 指标值 is read for its row
(:func:`row_family`): a bare 万 on a cost row is 万元, an Excel day number on a time row is a date.
Roll-ups are computed on the graph and stored on the nodes:

* department: ``rollup.project_count``, ``rollup.annual_request_sum`` (元) and
  ``rollup.total_gap`` = declared total − that sum (元), ``rollup.total_gap_wan`` the same in 万元
  (exact) — CATALOGUE §2, department level;
* project: ``count.indicators``, ``count.level1.<code>``, ``count.level2.<code>`` (``none``: rows
  of a form without 二级 breakdown); ``count.aliased`` / ``aliased`` (category labels read through an
  alias, once per project); ``unreadable`` (labels of cells present but unreadable, indicator cells
  with their row); ``unfilled`` (labels of the form's empty header cells, 中期/长期目标 aside; in a
  finding's message, only the empty cells whose ``cell.*`` test made that rule fire); ``funds.project_gap`` =
  项目资金总额 − 财政资金 − 其他资金; ``funds.annual_gap`` = 年度资金申请总额 − 当年财政拨款 −
  上年结转资金 − 其他资金; ``budget_gap`` = 年度预算安排 − 年度资金申请总额 (元); ``funds.budget`` =
  the layout's amount (元);
  ``cost.ceiling_sum`` = sum of the total-money cost ceilings (元; a range counts its upper bound)
  and ``cost.ceiling_max`` the largest of them
  — CY-2015-88 相应匹配, SH-2023-16;
* indicator: ``dup.same_name_rows`` / ``dup.same_name_values`` (rows sharing its 三级 name, distinct
  values among them) and, for a per-unit cost ceiling (元/个, 元/亩 …), the quantity indicator it
  is matched with: ``match.quantity_name``, ``match.quantity_amount``, ``match.quantity_unit``,
  ``match.product_yuan`` = ceiling × minimum quantity (元; only when the quantity is a minimum:
  ≥, >, = or a range's lower bound). A quantity row (产出 or 数量, any operator) matches when it is
  measured in the cost's unit noun (个, 亩, 平方米, 剂次 …); failing that, when its name shares the
  counted subject with the cost's name ("单个课题成本" and "完成课题报告数量" share 课题). When
  several rows match, the largest minimum quantity is used (a ceiling row only when none is a
  minimum). A cost per period (元/月, 元/年 …) is multiplied instead by the number of such periods
  in the plan, at most one year's worth (the annual request covers a year):
  ``period.count``, ``period.product_yuan`` (元) — CATALOGUE §5;
* indicator, read from its name: ``name.amount`` / ``name.unit`` (a number with a unit written in
  the 三级 name, "达标率100%"), and ``annual.amount`` (the number the 年度总体目标 states for this
  row's unit and subject, "完成3个服务站点建设").

A value written without a unit takes the unit written at the end of the 三级 name ("任务完成时限(月)"
with "10"). A cost row whose ceiling equals the sum of the
other cost ceilings is their total and is not added to them in ``cost.ceiling_sum``. Project
fields: ``weights.count`` / ``weights.sum`` (rows with a 权重 and their total), ``plan.years``
(calendar years the plan spans, from the plan dates or else the written 项目期: "2024-2026",
"3年"), ``plan.months``, ``plan.days``, ``target.same`` (1 when 项目总目标 and 年度总体目标 are the
same text, 0 otherwise), ``target.same_midterm`` (the same for 中期目标 and 年度总体目标),
``count.level1.unknown`` (rows whose 一级 is missing, unreadable or not standard) and
``count.level2.unknown`` (rows under 产出, or whose 一级 is unknown, whose 二级 is missing,
unreadable or not standard: a count of 数量/质量/时效 rows cannot show one is absent).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
from collections import Counter
from decimal import Decimal
from typing import Any, Iterable

import networkx as nx

from g60rules.dates import DateBound
from g60rules.heap import young_collections_only
from g60rules.layouts import Layout, Layouts, Reading
from g60rules.model import (
    DEFAULT_FORM, FUNDS_FIELDS, INDICATOR_FIELDS, LEVEL1, LEVEL2, PROJECT_FIELDS, Department, Indicator, Project, Source,
    render_location,
)
from g60rules.values import (
    MEMO_SIZE, Operator, RowFamily, TargetValue, UnitKind, ValueKind, arabic_numerals, for_row, memo_text,
    parse_target_value,
)

# Each derived gap is its first amount minus the others (module docstring): the cells it is computed
# from, so a report can name the cells a unit corrects (the gap itself is no cell of the form)
GAP_PARTS: dict[str, tuple[str, ...]] = {
    "rollup.total_gap": ("declared_total", "funds.annual_request"),
    "budget_gap": ("budget_arrangement", "funds.annual_request"),
    "funds.project_gap": ("funds.total", "funds.fiscal", "funds.other"),
    "funds.annual_gap": ("funds.annual_request", "funds.appropriation", "funds.carryover", "funds.annual_other"),
}
# the first amount, so a report can compare the two sides (the other side is the first minus the gap)
GAP_FIRST: dict[str, str] = {gap: parts[0] for gap, parts in GAP_PARTS.items()}


def wan_yuan_mixup(a: float | Decimal, b: float | Decimal) -> bool:
    """Whether two amounts of 元 differ about 10,000-fold (9,000–11,000×): one was likely written in
    万元 where 元 was meant, or the reverse (1 万元 = 10,000 元)."""
    small, large = sorted((abs(a), abs(b)))
    return small > 0 and 9_000 * small <= large <= 11_000 * small

_FUNDS = ("total", "fiscal", "other", "annual_request", "appropriation", "carryover", "annual_other",
          "central", "provincial", "municipal", "county")
_WAN = Decimal(10000)
_MIN_QUANTITY_OPS = frozenset(o.value for o in (Operator.GE, Operator.EQ, Operator.GT))
# per-period money units (元/月 × the months of the plan): months in one period, or days for 周/天/日
_PERIOD_MONTHS = {"月": 1, "季度": 3, "季": 3, "学期": 6, "年": 12, "年度": 12, "学年": 12}
_PERIOD_DAYS = {"周": 7, "天": 1, "日": 1}
# words that name the measure rather than what is counted; stripped before two names are compared
_GENERIC = re.compile("成本|费用|经费|单位|单个|平均|人均|每|数量|数|完成|总|额|标准|个")
_NAME_UNIT = re.compile(r"[(（]\s*([^()（）0-9]{1,6})\s*[)）]\s*$")
_NAME_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(%|％|[\u4e00-\u9fff]{1,3})")
_PERIOD_SPAN = re.compile(r"((?:19|20)[0-9]{2})\s*年?\s*(?:-|~|—|–|至|到)\s*((?:19|20)[0-9]{2})")
# "3年", "5年期", "为期3个年度"; Chinese numerals ("三年", "两年") are first written in digits
_PERIOD_COUNT = re.compile(r"(?:为期|共)?\s*([0-9]{1,2})\s*个?(?:年度|年)(?:期)?")
_CLAUSE = re.compile(r"[，,。；;、\s]")


def _put(attrs: dict, key: str, value: Any) -> None:
    if value is not None:
        attrs[key] = value


def _sum_present(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


CELL_STATES = ("filled", "empty", "unreadable", "absent")
PROJECT_CELLS = tuple(s.key for s in PROJECT_FIELDS
                      if s.key not in ("kind", "form", "funds", "indicators", "unreadable"))
FUNDS_CELLS = tuple(s.key for s in FUNDS_FIELDS if s.key != "unreadable")
INDICATOR_CELLS = tuple(s.key for s in INDICATOR_FIELDS if s.key != "unreadable")
_PERIOD_TARGETS = ("midterm_target", "longterm_target")
_LABEL = {**{s.key: s.label for s in PROJECT_FIELDS}, **{f"funds.{s.key}": s.label for s in FUNDS_FIELDS},
          **{f"indicator.{s.key}": s.label for s in INDICATOR_FIELDS}}
# (attribute, model field) of the row's columns copied as they are when filled
_INDICATOR_COLUMNS = (("value.cell", "value_cell"), ("value.cell_unit", "conflicting_unit"),
                      ("value.cell_op", "conflicting_operator"), ("unit", "unit"), ("operator", "operator"),
                      ("weight", "weight"), ("standard", "standard"), ("explanation", "explanation"),
                      ("direction", "direction"))
# (field key, model attribute holding its cell, attribute of its state, label): the 指标值 cell's
# state is the cell as written (value_cell), not the value composed with its columns
_INDICATOR_CELL_KEYS = tuple((key, "value_cell" if key == "target_value" else key, f"cell.{key}",
                              _LABEL[f"indicator.{key}"]) for key in INDICATOR_CELLS)
CELL_LABELS = {key: _LABEL[key] for key in (*PROJECT_CELLS, *(f"funds.{k}" for k in FUNDS_CELLS))}


def _cell(value: Any, key: str, unreadable: list[str], on_form: tuple[str, ...]) -> str:
    """filled, unreadable (present but not read), empty (on the form, not filled) or absent (not on the form)."""
    if value is not None:
        return "filled"
    if key in unreadable:
        return "unreadable"
    return "empty" if key in on_form else "absent"


def project_attrs(project: Project, layout: Layout, known: bool = True) -> dict[str, Any]:
    """Project node attributes: form, header, funds (元), targets, derived gaps and each cell's state
    (``cell.<key>``: filled / empty / unreadable / absent by ``layout``)."""
    attrs: dict[str, Any] = {"node_type": "project", "file": project.source.file, "line": project.source.line,
                             "form": project.form, "form.known": 1 if known else 0}
    for key in ("name", "nature", "category", "competent_department", "implementing_unit", "budget_year",
                "period", "budget_arrangement", "project_target", "annual_target", "performance_target",
                "midterm_target", "longterm_target"):
        _put(attrs, key, getattr(project, key))
    # a month or a year is compared as the span it names: a start from its first day, an end to its last
    for key, side in (("plan_start", "start"), ("plan_end", "end")):
        written = getattr(project, key)
        if written is not None:
            attrs[key] = DateBound(written, side)
            attrs[f"{key}.precision"] = written.precision.value
    funds = project.funds
    for key in _FUNDS:
        _put(attrs, f"funds.{key}", getattr(funds, key))
    for key, note in funds.notes.items():
        attrs[f"funds.{key}.note"] = note  # shown beside the amount in findings (engines/pool.py)
    if funds.total is not None and funds.fiscal is not None:
        attrs["funds.project_gap"] = funds.total - funds.fiscal - (funds.other or Decimal(0))
    parts = (funds.appropriation, funds.carryover, funds.annual_other)
    if funds.annual_request is not None and any(p is not None for p in parts):
        attrs["funds.annual_gap"] = funds.annual_request - _sum_present(parts)
    if project.budget_arrangement is not None and funds.annual_request is not None:
        attrs["budget_gap"] = project.budget_arrangement - funds.annual_request
    if project.plan_start is not None and project.plan_end is not None:
        start, end = project.plan_start.first(), project.plan_end.last()
        if start <= end:
            attrs["plan.years"] = end.year - start.year + 1
            attrs["plan.months"] = (end.year - start.year) * 12 + end.month - start.month + 1
            attrs["plan.days"] = (end - start).days + 1
    if "plan.years" not in attrs and project.period:
        years = _period_years(project.period)
        if years is not None:
            attrs["plan.years"] = years
    if project.project_target and project.annual_target:
        attrs["target.same"] = int(_name_key(project.project_target) == _name_key(project.annual_target))
    if project.midterm_target and project.annual_target:
        attrs["target.same_midterm"] = int(_name_key(project.midterm_target) == _name_key(project.annual_target))
    funds_unreadable = list(funds.unreadable) + (list(FUNDS_CELLS) if "funds" in project.unreadable else [])
    for key in PROJECT_CELLS:
        attrs[f"cell.{key}"] = _cell(getattr(project, key), key, project.unreadable, layout.project)
    for key in FUNDS_CELLS:
        attrs[f"cell.funds.{key}"] = _cell(getattr(funds, key), key, funds_unreadable, layout.funds)
    cells = [(k, _LABEL[k]) for k in PROJECT_CELLS] + [(f"funds.{k}", _LABEL[f"funds.{k}"]) for k in FUNDS_CELLS]
    # empty source-of-funds cells are normal (a project has few sources): unfilled names the header;
    # a one-year project leaves 中期/长期目标 empty by right (G60-CON-005 checks multi-year ones)
    unfilled = [_LABEL[key] for key in PROJECT_CELLS
                if attrs[f"cell.{key}"] == "empty" and key not in _PERIOD_TARGETS]
    unreadable = [label for key, label in cells if attrs[f"cell.{key}"] == "unreadable"]
    if layout.amount:
        _put(attrs, "funds.budget", getattr(funds, layout.amount))
        _put(attrs, "funds.budget.note", funds.notes.get(layout.amount))
        attrs["funds.budget_label"] = _LABEL[f"funds.{layout.amount}"]
        attrs["cell.funds.budget"] = attrs[f"cell.funds.{layout.amount}"]
    _put(attrs, "unfilled", "、".join(unfilled) or None)
    _put(attrs, "unreadable", "、".join(unreadable) or None)
    return attrs


def indicator_attrs(indicator: Indicator, layouts: Layouts, layout: Layout,
                    reading: Reading | None = None) -> dict[str, Any]:
    """Indicator node attributes: levels with their canonical codes (through the ruleset's category
    table; ``reading``: that table's reading of the row when the caller has it), the parsed 指标值
    under ``value.*``, the form's other columns and each cell's state."""
    attrs: dict[str, Any] = {
        "node_type": "indicator", "file": indicator.source.file, "line": indicator.source.line,
        "row": indicator.row,
    }
    if reading is None:
        reading = layouts.classify(indicator.level1, indicator.level2)
    _put(attrs, "level1", indicator.level1)
    _put(attrs, "level1_code", reading.level1_code)
    _put(attrs, "level2", indicator.level2)
    _put(attrs, "level2_code", reading.level2_code)
    _put(attrs, "level2_parent", reading.level2_parent)
    _put(attrs, "level3", indicator.level3)
    _put(attrs, "aliases", "、".join(reading.aliases) or None)
    if indicator.level3:
        found = (_name_number_memo if memo_text(indicator.level3) else _name_number)(indicator.level3)
        if found is not None:
            attrs["name.amount"], attrs["name.unit"] = found
    attrs.update(_value_attrs(indicator.target_value, _name_unit(indicator.target_value, indicator.level3),
                              row_family(reading.level1_code, reading.level2_code)))
    fields = indicator.__dict__
    for key, name in _INDICATOR_COLUMNS:
        if fields[name] is not None:
            attrs[key] = fields[name]
    if indicator.qualitative is not None:
        attrs["qualitative"] = "qualitative" if indicator.qualitative else "quantitative"
    for key in ("midterm_target", "longterm_target"):
        target = getattr(indicator, key)
        if target is not None:
            attrs[f"{key}.raw"] = target.raw
    if indicator.midterm_target is not None:
        attrs.update(_midterm_attrs(indicator.midterm_target, indicator.level3,
                                    row_family(reading.level1_code, reading.level2_code)))
    unreadable = []
    # _cell for each column, inline: fourteen calls a row were a tenth of building the graph
    marked, on_form = indicator.unreadable, layout.indicators
    for key, name, cell_key, label in _INDICATOR_CELL_KEYS:
        if fields[name] is not None:
            attrs[cell_key] = "filled"
        elif key in marked:
            attrs[cell_key] = "unreadable"
            unreadable.append(label)
        else:
            attrs[cell_key] = "empty" if key in on_form else "absent"
    if unreadable:
        attrs["unreadable"] = "、".join(unreadable)
    return attrs


# (id of the TargetValue, name unit, row family) → (the TargetValue, its ``value.*`` attributes). Keyed
# by identity, not equality: Decimal("90") == Decimal("90.00") but the two read differently. The
# entry holds its TargetValue, so the id cannot be reused while the entry lives; the parse memo
# hands out one object per distinct text, so repeated values hit. Emptied when full (clear() is one
# step, safe with threads building graphs at once).
_VALUE_ATTRS: dict[tuple[int, str | None, RowFamily | None], tuple[TargetValue, dict[str, Any]]] = {}


def _value_attrs(target: TargetValue, name_unit: str | None, family: RowFamily | None) -> dict[str, Any]:
    """The ``value.*`` attributes of a row's 指标值 read for its row and the unit in its name; a
    shared dict of immutable values: copy it (``dict.update``), never change it."""
    key = (id(target), name_unit, family)
    hit = _VALUE_ATTRS.get(key)
    if hit is not None and hit[0] is target:
        return hit[1]
    attrs = _read_value_attrs(for_row(_with_name_unit(target, name_unit), family))
    if not memo_text(target.raw):
        return attrs
    if len(_VALUE_ATTRS) >= MEMO_SIZE:
        _VALUE_ATTRS.clear()
    _VALUE_ATTRS[key] = (target, attrs)
    return attrs


def _read_value_attrs(value: TargetValue) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
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


def _period_years(period: str) -> int | None:
    """Calendar years a written 项目期 spans: "2024-2026" → 3, "2024年至2026年" → 3, "3年" → 3,
    "三年" / "五年期" → 3 / 5 (Chinese numerals read as in a 指标值); None when it says neither."""
    period = arabic_numerals(period)
    span = _PERIOD_SPAN.search(period)
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        return last - first + 1 if first <= last else None
    count = _PERIOD_COUNT.fullmatch(period.strip())
    return int(count.group(1)) if count else None


def _midterm_attrs(target: TargetValue, name: str | None, family: RowFamily | None) -> dict[str, Any]:
    """``midterm_target.kind`` / ``.op`` / ``.amount`` / ``.unit`` / ``.qualifier`` of a row's
    中期指标值, read for its row as the 指标值 is (the unit in the name, a bare 万 on a cost row)."""
    value = for_row(_with_name_unit(target, _name_unit(target, name)), family)
    attrs: dict[str, Any] = {"midterm_target.kind": value.kind.value}
    _put(attrs, "midterm_target.op", value.op.value if value.op else None)
    _put(attrs, "midterm_target.amount", value.amount)
    _put(attrs, "midterm_target.unit", value.unit)
    _put(attrs, "midterm_target.qualifier", value.qualifier)
    return attrs


def _name_unit(value: TargetValue, name: str | None) -> str | None:
    """The unit written at the end of a 三级 name ("任务完成时限(月)" → "月") when ``value`` is a
    number or range without a unit; None otherwise."""
    if name is None or value.kind not in (ValueKind.QUANTITATIVE, ValueKind.RANGE) or value.unit is not None:
        return None
    m = _NAME_UNIT.search(name)
    return m.group(1).strip() if m else None


def _with_name_unit(value: TargetValue, unit: str | None) -> TargetValue:
    """A number without a unit takes the unit written at the end of the name ("时限(月)" with "10")."""
    if unit is None:
        return value
    reread = parse_target_value(f"{value.raw.strip()}({unit})")
    if reread.kind is not value.kind or reread.unit is None:
        return value
    return reread.model_copy(update={"raw": value.raw})


def _name_number(name: str) -> tuple[Decimal, str] | None:
    """The one number-with-unit a 三级 name states ("质量达标率100%" → 100, %); None if none or several.

    An ordinal ("第2期") or a sub-task number before a count noun ("分项3次数": 次 begins 次数) states
    no amount.
    """
    found = []
    for m in _NAME_NUMBER.finditer(name):
        if name[:m.start()].rstrip().endswith("第"):
            continue
        for size in range(len(m.group(2)), 0, -1):  # "100人以上": the longest known unit, 人
            if name[m.start(2) + size:m.start(2) + size + 1] == "数":
                continue
            parsed = parse_target_value(f"={m.group(1)}{m.group(2)[:size]}")
            if parsed.kind is ValueKind.QUANTITATIVE and parsed.unit and parsed.unit_kind not in (
                    UnitKind.OTHER, UnitKind.DURATION):
                found.append((parsed.amount, parsed.unit))
                break
    return found[0] if len(found) == 1 else None


_name_number_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_name_number)


def _subject(name: str | None) -> str:
    return _GENERIC.sub("", _name_key(name) or "")


def _shared(a: str, b: str) -> int:
    """Length of the longest text two names share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def row_family(level1_code: str | None, level2_code: str | None) -> RowFamily | None:
    """What the canonical level codes say about reading a row's value: a cost row reads a bare 万
    as 万元, a time row reads an Excel day number as a date (see values.for_row)."""
    if level1_code == "cost":
        return RowFamily.COST
    if level2_code == "timeliness":
        return RowFamily.TIMELINESS
    return None


_MEANT_KINDS = frozenset(k.value for k in (ValueKind.QUANTITATIVE, ValueKind.CHANGE, ValueKind.RANGE,
                                           ValueKind.DATE, ValueKind.DATE_RANGE, ValueKind.QUALITATIVE))
_MEANT_KEYS = ("value.kind", "value.op", "value.amount", "value.upper", "value.unit", "value.change", "value.date",
               "value.date_end", "value.word")


def _value_key(r: dict) -> tuple:
    """What a row's value means: "≥90%" and "≥90.00(%)" are the same target (Decimal equality)."""
    if r["value.kind"] in _MEANT_KINDS:
        return tuple(map(r.get, _MEANT_KEYS))
    return ("raw", "".join(r["value.raw"].split()))


def _name_key(text: str | None) -> str | None:
    return "".join(text.split()) if text else None


class DeclarationGraph:
    """A networkx DiGraph of departments, projects, funds and indicators, with roll-ups."""

    def __init__(self, layouts: Layouts) -> None:
        self.g = nx.DiGraph()
        self.sources: dict[str, Source] = {}
        self.layouts = layouts
        # (一级, 二级) as written → the category table's reading: a season repeats a few dozen pairs
        self._readings: dict[tuple[str | None, str | None], Reading] = {}

    def _classify(self, level1: str | None, level2: str | None) -> Reading:
        reading = self._readings.get((level1, level2))
        if reading is None:
            reading = self.layouts.classify(level1, level2)
            if not all(text is None or memo_text(text) for text in (level1, level2)):
                return reading
            if len(self._readings) >= MEMO_SIZE:
                self._readings.clear()
            self._readings[level1, level2] = reading
        return reading

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
        # a workbook holds several projects, on sheets whose rows repeat: the id names the cell
        at = render_location(project.source.location) if project.source.location else project.source.line
        node = f"project:{project.source.file}:{at}"
        layout = self.layouts.layout(project.form)
        known = layout is not None
        layout = layout or self.layouts.forms[DEFAULT_FORM]  # an unknown form is a finding (form.known)
        self.g.add_node(node, **project_attrs(project, layout, known))
        source = Source(project.source.file, project.source.line, dict(project.source.field_lines),
                        project.source.location, dict(project.source.locations))
        if project.funds.source:
            source.field_lines.update({f"funds.{k}": v for k, v in project.funds.source.field_lines.items()})
            source.locations.update({f"funds.{k}": v for k, v in project.funds.source.locations.items()})
        self.sources[node] = source
        if department_node:
            self.g.nodes[node]["department_node"] = department_node
        funds_node = f"funds:{project.source.file}:{at}"
        funds_line = project.funds.source.line if project.funds.source else project.source.line
        self.g.add_node(funds_node, node_type="funds", file=project.source.file, line=funds_line,
                        **{k: v for k, v in self.g.nodes[node].items() if k.startswith("funds.")})
        self.g.add_edge(node, funds_node, kind="funded_by")
        for indicator in project.indicators:
            ind_node = f"indicator:{project.source.file}:{at}#{indicator.row}"
            self.g.add_node(ind_node, **indicator_attrs(indicator, self.layouts, layout,
                                                        self._classify(indicator.level1, indicator.level2)))
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
        ind_nodes = self.indicators(node)
        rows = [self.g.nodes[n] for n in ind_nodes]
        attrs["count.indicators"] = len(rows)
        level1 = Counter(r.get("level1_code") for r in rows)
        level2 = Counter(r.get("level2_code") for r in rows)
        for code in LEVEL1:
            attrs[f"count.level1.{code}"] = level1[code]
        attrs["count.level1.unknown"] = sum(1 for r in rows if r.get("level1_code") in (None, "unknown"))
        weights = [r["weight"] for r in rows if "weight" in r]
        if weights:
            attrs["weights.count"] = len(weights)
            attrs["weights.sum"] = sum(weights, Decimal(0))
        for code in (*LEVEL2, "none"):
            attrs[f"count.level2.{code}"] = level2[code]
        # 二级 empty, unreadable or not standard on a row that is or may be 产出: its category is unknown
        attrs["count.level2.unknown"] = sum(
            1 for r in rows if r.get("level2_code") in (None, "unknown")
            and r.get("level1_code") in ("output", None, "unknown"))
        # one notice per project for labels read through the alias table, never one per row
        aliases = list(dict.fromkeys(a for r in rows if r.get("aliases") for a in r["aliases"].split("、")))
        attrs["count.aliased"] = len(aliases)
        _put(attrs, "aliased", "、".join(aliases) or None)
        cells = [f"第 {r['row']} 行{r['unreadable']}" for r in rows if r.get("unreadable")]
        if cells:
            attrs["unreadable"] = "、".join(([attrs["unreadable"]] if "unreadable" in attrs else []) + cells)
        # a cost row's ceiling: its amount under ≤ < =, or the upper bound of a range
        ceilings = [r.get("value.upper_yuan", r.get("value.amount_yuan")) for r in rows
                    if r.get("level1_code") == "cost" and r.get("value.unit_kind") == UnitKind.MONEY.value
                    and (r.get("value.op") in (Operator.LE.value, Operator.LT.value, Operator.EQ.value)
                         or r.get("value.kind") == ValueKind.RANGE.value)]
        ceilings = [c for c in ceilings if c is not None]
        total = sum(ceilings, Decimal(0))
        if len(ceilings) >= 3 and any(2 * c == total for c in ceilings):
            # one row is the total of the others (出差 1 + 劳务 2 = 总成本 3): count it once
            ceilings.remove(next(c for c in ceilings if 2 * c == total))
        if ceilings:
            attrs["cost.ceiling_sum"] = sum(ceilings, Decimal(0))
            attrs["cost.ceiling_max"] = max(ceilings)
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
        for ind_node in ind_nodes:
            r = self.g.nodes[ind_node]
            if r.get("level1_code") == "cost" and r.get("value.unit_kind") in (
                    UnitKind.MONEY.value, UnitKind.MONEY_PER_UNIT.value):
                self.g.add_edge(ind_node, funds_node, kind="bounded_by")
            if r.get("value.unit_kind") == UnitKind.MONEY_PER_UNIT.value and "value.amount_yuan" in r:
                if r.get("value.unit_period") and "value.unit_per" not in r:  # 元/月: per period only
                    self._match_period(r, attrs)
                else:
                    self._match_quantity(ind_node, ind_nodes)
        annual = attrs.get("annual_target")
        if annual:
            for r in rows:
                self._annual_mention(r, annual)

    @staticmethod
    def _match_period(r: dict, project: dict) -> None:
        """A cost per month (quarter, year, week, day) × the periods of the plan, at most a year's worth."""
        months, days, period = project.get("plan.months"), project.get("plan.days"), r["value.unit_period"]
        if period in _PERIOD_MONTHS and months is not None:
            count = Decimal(min(months, 12)) / _PERIOD_MONTHS[period]
        elif period in _PERIOD_DAYS and days is not None:
            count = Decimal(min(days, 365)) / _PERIOD_DAYS[period]
        else:
            return
        count = count.to_integral_value(rounding="ROUND_CEILING")
        r["period.count"] = count
        r["period.product_yuan"] = r["value.amount_yuan"] * count

    def _match_quantity(self, ind_node: str, ind_nodes: list[str]) -> None:
        """Pair a per-unit cost with its quantity target (among the project's ``ind_nodes``, in row
        order): an 产出 (or 数量) row with a number in the cost's unit noun, whatever that unit's
        kind ("剂次"); else a count row of the same subject. Any operator pairs, so no row is ever
        said to be missing; only a minimum quantity (≥ > = or a range's lower bound) gives
        ``match.product_yuan``: a ceiling × a quantity ceiling only bounds the spend from above,
        which no amount of money contradicts."""
        r = self.g.nodes[ind_node]
        noun = r.get("value.unit_noun")
        candidates = []
        for other in ind_nodes:
            q = self.g.nodes[other]
            if (other != ind_node and "value.amount" in q
                    and (q.get("level1_code") == "output" or q.get("level2_code") == "quantity")
                    and q.get("value.kind") in (ValueKind.QUANTITATIVE.value, ValueKind.RANGE.value)):
                candidates.append(other)
        same_unit = [o for o in candidates if self.g.nodes[o].get("value.unit") == noun]
        if not same_unit:
            # no row in the cost's unit: a count row whose name shares the counted subject
            subject = _subject(r.get("level3"))
            scored = [(_shared(subject, _subject(self.g.nodes[o].get("level3"))), o) for o in candidates
                      if self.g.nodes[o].get("value.unit_kind") == UnitKind.COUNT.value]
            top = max((s for s, _ in scored), default=0)
            same_unit = [o for s, o in scored if s == top and top >= 2]
        if not same_unit:
            return
        minimum = [o for o in same_unit if self.g.nodes[o].get("value.op") in _MIN_QUANTITY_OPS
                   or self.g.nodes[o].get("value.kind") == ValueKind.RANGE.value]
        amount, other = max(((self.g.nodes[o]["value.amount"], o) for o in minimum or same_unit),
                            key=lambda t: t[0])
        r["match.quantity_name"] = self.g.nodes[other].get("level3", "")
        r["match.quantity_row"] = self.g.nodes[other]["row"]
        r["match.quantity_amount"] = amount
        r["match.quantity_unit"] = self.g.nodes[other].get("value.unit", "")
        if minimum:
            r["match.product_yuan"] = r["value.amount_yuan"] * amount
        self.g.add_edge(ind_node, other, kind="unit_of")

    @staticmethod
    def _annual_mention(r: dict, annual: str) -> None:
        """The number the annual target states for this quantity row's unit and subject, if one."""
        unit = r.get("value.unit")
        if (r.get("level2_code") != "quantity" or r.get("value.kind") != ValueKind.QUANTITATIVE.value
                or r.get("value.unit_kind") != UnitKind.COUNT.value):
            return
        subject = _subject(r.get("level3"))
        found = set()
        for m in _NAME_NUMBER.finditer(annual):
            if m.group(2) != unit and not m.group(2).startswith(unit):
                continue
            # what is counted: the words around the number in its clause ("走访企业30家", "30个站点")
            before = _CLAUSE.split(annual[:m.start()])[-1]
            after = _CLAUSE.split(annual[m.end() - len(m.group(2)) + len(unit):], maxsplit=1)[0]
            what = before + after
            if _shared(_subject(what), subject) >= 2:
                found.add(Decimal(m.group(1)))
        if len(found) == 1:
            r["annual.amount"] = found.pop()

    def _department_rollups(self, node: str) -> None:
        attrs = self.g.nodes[node]
        requests = [self.g.nodes[p].get("funds.annual_request") for p in self.projects(node)]
        attrs["rollup.project_count"] = len(requests)
        attrs["rollup.projects_without_request"] = sum(1 for r in requests if r is None)
        attrs["rollup.annual_request_sum"] = _sum_present(requests)
        if "declared_total" in attrs:
            attrs["rollup.total_gap"] = attrs["declared_total"] - attrs["rollup.annual_request_sum"]
            attrs["rollup.total_gap_wan"] = attrs["rollup.total_gap"] / _WAN  # exact: a power of ten


def build_graph(departments: Iterable[Department], projects: Iterable[Project],
                layouts: Layouts | None = None) -> DeclarationGraph:
    """Graph of every department (with its projects) and every standalone project.

    ``layouts``: the ruleset's layouts and category table (default: the bundled core ruleset's).
    Full garbage collections wait until it is built (:mod:`g60rules.heap`).
    """
    if layouts is None:
        from g60rules.rules.compiler import bundled_layouts  # the compiler imports this module

        layouts = bundled_layouts()
    graph = DeclarationGraph(layouts)
    with young_collections_only():
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
    if isinstance(value, DateBound):
        return str(value)
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
