"""Typed model of a 财政项目支出绩效目标申报表 (Shanghai layout) and of a department filing.

Shapes (all money in 元 as :class:`~decimal.Decimal`, never float):

* :class:`Department` — the department paragraph: declared project count and the declared total
  (the form states it in 万元; it is held here in 元), plus the projects it groups.
* :class:`Project` — one declaration: header, :class:`Funds` block, 项目总目标 / 年度总体目标, the
  description's 年度预算安排 (万元 on the form, held in 元) and its :class:`Indicator` rows.
* :class:`Indicator` — one row of the three-level table (一级 → 二级 → 三级, 指标值).

Every object keeps where it came from (:class:`Source`: file, line of the mapping, line of each
field) so a finding can point at the line that caused it, and at the parent mapping when a field is
missing.

The field tables below (``PROJECT_FIELDS`` …) are the single glossary: the English identifier used in
code and rules, the Chinese label accepted in declaration files, and the kind of value. The
documentation page ``docs/glossary.md`` is generated from them.

Form layout and category names: SH-FORM; hierarchy: 财预〔2015〕88号 (CY-2015-88) and
财预〔2021〕101号 (CY-2021-101).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from g60rules.dates import PartialDate
from g60rules.values import TargetValue

DEFAULT_FORM = "shanghai-2024"


class FieldKind(StrEnum):
    """Kind of a declaration field; decides how the loader converts the YAML scalar."""

    TEXT = "text"
    DATE = "date"
    MONEY_YUAN = "money_yuan"  # bare number means 元
    MONEY_WAN = "money_wan"  # bare number means 万元 (converted to 元)
    MONEY_FORM = "money_form"  # bare number in the form's funds unit (元 or 万元, from its layout)
    INT = "int"
    DECIMAL = "decimal"
    TARGET_VALUE = "target_value"
    KEYS = "keys"  # a list of field keys of the same table (``unreadable``)
    LIST = "list"
    MAPPING = "mapping"


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form: English identifier, Chinese label(s), kind, English description."""

    key: str
    labels: tuple[str, ...]
    kind: FieldKind
    description: str

    @property
    def label(self) -> str:
        return self.labels[0]


def _spec(key: str, labels: str, kind: FieldKind, description: str) -> FieldSpec:
    return FieldSpec(key, tuple(labels.split("|")), kind, description)


PROJECT_FIELDS: tuple[FieldSpec, ...] = (
    _spec("kind", "类型", FieldKind.TEXT, "document kind: project (项目) or department (部门)"),
    _spec("form", "表式", FieldKind.TEXT,
          "layout of the form: shanghai-2024 (default), national-2021, legacy-2015, ndrc-investment"),
    _spec("name", "项目名称", FieldKind.TEXT, "project name"),
    _spec("nature", "项目性质", FieldKind.TEXT, "project nature, e.g. 其他经常性项目, 阶段性项目"),
    _spec("category", "项目类别", FieldKind.TEXT, "project class, e.g. 其他运转类, 特定目标类"),
    _spec("competent_department", "主管部门", FieldKind.TEXT, "supervising department"),
    _spec("implementing_unit", "实施单位", FieldKind.TEXT, "implementing unit"),
    _spec("budget_year", "预算年度", FieldKind.INT, "budget year"),
    _spec("plan_start", "计划开始日期", FieldKind.DATE, "planned start, at its written precision (year/month/day)"),
    _spec("plan_end", "计划完成日期", FieldKind.DATE, "planned completion, at its written precision (year/month/day)"),
    _spec("period", "项目期|实施周期|项目周期", FieldKind.TEXT, "project period as written, e.g. 3年, 2024-2026"),
    _spec(
        "budget_arrangement",
        "年度预算安排",
        FieldKind.MONEY_WAN,
        "annual budget stated in the 项目经费情况说明 text (万元 on the form; held in 元)",
    ),
    _spec("funds", "项目资金|资金", FieldKind.MAPPING,
          "funds block; a bare number is in the form's unit (元 on shanghai-2024, 万元 on the others), held in 元"),
    _spec("project_target", "项目总目标", FieldKind.TEXT, "whole-project target"),
    _spec("annual_target", "年度总体目标", FieldKind.TEXT, "this year's overall target"),
    _spec("performance_target", "绩效目标", FieldKind.TEXT, "the single target text of older forms"),
    _spec("midterm_target", "中期目标|中期绩效目标|中长期目标", FieldKind.TEXT,
          "mid-term target of a multi-year project (the whole period, e.g. 2024-2026)"),
    _spec("longterm_target", "长期目标|长期绩效目标", FieldKind.TEXT, "long-term target (some provincial forms)"),
    _spec("indicators", "绩效指标|指标", FieldKind.LIST, "indicator table rows"),
    _spec("unreadable", "无法识别", FieldKind.KEYS,
          "keys of fields whose cell is present but could not be read (distinct from empty)"),
)

