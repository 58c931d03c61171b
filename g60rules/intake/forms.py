"""Lay a declaration out as each form prints it, and write it as .xlsx, .docx or .csv.

Used to make the example workbooks (:mod:`g60rules.intake.examples`) and by the tests to write
declarations the way bureaus receive them. Shapes: :func:`form_sheet` takes a declaration as a dict
(English keys of :mod:`g60rules.model`, values as a declaration file holds them: text, Decimal, date
or None; ``funds`` a dict, ``indicators`` a list of dicts) and a form name, and returns a
:class:`Sheet` (rows of cell values and the merged ranges). :func:`write_xlsx`, :func:`write_docx`
and :func:`write_csv` write sheets.

The layouts: ``shanghai-2024`` — 7 columns, header pairs, 项目资金（元） block of two columns,
项目总目标 / 年度总体目标 over their texts, 一级/二级/三级/指标值; ``national-2021`` — funds by source
in 万元, 总体目标 / 中期目标 / 年度目标, columns 指标性质 / 指标值 / 计量单位 (and 权重, 中期指标值, 评分标准, 指标解释
when a row has them); ``legacy-2015`` — 项目期, funds in 万元, one 绩效目标 text; ``ndrc-investment`` —
the title 中央预算内投资计划绩效目标表, funds by source in 万元 and 实施效果指标 / 过程管理指标 rows.
Amounts a 万元 form prints are converted exactly (Decimal) from the declaration's (a bare number
there is in the form's funds unit, as the model reads it). A value the layout has no place for
raises ValueError: a workbook never silently drops what its YAML holds.  A project field named in
``unreadable`` is written as an error cell (#REF!) in .xlsx, which reads back as present but
unreadable; .docx and .csv cannot hold one (ValueError).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from g60rules.intake.build import UNREADABLE, _key_text, convert
from g60rules.rules.compiler import bundled_layouts
from g60rules.model import FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS, FieldKind

_FUND_KINDS = {s.key: s.kind for s in FUNDS_FIELDS}
WAN = Decimal(10000)


@dataclass
class Sheet:
    """A laid-out form: ``rows`` of values (text, Decimal, date or None), merged ranges as 0-based
    inclusive (top, left, bottom, right), the sheet's name, and whether it is hidden."""

    name: str
    width: int
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False

    def add(self, cells: list[Any], spans: dict[int, int] | None = None) -> int:
        """Append a row (padded to the width); ``spans`` merges column → last column. Returns its index."""
        row = list(cells) + [None] * (self.width - len(cells))
        self.rows.append(row)
        r = len(self.rows) - 1
        for first, last in (spans or {}).items():
            if last > first:
                self.merges.append((r, first, r, last))
        return r

    def merge_down(self, col: int, top: int, bottom: int) -> None:
        if bottom > top:
            self.merges.append((top, col, bottom, col))


def _wan(key: str, value: Any, form: str) -> Any:
    """An amount as the declaration holds it (a bare number in ``form``'s funds unit) as the number of
    万元 a 万元 form prints."""
    if value is None or value is UNREADABLE:
        return value
    layout = bundled_layouts().layout(form)
    yuan = convert(value, _FUND_KINDS.get(key, FieldKind.MONEY_YUAN), layout.funds_unit if layout else "元")
    return None if yuan is None else (yuan / WAN).normalize() if yuan % WAN else (yuan / WAN).quantize(Decimal(1))


def _pairs(sheet: Sheet, pairs: list[tuple[str, Any]]) -> None:
    """Label/value pairs across one row, the last value spanning to the right edge."""
    cells: list[Any] = []
    spans: dict[int, int] = {}
    for label, value in pairs:
        cells += [label, value]
    if cells:
        spans[len(cells) - 1] = sheet.width - 1
    sheet.add(cells, spans)


