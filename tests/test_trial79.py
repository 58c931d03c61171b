"""Regressions found by a bureau reviewer screening a folder of mixed submissions (trial 79)."""

from __future__ import annotations

import json

import docx
import openpyxl
from typer.testing import CliRunner

from g60rules.cli import app

runner = CliRunner()


def _sheet(book: openpyxl.Workbook, title: str, name: str, unit: str, start: str) -> None:
    sheet = book.create_sheet(title)
    for row in (["项目名称", name, "主管部门", "某区教育局"], ["实施单位", unit, "计划开始日期", start],
                ["计划完成日期", "2026-12-31", "年度资金申请总额", "90000"],
                ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "≥30(人次)"]):
        sheet.append(row)


def test_a_cell_finding_belongs_to_the_project_and_unit_of_its_sheet(tmp_path):
    """A bad value on the first of two sheets is that project's, not the file's last project's unit."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "甲", "教师培训", "第一中学", "2026年14月")
    _sheet(book, "乙", "学生竞赛", "第二中学", "2026-02-01")
    book.save(tmp_path / "两校.xlsx")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["check", str(tmp_path), "-o", f"json={out}", "--engine", "reference"])
    assert result.exit_code == 1, result.output
    bad = [f for f in json.loads(out.read_text(encoding="utf-8"))["findings"] if f["rule_id"] == "G60-FILE-005"]
    assert len(bad) == 1
    assert (bad[0]["project"], bad[0]["implementing_unit"]) == ("教师培训", "第一中学")


def test_the_letter_for_files_without_a_unit_counts_files_not_projects(tmp_path):
    """Unreadable files have no unit: their letter says so and counts files, never "贵单位报送的 N 个项目"."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "扫描件.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "in" / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    out = tmp_path / "letters"
    for lang, unknown, wrong, right in (("zh", "（未注明）", "贵单位报送的 2 个项目", "2 个文件"),
                                        ("en", "(not stated)", "your 2 projects", "2 files")):
        result = runner.invoke(app, ["letters", str(tmp_path / "in"), "--out", str(out / lang), "--lang", lang,
                                     "--engine", "reference"])
        assert result.exit_code == 2, result.output  # as check: nothing was screened (the letter is still written)
        page = (out / lang / f"{unknown}.html").read_text(encoding="utf-8")
        assert wrong not in page and right in page


