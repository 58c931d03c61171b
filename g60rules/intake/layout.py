"""Find declarations in a grid by their labels, and tell which form (layout) each one is.

In: a :class:`~g60rules.intake.grid.Grid` (a sheet, a document's tables, a CSV). Out: a
:class:`Reading` — one :class:`RawDeclaration` per project found (a
:class:`~g60rules.intake.build.Record` of English keys, each value with the cell it was read from and
the cell of its label, for :func:`~g60rules.intake.build.build_project`) and findings for what could
not be placed.

Label-anchored, never position-bound: a label is any cell whose text, compared without whitespace,
full-width forms, leading "*"/"其中：" or a trailing colon (:func:`grid.label_key`), is one of the
model's labels (:mod:`g60rules.model` field tables) or of the form wordings in this module. A
label's value is the first cell right of it (past the label's merged range); when that cell is itself
a label or there is none, the cell below. "项目名称：某项目" in one cell is a label and its value.
Each "项目名称" starts a declaration, so one sheet may hold several stacked forms. The indicator table
is the row holding 一级指标, 二级指标 and 三级指标 and the rows under it (a 中期目标 / 长期目标 header
there is the rows' mid-term / long-term column); a merged cell (一级 spanning rows) gives its value to
every row it covers, a blank cell stays blank.

Money: a typed number is exact (Decimal). When the label, the block label ("项目资金（万元）") or a
"单位：万元" cell states the unit, a bare amount is handed over with it ("N万元" / "N元") for the
model to convert exactly; otherwise it is in the field's unit (the funds block: the form's unit).

Layout (``form``), decided per declaration from what is on it, in this order:
``ndrc-investment`` (一级 实施效果指标 / 过程管理指标, 中央预算内投资计划 practice), ``national-2021``
(funds by source 中央/省级/市级/县级, or the columns 计量单位 / 指标性质 / 运算符号 / 权重 / 分值 /
中期指标值 — 财预〔2021〕101号 practice; or more of its weaker signs — the target lines 总体目标 /
中期目标 / 长期目标 / 年度目标, with or without their years, 中期资金总额, 年度指标值 — than of the
Shanghai form's own: 项目总目标, 年度总体目标, 年度资金申请总额, 当年财政拨款, 计划开始/完成日期,
项目性质, 项目类别, 项目资金（元）), ``legacy-2015`` (项目期 / 实施周期, or one 绩效目标 text without 项目总目标 — 财预〔2015〕88号
practice), else ``shanghai-2024``. A 自评表 (title with 自评, or columns such as 实际完成值 / 得分 /
偏差原因) is not a declaration: it is reported and never screened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from g60rules import findings as fc
from g60rules.findings import Finding
from g60rules.intake.build import UNREADABLE, Entry, Record
from g60rules.intake.grid import Cell, Grid, label_key
from g60rules.model import FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS, FieldKind, Location, place

FORMS = ("shanghai-2024", "national-2021", "legacy-2015", "ndrc-investment")

# Form wordings beyond the model's labels (the model's tables are read first; these add what real
# forms print). Keys are label_key() forms.
PROJECT_WORDINGS = {"项目名称": "name", "项目期": "period", "实施周期": "period", "项目周期": "period",
                    "预算年度": "budget_year", "绩效目标": "performance_target", "年度目标": "annual_target",
                    "总体目标": "project_target", "项目主管部门": "competent_department",
                    "项目实施单位": "implementing_unit", "开始日期": "plan_start", "完成日期": "plan_end"}
FUNDS_WORDINGS = {"资金总额": "total", "年度资金总额": "annual_request", "财政拨款": "appropriation",
                  "上年结转": "carryover", "中央资金": "central", "中央财政资金": "central",
                  "省级资金": "provincial", "省级财政资金": "provincial", "市级资金": "municipal",
                  "市级财政资金": "municipal", "县级资金": "county", "县本级资金": "county",
                  "县级财政资金": "county"}
# A funds label that means the annual figure when it stands in the annual column (Shanghai form:
# 其他资金 under 项目资金总额 is ``other``, under 年度资金申请总额 it is ``annual_other``).
ANNUAL_TWINS = {"other": "annual_other"}
ANNUAL_HEADS = {"annual_request"}
INDICATOR_WORDINGS = {"指标值": "target_value", "年度指标值": "target_value", "计量单位": "unit",
                      "指标性质": "operator", "运算符号": "operator", "指标方向": "direction",
                      "指标类型": "qualitative", "权重": "weight", "分值": "weight", "权重(%)": "weight",
                      "中期指标值": "midterm_target", "中期目标值": "midterm_target",
                      "长期指标值": "longterm_target", "绩效标准": "standard", "评分标准": "standard",
                      "指标解释": "explanation", "指标说明": "explanation"}
# Cells that name a part of the form and carry no value of their own.
SECTIONS = {"项目资金", "资金情况", "项目绩效目标", "绩效指标", "年度绩效指标", "绩效目标表", "项目基本情况",
            "年度绩效目标", "资金来源", "金额", "项目资金情况"}
TITLE = re.compile(r"(申报表|目标表|绩效目标申报|绩效表|自评表)")
TITLE_YEAR = re.compile(r"^\(?(\d{4})年度?\)?$")
NOTE = re.compile(r"^(注|说明|备注|填表说明|填报说明)[:：]?")
UNIT_CELL = re.compile(r"^\(?(?:金额)?(?:单位[:：]?)?(万元|元)\)?$")
WITH_UNIT = re.compile(r"^(.+?)\((?:单位[:：]?)?(万元|元)\)$")
SELF_EVALUATION_COLUMNS = {"实际完成值", "全年实际完成值", "得分", "偏差原因", "偏差原因分析及改进措施",
                           "全年执行数", "执行率", "年初预算数", "全年预算数", "未完成原因分析"}
NDRC_LEVEL1 = {"实施效果指标", "过程管理指标"}
# Marks of a layout, as label_key() texts anywhere on the form (whether or not the model reads them).
NATIONAL_MARKS = {"中央资金", "中央财政资金", "省级资金", "省级财政资金", "市级资金", "市级财政资金", "县级资金",
                  "县本级资金", "县级财政资金", "计量单位", "指标性质", "运算符号", "权重", "分值", "权重(%)",
                  "中期指标值", "中期目标值", "长期指标值"}
# Header targets of a multi-year project that, as a column of the indicator table, hold each row's
# value of the same period ("中期目标" over the rows' mid-term values)
ROW_TARGETS = {"midterm_target": "midterm_target", "longterm_target": "longterm_target"}
# Signs of the national template that other forms may print too, so they are weighed against the
# Shanghai form's own (财预〔2021〕101号 practice): its target lines 总体目标 / 中期目标 / 长期目标 /
# 年度目标 (with or without their years: "中期目标（2026-2028年）"), its funds head 中期资金总额 and
# its 年度指标值 column; a 中期目标 / 长期目标 header over the indicator table counts as well.
# (年度资金总额 is no sign: the older forms print it too.)
NATIONAL_SIGNS = {"总体目标", "年度目标", "中期资金总额", "年度指标值"} | {
    label_key(label) for spec in PROJECT_FIELDS if spec.key in ROW_TARGETS for label in spec.labels}
# What the Shanghai form prints and the national one does not.
SHANGHAI_SIGNS = {"项目总目标", "年度总体目标", "年度资金申请总额", "当年财政拨款", "计划开始日期", "计划完成日期",
                  "项目性质", "项目类别", "项目资金(元)"}
LEGACY_PERIOD = {"项目期", "实施周期", "项目周期"}
TWO_TARGETS = {"项目总目标", "年度总体目标"}
_REMARK = re.compile(r"\([^()]*\)$")
_BARE_NUMBER = re.compile(r"^[0-9０-９][0-9０-９,，\s]*([.．][0-9０-９\s]*)?$")


def _table(specs, wordings: dict[str, str]) -> dict[str, str]:
    """label_key → field key, for the fields the model has (a wording for a key the model lacks is
    left out, so the reader never produces a key the model would refuse)."""
    keys = {s.key for s in specs}
    out = {label_key(w): k for w, k in wordings.items() if k in keys}
    for spec in specs:
        if spec.kind in (FieldKind.MAPPING, FieldKind.LIST) or spec.key == "kind":
            continue
        for label in spec.labels:
            out[label_key(label)] = spec.key
    return out


PROJECT_LABELS = _table(PROJECT_FIELDS, PROJECT_WORDINGS)
FUNDS_LABELS = _table(FUNDS_FIELDS, FUNDS_WORDINGS)
INDICATOR_LABELS = _table(INDICATOR_FIELDS, INDICATOR_WORDINGS)
_KINDS = {s.key: s.kind for s in (*PROJECT_FIELDS, *FUNDS_FIELDS, *INDICATOR_FIELDS)}


@dataclass
class RawDeclaration:
    """One project read from a grid: its layout and its Record (values are text, exact Decimal
    numbers, dates, or UNREADABLE; ``funds`` a nested Record, ``indicators`` a list of Records)."""

    sheet: str
    form: str
    record: Record


@dataclass
class Reading:
    """What one file gave: the declarations, findings about the file, and notices of what was skipped."""

    declarations: list[RawDeclaration] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    self_evaluations: int = 0


def located(check: fc.FileCheck, where: Location, **kw: Any) -> Finding:
    """A file finding located by sheet and cell (its line is the sheet's row)."""
    return check.finding(where.file, where.line_or_row, cell=place(where), **kw)


@dataclass
class _Label:
    cell: Cell
    kind: str  # project, funds, indicator (a column header), section, title, note, unit
    key: str | None = None
    unit: str | None = None
    inline: str | None = None  # "项目名称：X" holds its value


def _classify(cell: Cell) -> _Label | None:
    key = label_key(cell.text)
    head, sep, rest = _split_inline(cell.text)
    if sep:
        inline_key = label_key(head)
        for table, kind in ((PROJECT_LABELS, "project"), (FUNDS_LABELS, "funds")):
            if inline_key in table:
                return _Label(cell, kind, table[inline_key], inline=rest.strip())
    unit = None
    match = WITH_UNIT.match(key)
    if match:
        key, unit = match.group(1), match.group(2)
    elif key not in INDICATOR_LABELS:
        # "项目名称（全称）", "实施单位(盖章)": a bracketed remark after a field label
        bare = _REMARK.sub("", key)
        if bare in PROJECT_LABELS or bare in FUNDS_LABELS:
            key = bare
    if key in PROJECT_LABELS:
        return _Label(cell, "project", PROJECT_LABELS[key], unit)
    if key in FUNDS_LABELS:
        return _Label(cell, "funds", FUNDS_LABELS[key], unit)
    if key in INDICATOR_LABELS:
        return _Label(cell, "indicator", INDICATOR_LABELS.get(key), unit)
    if key in SECTIONS:
        return _Label(cell, "section", unit=unit)
    if UNIT_CELL.match(key):
        return _Label(cell, "unit", unit=UNIT_CELL.match(key).group(1))
    if TITLE.search(key) or TITLE_YEAR.match(key):
        return _Label(cell, "title")
    if NOTE.match(key):
        return _Label(cell, "note")
    return None


def _split_inline(text: str) -> tuple[str, str, str]:
    for colon in ("：", ":"):
        head, sep, rest = text.partition(colon)
        if sep and rest.strip():
            return head, sep, rest
    return text, "", ""


def read_grid(grid: Grid) -> Reading:
    """Every declaration on the grid (module docstring), with findings for what cannot be placed."""
    reading = Reading()
    labels: dict[tuple[int, int], _Label] = {}
    for r, c, cell in grid.texts():
        found = _classify(cell)
        if found:
            labels[(r, c)] = found
    starts = sorted({r for (r, _c), lab in labels.items() if lab.key == "name"})
    if not starts:
        if _self_evaluation(grid, 0, len(grid.rows)):
            reading.self_evaluations += 1
            first = next(iter(grid.texts()))[2]
            reading.findings.append(located(fc.NOT_A_DECLARATION, first.location, reason=_SELF_EVAL))
        return reading
    bounds = []
    for i, start in enumerate(starts):
        floor = bounds[-1][1] if bounds else 0
        top = start
        for r in range(start - 1, max(floor, start - 4) - 1, -1):
            if any(lab.kind == "title" for (lr, _c), lab in labels.items() if lr == r):
                top = r
        bounds.append((top, starts[i + 1] if i + 1 < len(starts) else len(grid.rows)))
    # a stacked form's title rows belong to it, not to the table above it
    bounds = [(top, bounds[i + 1][0] if i + 1 < len(bounds) else end) for i, (top, end) in enumerate(bounds)]
    if bounds and bounds[0][0] > 0:
        for r, c, cell in grid.texts():
            if r < bounds[0][0] and (r, c) not in labels:
                reading.findings.append(located(fc.UNPLACED, cell.location, value=_short(cell.text)))
    for top, end in bounds:
        _Block(grid, top, end, labels, reading).read()
    return reading


_SELF_EVAL = ("这是绩效自评表，不是绩效目标申报表，未检查", "a self-evaluation form (自评表), not a target declaration; not screened")


def _block_keys(grid: Grid, top: int, end: int) -> set[str]:
    """label_key() of every text in rows [top, end)."""
    return {label_key(cell.text) for row in grid.rows[top:end] for cell in row if cell.text and cell.merged_from is None}


def _self_evaluation(grid: Grid, top: int, end: int) -> bool:
    keys = _block_keys(grid, top, end)
    if any("自评" in k and TITLE.search(k) or k.endswith("自评表") for k in keys):
        return True
    return len(keys & {label_key(k) for k in SELF_EVALUATION_COLUMNS}) >= 2


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


class _Block:
    """One declaration's rows [top, end) of the grid."""

    def __init__(self, grid: Grid, top: int, end: int, labels: dict, reading: Reading):
        self.grid, self.top, self.end, self.reading = grid, top, end, reading
        self.labels = {pos: lab for pos, lab in labels.items() if top <= pos[0] < end}
        self.used: set[tuple[int, int]] = set(self.labels)
        self.fields: dict[str, Entry] = {}
        self.funds: dict[str, Entry] = {}
        self.findings: list[Finding] = []

    def add(self, check: fc.FileCheck, where: Location, **kw: Any) -> None:
        self.findings.append(located(check, where, **kw))

    def read(self) -> None:
        name_cell = next(lab.cell for pos, lab in sorted(self.labels.items()) if lab.key == "name")
        if _self_evaluation(self.grid, self.top, self.end):
            self.reading.self_evaluations += 1
            self.reading.findings.append(located(fc.NOT_A_DECLARATION, name_cell.location, reason=_SELF_EVAL))
            return
        header = self._indicator_header()
        table_end = self._table_end(header) if header else self.top
        in_table = (lambda pos: header[0] < pos[0] < table_end and pos[1] in header[1]) if header else (
            lambda pos: False)
        stated = {lab.unit for lab in self.labels.values() if lab.kind in ("unit", "section") and lab.unit}
        money_unit = stated.pop() if len(stated) == 1 else None
        for pos, lab in sorted(self.labels.items()):
            if header and pos[0] == header[0] or in_table(pos):
                continue
            if lab.kind in ("project", "funds"):
                self._field(pos, lab, money_unit)
            elif lab.kind == "note":
                self.add(fc.NOTE_SKIPPED, lab.cell.location, value=_short(lab.cell.text))
            elif lab.kind == "title" and "budget_year" not in self.fields:
                year = TITLE_YEAR.match(label_key(lab.cell.text))
                if year:  # "（2024年度）" under the title is the budget year
                    self.fields["budget_year"] = Entry("budget_year", year.group(1), lab.cell.location)
        rows = self._indicators(header, table_end) if header else []
        for r in range(self.top, self.end):
            for c, cell in enumerate(self.grid.rows[r]):
                if cell.text and cell.merged_from is None and (r, c) not in self.used:
                    self.add(fc.UNPLACED, cell.location, value=_short(cell.text))
        level1 = {label_key(str(row_entries["level1"].value)) for row_entries in
                  ({e.key: e for e in row.entries} for row in rows) if "level1" in row_entries}
        form = detect_form(level1, _block_keys(self.grid, self.top, self.end) | self._label_heads())
        at = name_cell.location
        funds_at = min((e.key_location or e.location for e in self.funds.values()),
                       key=lambda loc: loc.line_or_row, default=at)
        entries = [Entry("kind", "project", at), Entry("form", form, at), *self.fields.values(),
                   Entry("funds", Record(funds_at, list(self.funds.values())), funds_at),
                   Entry("indicators", rows, header_at(self.grid, header) if header else at)]
        self.reading.declarations.append(RawDeclaration(self.grid.name, form, Record(at, entries)))
        self.reading.findings.extend(self.findings)

    def _label_heads(self) -> set[str]:
        """label_key() of each field label as the reader matched it: "中期目标（2026-2028年）" is
        中期目标, "中期目标：三年完成" is 中期目标 (signs of the form, :func:`detect_form`)."""
        heads = set()
        for lab in self.labels.values():
            if lab.kind in ("project", "funds", "indicator"):
                key = label_key(_split_inline(lab.cell.text)[0] if lab.inline is not None else lab.cell.text)
                heads |= {key, _REMARK.sub("", key)}
        return heads

    def _field(self, pos: tuple[int, int], lab: _Label, money_unit: str) -> None:
        key = lab.key
        if lab.kind == "funds" and key in ANNUAL_TWINS and self._in_annual_column(pos):
            key = ANNUAL_TWINS[key]
        target = self.funds if lab.kind == "funds" else self.fields
        if lab.inline is not None:
            value_cell, value = lab.cell, lab.inline
        else:
            value_cell = self._value_cell(pos)
            value = None
            if value_cell is not None:
                self.used.add(value_cell.pos)
                value = value_cell.value
        if key in target:
            first = target[key].key_location or target[key].location
            self.add(fc.DUPLICATE_LABEL, lab.cell.location, key=lab.cell.text, first=place(first))
            return
        unit = lab.unit or money_unit
        kind = _KINDS.get(key)
        if unit and kind is FieldKind.MONEY_FORM or unit and kind in _FIELD_UNIT and unit != _FIELD_UNIT[kind]:
            value = _with_unit(value, unit)  # the unit printed on the form wins over any default
        target[key] = Entry(key, value, (value_cell or lab.cell).location, lab.cell.location)

    def _in_annual_column(self, pos: tuple[int, int]) -> bool:
        above = [(r, lab) for (r, c), lab in self.labels.items() if c == pos[1] and r < pos[0] and lab.kind == "funds"]
        return bool(above) and min(above, key=lambda item: item[0])[1].key in ANNUAL_HEADS

    def _value_cell(self, pos: tuple[int, int]) -> Cell | None:
        """The value of the label at ``pos``: right of its merged range; past empty cells (a form
        saved without its merges) up to the next label; else below it; else the empty cell right."""
        r, c = pos
        row = self.grid.rows[r]
        label = row[c]
        right = c + 1
        while right < len(row) and row[right].merged_from is label:
            right += 1
        scan = right
        while scan < len(row) and not self._is_label(r, scan) and (
                row[scan].anchor.empty or row[scan].anchor.pos[0] != r):
            scan += 1
        if scan < len(row) and not self._is_label(r, scan):
            return row[scan].anchor
        below_cell = self._below(pos)
        if below_cell is not None and not below_cell.empty:
            return below_cell
        if right < len(row) and not self._is_label(r, right) and row[right].anchor.pos[0] == r:
            return row[right].anchor
        return below_cell

    def _below(self, pos: tuple[int, int]) -> Cell | None:
        """The cell under the label at ``pos`` (past its merged range), unless it is a label."""
        r, c = pos
        label = self.grid.rows[r][c]
        below = r + 1
        while below < self.end and (cell := self.grid.cell(below, c)) is not None and cell.merged_from is label:
            below += 1
        cell = self.grid.cell(below, c) if below < self.end else None
        if cell is None or self._is_label(*cell.anchor.pos) or cell.anchor.pos[0] != below:
            return None
        left = self.grid.cell(below, cell.anchor.pos[1] - 1)
        if left is not None and left.anchor.pos[0] == below and self._is_label(*left.anchor.pos):
            return None  # the value of the label beside it, not of the one above
        return cell.anchor

    def _is_label(self, r: int, c: int) -> bool:
        """A cell that names a field (a title-like or note-like value is still a value)."""
        lab = self.labels.get((r, c))
        return lab is not None and lab.kind in ("project", "funds", "indicator", "section")

    def _column(self, lab: _Label) -> str | None:
        """The row field an indicator header cell names (a 中期目标 header is the rows' 中期指标值)."""
        if lab.kind == "project":
            return ROW_TARGETS.get(lab.key)
        key = label_key(lab.cell.text)
        return INDICATOR_LABELS.get(key) or INDICATOR_LABELS.get(WITH_UNIT.sub(r"\1", key))

    def _in_header(self, lab: _Label) -> bool:
        return lab.kind == "indicator" or lab.kind == "project" and lab.key in ROW_TARGETS

    def _indicator_header(self) -> tuple[int, dict[int, str]] | None:
        for r in range(self.top, self.end):
            row_labels = {c: lab for (lr, c), lab in self.labels.items() if lr == r and self._in_header(lab)}
            if {"一级指标", "二级指标", "三级指标"} <= {label_key(lab.cell.text) for lab in row_labels.values()}:
                columns = {c: self._column(lab) for c, lab in row_labels.items()}
                # a two-row header: 指标值 over 年度 / 中期 / 长期指标值
                sub = {c: self._column(lab) for (lr, c), lab in self.labels.items()
                       if lr == r + 1 and self._in_header(lab)}
                if sub:
                    columns.update({c: k for c, k in sub.items() if k})
                    self.used.update((r + 1, c) for c in sub)
                    r += 1
                self._fill_header_span(r, columns)
                return r, {c: k for c, k in columns.items() if k}
        return None

    def _fill_header_span(self, r: int, columns: dict[int, str | None]) -> None:
        """A header merged over several columns names only the first: later ones are continuations."""
        row = self.grid.rows[r]
        for c, cell in enumerate(row):
            if c not in columns and cell.merged_from is not None and cell.merged_from.pos[0] == r:
                columns[c] = None

    def _table_end(self, header: tuple[int, dict[int, str]]) -> int:
        """First row after the indicator table: a row whose 一级 cell holds text without 指标 ("联系人",
        "填报日期") and that has nothing beyond its first two columns ends it (what follows is read as
        labels, or reported as not placed — never dropped)."""
        r0, columns = header
        by_key = {k: c for c, k in columns.items()}
        for r in range(r0 + 1, self.end):
            def own(key: str) -> str:
                cell = self.grid.cell(r, by_key[key]) if key in by_key else None
                return cell.text if cell is not None and cell.merged_from is None else ""
            first = own("level1")
            if first and "指标" not in first and not any(own(k) for k in by_key if k not in ("level1", "level2")):
                return r
        return self.end

    def _indicators(self, header: tuple[int, dict[int, str]], end: int) -> list[Record]:
        r0, columns = header
        out = []
        for r in range(r0 + 1, end):
            row = self.grid.rows[r]
            texts = [cell for cell in row if cell.text and cell.merged_from is None]
            if len(texts) == 1 and NOTE.match(label_key(texts[0].text)):
                self.used.add(texts[0].pos)
                self.add(fc.NOTE_SKIPPED, texts[0].location, value=_short(texts[0].text))
                continue
            entries: dict[str, Entry] = {}
            for c, key in columns.items():
                cell = self.grid.cell(r, c)
                if cell is None:
                    continue
                self.used.add((r, c))
                if cell.merged_from is not None and cell.merged_from.pos[1] != c:
                    continue  # merged across from the column before: the value belongs there
                source = cell.anchor
                if key in entries and entries[key].value is not None:
                    continue  # a header spanning two columns: the first filled one
                textual = _KINDS.get(key) is FieldKind.TARGET_VALUE and source.value is not UNREADABLE
                value = (source.text or None) if textual else source.value
                # an empty cell is kept too: a finding about a missing value points at it
                entries[key] = Entry(key, value, source.location, self.grid.rows[r0][c].location)
            if any(e.value is not None for e in entries.values()):
                first = next((cell for cell in row if cell.merged_from is None or cell.merged_from.pos[0] != r), row[0])
                out.append(Record(first.location, list(entries.values())))
        return out


_FIELD_UNIT = {FieldKind.MONEY_YUAN: "元", FieldKind.MONEY_WAN: "万元"}


def _with_unit(value: Any, unit: str) -> Any:
    """A bare amount in a field whose printed unit differs from the field's own: "N万元" / "N元"."""
    if isinstance(value, Decimal):
        return f"{format(value, 'f')}{unit}"
    if isinstance(value, str) and _BARE_NUMBER.match(value.strip()):
        return f"{value.strip()}{unit}"
    return value


def header_at(grid: Grid, header: tuple[int, dict[int, str]]) -> Location:
    """Location of the indicator table's header (its first labelled cell)."""
    r, columns = header
    return grid.rows[r][min(columns)].location


def detect_form(level1: set[str], texts: set[str]) -> str:
    """The layout of one declaration read from a table, from its 一级 labels and the label_key() of
    every text on it and of each label as matched (module docstring for the order and sources).
    Signs are whole labels: a text that only mentions 中期 ("完成中期目标的一半") is no sign, and a
    Shanghai form with one national-looking line ("中期目标") still has more signs of its own."""
    if level1 & NDRC_LEVEL1 or texts & NDRC_LEVEL1:
        return "ndrc-investment"
    if texts & NATIONAL_MARKS or len(texts & NATIONAL_SIGNS) > len(texts & SHANGHAI_SIGNS):
        return "national-2021"
    if texts & LEGACY_PERIOD or "绩效目标" in texts and not texts & TWO_TARGETS:
        return "legacy-2015"
    return "shanghai-2024"
