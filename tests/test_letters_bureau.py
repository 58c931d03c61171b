"""What the bureau reviewer of new-user trial 9 tripped on in return letters.

- ``letters`` took 1 m 40 s where ``check`` took 44 s on the same season: every letter opened
  python-docx's default template (about 900 KB of styles, parsed, written and compressed again per
  letter), one paragraph per detail line, all in the parent after the workers had finished.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from docx import Document

from g60rules.engines.pool import screen
from g60rules.reports import letters as letters_module
from g60rules.reports.letters import Letter, file_names, write_letters
from g60rules.reports.summary import Report
from season import declaration, write_season


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