def test_an_unreadable_file_resubmitted_in_a_new_folder_is_still_open_not_fixed(tmp_path):
    """Units resubmit into a new folder: the same refused file is 仍存在, never 新 plus a false 已修复."""
    for folder in ("第一轮", "第二轮"):
        (tmp_path / folder / "甲单位").mkdir(parents=True)
        (tmp_path / folder / "甲单位" / "申报表.pdf").write_bytes(b"%PDF-1.4\n")
        (tmp_path / folder / "乙单位.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    runner.invoke(app, ["check", str(tmp_path / "第一轮"), "-o", f"json={first}", "--engine", "reference"])
    runner.invoke(app, ["check", str(tmp_path / "第二轮"), "--compare", str(first), "-o", f"json={second}",
                        "--engine", "reference"])
    report = json.loads(second.read_text(encoding="utf-8"))
    assert sorted(f["change"] for f in report["findings"]) == ["open", "open"]
    assert report["fixed"] == []


def _con003(tmp_path, rows: list[tuple[str, str]]) -> list[str]:
    lines = ["kind: project", "name: 调研项目", "funds: {total: 900000, annual_request: 900000}", "indicators:"]
    lines += [f'  - {{level1: 产出指标, level2: 数量指标, level3: "{name}", target_value: "{value}"}}' for name, value in rows]
    (tmp_path / "p.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.json"
    runner.invoke(app, ["check", str(tmp_path / "p.yaml"), "-o", f"json={out}", "--engine", "reference"])
    return [f["indicator"] for f in json.loads(out.read_text(encoding="utf-8"))["findings"] if f["rule_id"] == "G60-CON-003"]


def test_an_ordinal_or_sub_task_number_in_a_name_is_not_a_stated_amount(tmp_path):
    """"第2期数", "分项3次数", "子课题4人数": the number names a sub-task, the 次/人/期 begins a count noun."""
    rows = [("走访企业分项3次数", "≥33(次)"), ("课题研究第2期数", "≥12(期)"), ("培训子课题4人数", "≥150人"),
            ("举办第5届论坛场次", "=1(场)")]
    assert _con003(tmp_path, rows) == []


def test_an_amount_stated_in_a_name_is_still_compared(tmp_path):
    assert _con003(tmp_path, [("走访企业12家", "≥30(家)"), ("完成调研4次", "≥4次")]) == ["走访企业12家"]


def test_files_not_checked_are_not_called_non_yaml(tmp_path):
    """Workbooks are read too: an Office lock file or a .txt is not checked, but not for being "非 YAML"."""
    (tmp_path / "p.yaml").write_text("kind: project\nname: 小项目\n", encoding="utf-8")
    (tmp_path / "~$表.xlsx").write_bytes(b"lock")
    (tmp_path / "说明.txt").write_text("见附件", encoding="utf-8")
    for lang, stale, now in (("zh", "非 YAML", "锁定文件"), ("en", "not YAML", "lock file")):
        output = runner.invoke(app, ["check", str(tmp_path), "--lang", lang, "--engine", "reference"]).output
        assert "~$表.xlsx" in output and stale not in output and now in output


def test_the_rules_left_out_of_the_text_summary_say_what_they_are(tmp_path):
    """"… (3)" under 按规则 told a reviewer nothing: it names the rules left out and where to see them."""
    (tmp_path / "p.yaml").write_text(
        "kind: project\nname: 小项目\nindicators:\n"
        '  - {level1: 产出指标, level2: 数量指标, level3: 活动, target_value: "良好"}\n'
        '  - {level1: 效益指标, level2: 乱写, level3: "", target_value: ""}\n', encoding="utf-8")
    zh = runner.invoke(app, ["check", str(tmp_path), "--engine", "reference"]).output
    en = runner.invoke(app, ["check", str(tmp_path), "--engine", "reference", "--lang", "en"]).output
    assert "… (" not in zh and "另有 3 条规则" in zh
    assert "… (" not in en and "3 more rules" in en


def test_every_command_and_option_has_chinese_help():
    """`letters --help` showed "Rule engine." in the Chinese help: every text needs its Chinese one."""
    import typer.main

    from g60rules.cli_text import COMMON_ZH, HELP_ZH

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}".strip())

    missing = [f"{path} {param.name}" for path, command in walk(typer.main.get_command(app), "")
               for param in command.params
               if getattr(param, "help", None) and (path, param.name) not in HELP_ZH and param.name not in COMMON_ZH]
    missing += [path for path, command in walk(typer.main.get_command(app), "") if command.help and (path, "") not in HELP_ZH]
    assert missing == []


def test_a_message_never_quotes_an_empty_name(tmp_path):
    """The quantity row a unit cost is multiplied by had no 三级 name: the message said 数量指标“”."""
    (tmp_path / "p.yaml").write_text(
        "kind: project\nname: 体检\nfunds: {total: 50000, annual_request: 50000}\nindicators:\n"
        '  - {level1: 成本指标, level2: 经济成本指标, level3: 单人体检成本, target_value: "≤400(元/人)"}\n'
        '  - {level1: 产出指标, level2: 数量指标, level3: "", target_value: "≥300(人)"}\n', encoding="utf-8")
    out = tmp_path / "r.json"
    runner.invoke(app, ["check", str(tmp_path / "p.yaml"), "-o", f"json={out}", "--engine", "reference"])
    app003 = [f for f in json.loads(out.read_text(encoding="utf-8"))["findings"] if f["rule_id"] == "G60-APP-003"]
    assert len(app003) == 1
    assert "“”" not in app003[0]["message_zh"] and "''" not in app003[0]["message_en"]
    assert "第 2 行" in app003[0]["message_zh"]


def test_letters_place_a_cell_by_its_cell_and_an_unreadable_file_as_a_whole(tmp_path):
    """"位置：第 1 行" for a PDF and "第 4 行，甲 › D2 …" for a cell told the unit nothing / twice."""
    (tmp_path / "in").mkdir()
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "甲", "教师培训", "第一中学", "2026年14月")
    book.save(tmp_path / "in" / "培训.xlsx")
    (tmp_path / "in" / "扫描件.pdf").write_bytes(b"%PDF-1.4\n")
    result = runner.invoke(app, ["letters", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--engine", "reference"])
    assert result.exit_code == 1, result.output  # as check: a file not read (and a bad date) are errors
    unit = (tmp_path / "out" / "第一中学.html").read_text(encoding="utf-8")
    assert "位置：甲 › D2" in unit and "第 2 行" not in unit
    unknown = (tmp_path / "out" / "（未注明）.html").read_text(encoding="utf-8")
    assert "位置：整个文件" in unknown and "第 1 行" not in unknown



def test_a_pdf_renamed_docx_is_a_finding_not_a_crash(tmp_path):
    """python-docx's PackageNotFoundError ended the whole run as "internal error" (exit 2)."""
    (tmp_path / "扫描.docx").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "p.yaml").write_text("kind: project\nname: 小项目\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(tmp_path), "--engine", "reference"])
    assert result.exit_code == 1 and "扫描.docx" in result.output and "G60-FILE-001" in result.output


def test_a_renamed_old_workbook_is_named_for_what_it_is(tmp_path):
    """"不是有效的 xlsx 文件…：BadZipFile" named a Python exception; the reviewer needs what the file is."""
    (tmp_path / "旧表.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))
    (tmp_path / "扫描.docx").write_bytes(b"%PDF-1.7\n" + bytes(50))
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04broken")
    (tmp_path / "p.yaml").write_text("kind: project\nname: 小项目\n", encoding="utf-8")
    out = tmp_path / "r.json"
    runner.invoke(app, ["check", str(tmp_path), "-o", f"json={out}", "--engine", "reference"])
    messages = {f["file"].rsplit("/", 1)[-1]: f["message_zh"] for f in json.loads(out.read_text(encoding="utf-8"))["findings"]
                if f["rule_id"] == "G60-FILE-001"}
    assert "旧版 Office 文件" in messages["旧表.xlsx"] and "另存为 xlsx" in messages["旧表.xlsx"]
    assert "PDF" in messages["扫描.docx"] and "另存为 docx" in messages["扫描.docx"]
    assert "已损坏" in messages["坏.xlsx"]
    assert not any("Error" in m or "BadZip" in m for m in messages.values())


def test_a_workbook_and_a_document_under_each_others_suffix_are_named(tmp_path):
    """A .docx saved as .xlsx said "文件无法读取：OSError"; the reviewer needs "rename it"."""
    document = docx.Document()
    document.add_paragraph("项目名称")
    document.save(tmp_path / "申报.xlsx")
    book = openpyxl.Workbook()
    book.active["A1"] = "项目名称"
    book.save(tmp_path / "申报表.docx")
    (tmp_path / "p.yaml").write_text("kind: project\nname: 小项目\n", encoding="utf-8")
    out = tmp_path / "r.json"
    runner.invoke(app, ["check", str(tmp_path), "-o", f"json={out}", "--engine", "reference", "--lang", "en"])
    messages = {f["file"].rsplit("/", 1)[-1]: f["message_en"] for f in json.loads(out.read_text(encoding="utf-8"))["findings"]
                if f["rule_id"] == "G60-FILE-001"}
    assert "Word document" in messages["申报.xlsx"] and "rename it to .docx" in messages["申报.xlsx"]
    assert "Excel workbook" in messages["申报表.docx"] and "rename it to .xlsx" in messages["申报表.docx"]


def test_a_project_without_units_is_not_counted_as_a_unit(tmp_path):
    """"主管部门 1 个，实施单位 1 个" for a project that names neither: （未注明） is not a unit."""
    (tmp_path / "p.yaml").write_text("kind: project\nname: 小项目\n", encoding="utf-8")
    (tmp_path / "q.yaml").write_text("kind: project\nname: 大项目\n主管部门: 某局\n实施单位: 某中心\n", encoding="utf-8")
    out = runner.invoke(app, ["check", str(tmp_path), "--engine", "reference"]).output
    assert "主管部门 1 个，实施单位 1 个" in out, out
    (tmp_path / "q.yaml").unlink()
    assert "主管部门 0 个，实施单位 0 个" in runner.invoke(app, ["check", str(tmp_path), "--engine", "reference"]).output
