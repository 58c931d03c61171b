"""What a bureau reviewer tripped on in the reports for people (issue 9, second pass).

Each test starts from the smallest input that showed the problem; expected texts are written by hand.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.engines.pool import screen
from g60rules.reports.formats import render
from g60rules.reports.letters import letters, write_letters
from g60rules.reports.summary import Report
from season import CLEAN

runner = CliRunner()

# no 时效指标 row (G60-COMP-018 on count.level2.timeliness), a satisfaction target below 85 % (G60-APP-008),
# and a cost ceiling above the annual request (G60-APP-001, an error)
NO_TIMELINESS = CLEAN.format(name="档案整理", competent="区档案局", unit="区档案馆", cost="≤150000(元)",
                             level3="评审合格率").replace(
    '  - {level1: 产出指标, level2: 时效指标, level3: 完成时间, target_value: "≤2024-12-31"}\n', "").replace(
    'level3: 相关方满意度, target_value: "≥90(%)"', 'level3: 读者满意度, target_value: "≥75(%)"')


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reviewer") / "d"
    d.mkdir()
    (d / "p.yaml").write_text(NO_TIMELINESS, encoding="utf-8")
    return d


def _report(folder: Path, ruleset, lang: str) -> Report:
    return Report(screen([folder], ruleset, engine="reference"), ruleset, lang)


def _human_texts(report: Report, tmp_path: Path) -> dict[str, str]:
    """Every human format of ``report`` as text."""
    texts = {fmt: render(fmt, report).decode("utf-8-sig") for fmt in ("text", "html", "csv")}
    texts["html"] = html.unescape(texts["html"])
    book = tmp_path / "r.xlsx"
    book.write_bytes(render("xlsx", report))
    texts["xlsx"] = "\n".join(str(c.value) for sheet in openpyxl.load_workbook(book) for row in sheet.iter_rows()
                              for c in row if c.value is not None)
    for path in write_letters(report, tmp_path / f"letters-{report.lang}"):
        texts[path.name] = (html.unescape(path.read_text(encoding="utf-8")) if path.suffix == ".html"
                            else "\n".join(p.text for p in Document(str(path)).paragraphs))
    return texts


def test_human_formats_name_fields_by_the_form_and_not_by_internal_path(folder, shanghai, tmp_path):
    report = _report(folder, shanghai, "zh")
    assert {f.rule_id for f in report.counted} >= {"G60-COMP-018", "G60-APP-008"}
    texts = _human_texts(report, tmp_path)
    assert len(texts) == 6  # text, html, csv, xlsx, one letter as .docx and .html
    for name, text in texts.items():
        assert "count.level" not in text and "value.amount" not in text, name
        assert "durable" not in text and "引擎" not in text, name
    for name in ("html", "csv", "xlsx", "区档案馆.docx", "区档案馆.html"):
        # a count is no cell: what to add, never a count shown as if written (trial 8)
        assert "需补充：二级指标“时效指标”（至少一项）" in texts[name], name
        assert "个数" not in texts[name], name
        assert "指标值 < 85" in texts[name], name  # what ≥75(%) was compared with
    # machine formats keep the paths
    data = json.loads(render("json", report))
    assert {f["field"] for f in data["findings"]} >= {"count.level2.timeliness", "value.amount"}


def test_english_reports_name_the_fields_in_english_with_the_form_label(folder, shanghai, tmp_path):
    report = _report(folder, shanghai, "en")
    texts = _human_texts(report, tmp_path)
    for name, text in texts.items():
        assert "count.level" not in text and "Engine" not in text, name
    rows = list(csv.DictReader(io.StringIO(texts["csv"])))
    row = next(r for r in rows if r["Rule"] == "G60-APP-008")
    assert row["Field"] == "target value (指标值)" and row["Value"] == "75"
    assert row["Flagged when"] == "target value (指标值) < 85"
    assert "add at least one 时效指标 (二级指标) row" in texts["html"]
    assert "number of" not in texts["html"]


def test_csv_columns_say_label_value_and_condition(folder, shanghai):
    rows = list(csv.DictReader(io.StringIO(render("csv", _report(folder, shanghai, "zh")).decode("utf-8-sig"))))
    row = next(r for r in rows if r["规则"] == "G60-COMP-018")
    assert (row["栏目"], row["填报值"], row["触发条件"]) == ("需补充：二级指标“时效指标”（至少一项）", "", "")


def test_a_file_checks_fingerprint_is_no_value_for_people(tmp_path, shanghai):
    # G60-FILE-005 keeps "plan_start|2024-02-30" as what it is about (baselines); people read the message
    (tmp_path / "p.yaml").write_text(NO_TIMELINESS.replace("plan_start: 2024-01-01", "plan_start: 2024-02-30"),
                                     encoding="utf-8")
    report = _report(tmp_path, shanghai, "zh")
    assert any(f.rule_id == "G60-FILE-005" and "|" in (f.value or "") for f in report.counted)
    rows = list(csv.DictReader(io.StringIO(render("csv", report).decode("utf-8-sig"))))
    assert next(r for r in rows if r["规则"] == "G60-FILE-005")["填报值"] == ""
    assert "plan_start|" not in render("html", report).decode("utf-8")


# --- units: one per project, not per file -------------------------------------------------------------------

def _sheet(book: openpyxl.Workbook, title: str, name: str, competent: str, unit: str) -> None:
    sheet = book.create_sheet(title)
    rows = [["项目名称", name, "项目性质", "其他经常性项目", "项目类别", "其他运转类"],
            ["主管部门", competent, "实施单位", unit],
            ["计划开始日期", "2025-01-01", "计划完成日期", "2025-12-31"],
            ["项目资金总额", 300000, "财政资金", 300000],
            ["年度资金申请总额", 300000, "当年财政拨款", 300000],
            ["项目总目标", "完成培训", "年度总体目标", "完成 4 期培训"],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["成本指标", "经济成本指标", "单期成本", "≤70000(元/期)"],
            ["产出指标", "数量指标", "培训期数", "≥4(期)"],
            ["产出指标", "质量指标", "考核合格率", "≥95(%)"],
            ["产出指标", "时效指标", "完成时间", "≤2025-12-31"],
            ["效益指标", "社会效益指标", "技能提升", "≥80(%)"],
            ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90(%)"]]
    for row in rows:
        sheet.append(row)


def test_a_workbook_of_several_units_counts_each_unit(tmp_path, shanghai):
    """Two projects of two units in one workbook, neither with a counted finding: two units, not one."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "一", "教师培训", "区教育局", "第三中学")
    _sheet(book, "二", "社区讲座", "区民政局", "街道社区中心")
    book.save(tmp_path / "两单位.xlsx")
    report = _report(tmp_path, shanghai, "zh")
    assert report.summary.declarations == 2
    assert (report.summary.units, report.summary.competents) == (2, 2), report.result.findings
    out = tmp_path / "s.xlsx"
    out.write_bytes(render("xlsx", report))
    overview = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["汇总"].iter_rows(min_row=3, max_row=12)
                if r[0].value}
    assert overview["实施单位"] == 2 and overview["主管部门"] == 2
    assert json.loads(render("json", report))["summary"]["units"] == 2
    assert "主管部门 2 个，实施单位 2 个" in render("text", report).decode("utf-8")