def _indicator_table(sheet: Sheet, columns: list[tuple[str, str]], rows: list[dict], merge_levels: bool,
                     level3_span: int = 0) -> None:
    header = [label for label, _ in columns]
    spans = {2: 2 + level3_span} if level3_span else {}
    layout = list(range(len(columns)))
    if level3_span:
        layout = [0, 1, 2] + [c + level3_span for c in range(3, len(columns))]
        header = header[:3] + [None] * level3_span + header[3:]
    sheet.add(header, spans)
    first = len(sheet.rows)
    for row in rows:
        cells: list[Any] = [None] * sheet.width
        for (_label, key), col in zip(columns, layout, strict=True):
            cells[col] = row.get(key)
        sheet.add(cells, spans)
    if merge_levels:  # a run of equal 一级 / 二级 cells is one merged cell, as forms print it
        for col in (0, 1):
            top = first
            for r in range(first + 1, len(sheet.rows) + 1):
                # unreadable cells are each their own error cell, never merged
                if r == len(sheet.rows) or sheet.rows[r][col] != sheet.rows[top][col] or \
                        sheet.rows[top][col] is None or sheet.rows[top][col] is UNREADABLE:
                    if sheet.rows[top][col] is not None and r - 1 > top and (
                            col == 0 or all(sheet.rows[x][0] == sheet.rows[top][0] for x in range(top, r))):
                        sheet.merge_down(col, top, r - 1)
                        for x in range(top + 1, r):
                            sheet.rows[x][col] = None
                    top = r


OPTIONAL_COLUMNS = (("权重", "weight"), ("中期指标值", "midterm_target"), ("长期指标值", "longterm_target"),
                    ("评分标准", "standard"), ("指标解释", "explanation"), ("指标方向", "direction"),
                    ("指标类型", "qualitative"))


PROJECT_LABELS = {"name": "项目名称", "competent_department": "主管部门", "implementing_unit": "实施单位",
                  "budget_year": "预算年度", "period": "项目期", "nature": "项目性质", "category": "项目类别",
                  "plan_start": "计划开始日期", "plan_end": "计划完成日期"}
FUND_LABELS = {"total": "资金总额", "fiscal": "财政资金", "central": "中央资金", "provincial": "省级资金",
               "municipal": "市级资金", "county": "县本级资金", "other": "其他资金",
               "annual_request": "年度资金总额", "appropriation": "财政拨款", "carryover": "上年结转",
               "annual_other": "年度其他资金"}
_LEFT_FUNDS = ("total", "fiscal", "central", "provincial", "municipal", "county", "other")
_RIGHT_FUNDS = ("annual_request", "appropriation", "carryover", "annual_other")
# What each 万元 form always prints (other fields only when the declaration has them).
PRINTED = {
    "national-2021": (("name", "competent_department", "implementing_unit", "budget_year", "period"),
                      ("total", "annual_request", "central", "provincial", "municipal", "county", "other"),
                      (("总体目标", "project_target"), ("中期目标", "midterm_target"), ("年度目标", "annual_target"))),
    "legacy-2015": (("name", "competent_department", "implementing_unit", "period"),
                    ("total", "fiscal", "other"), (("绩效目标", "performance_target"),)),
    "ndrc-investment": (("name", "competent_department", "implementing_unit", "budget_year", "period"),
                        ("total", "central", "provincial", "municipal", "county", "other"),
                        (("项目总目标", "project_target"), ("年度总体目标", "annual_target"))),
}
TITLES = {"national-2021": "项目支出绩效目标申报表", "legacy-2015": "项目支出绩效目标申报表",
          "ndrc-investment": "中央预算内投资计划绩效目标表"}


def form_sheet(values: dict[str, Any], form: str, name: str = "申报表", merge_levels: bool = True) -> Sheet:
    """The declaration laid out as ``form`` prints it (module docstring). Raises ValueError for an
    unknown form, or for a value the layout has no place for (nothing is dropped in silence)."""
    values = _unreadable_cells(values)
    if form == "shanghai-2024":
        sheet, printed = _shanghai(values, merge_levels, name)
    elif form in PRINTED:
        sheet, printed = _by_source(values, form, merge_levels, name)
    else:
        raise ValueError(f"unknown form {form!r}")
    given = {k for k, v in values.items() if v is not None and k not in ("funds", "indicators")}
    given |= {f"funds.{k}" for k, v in (values.get("funds") or {}).items() if v is not None}
    given |= {f"indicators.{k}" for row in values.get("indicators") or [] for k, v in row.items() if v is not None}
    if given - printed:
        raise ValueError(f"form {form} has no place for: {', '.join(sorted(given - printed))}")
    return sheet


