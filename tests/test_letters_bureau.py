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
from g60rules.reports.letters import write_letters
from g60rules.reports.summary import Report
from season import write_season


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