# --- letters: the gate's exit code, and the files not read named -----------------------------------------

def test_letters_exit_as_check_does_and_name_the_files_not_read(tmp_path):
    season = tmp_path / "s"
    season.mkdir()
    (season / "p.yaml").write_text(NO_TIMELINESS, encoding="utf-8")
    (season / "坏表.yaml").write_text("kind: project\nname: [未闭合\n", encoding="utf-8")
    (season / "空表.xlsx").write_bytes(b"not a zip")
    out = tmp_path / "letters"
    result = runner.invoke(app, ["letters", str(season), "--out", str(out), "--engine", "reference", "-q"])
    checked = runner.invoke(app, ["check", str(season), "--engine", "reference", "-q"])
    assert result.exit_code == checked.exit_code == 1, result.output
    assert "未读取的文件 2 个" in result.stderr and "坏表.yaml" in result.stderr and "空表.xlsx" in result.stderr
    index = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert "未读取的文件 2 个" in index and "坏表.yaml" in index and "空表.xlsx" in index
    assert "区档案馆.html" in index and "区档案馆.docx" in index


def test_letters_of_a_clean_season_exit_0_and_of_nothing_screened_exit_2(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "p.yaml").write_text(CLEAN.format(name="年鉴编纂", competent="区地方志办", unit="区史志馆",
                                               cost="≤20000(元/篇)", level3="评审合格率"), encoding="utf-8")
    result = runner.invoke(app, ["letters", str(clean), "--out", str(tmp_path / "a"), "--engine", "reference", "-q"])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.yaml").write_text("kind: [\n", encoding="utf-8")
    result = runner.invoke(app, ["letters", str(broken), "--out", str(tmp_path / "b"), "--engine", "reference", "-q"])
    assert result.exit_code == 2 and "0 份申报表" in result.stderr, result.output


# --- outputs written into the screened folder ------------------------------------------------------------

def test_reports_and_letters_written_into_the_season_are_noticed_not_screened(tmp_path):
    season = tmp_path / "s"
    season.mkdir()
    (season / "p.yaml").write_text(NO_TIMELINESS, encoding="utf-8")
    first = runner.invoke(app, ["check", str(season), "--engine", "reference", "-q", "-f", "json",
                                "-o", f"xlsx={season / '汇总.xlsx'}", "-o", f"csv={season / '清单.csv'}",
                                "--letters", str(season / "回函")])
    assert first.exit_code == 1, first.output
    own = {"汇总.xlsx", "清单.csv", "回函/区档案馆.docx"}
    assert own <= {str(p.relative_to(season)) for p in season.rglob("*")}
    again = runner.invoke(app, ["check", str(season), "--engine", "reference", "-q", "-f", "json"])
    data = json.loads(again.stdout)
    notices = {Path(f["file"]).resolve().relative_to(season.resolve()).as_posix(): f for f in data["findings"]
               if f["rule_id"] == "G60-FILE-012"}
    assert set(notices) == own
    assert all(f["severity"] == "info" and f["message"] == "本工具生成的文件，未作为申报表筛查" for f in notices.values())
    # nothing else changed: the same findings as the first run, the same files screened
    assert data["files"] == json.loads(first.stdout)["files"] and len(data["files"]) == 1
    assert sorted(f["rule_id"] for f in data["findings"] if f["rule_id"] != "G60-FILE-012") == \
        sorted(f["rule_id"] for f in json.loads(first.stdout)["findings"])
    # a second round of letters written into the same folder sends no letter about the first round's
    letters = runner.invoke(app, ["letters", str(season), "--out", str(season / "回函2"), "--engine", "reference", "-q"])
    assert sorted(p.name for p in (season / "回函2").iterdir()) == ["index.html", "区档案馆.docx", "区档案馆.html"]
    assert "本工具生成的文件，未作为申报表筛查：3 个" in (season / "回函2" / "index.html").read_text(encoding="utf-8")
    assert letters.exit_code == 1


def test_a_declaration_workbook_and_csv_are_still_read(tmp_path):
    """The mark is ours alone: a workbook or CSV declaration without it is screened as before."""
    from g60rules.own_output import own_output

    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "一", "教师培训", "区教育局", "第三中学")
    book.properties.category = "绩效目标"
    book.save(tmp_path / "申报.xlsx")
    (tmp_path / "申报.csv").write_bytes("\ufeff项目名称,教师培训\r\n主管部门,区教育局\r\n".encode("utf-8"))
    (tmp_path / "半个表头.csv").write_bytes("\ufeff主管部门,实施单位,项目\r\n".encode("utf-8"))
    assert not any(own_output(tmp_path / name) for name in ("申报.xlsx", "申报.csv", "半个表头.csv"))


