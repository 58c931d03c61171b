"""Reports for spreadsheets: CSV (UTF-8 with BOM, so Excel opens it) and an Excel workbook (xlsxwriter).

Both list one row per finding (:func:`rows`): every finding of the run — counted, waived, baselined,
shadow — with a 状态 column saying which, 行号 (a YAML line, a sheet's row) and, for table files,
工作表 and 单元格, and, after ``check --compare``, a 变化 column (新 / 仍存在 /
已修复) with the fixed findings added. Column headers are Chinese by default, English with ``lang="en"``.
A finding on a computed figure (a count of rows, a gap) has no 填报值 or 触发条件: its 栏目 column
says what to do instead (:attr:`g60rules.reports.summary.Shown.todo`).

Workbook sheets: 汇总 (the run — with the unreadable files and the findings naming no 实施单位 on
lines of their own — then counted findings per named 主管部门 and 实施单位 by severity),
问题清单 (the rows; autofilter, frozen header, widths fitted to the text up to a cap), 按规则 (counts
per rule), 按单位 (one row per 实施单位 with its 主管部门; autofilter) and 按主管部门 (one row per
主管部门, its findings in all: subtotals kept out of the units' filter and sort). Workbook text cells are
written as strings, never as formulas: a declaration value such as ``=1.00(场)`` stays text; control
characters other than tab and line feed, which a workbook cannot hold as such, become U+FFFD. In CSV,
which has no cell types, a text cell starting with ``= + - @``, a tab or a carriage return gets a
leading ``'`` (OWASP's advice against formula injection; Excel shows the text, hides the quote).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from g60rules import __version__
from g60rules.findings import Finding, basis_document
from g60rules.own_output import CATEGORY
from g60rules.reports.summary import Report, competent_of, shown, unit_of

COLUMNS = ("competent", "unit", "project", "row", "indicator", "severity", "rule", "title", "message",
           "basis", "file", "line", "sheet", "cell", "field", "value", "condition", "status", "change")
_HEAD = {
    "zh": {"competent": "主管部门", "unit": "实施单位", "project": "项目", "row": "指标行", "indicator": "指标",
           "severity": "级别", "rule": "规则", "title": "规则名称", "message": "问题说明", "basis": "依据",
           "file": "文件", "line": "行号", "sheet": "工作表", "cell": "单元格", "field": "栏目", "value": "填报值", "condition": "触发条件", "status": "状态", "change": "变化",
           "error": "错误", "warning": "警告", "info": "提示", "total": "合计",
           "sev": {"error": "错误", "warning": "警告", "info": "提示"}, "projects": "涉及项目",
           "units": "涉及单位", "count": "问题数",
           "counted": "计入", "waived": "已豁免", "baselined": "基线中", "shadow": "影子规则",
           "new": "新", "open": "仍存在", "fixed": "已修复",
           "sheets": ("汇总", "问题清单", "按规则", "按单位", "按主管部门"),
           "run": (("规则集", "ruleset"), ("文件", "files"), ("申报", "declarations"),
                   ("主管部门", "competents"), ("实施单位", "units"), ("错误", "error"), ("警告", "warning"),
                   ("提示", "info"), ("已豁免", "waived"), ("基线中", "baselined"), ("影子规则", "shadow"),
                   ("无法读取的文件", "unreadable"), ("未注明实施单位的问题", "unattributed")),
           "compared": "对比的上次报告", "change_counts": (("新问题", "new"), ("仍存在", "open"), ("已修复", "fixed"))},
    "en": {"competent": "Competent department", "unit": "Implementing unit", "project": "Project", "row": "Row",
           "indicator": "Indicator", "severity": "Severity", "rule": "Rule", "title": "Rule title",
           "message": "Message", "basis": "Basis", "file": "File", "line": "Line", "sheet": "Sheet", "cell": "Cell", "field": "Field",
           "value": "Value", "condition": "Flagged when", "status": "Status", "change": "Change",
           "error": "errors", "warning": "warnings", "info": "infos", "total": "total",
           "sev": {"error": "error", "warning": "warning", "info": "info"}, "projects": "projects",
           "units": "units", "count": "findings",
           "counted": "counted", "waived": "waived", "baselined": "baselined", "shadow": "shadow",
           "new": "new", "open": "still open", "fixed": "fixed",
           "sheets": ("Summary", "Findings", "By rule", "By unit", "By competent department"),
           "run": (("Ruleset", "ruleset"), ("Files", "files"), ("Declarations", "declarations"),
                   ("Competent departments", "competents"), ("Implementing units", "units"), ("Errors", "error"),
                   ("Warnings", "warning"), ("Infos", "info"), ("Waived", "waived"), ("Baselined", "baselined"),
                   ("Shadow", "shadow"), ("Unreadable files", "unreadable"),
                   ("Findings naming no implementing unit", "unattributed")),
           "compared": "Compared with", "change_counts": (("New", "new"), ("Still open", "open"), ("Fixed", "fixed"))},
}
MAX_WIDTH = 60  # characters; longer text wraps
_CELL = re.compile(r"[A-Z]{1,3}[0-9]+|第.*")  # C14; a Word table's 第 3 行第 4 列
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _status(f: Finding) -> str:
    return "shadow" if f.state == "shadow" else ("counted" if f.status == "new" else f.status)


def sheet_cell(f: Finding) -> tuple[str, str]:
    """(工作表, 单元格) of a finding in a table file (``f.cell`` is ``"sheet › C14"``); ``("", "")`` for a
    line-based (YAML) file, whose place is its 行号. A CSV finding has a cell alone (``C14``), a finding
    on a whole sheet (one not screened) its sheet alone."""
    if not f.cell:
        return "", ""
    sheet, _, cell = f.cell.rpartition(" › ")
    if not sheet and not _CELL.fullmatch(cell):
        return cell, ""
    return sheet, cell


def header_labels() -> list[list[str]]:
    """The first CSV header cells of every report, per language, from 主管部门 to 行号 (the mark
    :mod:`g60rules.own_output` knows a report by; the columns after 行号 have changed between versions)."""
    return [[_HEAD[lang][k] for k in COLUMNS[:COLUMNS.index("line") + 1]] for lang in _HEAD]


def columns(report: Report) -> list[str]:
    """Column keys of :func:`rows`: ``change`` only after ``--compare``."""
    return [c for c in COLUMNS if c != "change" or report.compared_with is not None]


def rows(report: Report) -> list[list[object]]:
    """One row per finding (see the module docstring); ``row`` and ``line`` are ints, the rest text."""
    lang, head = report.lang, _HEAD[report.lang]
    keys = columns(report)
    out = []
    for f in [*report.result.findings, *report.resolved]:
        human = shown(f, report)
        sheet, cell = sheet_cell(f)
        values = {"competent": competent_of(f, lang), "unit": unit_of(f, lang), "project": f.project or "",
                  "row": f.row if f.row is not None else "", "indicator": f.indicator or "",
                  "severity": head["sev"][f.severity.value], "rule": f.rule_id, "title": f.title(lang),
                  "message": f.message(lang), "basis": basis_document(f.basis, lang), "file": report.shown_file(f.file), "line": f.line,
                  "sheet": sheet, "cell": cell,
                  "field": human.label or human.todo or "", "value": human.value or "",
                  "condition": human.condition or "", "status": head[_status(f)],
                  "change": head[f.change] if f.change else ""}
        out.append([values[k] for k in keys])
    return out


def to_csv(report: Report) -> bytes:
    """The finding rows as CSV: UTF-8 with a byte-order mark, CRLF line ends (RFC 4180), header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_HEAD[report.lang][k] for k in columns(report)])
    writer.writerows([[_defused(v) for v in row] for row in rows(report)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _defused(value: object) -> object:
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _width(value: object) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(value))


def to_xlsx(report: Report) -> bytes:
    """The workbook (module docstring) as bytes."""
    import xlsxwriter  # here, not at the top: screening workers forked from the CLI never write one
    head, summary = _HEAD[report.lang], report.summary
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    # the mark intake knows its own outputs by (g60rules.own_output): never screened as a declaration
    book.set_properties({"title": head["sheets"][0], "category": CATEGORY, "comments": f"g60rules {__version__}"})
    bold = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True,
                            "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    title_format = book.add_format({"bold": True, "font_size": 14})

    def table(sheet, first_row: int, header: list[str], body: list[list[object]], freeze: bool = False) -> None:
        sheet.write_row(first_row, 0, header, bold)
        for r, values in enumerate(body, start=first_row + 1):
            sheet.write_row(r, 0, [_CONTROL.sub("\ufffd", v) if isinstance(v, str) else v for v in values], wrap)
        if body:
            sheet.autofilter(first_row, 0, first_row + len(body), len(header) - 1)
        if freeze:
            sheet.freeze_panes(first_row + 1, 0)
        for c, name in enumerate(header):
            longest = max([_width(name), *(_width(v[c]) for v in body[:2000])])
            sheet.set_column(c, c, min(MAX_WIDTH, longest + 2))

    names = head["sheets"]
    overview = book.add_worksheet(names[0])
    overview.write(0, 0, "g60rules", title_format)
    numbers = {"ruleset": report.ruleset.name, "files": summary.files,
               "declarations": summary.declarations, "competents": summary.competents, "units": summary.units,
               **summary.counts, **summary.apart, "unreadable": summary.unreadable,
               "unattributed": sum(summary.unattributed.values())}
    line = 2
    for label, key in head["run"]:
        overview.write_string(line, 0, label, bold)
        overview.write(line, 1, numbers[key])
        line += 1
    if report.compared_with is not None:
        overview.write_string(line, 0, head["compared"], bold)
        overview.write_string(line, 1, report.compared_with)
        line += 1
        for label, key in head["change_counts"]:
            overview.write_string(line, 0, label, bold)
            overview.write(line, 1, summary.change[key])
            line += 1
    unit_header = [head["competent"], head["unit"], head["error"], head["warning"], head["info"], head["total"],
                   head["projects"]]
    unit_rows = [[u.competent, u.unit, u.counts["error"], u.counts["warning"], u.counts["info"], u.total, u.projects]
                 for u in summary.by_unit]
    # the units ranked: findings naming no 实施单位 are the 未注明实施单位的问题 line above, not a unit
    table(overview, line + 1, unit_header, [r for r, u in zip(unit_rows, summary.by_unit, strict=True)
                                            if u in summary.ranked])
    overview.set_column(0, 0, max(16, min(MAX_WIDTH, max([_width(label) for label, _ in head["run"]]) + 2)))

    findings = book.add_worksheet(names[1])
    table(findings, 0, [head[k] for k in columns(report)], rows(report), freeze=True)

    by_rule = book.add_worksheet(names[2])
    table(by_rule, 0, [head["rule"], head["title"], head["severity"], head["basis"], head["count"], head["units"]],
          [[r.rule_id, r.title, head["sev"][r.severity], basis_document(r.basis, report.lang), r.count, r.units]
           for r in summary.by_rule], freeze=True)

    # units and their 主管部门's subtotals in tables of their own: under one autofilter, sorting by 错误
    # would rank a 合计 row among the units
    competents = sorted(summary.by_competent, key=lambda c: c.competent)
    named = {c.competent for c in competents}
    table(book.add_worksheet(names[3]), 0, unit_header,
          sorted((row for row in unit_rows if row[0] in named), key=lambda r: (r[0], r[1])), freeze=True)
    table(book.add_worksheet(names[4]), 0, [unit_header[0], *unit_header[2:]],
          [[c.competent, c.counts["error"], c.counts["warning"], c.counts["info"], c.total, c.projects]
           for c in competents], freeze=True)
    book.close()
    return buffer.getvalue()
