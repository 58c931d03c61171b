"""Reports for people (text, JSON, xlsx, CSV, HTML, letters) on an invented season of known faults.

Expected counts are written by hand from tests/season.py (which fault each project carries), never
taken from the code under test. The HTML report in a real browser: tests/test_html_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.engines.pool import ScreenResult, screen
from g60rules.findings import Finding, Severity
from g60rules.reports.compare import CompareError, read_previous
from g60rules.reports.formats import render
from g60rules.reports.letters import letters
from g60rules.reports.summary import Report, field_label
from g60rules.rules.compiler import load_ruleset
from season import HOSTILE_PROJECT, HOSTILE_UNIT, write_season

runner = CliRunner()

# (主管部门, 实施单位) → (errors, warnings), from the faults in tests/season.py:
# cost → G60-APP-001 error (one defect, one finding: no SH-FORM-005 beside it);
# no_level3 → G60-COMP-007 error; no_target → G60-COMP-002 warning.
EXPECTED_UNITS = {
    ("区发展和改革委员会", "区发展研究中心"): (2, 0),
    ("区发展和改革委员会", "区信用中心"): (0, 1),
    ("区文化和旅游局", "区图书馆"): (1, 0),
    ("区科学技术委员会", HOSTILE_UNIT): (1, 1),
}


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> Path:
    return write_season(tmp_path_factory.mktemp("season") / "d")


@pytest.fixture(scope="module")
def report(season, shanghai) -> Report:
    return Report(screen([season], shanghai, engine="reference"), shanghai, "zh")


def _check(*args):
    return runner.invoke(app, ["check", "--engine", "reference", "-q", *map(str, args)])


# --- units on findings and the summary ------------------------------------------------------------------

def test_findings_carry_their_units_in_json(report):
    data = json.loads(render("json", report))
    hit = next(f for f in data["findings"] if f["project"] == "产业地图")
    assert (hit["competent_department"], hit["implementing_unit"]) == ("区发展和改革委员会", "区发展研究中心")
    by_unit = {(u["competent_department"], u["implementing_unit"]): (u["error"], u["warning"])
               for u in data["summary"]["by_unit"]}
    assert by_unit == EXPECTED_UNITS
    assert data["summary"]["units"] == 4 and data["summary"]["competent_departments"] == 3
    # most errors first
    assert data["summary"]["by_unit"][0]["implementing_unit"] == "区发展研究中心"


def test_summary_counts_units_without_findings(tmp_path, shanghai):
    # b2 alone is clean: the unit is counted as screened although it has no finding.
    d = write_season(tmp_path / "d", fixed={"b1.yaml"})
    summary = Report(screen([d], shanghai, engine="reference"), shanghai).summary
    assert summary.units == 4
    assert ("区文化和旅游局", "区图书馆") not in {(u.competent, u.unit) for u in summary.by_unit}


def test_text_summary_names_rules_and_worst_units(report):
    text = render("text", report).decode("utf-8")
    assert "主管部门 3 个，实施单位 4 个" in text
    assert re.search(r"2\s+G60-APP-001\s+成本上限超过项目资金", text)
    worst = text.split("错误最多的实施单位:")[1]
    assert worst.index("区发展研究中心") < worst.index("区图书馆")
    assert "<script>alert('unit')</script>中心（主管部门：区科学技术委员会）" in worst


# --- Excel and CSV --------------------------------------------------------------------------------------

def test_xlsx_reads_back(report, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(render("xlsx", report))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总", "问题清单", "按规则", "按单位", "按主管部门"]
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    assert header[:11] == ["主管部门", "实施单位", "项目", "指标行", "指标", "级别", "规则", "规则名称", "问题说明",
                           "依据", "文件"]
    assert "变化" not in header  # only with --compare
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{sheet.max_row}"
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 6
    hostile = next(r for r in rows if r["实施单位"] == HOSTILE_UNIT and r["规则"] == "G60-COMP-007")
    assert hostile["项目"] == HOSTILE_PROJECT and hostile["级别"] == "错误" and hostile["指标行"] == 3
    assert hostile["依据"] == "财预〔2015〕88号 完整性" and hostile["文件"].endswith("c1.yaml") and hostile["行号"] == 15
    assert all(c.data_type == "s" for c in sheet[1 + rows.index(hostile) + 1] if isinstance(c.value, str))
    assert 10 <= sheet.column_dimensions["I"].width <= 62  # 问题说明: fitted, capped
    by_rule = {r[0].value: r[4].value for r in book["按规则"].iter_rows(min_row=2)}
    assert by_rule == {"G60-APP-001": 2, "G60-COMP-007": 2, "G60-COMP-002": 2}
    units = [[c.value for c in r] for r in book["按单位"].iter_rows(min_row=2)]
    assert "合计" not in {row[1] for row in units}  # subtotals are not units: 按主管部门 holds them
    competents = [[c.value for c in r] for r in book["按主管部门"].iter_rows(min_row=2)]
    assert ["区发展和改革委员会", 2, 1, 0, 3, 3] in competents
    overview = {r[0].value: r[1].value for r in book["汇总"].iter_rows(min_row=3, max_row=14)}
    assert overview["错误"] == 4 and overview["警告"] == 2 and overview["实施单位"] == 4


def test_csv_has_a_bom_and_defuses_formulas(report):
    data = render("csv", report)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["主管部门", "实施单位"] and len(rows) == 7
    project = next(r[2] for r in rows if r[1] == HOSTILE_UNIT and r[6] == "G60-COMP-007")
    assert project == HOSTILE_PROJECT  # starts with "<": kept as written
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_english_headers(season, shanghai):
    report = Report(screen([season], shanghai, engine="reference"), shanghai, "en")
    rows = list(csv.reader(io.StringIO(render("csv", report).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Competent department", "Implementing unit", "Project"]
    assert any(r[5] == "error" and r[8].startswith("cost indicator") for r in rows[1:])


# --- HTML (static checks; the browser test renders it) ------------------------------------------------------

def test_html_is_self_contained_and_escapes_declaration_text(report):
    page = render("html", report).decode("utf-8")
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;unit&#39;)&lt;/script&gt;中心" in page
    assert "&lt;img src=x onerror=alert(1)&gt;项目 &amp; =1+1" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "Chart.js v4" in page  # inlined from the vendored file
    assert page.count("<script") == 4  # two JSON data blocks, Chart.js, the report's own script


# --- compare -----------------------------------------------------------------------------------------------

def test_compare_marks_new_open_and_fixed(tmp_path):
    first = write_season(tmp_path / "first")
    previous = tmp_path / "previous.json"
    assert _check(first, "-o", f"json={previous}").exit_code == 1
    # The resubmission: a1 and c1 corrected, b2 now lacks its 项目总目标; moved to another folder.
    second = write_season(tmp_path / "second", fixed={"a1.yaml", "c1.yaml"})
    text = (second / "b2.yaml").read_text(encoding="utf-8").replace("project_target: 形成研究成果\n", "")
    (second / "b2.yaml").write_text(text, encoding="utf-8")
    xlsx, csv_path, html = tmp_path / "r.xlsx", tmp_path / "r.csv", tmp_path / "r.html"
    result = _check(second, "--compare", previous, "-f", "json", "-o", f"xlsx={xlsx}", "-o", f"csv={csv_path}",
                    "-o", f"html={html}")
    data = json.loads(result.stdout)
    marks = {(f["project"], f["rule_id"]): f["change"] for f in data["findings"]}
    assert marks == {("产业地图", "G60-COMP-007"): "open", ("营商环境评估", "G60-COMP-002"): "open",
                     ("图书采购", "G60-APP-001"): "open",
                     ("科技成果转化", "G60-COMP-002"): "open", ("阅读推广", "G60-COMP-002"): "new"}
    assert sorted((f["project"], f["rule_id"]) for f in data["resolved"]) == [
        (HOSTILE_PROJECT, "G60-COMP-007"), ("城市更新研究", "G60-APP-001")]
    assert data["summary"]["change"] == {"new": 1, "open": 4, "fixed": 2}
    sheet = openpyxl.load_workbook(xlsx)["问题清单"]
    header = [c.value for c in sheet[1]]
    changes = sorted(row[header.index("变化")].value for row in sheet.iter_rows(min_row=2))
    assert changes == ["仍存在"] * 4 + ["已修复"] * 2 + ["新"]
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert sorted(r[-1] for r in rows[1:]) == changes
    page = html.read_text(encoding="utf-8")
    assert 'id="apart-resolved"' in page
    assert len(re.findall(r'<tr class="finding[^>]*data-change="new"', page)) == 1
    text = _check(second, "--compare", previous).stdout
    assert "与上次报告" in text and "新问题 1 个，仍存在 4 个，已修复 2 个" in text
    assert "[新] [阅读推广]" in text


def test_compare_refuses_what_is_not_a_json_report(tmp_path, season):
    bad = tmp_path / "bad.json"
    bad.write_text('{"findings": []}', encoding="utf-8")
    with pytest.raises(CompareError, match="not a JSON report"):
        read_previous(bad)
    result = _check(season, "--compare", bad)
    assert result.exit_code == 2 and "bad.json" in result.output
    assert _check(season, "--compare", tmp_path / "none.json").exit_code == 2


# --- letters -------------------------------------------------------------------------------------------------

def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_letters_one_per_unit_read_back(tmp_path, season):
    out = tmp_path / "letters"
    result = runner.invoke(app, ["letters", str(season), "--out", str(out), "--engine", "reference", "-q"])
    assert result.exit_code == 1, result.output  # as check: the season has errors
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["index.html", *(f"{n}.{ext}" for n in ("区发展研究中心", "区信用中心", "区图书馆",
                                                    "_script_alert('unit')_script_中心") for ext in ("docx", "html"))])
    text = _docx_text(out / "区发展研究中心.docx")
    assert "区发展研究中心（主管部门：区发展和改革委员会）：" in text
    assert "2 个项目的绩效目标申报表共有 2 处问题（错误 2 处，警告 0 处，提示 0 处）" in text
    assert "项目：城市更新研究" in text and "项目：产业地图" in text and "营商环境评估" not in text
    assert "依据：财预〔2015〕88号 相应匹配" in text
    assert "修改要求：错误，须修改后重新报送。需修改的栏目：指标值" in text
    assert "位置：产业地图 › 指标表第 3 行" in text and "（文件第 15 行）" in text
    hostile = out / "_script_alert('unit')_script_中心.html"
    page = hostile.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(&#39;unit&#39;)&lt;/script&gt;中心" in page
    assert HOSTILE_PROJECT in _docx_text(out / "_script_alert('unit')_script_中心.docx")


def test_letters_by_competent_department(report):
    grouped = letters(report, "competent")
    assert [(l.recipient, len(l.projects)) for l in grouped] == [
        ("区发展和改革委员会", 3), ("区文化和旅游局", 1), ("区科学技术委员会", 2)]


def test_check_writes_letters_with_compare_marks(tmp_path):
    first = write_season(tmp_path / "first")
    previous = tmp_path / "p.json"
    _check(first, "-o", f"json={previous}")
    second = write_season(tmp_path / "second", fixed={"a1.yaml"})
    out = tmp_path / "letters"
    assert _check(second, "--compare", previous, "--letters", out, "--by", "实施单位").exit_code == 1
    text = _docx_text(out / "区发展研究中心.docx")
    assert "与上次审核相比：新问题 0 处，仍未修改 1 处，已修改 1 处。" in text
    assert "（上次已指出，仍未修改）" in text and "已修改，无须再改：" in text


def test_field_labels():
    assert field_label("value.amount_yuan", "zh") == "指标值"
    assert field_label("project.funds.annual_request", "zh") == "年度资金申请总额"
    assert field_label("level3", "zh") == "三级指标"
    assert field_label("value.op", "en") == "target value (指标值)"
    # counts of a category are named by the category's label on the form (the ruleset's categories table)
    assert field_label("count.level2.timeliness", "zh") == "二级指标“时效指标”个数"
    assert field_label("project.count.level1.benefit", "zh") == "一级指标“效益指标”个数"
    assert field_label("count.level2.none", "zh") is None and field_label(None, "zh") is None
    assert field_label("rollup.total_gap", "zh") is None
    # a figure computed from a field is not that field
    assert field_label("funds.project_gap", "zh") is None and field_label("period.count", "zh") is None
    assert field_label("plan_start.precision", "zh") == "计划开始日期" and field_label("period", "zh") == "项目期"


# --- command line contract ----------------------------------------------------------------------------------

def test_xlsx_on_standard_output_when_redirected(season, tmp_path):
    result = runner.invoke(app, ["check", str(season), "-f", "xlsx", "--engine", "reference"])
    assert result.exit_code == 1
    path = tmp_path / "out.xlsx"
    path.write_bytes(result.stdout_bytes)
    assert openpyxl.load_workbook(path).sheetnames[0] == "汇总"


def test_no_progress_when_not_a_terminal(season):
    result = runner.invoke(app, ["check", str(season), "--engine", "reference", "-f", "json"])
    assert result.stderr == ""


# --- any text a declaration may hold ----------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


RULESET = load_ruleset(Path(__file__).resolve().parent.parent / "rulesets" / "shanghai.yaml")


@settings(max_examples=25, deadline=None)
@given(unit=_TEXT, project=_TEXT, message=_TEXT)
def test_any_declaration_text_survives_every_table_and_is_escaped_in_html(unit, project, message):
    finding = Finding(rule_id="G60-COMP-002", severity=Severity.WARNING, file="d/p.yaml", line=3,
                      message_zh=message, message_en=message, basis="CY-2015-88 完整性", project=project,
                      competent_department="局", implementing_unit=unit)
    result = ScreenResult([finding], "reference", ["d/p.yaml"], [], 1, units={"d/p.yaml": (("局", unit),)})
    report = Report(result, RULESET, "zh")
    rows = list(csv.reader(io.StringIO(render("csv", report).decode("utf-8-sig"), newline="")))
    row = dict(zip(rows[0], rows[1]))
    for key, value in (("实施单位", unit), ("项目", project), ("问题说明", message)):
        written = row[key]
        assert written == value or (written == "'" + value and value[:1] in "=+-@\t\r")
    book = openpyxl.load_workbook(io.BytesIO(render("xlsx", report)))
    sheet = book["问题清单"]
    cells = dict(zip((c.value for c in sheet[1]), (c.value for c in sheet[2])))
    # a workbook cannot hold control characters other than tab and line feed: U+FFFD stands in
    held = [re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "\ufffd", v) for v in (unit, project, message)]
    assert [cells["实施单位"], cells["项目"], cells["问题说明"]] == held
    page = render("html", report).decode("utf-8")
    body = page[page.index('<div id="units">'):page.index("</main>")]
    for value in (unit, project, message):
        escaped = "".join({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}.get(c, c) for c in value)
        assert escaped in body
    assert "<" not in re.sub(r"</?(div|section|h3|h4|table|thead|tbody|tr|th|td)\b[^>]*>", "", body)


def test_control_characters_in_the_workbook(report):
    finding = Finding(rule_id="G60-COMP-002", severity=Severity.WARNING, file="d/p.yaml", line=3,
                      message_zh="a\x00b\x1fc\td\ne\r", message_en="", implementing_unit="单位")
    book = openpyxl.load_workbook(io.BytesIO(render("xlsx", Report(
        ScreenResult([finding], "reference", ["d/p.yaml"], [], 1), RULESET))))
    assert book["问题清单"]["I2"].value == "a\ufffdb\ufffdc\td\ne\ufffd"


def test_xlsx_is_refused_on_a_terminal(season, tmp_path):
    leader, follower = pty.openpty()
    proc = subprocess.run([sys.executable, "-c", "from g60rules.cli import main; main()", "check", str(season),
                           "-f", "xlsx", "--engine", "reference"], stdout=follower, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=120)
    os.close(follower)
    os.close(leader)
    assert proc.returncode == 2
    assert "-o xlsx=PATH" in proc.stderr.decode("utf-8")