def test_the_rule_chart_names_each_rule_by_its_title(folder, shanghai):
    page = render("html", _report(folder, shanghai, "zh")).decode("utf-8")
    data = json.loads(page.split('<script type="application/json" id="chart-data">')[1].split("</script>")[0])
    assert "G60-COMP-018 缺少时效指标" in data["rule"]["labels"], data["rule"]["labels"]


def test_one_unit_name_under_two_competent_departments_is_two_units(tmp_path, shanghai):
    """The summary counts what the sheets list and the letters address: (主管部门, 实施单位) pairs."""
    for file, competent in (("a.yaml", "区水务局"), ("b.yaml", "区绿化局")):
        (tmp_path / file).write_text(CLEAN.format(name=f"{competent}课题", competent=competent, unit="区规划研究所",
                                                  cost="≤150000(元)", level3="评审合格率"), encoding="utf-8")
    report = _report(tmp_path, shanghai, "zh")
    assert (report.summary.units, report.summary.competents) == (2, 2)
    assert len(report.summary.by_unit) == 2
    assert len(write_letters(report, tmp_path / "out")) == 4  # two letters, .docx and .html each


def test_an_amount_is_shown_with_its_unit(folder, shanghai):
    # G60-APP-001 points at the cost row's ceiling in 元 (≤150000(元) → "150,000.00"): the reader sees 元
    rows = list(csv.DictReader(io.StringIO(render("csv", _report(folder, shanghai, "zh")).decode("utf-8-sig"))))
    row = next(r for r in rows if r["规则"] == "G60-APP-001")
    assert (row["栏目"], row["填报值"]) == ("指标值", "150,000.00 元")


