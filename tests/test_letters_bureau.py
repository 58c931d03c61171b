"""What the bureau reviewer of new-user trial 9 tripped on in return letters.

- ``letters`` took 1 m 40 s where ``check`` took 44 s on the same season: every letter opened
  python-docx's default template (about 900 KB of styles, parsed, written and compressed again per
  letter), one paragraph per detail line, all in the parent after the workers had finished.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

from docx import Document

from g60rules.engines.pool import screen
from g60rules.reports import letters as letters_module
from g60rules.reports.formats import render
from g60rules.reports.letters import Letter, file_names, write_letters
from g60rules.reports.summary import Report
from season import declaration, write, write_season
from test_html_browser import _no_errors, _open, browser  # noqa: F401 (the browser fixture)


def _report(tmp_path: Path, ruleset, lang: str = "zh") -> Report:
    season = write_season(tmp_path / "season")
    return Report(screen([season], ruleset, engine="reference"), ruleset, lang)


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_a_letter_carries_only_the_styles_it_uses(tmp_path, shanghai):
    paths = write_letters(_report(tmp_path, shanghai), tmp_path / "out", jobs=1)
    docx = next(p for p in paths if p.suffix == ".docx")
    with zipfile.ZipFile(docx) as package:
        names = package.namelist()
        styles = package.read("word/styles.xml").decode("utf-8")
    assert "word/stylesWithEffects.xml" not in names
    # python-docx's default has 164 styles; a letter uses Normal, two headings and a bullet list
    assert styles.count("<w:style ") < 15
    doc = Document(str(docx))
    used = {p.style.name for p in doc.paragraphs}
    assert used <= {"Normal", "Heading 1", "Heading 2", "List Bullet"} and "Heading 2" in used
    assert doc.styles["Normal"].font.name == "SimSun"
    assert doc.core_properties.category  # the own-output mark is in the template


def test_each_finding_is_one_paragraph_with_its_details_on_lines_below(tmp_path, shanghai):
    paths = write_letters(_report(tmp_path, shanghai), tmp_path / "out", jobs=1)
    doc = Document(str(next(p for p in paths if p.suffix == ".docx")))
    numbered = [p for p in doc.paragraphs if p.text[:3] == "1. "]
    assert numbered
    lines = numbered[0].text.split("\n")
    assert lines[1].startswith("位置：") and any(line.startswith("依据：") for line in lines)
    assert any(line.startswith("修改要求：") for line in lines)


def test_letters_written_by_workers_are_those_written_here(tmp_path, shanghai, monkeypatch):
    report = _report(tmp_path, shanghai)
    monkeypatch.setattr(letters_module, "LETTERS_PER_CHUNK", 1)  # one message per letter
    here = write_letters(report, tmp_path / "here", jobs=1)
    there = write_letters(report, tmp_path / "there", jobs=2)
    assert [p.name for p in here] == [p.name for p in there] and len(here) == 8
    for a, b in zip(here, there, strict=True):
        if a.suffix == ".docx":
            assert _text(a) == _text(b)
        else:
            assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    assert (tmp_path / "there" / "index.html").read_text(encoding="utf-8") == \
        (tmp_path / "here" / "index.html").read_text(encoding="utf-8")


def test_letters_of_a_worker_that_dies_are_written_here(tmp_path, shanghai, monkeypatch):
    report = _report(tmp_path, shanghai)
    monkeypatch.setattr(letters_module, "LETTERS_PER_CHUNK", 1)
    parent, real = os.getpid(), letters_module._LetterWork.__call__

    def dying(self, indices):
        if os.getpid() != parent:
            os._exit(3)
        return real(self, indices)

    monkeypatch.setattr(letters_module._LetterWork, "__call__", dying)
    paths = write_letters(report, tmp_path / "out", jobs=2)
    assert len(paths) == 8 and all(p.is_file() for p in paths)
    assert "项目：" in _text(next(p for p in paths if p.suffix == ".docx"))


# Letters to two 实施单位 of the same name under different 主管部门 were 区图书馆.docx and
# 区图书馆-2.docx: a clerk could not tell which goes where.

def _named(*pairs: tuple[str, str], lang: str = "zh") -> list[str]:
    return file_names([Letter(recipient=unit, competent=competent) for unit, competent in pairs], lang)


def test_same_named_units_are_named_with_their_competent_department():
    assert _named(("区图书馆", "区文化局"), ("区图书馆", "区教育局"), ("区档案馆", "区文化局")) == \
        ["区图书馆（区文化局）", "区图书馆（区教育局）", "区档案馆"]
    assert _named(("Library", "Culture"), ("Library", "Schools"), lang="en") == \
        ["Library (Culture)", "Library (Schools)"]


def test_a_department_answering_for_itself_keeps_its_own_name():
    # the 主管部门's own letter (its filing, projects without 实施单位) beside a unit of the same name
    assert _named(("区文化局", "区文化局"), ("区文化局", "市文化局")) == ["区文化局", "区文化局（市文化局）"]


def test_names_that_still_coincide_get_a_number_ignoring_case():
    assert _named(("Unit", "A"), ("Unit", "A"), ("unit", "B")) == ["Unit（A）", "Unit（A）-2", "unit（B）"]
    assert _named(("index", "x")) == ["index-2"]  # the letters' index keeps its name


def test_names_are_safe_on_windows():
    names = _named(("CON", "x"), ("nul.txt", "x"), ("Com3", "x"), ("a:b/c*d?", "x"), ("中心. ", "x"),
                   ("\x07铃", "x"), ("", "x"))
    assert names == ["_CON", "_nul.txt", "_Com3", "a_b_c_d_", "中心", "_铃", "unit"]
    assert _named(("COM10", "x"), ("CONSOLE", "x")) == ["COM10", "CONSOLE"]  # not device names


def test_long_names_fit_a_file_name_on_any_system_and_stay_apart():
    unit, competent = "很长的单位名称" * 20, "😀主管部门" * 20
    names = _named((unit, competent), (unit, "区教育局"))
    for name in names:
        assert len((name + "-9.docx").encode("utf-8")) <= 255
    assert names[0] != names[1] and names[1].endswith("（区教育局）") and names[0].startswith("很长的单位名称")


def test_letters_to_same_named_units_are_told_apart_by_file_name(tmp_path, shanghai):
    season = write_season(tmp_path / "season")
    # a second 区图书馆, under another 主管部门, with a fault of its own
    (season / "d1.yaml").write_text(declaration("校园阅读", "区教育局", "区图书馆", "cost"), encoding="utf-8")
    report = Report(screen([season], shanghai, engine="reference"), shanghai)
    paths = write_letters(report, tmp_path / "out", jobs=1)
    names = {p.name for p in paths if p.suffix == ".docx"}
    assert {"区图书馆（区文化和旅游局）.docx", "区图书馆（区教育局）.docx"} <= names
    assert not any("-2" in name for name in names)
    assert "区图书馆（主管部门：区教育局）：" in _text(tmp_path / "out" / "区图书馆（区教育局）.docx")
    assert "图书采购" in _text(tmp_path / "out" / "区图书馆（区文化和旅游局）.docx")


# Letters and the reports a bureau forwards named files from where the command ran
# (../../season/d0012/p03.yaml), which means nothing to the unit that sent them.

def _shown(roots: tuple[str, ...], file: str) -> str:
    return Report(None, None, roots=roots).shown_file(file)  # type: ignore[arg-type]


def test_files_are_named_from_the_screened_folder(tmp_path, monkeypatch):
    (tmp_path / "work" / "here").mkdir(parents=True)
    (tmp_path / "season" / "d0012").mkdir(parents=True)
    (tmp_path / "season" / "d0012" / "p03.yaml").write_text("", encoding="utf-8")
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "work" / "here")
    sep = os.sep
    assert _shown(("../../season",), f"..{sep}..{sep}season{sep}d0012{sep}p03.yaml") == f"d0012{sep}p03.yaml"
    assert _shown((str(tmp_path / "season") + sep,), f"..{sep}..{sep}season{sep}d0012{sep}p03.yaml") == \
        f"d0012{sep}p03.yaml"
    # one file given: its name; several PATHs: each keeps its folder's name
    assert _shown(("../../season/d0012/p03.yaml",), "../../season/d0012/p03.yaml") == "p03.yaml"
    assert _shown(("../../season/d0012", "../../season/d0013"), "../../season/d0012/p03.yaml") == f"d0012{sep}p03.yaml"
    # from the folder holding them all, so two PATHs of the same name stay apart
    assert _shown(("../../season/d0012", "../../other"), "../../season/d0012/p03.yaml") == \
        f"season{sep}d0012{sep}p03.yaml"
    assert _shown(("../../season", "../../other"), "../../other/x.yaml") == f"other{sep}x.yaml"
    # outside the folder: named from it; a folder keeps its closing slash; no PATH: as held
    assert _shown(("../../season",), "../../other/x.yaml") == f"..{sep}other{sep}x.yaml"
    assert _shown(("../../season",), "../../season/d0012/") == f"d0012{sep}"
    assert _shown((), "../../season/d0012/p03.yaml") == "../../season/d0012/p03.yaml"
    assert _shown((".",), "season/p.yaml") == f"season{sep}p.yaml"


def _elsewhere(tmp_path: Path, monkeypatch) -> None:
    """The season in ``tmp_path/season`` (a project in ``d0012/``, an unreadable file), and the working
    directory two folders away: the command screens ``../../season``."""
    season = write_season(tmp_path / "season")
    write(season / "d0012" / "p03.yaml", declaration("河道保洁", "区水务局", "区河道所", "cost"))
    write(season / "坏表.yaml", "name: [未闭合\n")
    (tmp_path / "work" / "here").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work" / "here")


def test_letters_and_forwarded_reports_name_files_as_the_unit_knows_them(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from g60rules.cli import app

    _elsewhere(tmp_path, monkeypatch)
    runner = CliRunner()
    result = runner.invoke(app, ["letters", "../../season", "--out", "out", "-q", "--engine", "reference", "-j", "1"])
    assert result.exit_code == 1, result.output
    letter = _text(Path("out") / "区河道所.docx")
    assert f"申报文件：d0012{os.sep}p03.yaml" in letter and "../" not in letter
    assert f"申报文件：d0012{os.sep}p03.yaml" in (Path("out") / "区河道所.html").read_text(encoding="utf-8")
    index = (Path("out") / "index.html").read_text(encoding="utf-8")
    assert "<td>坏表.yaml</td>" in index and "../" not in index
    assert "项目：坏表.yaml" in _text(Path("out") / "（未注明）.docx")  # a file without a project: by its name
    result = runner.invoke(app, ["check", "../../season", "--engine", "reference", "-j", "1", "-q", "-f", "json",
                                 "-o", "csv=r.csv", "-o", "html=r.html", "--letters", "out2"])
    # machine formats keep paths from where the command ran: CI annotations and --compare need them
    files = {f["file"] for f in json.loads(result.stdout)["findings"]}
    assert f"..{os.sep}..{os.sep}season{os.sep}d0012{os.sep}p03.yaml" in files
    rows = list(csv.DictReader(io.StringIO(Path("r.csv").read_text(encoding="utf-8-sig"))))
    assert {r["文件"] for r in rows} >= {f"d0012{os.sep}p03.yaml", "坏表.yaml", "a1.yaml"}
    assert not any(r["文件"].startswith("..") for r in rows)
    page = Path("r.html").read_text(encoding="utf-8")
    assert f"d0012{os.sep}p03.yaml:" in page and "../../season" not in page
    assert f"申报文件：d0012{os.sep}p03.yaml" in _text(Path("out2") / "区河道所.docx")
    github = runner.invoke(app, ["check", "../../season", "--engine", "reference", "-j", "1", "-q", "-f", "github"])
    assert f"file=..{os.sep}..{os.sep}season{os.sep}d0012{os.sep}p03.yaml" in github.stdout


# --cache said nothing: a reviewer could not tell whether the second run had used it.

def _cached_run(args: list[str], capsys) -> tuple[int, str, str]:
    from g60rules.cli import app

    code = app(args, standalone_mode=False)  # the exit code, returned when not standalone
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_run_with_a_cache_says_how_many_units_came_from_it(tmp_path, capsys):
    season, cache = write_season(tmp_path / "season"), tmp_path / "cache"
    args = ["check", str(season), "--engine", "reference", "-j", "1", "-q", "--cache", str(cache), "-f", "json"]
    code, out, err = _cached_run(args, capsys)
    # the first run took nothing from the cache: said plainly, no "0 个未改动…其余 7 个"
    assert code == 1 and f"缓存 {cache}：共 7 个单元（一个部门及其项目，或一个文件），均已筛查并存入缓存" in err
    assert "未改动" not in err and "取自缓存，" not in err and "其余" not in err and "共 7 个文件" in err
    assert json.loads(out)["summary"]["cache"] == {"directory": str(cache), "units_from_cache": 0, "units_screened": 7}
    code, out, err = _cached_run(args, capsys)
    # seven projects, each a unit of its own, none changed: all from the cache, nothing screened
    assert "共 7 个单元（一个部门及其项目，或一个文件），均未改动，结果取自缓存，未重新筛查" in err and "其余" not in err
    assert json.loads(out)["summary"]["cache"] == {"directory": str(cache), "units_from_cache": 7, "units_screened": 0}
    (season / "b2.yaml").write_text((season / "b2.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, out, err = _cached_run([*args, "--lang", "en"], capsys)
    assert f"cache {cache}: 7 units" in err and "6 unchanged" in err and "the other 1 screened" in err
    assert "(7 files in this run)" in err
    code, out, err = _cached_run(["letters", str(season), "--out", str(tmp_path / "out"), "--engine", "reference",
                                  "-j", "1", "-q", "--cache", str(cache)], capsys)
    assert f"缓存 {cache}：共 7 个单元" in err and "均未改动" in err
    code, out, err = _cached_run([*args, "--lang", "en", "--cache", str(tmp_path / "fresh")], capsys)
    assert "7 units (a department with its projects, or one file), all screened and stored, none taken" in err
    assert "0 unchanged" not in err and "the other" not in err


def test_a_run_without_a_cache_says_nothing_of_one(tmp_path, capsys):
    season = write_season(tmp_path / "season")
    code, out, err = _cached_run(["check", str(season), "--engine", "reference", "-j", "1", "-q", "-f", "json"],
                                 capsys)
    assert "缓存" not in err and "cache" not in json.loads(out)["summary"]


def test_a_name_of_a_million_characters_is_cut_at_once():
    (name,) = _named(("区" * 1_000_000, "x"))
    assert name == "区" * (200 // 3)


def test_the_html_report_shows_files_from_the_screened_folder_in_a_browser(browser, tmp_path, shanghai,
                                                                           monkeypatch):
    from selenium.webdriver.common.by import By

    _elsewhere(tmp_path, monkeypatch)
    result = screen([Path("../../season")], shanghai, engine="reference")
    assert any(f.file.startswith("..") for f in result.findings)  # as the command line and CI see them
    page = tmp_path / "report.html"
    page.write_bytes(render("html", Report(result, shanghai, roots=("../../season",))))
    _open(browser, page)
    _no_errors(browser)
    places = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#units tr.finding td")]
    assert f"d0012{os.sep}p03.yaml:" in "\n".join(places)
    assert [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#unreadable li")] == ["坏表.yaml"]
    assert "../" not in browser.find_element(By.TAG_NAME, "body").text