def _unreadable_cells(values: dict[str, Any]) -> dict[str, Any]:
    """The fields named in ``unreadable`` (keys or labels) of the project, its funds and each row as
    :data:`UNREADABLE` cells, which an .xlsx holds as an error cell (#REF!); the lists themselves
    are then printed by those cells."""
    out = _marked(values, PROJECT_FIELDS)
    if isinstance(out.get("funds"), dict):
        out["funds"] = _marked(out["funds"], FUNDS_FIELDS)
    if out.get("indicators"):
        out["indicators"] = [_marked(row, INDICATOR_FIELDS) for row in out["indicators"]]
    return out


def _marked(values: dict[str, Any], specs: tuple) -> dict[str, Any]:
    named = values.get("unreadable")
    if not named:
        return values
    by_label = {_key_text(label): spec.key for spec in specs for label in (spec.key, *spec.labels)}
    out = {k: v for k, v in values.items() if k != "unreadable"}
    for key in (by_label.get(_key_text(str(item)), str(item)) for item in named):
        if out.get(key) is not None:
            raise ValueError(f"{key} is both filled and unreadable")
        out[key] = UNREADABLE
    return out


def _shanghai(values: dict[str, Any], merge_levels: bool, name: str) -> tuple[Sheet, set[str]]:
    funds = values.get("funds") or {}
    get = values.get
    sheet = Sheet(name, 7)
    sheet.add(["财政项目支出绩效目标申报表"], {0: 6})
    if "budget_year" in values:
        sheet.add([f"（{get('budget_year')}年度）"], {0: 6})
    sheet.add(["项目名称", get("name"), None, "项目性质", get("nature"), "项目类别", get("category")], {1: 2})
    sheet.add(["主管部门", get("competent_department"), None, "实施单位", get("implementing_unit")], {1: 2, 4: 6})
    sheet.add(["计划开始日期", get("plan_start"), None, "计划完成日期", get("plan_end")], {1: 2, 4: 6})
    printed = {"name", "nature", "category", "competent_department", "implementing_unit", "plan_start", "plan_end",
               "project_target", "annual_target", "budget_year"}
    if "period" in values:
        sheet.add(["项目期", get("period")], {1: 6})
        printed.add("period")
    top = sheet.add(["项目资金（元）", "项目资金总额", funds.get("total"), "年度资金申请总额", None,
                     funds.get("annual_request")], {3: 4, 5: 6})
    sheet.add([None, "其中：财政资金", funds.get("fiscal"), "其中：当年财政拨款", None, funds.get("appropriation")],
              {3: 4, 5: 6})
    sheet.add([None, None, None, "上年结转资金", None, funds.get("carryover")], {3: 4, 5: 6})
    sheet.add([None, "其他资金", funds.get("other"), "其他资金", None, funds.get("annual_other")], {3: 4, 5: 6})
    sheet.merge_down(0, top, top + 3)
    printed |= {f"funds.{k}" for k in ("total", "annual_request", "fiscal", "appropriation", "carryover", "other",
                                        "annual_other")}
    top = sheet.add(["项目绩效目标", "项目总目标", None, None, "年度总体目标"], {1: 3, 4: 6})
    sheet.add([None, get("project_target"), None, None, get("annual_target")], {1: 3, 4: 6})
    sheet.merge_down(0, top, top + 1)
    columns = [("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"), ("指标值", "target_value")]
    _indicator_table(sheet, columns, values.get("indicators") or [], merge_levels, level3_span=3)
    printed |= {f"indicators.{k}" for _, k in columns}
    if "budget_arrangement" in values:
        sheet.add(["年度预算安排（万元）", _plain_wan(get("budget_arrangement"))], {1: 6})
        printed.add("budget_arrangement")
    return sheet, printed


