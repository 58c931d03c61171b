"""What a return letter to a unit is made of (new-user trial A): what is wrong, where, what to change
and the basis document — never the rule's reason written for policy staff, never the tool as a
basis, and a location that tells the indicator table's row from the file's line. Read back as the
unit reads it: the .docx with python-docx and the .html as text. Expected texts written by hand.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from g60rules.engines.pool import screen
from g60rules.findings import basis_document
from g60rules.reports.formats import render
from g60rules.reports.letters import write_letters
from g60rules.reports.summary import Report
from season import CLEAN

# two targets without ≥/≤/= (a rule whose reason tells staff how it reads them) and an
# indicator whose level1 is not a category, in another project and unit than the trial's
NO_OPERATOR = CLEAN.format(name="绿化养护", competent="区绿化局", unit="区苗圃站", cost="≤5000(元/亩)",
                           level3="成活率").replace('target_value: "≥3(篇)"', 'target_value: "7(次)"')


def _letters(tmp_path: Path, files: dict[str, str | bytes], ruleset, lang: str = "zh") -> tuple[dict[str, str], Report]:
    """{letter stem: .html text + .docx text} and the report, for the files given."""
    d = tmp_path / "in"
    d.mkdir(parents=True)
    for name, text in files.items():
        (d / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    report = Report(screen([d], ruleset, engine="reference"), ruleset, lang)
    out: dict[str, str] = {}
    for path in write_letters(report, tmp_path / "out", jobs=1):
        if path.suffix == ".html":
            text = html.unescape(re.sub(r"<[^>]+>", "\n", path.read_text(encoding="utf-8")))
        else:
            text = "\n".join(p.text for p in Document(str(path)).paragraphs)
        out[path.stem] = out.get(path.stem, "") + "\n" + text
    return out, report


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_letter_never_carries_the_rules_reason(tmp_path, shanghai, lang):
    letters, report = _letters(tmp_path, {"p.yaml": NO_OPERATOR}, shanghai, lang)
    reasons = [r.why.en if lang == "en" else r.why.zh for f in report.counted
               for r in [shanghai.rule(f.rule_id)] if r.why]
    assert reasons, "the declaration must trip a rule that has a reason"
    text = letters["区苗圃站"]
    assert "7(次)" in text  # the finding is there, with the value as written
    for reason in reasons:
        assert reason.strip()[:12] not in text
    assert ("说明：" if lang == "zh" else "Why:") not in text


def test_every_bundled_reason_stays_out_of_letters(tmp_path, shanghai):
    letters, _ = _letters(tmp_path, {"p.yaml": NO_OPERATOR}, shanghai)
    text = letters["区苗圃站"]
    for rule in shanghai.rules:
        if rule.why:
            assert rule.why.zh.strip()[:12] not in text, rule.id


def test_a_location_tells_the_indicator_row_from_the_file_line(tmp_path, shanghai):
    letters, report = _letters(tmp_path, {"p.yaml": NO_OPERATOR}, shanghai)
    f = next(f for f in report.counted if f.row is not None and not f.cell)
    text = letters["区苗圃站"]
    assert f"位置：绿化养护 › 指标表第 {f.row} 行「{f.indicator}」（文件第 {f.line} 行）" in text
    assert not re.search(r"位置：第 \d+ 行", text)
    letters, _ = _letters(tmp_path / "en", {"p.yaml": NO_OPERATOR}, shanghai, "en")
    assert f"Where: 绿化养护 › indicator-table row {f.row}「{f.indicator}」 (file line {f.line})" in letters["区苗圃站"]


def test_a_file_check_cites_the_forms_requirement_never_the_tool(tmp_path, shanghai):
    files = {"p.yaml": NO_OPERATOR, "坏.yaml": "kind: project\nname: [unclosed\n", "扫描件.pdf": b"%PDF-1.4\n"}
    for lang, requirement in (("zh", "依据：申报表填报要求"), ("en", "Basis: the declaration form's filing requirements")):
        letters, report = _letters(tmp_path / lang, files, shanghai, lang)
        assert any(f.basis == "g60rules" for f in report.counted)  # machine formats keep the key
        unnamed = [text for stem, text in letters.items() if stem != "区苗圃站"]
        assert len(unnamed) == 1 and requirement in unnamed[0]
        for text in letters.values():
            assert not re.search(r"(依据：|Basis: )g60rules", text)
        page = html.unescape(render("html", report).decode("utf-8"))
        assert "<td>g60rules</td>" not in page
        assert f"<td>{requirement.split('：' if lang == 'zh' else ': ')[1]}</td>" in page


def test_the_xlsx_basis_of_a_file_check_is_the_forms_requirement(tmp_path, shanghai):
    d = tmp_path / "in"
    d.mkdir()
    (d / "坏.yaml").write_text("kind: project\nname: [unclosed\n", encoding="utf-8")
    (d / "p.yaml").write_text(NO_OPERATOR, encoding="utf-8")
    report = Report(screen([d], shanghai, engine="reference"), shanghai, "zh")
    out = tmp_path / "r.xlsx"
    out.write_bytes(render("xlsx", report))
    book = openpyxl.load_workbook(out)
    bases = []
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        for top in range(min(len(rows), 5)):
            if "依据" in rows[top]:
                column = rows[top].index("依据")
                bases += [row[column] for row in rows[top + 1:] if len(row) > column and row[column]]
                break
    assert "申报表填报要求" in bases and "g60rules" not in bases


def test_check_help_names_every_format_read_in_both_languages():
    # the Chinese help said *.yaml、*.yml only, though workbooks, Word documents and CSV are read
    import typer

    from g60rules.cli import app
    from g60rules.cli_text import HELP_ZH
    from g60rules.intake.tables import TABLE_SUFFIXES
    from g60rules.intake.yaml_loader import YAML_SUFFIXES

    check = typer.main.get_command(app).commands["check"]
    english = next(p.help for p in check.params if p.name == "paths")
    for suffix in (*YAML_SUFFIXES, *TABLE_SUFFIXES):
        assert f"*{suffix}" in english and f"*{suffix}" in HELP_ZH[("check", "paths")], suffix


def test_sorting_the_units_sheet_never_ranks_a_subtotal_among_units(tmp_path, shanghai):
    # 按单位 held a 合计 row per 主管部门 under the same autofilter as the units: sorting by 错误 mixed them
    from season import write_season

    season = write_season(tmp_path / "season")
    report = Report(screen([season], shanghai, engine="reference"), shanghai, "zh")
    out = tmp_path / "r.xlsx"
    out.write_bytes(render("xlsx", report))
    book = openpyxl.load_workbook(out)
    units = book["按单位"]
    header = [c.value for c in units[1]]
    assert header[:3] == ["主管部门", "实施单位", "错误"]
    rows = [[c.value for c in r] for r in units.iter_rows(min_row=2)]
    assert units.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows) + 1}"
    # the season's units with findings, by hand: two under 发改委, 区图书馆 under 文旅局, one under 科委
    assert sorted(r[0] for r in rows) == ["区发展和改革委员会", "区发展和改革委员会", "区文化和旅游局", "区科学技术委员会"]
    assert "合计" not in {r[1] for r in rows} and len({(r[0], r[1]) for r in rows}) == len(rows)
    departments = {r[0]: r[1:] for r in book["按主管部门"].iter_rows(min_row=2, values_only=True)}
    # each 主管部门's row is the sum of its units' rows
    for name, (error, warning, info, total, _projects) in departments.items():
        mine = [r for r in rows if r[0] == name]
        assert (error, warning, info, total) == tuple(sum(r[i] for r in mine) for i in (2, 3, 4, 5))
    assert departments["区发展和改革委员会"][:4] == (2, 1, 0, 3)  # a1 cost, a2 no level3; a3 no target (warning)


def test_a_competent_departments_projects_are_the_sum_of_its_units(tmp_path, shanghai):
    # retrial N7: two units of one 主管部门 each filed a project of the same name; counted by name the
    # 主管部门 had one project fewer than its units together
    from season import SMALL_PROJECT, write

    for unit, folder in (("区第一小学", "a"), ("区第二小学", "b")):
        text = SMALL_PROJECT.format(name="校舍维修", money="5000", n=3)
        write(tmp_path / "s" / folder / "p.yaml",
              text.replace("implementing_unit: 某单位", f"competent_department: 区教育局\nimplementing_unit: {unit}"))
    report = Report(screen([tmp_path / "s"], shanghai, engine="reference"), shanghai, "zh")
    by_unit = {u.unit: u.projects for u in report.summary.by_unit}
    (competent,) = [c for c in report.summary.by_competent if c.competent == "区教育局"]
    assert by_unit == {"区第一小学": 1, "区第二小学": 1} and competent.projects == 2