def test_an_output_into_a_new_folder_creates_it(folder, tmp_path):
    """``-o html=round1/report.html`` with no round1/ yet was "文件不存在" (exit 2); --letters DIR creates DIR."""
    target = tmp_path / "round1" / "汇总" / "report.html"
    result = runner.invoke(app, ["check", str(folder), "--engine", "reference", "-q", "-o", f"html={target}"])
    assert result.exit_code == 1, result.output  # the season's findings, not a write error
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_department_filings_findings_go_to_its_competent_department_not_to_not_stated(tmp_path, shanghai):
    """A season of departments gave hundreds of letters “（未注明）-57.docx”: department files name no 实施单位."""
    for dept, unit in (("区水务局", "区水文站"), ("区绿化局", "区绿化局")):
        folder = tmp_path / dept
        folder.mkdir()
        (folder / "p.yaml").write_text(CLEAN.format(name=f"{dept}课题", competent=dept, unit=unit, cost="≤150000(元)",
                                                    level3="评审合格率"), encoding="utf-8")
        # the department says 2 projects and 5,000,000 元: neither matches its one project of 100,000 元
        (folder / "department.yaml").write_text(
            f"kind: department\nname: {dept}\nyear: 2024\ndeclared_project_count: 2\ndeclared_total: 500\n"
            "projects: [p.yaml]\n", encoding="utf-8")
    report = _report(tmp_path, shanghai, "zh")
    department_findings = [f for f in report.counted if f.file.endswith("department.yaml")]
    assert department_findings and all(f.implementing_unit is None for f in department_findings)
    sent = {(l.recipient, l.competent): [name for name, _, _ in l.projects] for l in letters(report)}
    assert not any("未注明" in recipient for recipient, _ in sent)
    # 区绿化局 is its own 实施单位: one letter with both files; 区水务局 gets a letter of its own beside 区水文站's
    assert set(sent) == {("区水文站", "区水务局"), ("区水务局", "区水务局"), ("区绿化局", "区绿化局")}
    assert len(sent[("区绿化局", "区绿化局")]) == 2


def test_html_names_a_unit_with_its_competent_department_when_the_name_is_not_enough(tmp_path, shanghai):
    """The 5,000 season had one 实施单位 name under many 主管部门: chart bars and filter options read alike."""
    for file, competent in (("a.yaml", "区水务局"), ("b.yaml", "区绿化局"), ("c.yaml", "区农业农村委")):
        unit = "区农技中心" if file == "c.yaml" else "区规划研究所"
        (tmp_path / file).write_text(CLEAN.format(name=f"{competent}课题", competent=competent, unit=unit,
                                                  cost="≤150000(元)", level3="评审合格率"), encoding="utf-8")
    page = render("html", _report(tmp_path, shanghai, "zh")).decode("utf-8")
    data = json.loads(page.split('<script type="application/json" id="chart-data">')[1].split("</script>")[0])
    assert sorted(data["unit"]["labels"]) == ["区农技中心", "区规划研究所（区水务局）", "区规划研究所（区绿化局）"]
    assert ">区规划研究所（区绿化局）</option>" in page and ">区农技中心</option>" in page


def test_a_csv_report_of_an_earlier_version_is_still_known(tmp_path):
    """The CSV's columns after 行号 changed (栏目, 触发条件 came in): a report written before is still ours."""
    from g60rules.own_output import own_output

    earlier = ["主管部门", "实施单位", "项目", "指标行", "指标", "级别", "规则", "规则名称", "问题说明", "依据", "文件", "行号",
               "字段", "填报值", "状态"]
    (tmp_path / "旧清单.csv").write_bytes(("\ufeff" + ",".join(earlier) + "\r\n").encode("utf-8"))
    assert own_output(tmp_path / "旧清单.csv")


def test_a_folder_of_nothing_but_our_outputs_says_so(tmp_path):
    season = tmp_path / "s"
    season.mkdir()
    (season / "p.yaml").write_text(NO_TIMELINESS, encoding="utf-8")
    runner.invoke(app, ["letters", str(season), "--out", str(tmp_path / "回函"), "--engine", "reference", "-q"])
    result = runner.invoke(app, ["check", str(tmp_path / "回函"), "--engine", "reference", "-q"])
    assert result.exit_code == 2  # nothing screened is no pass
    assert "本工具生成的文件 1 个（报告或回函），未作为申报表筛查" in result.output