def _by_source(values: dict[str, Any], form: str, merge_levels: bool, name: str) -> tuple[Sheet, set[str]]:
    """The 万元 forms (national, legacy, investment): header pairs, funds by source, targets, table."""
    header, fund_keys, targets = PRINTED[form]
    funds = values.get("funds") or {}
    rows = values.get("indicators") or []
    columns = [("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3")]
    if form == "national-2021":
        columns += [("指标性质", "operator"), ("指标值", "target_value"), ("计量单位", "unit")]
        columns += [(label, key) for label, key in OPTIONAL_COLUMNS if any(key in row for row in rows)]
    else:
        columns += [("指标值", "target_value")]
    sheet = Sheet(name, max(6, len(columns)))
    sheet.add([TITLES[form]], {0: sheet.width - 1})
    keys = [k for k in PROJECT_LABELS if k in header or k in values]
    for first in range(0, len(keys), 2):
        _pairs(sheet, [(PROJECT_LABELS[k], values.get(k)) for k in keys[first:first + 2]])
    left = [k for k in _LEFT_FUNDS if k in fund_keys or funds.get(k) is not None]
    right = [k for k in _RIGHT_FUNDS if k in fund_keys or funds.get(k) is not None]
    if right and right[0] != "annual_request":
        right.insert(0, "annual_request")  # the annual column is headed by its total
    top = len(sheet.rows)
    for number in range(max(len(left), len(right))):
        cells: list[Any] = [("项目资金（万元）" if number == 0 else None)]
        for column in (left, right):
            key = column[number] if number < len(column) else None
            cells += [FUND_LABELS[key], _wan(key, funds.get(key), form)] if key else [None, None]
        sheet.add(cells)
    sheet.merge_down(0, top, len(sheet.rows) - 1)
    for label, key in targets:
        _pairs(sheet, [(label, values.get(key))])
    _indicator_table(sheet, columns, rows, merge_levels)
    printed = set(keys) | {f"funds.{k}" for k in left + right} | {k for _, k in targets}
    printed |= {f"indicators.{k}" for _, k in columns}
    if "budget_arrangement" in values:
        _pairs(sheet, [("年度预算安排（万元）", _plain_wan(values.get("budget_arrangement")))])
        printed.add("budget_arrangement")
    return sheet, printed


def _plain_wan(value: Any) -> Any:
    """年度预算安排 as the form prints it: the number of 万元."""
    yuan = convert(value, FieldKind.MONEY_WAN) if value is not None else None
    return None if yuan is None else (yuan / WAN).normalize()


def write_xlsx(sheets: list[Sheet], path: Path) -> None:
    """Write sheets as one workbook (openpyxl); text starting with "=" is written as text."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        if sheet.hidden:
            ws.sheet_state = "hidden"
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                if value is UNREADABLE:
                    cell.value, cell.data_type = "#REF!", "e"  # present, but holds no value
                    continue
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for top, left, bottom, right in sheet.merges:
            ws.merge_cells(start_row=top + 1, start_column=left + 1, end_row=bottom + 1, end_column=right + 1)
    book.save(path)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is UNREADABLE:
        raise ValueError("only .xlsx can hold an unreadable cell (an error cell)")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_docx(sheet: Sheet, path: Path) -> None:
    """Write a sheet as one Word table with its merges (python-docx)."""
    import docx

    document = docx.Document()
    document.add_paragraph(sheet.name)
    table = document.add_table(rows=len(sheet.rows), cols=sheet.width)
    covered = set()
    for top, left, bottom, right in sheet.merges:
        covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)} - {(top, left)}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if (r, c) not in covered and value is not None:
                table.cell(r, c).text = _text(value)
    for top, left, bottom, right in sheet.merges:
        table.cell(top, left).merge(table.cell(bottom, right))
    document.save(str(path))


def write_csv(sheet: Sheet, path: Path, encoding: str = "utf-8-sig") -> None:
    """Write a sheet as CSV (merged cells as Excel exports them: the value in the first cell only)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        for row in sheet.rows:
            writer.writerow([_text(v) for v in row])