FUNDS_FIELDS: tuple[FieldSpec, ...] = (
    _spec("total", "项目资金总额|项目预算金额|中期资金总额|总投资", FieldKind.MONEY_FORM, "project funds, total"),
    _spec("fiscal", "财政资金", FieldKind.MONEY_FORM, "of which fiscal funds"),
    _spec("other", "其他资金", FieldKind.MONEY_FORM, "of which other funds"),
    _spec("annual_request", "年度资金申请总额|年度资金总额", FieldKind.MONEY_FORM, "annual request, total"),
    _spec("appropriation", "当年财政拨款", FieldKind.MONEY_FORM, "of which this year's appropriation"),
    _spec("carryover", "上年结转资金", FieldKind.MONEY_FORM, "of which carried over from last year"),
    _spec("annual_other", "年度其他资金", FieldKind.MONEY_FORM, "of which other funds in the annual request"),
    _spec("central", "中央资金", FieldKind.MONEY_FORM, "central funds"),
    _spec("provincial", "省级资金", FieldKind.MONEY_FORM, "provincial funds"),
    _spec("municipal", "市级资金", FieldKind.MONEY_FORM, "municipal funds"),
    _spec("county", "县级资金|县本级资金", FieldKind.MONEY_FORM, "county funds"),
    _spec("unreadable", "无法识别", FieldKind.KEYS, "keys of funds cells present but unreadable"),
)

INDICATOR_FIELDS: tuple[FieldSpec, ...] = (
    _spec("level1", "一级指标", FieldKind.TEXT, "first-level indicator: 成本/产出/效益/满意度指标"),
    _spec("level2", "二级指标", FieldKind.TEXT, "second-level indicator, e.g. 数量指标"),
    _spec("level3", "三级指标", FieldKind.TEXT, "third-level indicator (its name)"),
    _spec("target_value", "指标值|年度指标值", FieldKind.TARGET_VALUE, "target value as written, e.g. ≥90.00(%)"),
    _spec("unit", "计量单位", FieldKind.TEXT, "unit column, e.g. %, 篇, 元/人"),
    _spec("operator", "指标性质|运算符号", FieldKind.TEXT,
          "operator column: ≥ ≤ = > < or 定性 (正向/反向 are read as the direction)"),
    _spec("direction", "指标方向", FieldKind.TEXT, "正向 (higher is better) or 反向 (lower is better)"),
    _spec("qualitative", "指标类型", FieldKind.TEXT, "定性 (qualitative) or 定量 (quantitative)"),
    _spec("weight", "权重|分值", FieldKind.DECIMAL, "weight or score of the row"),
    _spec("midterm_target", "中期指标值|中期目标值", FieldKind.TARGET_VALUE, "mid-term target value as written"),
    _spec("longterm_target", "长期指标值", FieldKind.TARGET_VALUE, "long-term target value as written"),
    _spec("standard", "绩效标准|评分标准", FieldKind.TEXT, "performance or scoring standard"),
    _spec("explanation", "指标解释|指标说明", FieldKind.TEXT, "explanation of the indicator"),
    _spec("unreadable", "无法识别", FieldKind.KEYS, "keys of cells of this row present but unreadable"),
)

DEPARTMENT_FIELDS: tuple[FieldSpec, ...] = (
    _spec("kind", "类型", FieldKind.TEXT, "document kind: department (部门)"),
    _spec("name", "部门名称", FieldKind.TEXT, "department name"),
    _spec("year", "年度", FieldKind.INT, "budget year"),
    _spec("budget_unit_count", "预算单位数", FieldKind.INT, "number of budget units that filed"),
    _spec("declared_project_count", "编报项目数", FieldKind.INT, "declared number of projects with targets"),
    _spec(
        "declared_total",
        "涉及项目预算资金",
        FieldKind.MONEY_WAN,
        "declared project budget total (万元 on the form; held in 元)",
    ),
    _spec("projects", "项目", FieldKind.LIST, "project files relative to this file, or inline project mappings"),
)

KIND_VALUES = {"project": "project", "项目": "project", "department": "department", "部门": "department"}

# Canonical category codes rules read (CY-2015-88, CY-2021-101; Shanghai keeps 可持续影响指标). Which
# labels mean which code is data: the ``categories`` table of the ruleset (g60rules.layouts).
LEVEL1 = ("cost", "output", "benefit", "satisfaction")
LEVEL2 = (
    "economic_cost", "social_cost", "ecological_cost", "quantity", "quality", "timeliness",
    "economic_benefit", "social_benefit", "ecological_benefit", "sustainability", "recipient_satisfaction",
)
# output_cost: 成本指标 under 产出指标 (CY-2015-88 practice); none: the form has no 二级 breakdown
LEVEL2_EXTRA = ("output_cost", "none")


