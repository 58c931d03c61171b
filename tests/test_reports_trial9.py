"""What a bureau reviewer trial (2,000 declarations) found in the reports (trial 9).

Each test starts from the smallest input that showed the problem; expected values are written by hand.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from g60rules.engines.pool import screen
from g60rules.reports.formats import render
from g60rules.reports.summary import Report
from season import CLEAN
from test_reports_reviewer import _sheet

# a project listed by its department whose own YAML names no 主管部门; its cost ceiling (150,000 元)
# is above its annual request (100,000 元): one G60-APP-001 error of a named unit
PROJECT = CLEAN.format(name="河道保洁", competent="-", unit="区河道管理所", cost="≤150000(元)",
                       level3="保洁合格率").replace('competent_department: "-"\n', "")
DEPARTMENT = "类型: 部门\n部门名称: 区水务局\n年度: 2024\n项目:\n  - p.yaml\n  - 不存在.yaml\n"


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("trial9") / "d"
    (d / "dept").mkdir(parents=True)
    (d / "dept" / "department.yaml").write_text(DEPARTMENT, encoding="utf-8")
    (d / "dept" / "p.yaml").write_text(PROJECT, encoding="utf-8")
    (d / "坏表一.yaml").write_text("name: [未闭合\n", encoding="utf-8")
    (d / "坏表二.yaml").write_text("kind: project\nname: {未闭合\n", encoding="utf-8")
    (d / "坏表三.xlsx").write_bytes(b"not a zip")
    return d


@pytest.fixture(scope="module")
def report(season, shanghai) -> Report:
    return Report(screen([season], shanghai, engine="reference"), shanghai, "zh")


def test_file_level_findings_are_not_ranked_as_a_unit(report, tmp_path):
    # three unreadable files and a missing project file: 4 errors naming no 实施单位, against 1 of the unit
    assert len(report.result.unreadable) == 3
    text = render("text", report).decode("utf-8")
    worst = text.split("错误最多的实施单位:")[1].splitlines()
    assert re.fullmatch(r"\s+1\s+区河道管理所（主管部门：区水务局）", worst[1])
    assert "（未注明）" not in text.split("汇总")[-1]
    assert "未注明实施单位的问题（文件级，不计入单位排名）：错误 4 个" in text
    assert "无法读取的文件 3 个" in text

    page = html.unescape(render("html", report).decode("utf-8"))
    top = page.split('id="top-units"')[1].split("</table>")[0]
    assert "区河道管理所" in top and "（未注明）" not in top
    assert "错误 4 个" in page.split('id="unattributed"')[1].split("</p>")[0]

    path = tmp_path / "r.xlsx"
    path.write_bytes(render("xlsx", report))
    overview = [[c.value for c in row] for row in openpyxl.load_workbook(path)["汇总"].iter_rows()]
    lines = {r[0]: r[1] for r in overview if r[0]}
    assert lines["无法读取的文件"] == 3 and lines["未注明实施单位的问题"] == 4
    header = overview.index(["主管部门", "实施单位", "错误", "警告", "提示", "合计", "涉及项目"])
    assert overview[header + 1:] == [["区水务局", "区河道管理所", 1, 1, 0, 2, 1]]


def test_html_tiles_count_the_unreadable_files_and_link_to_them(report):
    page = html.unescape(render("html", report).decode("utf-8"))
    tile = re.search(r'<a class="card" id="card-unreadable" href="#unreadable"><div class="n">(\d+)</div>'
                     r"<div>无法读取</div></a>", page)
    assert tile and tile.group(1) == "3"
    # the same figure as the text summary's
    assert "无法读取 3 个" in render("text", report).decode("utf-8")
    listed = page.split('<details id="unreadable"')[1].split("</details>")[0]
    assert all(name in listed for name in ("坏表一.yaml", "坏表二.yaml", "坏表三.xlsx"))


def test_no_unreadable_file_shows_a_zero_tile_without_a_link(tmp_path, shanghai):
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    page = render("html", Report(screen([tmp_path], shanghai, engine="reference"), shanghai, "zh")).decode("utf-8")
    assert '<div class="card" id="card-unreadable"><div class="n">0</div>' in page
    assert 'id="unreadable"' not in page.replace('id="card-unreadable"', "")


def test_machine_formats_name_the_units_as_the_workbook_does(report, tmp_path):
    data = json.loads(render("json", report))
    hit = next(f for f in data["findings"] if f["rule_id"] == "G60-APP-001")
    assert (hit["competent_department"], hit["implementing_unit"]) == ("区水务局", "区河道管理所")
    lines = [json.loads(line) for line in render("jsonl", report).decode("utf-8").splitlines()]
    assert next(f for f in lines if f["rule_id"] == "G60-APP-001")["competent_department"] == "区水务局"
    path = tmp_path / "r.xlsx"
    path.write_bytes(render("xlsx", report))
    sheet = openpyxl.load_workbook(path)["问题清单"]
    header = [c.value for c in sheet[1]]
    row = next(dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)
               if r[header.index("规则")].value == "G60-APP-001")
    assert (row["主管部门"], row["实施单位"]) == ("区水务局", "区河道管理所")
    # one unit, counted once: not also as (（未注明）, 区河道管理所) from the project's own YAML
    assert (report.summary.units, report.summary.competents) == (1, 1)


def test_findings_list_gives_sheet_and_cell_of_workbook_findings(tmp_path, shanghai):
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "社区健康讲座", "社区健康讲座", "区卫生健康委员会", "区疾病预防控制中心")
    # 700,000 元/期 × 4 期 is above the 300,000 元 requested: G60-APP-003 on this cell
    book["社区健康讲座"]["D8"] = "≤700000(元/期)"
    book.save(tmp_path / "申报.xlsx")
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    report = Report(screen([tmp_path], shanghai, engine="reference"), shanghai, "zh")
    path = tmp_path / "out" / "r.xlsx"
    path.parent.mkdir()
    path.write_bytes(render("xlsx", report))
    sheet = openpyxl.load_workbook(path)["问题清单"]
    header = [c.value for c in sheet[1]]
    assert header[header.index("行号") + 1:header.index("行号") + 3] == ["工作表", "单元格"]
    rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    book_row = next(r for r in rows if r["规则"] == "G60-APP-003" and r["文件"].endswith("申报.xlsx"))
    assert (book_row["工作表"], book_row["单元格"], book_row["行号"]) == ("社区健康讲座", "D8", 8)
    yaml_row = next(r for r in rows if r["规则"] == "G60-APP-001" and r["文件"].endswith("p.yaml"))
    assert yaml_row["工作表"] is None and yaml_row["单元格"] is None and yaml_row["行号"] == 12

    table = list(csv.DictReader(io.StringIO(render("csv", report).decode("utf-8-sig"))))
    book_csv = next(r for r in table if r["规则"] == "G60-APP-003" and r["文件"].endswith("申报.xlsx"))
    assert (book_csv["工作表"], book_csv["单元格"], book_csv["行号"]) == ("社区健康讲座", "D8", "8")
    yaml_csv = next(r for r in table if r["规则"] == "G60-APP-001" and r["文件"].endswith("p.yaml"))
    assert (yaml_csv["工作表"], yaml_csv["单元格"], yaml_csv["行号"]) == ("", "", "12")


def test_charts_draw_no_bar_for_findings_naming_no_unit(report):
    page = render("html", report).decode("utf-8")
    charts = json.loads(page.split('<script type="application/json" id="chart-data">')[1].split("</script>")[0])
    assert charts["unit"]["labels"] == ["区河道管理所"]
    assert charts["competent"]["labels"] == ["区水务局"]


@pytest.mark.parametrize(("cell", "expected"), [
    (None, ("", "")),                                   # YAML: 行号 alone
    ("预算表 › AB120", ("预算表", "AB120")),              # a workbook cell
    ("H3", ("", "H3")),                                 # a CSV cell: no sheet
    ("说明页", ("说明页", "")),                          # a whole sheet not screened
    ("表 2 › 第 3 行第 4 列", ("表 2", "第 3 行第 4 列")),  # a Word table
])
def test_sheet_and_cell_split_every_kind_of_place(cell, expected):
    from g60rules.findings import Finding, Severity
    from g60rules.reports.tables import sheet_cell
    f = Finding("G60-FILE-002", Severity.ERROR, "x", 3, "说明", "message", cell=cell)
    assert sheet_cell(f) == expected
