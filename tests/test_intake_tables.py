"""Workbooks, Word documents and CSV files as bureaus receive them: each odd case of issue 7, built
here with openpyxl / python-docx / the csv module (no binary fixtures)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.intake.yaml_loader import load_corpus

runner = CliRunner()


def _book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None,
          hidden: tuple[str, ...] = (), formats: dict[tuple[str, str], str] | None = None) -> Path:
    """A workbook from rows of values; strings are always text cells (never formulas)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        ws.sheet_state = "hidden" if name in hidden else "visible"
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = ws.cell(r, c)
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    for (name, ref), fmt in (formats or {}).items():
        book[name][ref].number_format = fmt
    book.save(path)
    return path


def _form(name: str = "课题调研", rows: list[list] | None = None, **header) -> list[list]:
    """A small Shanghai-layout form as rows (A–G)."""
    h = {"项目名称": name, "项目性质": "其他经常性项目", "项目类别": "其他运转类", "主管部门": "某区某局",
         "实施单位": "某中心", "计划开始日期": "2025-01-01", "计划完成日期": "2025-12-31", **header}
    return [
        ["财政项目支出绩效目标申报表"],
        ["项目名称", h["项目名称"], None, "项目性质", h["项目性质"], "项目类别", h["项目类别"]],
        ["主管部门", h["主管部门"], None, "实施单位", h["实施单位"]],
        ["计划开始日期", h["计划开始日期"], None, "计划完成日期", h["计划完成日期"]],
        ["项目资金（元）", "项目资金总额", 500000, "年度资金申请总额", 500000],
        [None, "其中：财政资金", 500000, "其中：当年财政拨款", 500000],
        [None, None, None, "上年结转资金", 0],
        [None, "其他资金", None, "其他资金", 0],
        ["项目总目标", "完成调研", None, "年度总体目标", "完成 2 篇报告"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        *(rows if rows is not None else [
            ["成本指标", "经济成本指标", "单篇成本", "≤250000(元/篇)"],
            ["产出指标", "数量指标", "报告篇数", "≥2(篇)"],
            ["产出指标", "质量指标", "验收合格率", "≥95(%)"],
            ["产出指标", "时效指标", "完成时间", "≤2025-12-31"],
            ["效益指标", "社会效益指标", "成果采纳", "采纳"],
            ["满意度指标", "服务对象满意度指标", "委托方满意度", "≥90(%)"],
        ]),
    ]


def _projects(path: Path):
    corpus = load_corpus([path])
    return corpus.projects, corpus.findings


def _ids(findings) -> list[str]:
    return [f.rule_id for f in findings]


# --- labels anywhere, written as forms write them ---------------------------------------------------

def test_labels_with_spaces_fullwidth_colons_and_line_breaks(tmp_path):
    rows = _form("活动组织")
    rows[1][0] = "项 目 名 称："
    rows[2][0] = "主管\n部门"
    rows[2][3] = "实施单位:"
    # labels need not start at A1: three empty rows and an empty column before the form
    path = _book(tmp_path / "a.xlsx", {"表一": [[None]] * 3 + [[None, *r] for r in rows]})
    (project,), findings = _projects(path)
    assert project.name == "活动组织"
    assert project.competent_department == "某区某局" and project.implementing_unit == "某中心"
    assert [i.level3 for i in project.indicators][:2] == ["单篇成本", "报告篇数"]
    assert not [f for f in findings if f.severity.value != "info"], findings


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_every_line_break_look_alike_in_a_cell_reads_as_a_wrapped_line(tmp_path, suffix):
    # a NEL, LS or PS is a line break as much as CR or LF: the cell reads as one line, one space each
    import csv

    rows = _form("资金\x85拨付\u2028跟踪\u2029服务\r\n评价", rows=[["产出指标", "数量指标", "走访\x85户数", "≥3(户)"]])
    if suffix == "xlsx":
        path = _book(tmp_path / "n.xlsx", {"表一": rows})
    else:
        path = tmp_path / "n.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([[("" if v is None else str(v)) for v in row] for row in rows])
    (project,), _ = _projects(path)
    assert project.name == "资金 拨付 跟踪 服务 评价" and project.indicators[0].level3 == "走访 户数"


def test_label_and_value_in_one_cell(tmp_path):
    rows = _form()
    rows[1][:3] = ["项目名称：田间监测", None, None]
    (project,), _ = _projects(_book(tmp_path / "a.xlsx", {"S": rows}))
    assert project.name == "田间监测"


# --- merged cells ---------------------------------------------------------------------------------------

def test_merged_level1_applies_to_every_row_and_blank_stays_blank(tmp_path):
    rows = _form(rows=[
        ["产出指标", "数量指标", "培训人次", "≥300(人次)"],
        [None, "质量指标", "考核通过率", "≥85(%)"],
        [None, "时效指标", "完成时间", "≤2025-10-31"],
        [None, "数量指标", "手册份数", "≥50(份)"],  # blank 一级, not merged: stays blank
    ])
    path = _book(tmp_path / "m.xlsx", {"S": rows}, merges={"S": ["A11:A13"]})
    (project,), _ = _projects(path)
    assert [i.level1 for i in project.indicators] == ["产出指标", "产出指标", "产出指标", None]


def test_merged_value_range_and_merged_labels(tmp_path):
    rows = _form()
    rows[2] = ["主管部门", "合并值", None, "实施单位", "合并单位", None, None]
    path = _book(tmp_path / "m.xlsx", {"S": rows}, merges={"S": ["B3:C3", "E3:G3", "A5:A8"]})
    (project,), findings = _projects(path)
    assert (project.competent_department, project.implementing_unit) == ("合并值", "合并单位")
    assert "G60-FILE-009" not in _ids(findings)


# --- several projects per workbook -------------------------------------------------------------------------

def test_one_project_per_sheet_and_stacked_projects(tmp_path):
    stacked = _form("甲项目") + [[None]] + _form("乙项目", rows=[["产出指标", "数量指标", "场次", "≥3(场)"]])
    path = _book(tmp_path / "multi.xlsx", {"第一张": _form("丙项目"), "叠放": stacked})
    projects, _ = _projects(path)
    assert sorted(p.name for p in projects) == ["丙项目", "乙项目", "甲项目"]
    second = next(p for p in projects if p.name == "乙项目")
    assert [i.level3 for i in second.indicators] == ["场次"]
    first = next(p for p in projects if p.name == "甲项目")
    assert len(first.indicators) == 6
    # the same rows on two sheets are two projects, never merged into one graph node
    result = runner.invoke(app, ["check", str(path), "-f", "json", "--engine", "reference"])
    assert json.loads(result.stdout)["declarations"] == 3


# --- values: formulas, "=" text, numbers, dates --------------------------------------------------------------

def _with_cached_value(path: Path, sheet_xml: str, formula: str, cached: str) -> None:
    """Give a formula cell the cached value Excel would have stored (openpyxl writes none)."""
    with zipfile.ZipFile(path) as zin:
        items = {name: zin.read(name) for name in zin.namelist()}
    xml = items[sheet_xml].decode()
    xml = xml.replace(f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{cached}</v>").replace(
        f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{cached}</v>")
    if f"<v>{cached}</v>" not in xml:
        xml = xml.replace(f"<f>{formula}</f>", f"<f>{formula}</f><v>{cached}</v>")
    items[sheet_xml] = xml.encode()
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in items.items():
            zout.writestr(name, data)


def test_formula_read_through_cached_value_and_equals_text_is_a_value(tmp_path):
    rows = _form()
    rows[8][4] = "=32所"  # text typed as text: a value, not a formula
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value).data_type = "s" if isinstance(value, str) else ws.cell(r, c).data_type
    ws["C5"] = "=C6+C8"  # a real formula: 项目资金总额
    book.save(path)
    _with_cached_value(path, "xl/worksheets/sheet1.xml", "C6+C8", "500000")
    (project,), _ = _projects(path)
    assert project.funds.total == Decimal("500000")
    assert project.annual_target == "=32所"


def test_numbers_are_exact_at_displayed_precision(tmp_path):
    rows = _form()
    rows[4][4] = 0.1 + 0.2           # General: Excel shows 0.3
    rows[5][4] = 1234567.891         # "0.00": shows 1234567.89
    rows[4][2] = 2000000.0
    path = _book(tmp_path / "n.xlsx", {"S": rows}, formats={("S", "E6"): "#,##0.00"})
    (project,), _ = _projects(path)
    assert project.funds.annual_request == Decimal("0.3")
    assert project.funds.appropriation == Decimal("1234567.89")
    assert project.funds.total == Decimal("2000000")


def test_percent_cell_keeps_its_percent(tmp_path):
    rows = _form(rows=[["产出指标", "质量指标", "合格率", 0.955]])
    path = _book(tmp_path / "p.xlsx", {"S": rows}, formats={("S", "D11"): "0.0%"})
    (project,), _ = _projects(path)
    assert project.indicators[0].value_cell == "95.5%"


def test_date_cells_become_dates(tmp_path):
    rows = _form()
    rows[3][1] = dt.datetime(2025, 3, 1)
    rows[3][4] = dt.date(2025, 11, 30)
    path = _book(tmp_path / "d.xlsx", {"S": rows}, formats={("S", "B4"): "yyyy/m/d", ("S", "E4"): "yyyy-mm-dd"})
    (project,), _ = _projects(path)
    start, end = project.plan_start, project.plan_end
    assert ((start.year, start.month, start.day), (end.year, end.month, end.day)) == ((2025, 3, 1), (2025, 11, 30))


def test_error_cell_is_present_but_unreadable(tmp_path):
    rows = _form()
    path = _book(tmp_path / "e.xlsx", {"S": rows})
    book = openpyxl.load_workbook(path)
    book["S"]["C6"].value = "#REF!"
    book["S"]["C6"].data_type = "e"
    book.save(path)
    (project,), _ = _projects(path)
    assert project.funds.fiscal is None and "fiscal" in project.funds.unreadable


def test_template_hint_text_is_kept_raw(tmp_path):
    rows = _form(rows=[["产出指标", "数量指标（必填硬性指标）", "场次", "(≥**%)"]])
    (project,), _ = _projects(_book(tmp_path / "h.xlsx", {"S": rows}))
    assert project.indicators[0].level2 == "数量指标（必填硬性指标）"
    assert project.indicators[0].value_cell == "(≥**%)"


# --- sheets skipped, things not placed, forms refused ----------------------------------------------------

def test_hidden_and_instruction_sheets_are_skipped_and_named(tmp_path):
    path = _book(tmp_path / "s.xlsx", {"填表说明": [["请按要求填写"]], "数据": _form(), "旧表": _form("隐藏项目")},
                 hidden=("旧表",))
    projects, findings = _projects(path)
    assert [p.name for p in projects] == ["课题调研"]
    skipped = [f for f in findings if f.rule_id == "G60-FILE-008"]
    assert sorted(f.cell for f in skipped) == ["填表说明", "旧表"]
    assert all(f.severity.value == "info" for f in skipped)


def test_cell_that_cannot_be_placed_is_a_finding_at_its_cell(tmp_path):
    rows = _form()
    rows.append(["联系人", "王五"])
    rows[1].append("多余文字")
    projects, findings = _projects(_book(tmp_path / "u.xlsx", {"宣传": rows}))
    unplaced = {f.cell: f for f in findings if f.rule_id == "G60-FILE-009"}
    assert set(unplaced) == {"宣传 › A17", "宣传 › B17", "宣传 › H2"}
    assert len(projects[0].indicators) == 6  # the contact row did not become an indicator


def test_self_evaluation_form_is_recognised_and_never_screened(tmp_path):
    rows = [["项目支出绩效自评表"], ["项目名称", "某项目"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
            ["产出指标", "数量指标", "场次", "≥3", "3", "10", "10", ""]]
    path = _book(tmp_path / "自评.xlsx", {"自评": rows})
    projects, findings = _projects(path)
    assert projects == []
    assert _ids(findings) == ["G60-FILE-006"] and "自评表" in findings[0].message_zh
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "1 个 .xlsx 文件，0 份申报表" in result.stdout and "自评表" in result.stdout


@pytest.mark.parametrize("suffix", [".pdf", ".doc", ".xls", ".wps", ".et"])
def test_unsupported_formats_get_a_clear_finding(tmp_path, suffix):
    (tmp_path / f"报送{suffix}").write_bytes(b"\xd0\xcf\x11\xe0 not text \xff\xfe")
    result = runner.invoke(app, ["check", str(tmp_path), "-f", "json"])
    findings = json.loads(result.stdout)["findings"]
    assert [f["message"] for f in findings] == [
        f"文件无法读取：不支持的格式（{suffix}）：请另存为 {'docx' if suffix in ('.doc', '.wps') else 'xlsx'}"]
    assert result.exit_code == 2
    english = runner.invoke(app, ["check", str(tmp_path), "--lang", "en"])
    assert "unsupported format" in english.stdout and "UTF-8" not in english.stdout


def test_corrupt_workbook_and_lock_file(tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "~$正在编辑.xlsx").write_bytes(b"\x00lock")
    corpus = load_corpus([tmp_path])
    assert _ids(corpus.findings) == ["G60-FILE-001"] and "不是有效的 xlsx" in corpus.findings[0].message_zh
    assert any("~$" in name for name in corpus.ignored)


def test_folder_of_workbooks_without_declarations_exits_2_and_says_so(tmp_path):
    for n in range(3):
        _book(tmp_path / f"空{n}.xlsx", {"Sheet": [["随便写点什么"]]})
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "3 个 .xlsx 文件，0 份申报表" in result.stdout and "没有计入结果的问题" not in result.stdout
    english = runner.invoke(app, ["check", str(tmp_path), "--lang", "en", "-f", "sarif"])
    assert english.exit_code == 2 and "0 declarations" in english.stderr


# --- Word and CSV ---------------------------------------------------------------------------------------------

def test_docx_tables_are_read_with_table_row_column_locations(tmp_path):
    import docx

    rows = _form()
    document = docx.Document()
    document.add_paragraph("申报表")
    table = document.add_table(rows=len(rows), cols=7)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                table.cell(r, c).text = str(value)
    table.cell(10, 0).merge(table.cell(12, 0))  # 一级 merged down over three rows
    table.cell(10, 0).text = "成本指标"
    document.save(str(tmp_path / "w.docx"))
    (project,), findings = _projects(tmp_path / "w.docx")
    assert project.name == "课题调研" and project.funds.total == Decimal("500000")
    assert [i.level1 for i in project.indicators][:3] == ["成本指标"] * 3
    assert project.source.location.table == 1 and project.source.location.row == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_offices_save(tmp_path, encoding):
    import csv

    path = tmp_path / "c.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([[("" if v is None else str(v)) for v in row] for row in _form("测绘服务")])
    (project,), findings = _projects(path)
    assert project.name == "测绘服务" and len(project.indicators) == 6
    assert project.source.locations["name"].cell == "B2"


def test_csv_neither_utf8_nor_gb18030_is_a_finding(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"\x80\x80\x80,\xff")
    corpus = load_corpus([tmp_path / "x.csv"])
    assert _ids(corpus.findings) == ["G60-FILE-001"] and "GB18030" in corpus.findings[0].message_zh


# --- locations in every report ----------------------------------------------------------------------------------

def test_every_format_carries_the_sheet_and_cell(tmp_path):
    rows = _form(rows=[["产出指标", "数量指标", "场次", None]])
    path = _book(tmp_path / "申报.xlsx", {"宣传推广": rows})
    text = runner.invoke(app, ["check", str(path), "--engine", "reference"]).stdout
    assert re.search(r"申报\.xlsx › 宣传推广 › [A-G]\d+", text)
    sarif = json.loads(runner.invoke(app, ["check", str(path), "-f", "sarif", "--engine", "reference"]).stdout)
    logical = [r["locations"][0]["logicalLocations"][0] for r in sarif["runs"][0]["results"]]
    assert logical and all(" › 宣传推广 › " in item["fullyQualifiedName"] for item in logical)
    assert any(item["name"] == "D11" for item in logical)  # 指标值 not filled: the empty cell
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    for fmt in ("json", "jsonl", "github", "gitlab", "junit"):
        out = runner.invoke(app, ["check", str(path), "-f", fmt, "--engine", "reference"]).stdout
        assert "宣传推广 › " in out, fmt


# --- import ---------------------------------------------------------------------------------------------------------

def test_import_writes_yaml_naming_cells_that_screens_the_same(tmp_path):
    rows = _form(rows=[["产出指标", "数量指标", "场次", None], ["效益指标", "社会效益指标", "受益人数", "≥500(人)"]])
    (tmp_path / "in").mkdir()
    _book(tmp_path / "in" / "b.xlsx", {"宣传推广": rows})
    out = tmp_path / "out"
    result = runner.invoke(app, ["import", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = (out / "b.yaml").read_text(encoding="utf-8")
    assert 'name: "课题调研"  # 宣传推广 › B2' in written
    assert 'level3: "受益人数"  # 宣传推广 › C12' in written

    def findings(target):
        data = json.loads(runner.invoke(app, ["check", str(target), "-f", "json", "--engine", "reference"]).stdout)
        return sorted((f["rule_id"], f["row"], f["field"], f["message"]) for f in data["findings"])

    assert findings(tmp_path / "in") == findings(out)


def test_import_of_nothing_exits_2(tmp_path):
    _book(tmp_path / "x.xlsx", {"S": [["无关内容"]]})
    result = runner.invoke(app, ["import", str(tmp_path / "x.xlsx"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "没有可导入的申报表" in result.output


def test_duplicate_label_and_note_rows(tmp_path):
    rows = _form()
    # 主管部门 twice in one form (a second 项目名称 would start a new form), and a note row at the end
    rows.insert(3, ["主管部门", "另一个部门"])
    rows.append(["注：金额单位为元"])
    path = _book(tmp_path / "dup.xlsx", {"表": rows})
    (project,), findings = _projects(path)
    assert project.competent_department == "某区某局"
    dup = [f for f in findings if f.rule_id == "G60-FILE-011"]
    assert [(f.cell, f.severity.value) for f in dup] == [("表 › A4", "error")] and "表 › A3" in dup[0].message_zh
    notes = [f for f in findings if f.rule_id == "G60-FILE-010"]
    assert [f.cell for f in notes] == ["表 › A18"]


LABELS = ["项目名称", "项目性质", "项目类别", "主管部门", "实施单位", "计划开始日期", "计划完成日期", "项目资金总额",
          "年度资金申请总额", "一级指标", "二级指标", "三级指标", "指标值"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([" ", "\u3000", "\n", ""]), st.integers(0, 5)), min_size=len(LABELS),
                max_size=len(LABELS)), st.sampled_from(["", "：", ":", " ："]), st.booleans())
def test_labels_read_however_they_are_spaced(tmp_path, spacing, colon, star):
    def vary(label: str, gap: str, at: int) -> str:
        at = min(at, len(label))
        return ("*" if star else "") + label[:at] + gap + label[at:] + colon

    plain = _projects(_book(tmp_path / "plain.xlsx", {"S": _form()}))[0][0]
    rows = _form()
    for label, (gap, at) in zip(LABELS, spacing, strict=True):
        for row in rows:
            for c, value in enumerate(row):
                if value == label:
                    row[c] = vary(label, gap, at)
    (project,), findings = _projects(_book(tmp_path / "varied.xlsx", {"S": rows}))
    assert [f.rule_id for f in findings] == []
    exclude = {"source": True, "funds": {"source"}, "indicators": {"__all__": {"source"}}}
    assert project.model_dump(exclude=exclude) == plain.model_dump(exclude=exclude)


def test_label_with_a_bracketed_remark(tmp_path):
    rows = _form()
    rows[1][0] = "项目名称（全称）"
    rows[2][3] = "实施单位(盖章)"
    (project,), findings = _projects(_book(tmp_path / "r.xlsx", {"S": rows}))
    assert (project.name, project.implementing_unit) == ("课题调研", "某中心")
    assert not [f for f in findings if f.rule_id == "G60-FILE-009"]