@dataclass(frozen=True, slots=True)
class Location:
    """Where one value was read: a file plus a line (YAML, CSV), a sheet and cell (xlsx), or a
    table, row and column (docx; 1-based). ``render`` gives the text reports show."""

    file: str
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    @property
    def line_or_row(self) -> int:
        """A 1-based line for findings: the line, else the spreadsheet row of the cell, else 1."""
        if self.line is not None:
            return self.line
        if self.cell:
            digits = "".join(ch for ch in self.cell if ch.isdigit())
            if digits:
                return int(digits)
        return self.row or 1


def render_location(location: Location) -> str:
    """Text of a location for reports: ``文件.yaml:12``, ``文件.xlsx › 宣传推广 › C14``,
    ``文件.docx › 表 2 › 第 3 行第 4 列``, ``文件.csv:7``."""
    parts = [location.file]
    if location.sheet is not None:
        parts.append(location.sheet)
    if location.cell is not None:
        parts.append(location.cell)
    elif location.table is not None:
        parts.append(f"表 {location.table}")
        if location.row is not None:
            parts.append(f"第 {location.row} 行" + (f"第 {location.column} 列" if location.column is not None else ""))
    if len(parts) > 1:
        return " › ".join(parts)
    return f"{location.file}:{location.line}" if location.line is not None else location.file


def place(location: Location) -> str | None:
    """Where in its file a table value is, for findings: ``宣传推广 › C14``, ``表 2 › 第 3 行第 4 列``;
    None for a line-based location (YAML)."""
    rendered = render_location(location)
    prefix = location.file + " › "
    return rendered[len(prefix):] if rendered.startswith(prefix) else None


@dataclass
class Source:
    """Where an object came from: file, line of its mapping (1-based), and line of each field.

    ``location`` / ``locations`` carry the full place (sheet and cell, or docx table cell) when the
    object was read from a workbook or document; ``line`` and ``field_lines`` then hold the row so
    line-based reports still point near it.
    """

    file: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)
    location: Location | None = None
    locations: dict[str, Location] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """Line of ``key``; the mapping's own line when the field is absent."""
        return self.field_lines.get(key, self.line)

    def location_of(self, key: str) -> Location:
        """Full location of ``key``; the mapping's own location when the field has none."""
        if key in self.locations:
            return self.locations[key]
        if key in self.field_lines:
            return Location(self.file, self.field_lines[key])
        return self.location or Location(self.file, self.line)


class _Model(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")


class Indicator(_Model):
    """One indicator row. ``row`` is 1-based within the project's table.

    ``target_value`` is the value read from the 指标值 cell together with the operator and unit
    columns when the form has them; ``value_cell``, ``operator`` and ``unit`` keep those cells as
    written; ``conflicting_unit`` / ``conflicting_operator`` are the unit / operator code the 指标值
    cell wrote when it differs from its column. ``direction`` is ``positive`` (正向) or ``negative`` (反向); ``qualitative`` is
    True for 定性, False for 定量; ``weight`` is the 权重/分值 number as written.
    """

    row: int
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    target_value: TargetValue
    value_cell: str | None = None
    unit: str | None = None
    conflicting_unit: str | None = None
    conflicting_operator: str | None = None
    operator: str | None = None
    direction: str | None = None
    qualitative: bool | None = None
    weight: Decimal | None = None
    midterm_target: TargetValue | None = None
    longterm_target: TargetValue | None = None
    standard: str | None = None
    explanation: str | None = None
    unreadable: list[str] = []
    source: Source


class Funds(_Model):
    """The funds block, every amount in 元 (Decimal); None where the cell is empty.  ``notes``: the
    note written beside an amount, by field key ("500万元(其中上级资金220万元)" → total 5000000,
    notes {"total": "其中上级资金220万元"}); read from the cell, not a key of its own."""

    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    annual_request: Decimal | None = None
    appropriation: Decimal | None = None
    carryover: Decimal | None = None
    annual_other: Decimal | None = None
    central: Decimal | None = None
    provincial: Decimal | None = None
    municipal: Decimal | None = None
    county: Decimal | None = None
    notes: dict[str, str] = {}
    unreadable: list[str] = []
    source: Source | None = None


class Project(_Model):
    """One 财政项目支出绩效目标申报表; see the module docstring for units."""

    form: str = DEFAULT_FORM
    name: str | None = None
    nature: str | None = None
    category: str | None = None
    competent_department: str | None = None
    implementing_unit: str | None = None
    budget_year: int | None = None
    plan_start: PartialDate | None = None
    plan_end: PartialDate | None = None
    period: str | None = None
    budget_arrangement: Decimal | None = None
    funds: Funds = Funds()
    project_target: str | None = None
    annual_target: str | None = None
    performance_target: str | None = None
    midterm_target: str | None = None
    longterm_target: str | None = None
    indicators: list[Indicator] = []
    unreadable: list[str] = []
    source: Source


class Department(_Model):
    """A department filing: declared count and total (元) and the projects it groups."""

    name: str | None = None
    year: int | None = None
    budget_unit_count: int | None = None
    declared_project_count: int | None = None
    declared_total: Decimal | None = None
    project_files: list[str] = []
    projects: list[Project] = []
    source: Source
