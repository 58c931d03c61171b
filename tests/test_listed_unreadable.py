"""A file a department lists but that cannot be read belongs to that department (trial A, trip 2):
主管部门 = the department's name, 实施单位 unknown, so its finding reaches the department's letter,
the by-unit counts and every format — never filed under （未注明）."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from g60rules.cli import app
from season import SMALL_PROJECT, write

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "compare" / "dept-unreadable"


def _own_season(root: Path) -> Path:
    """Other names and another kind of unreadable file: a department of two files, one binary."""
    write(root / "x" / "ok.yaml", SMALL_PROJECT.format(name="道路养护", money="5000", n=3))
    (root / "x" / "bad.yaml").write_bytes(b"\x00\xff\xfe binary \x00")
    write(root / "x" / "department.yaml", "kind: department\nname: 区建设管理委员会\nprojects:\n  - ok.yaml\n  - bad.yaml\n")
    return root


@pytest.mark.parametrize("case, department, bad", [
    ("trial", "示例区卫生健康委员会", "p2.yaml"),
    ("own", "区建设管理委员会", "bad.yaml"),
])
def test_an_unreadable_listed_file_is_the_departments(tmp_path, case, department, bad):
    season = shutil.copytree(DATA, tmp_path / "s") if case == "trial" else _own_season(tmp_path / "s")
    result = runner.invoke(app, ["check", str(season), "--engine", "reference", "-q", "-f", "json"])
    data = json.loads(result.stdout)
    [finding] = [f for f in data["findings"] if f["file"].endswith(bad)]
    assert (finding["competent_department"], finding["implementing_unit"]) == (department, None)
    assert "（未注明）" not in {u["competent_department"] for u in data["summary"]["by_unit"]}
    out = tmp_path / "letters"
    runner.invoke(app, ["letters", str(season), "--out", str(out), "--engine", "reference", "-q"])
    text = "\n".join(p.text for p in Document(str(out / f"{department}.docx")).paragraphs)
    assert f"申报文件：x/{bad}" in text or f"申报文件：d1/{bad}" in text
    assert not (out / "（未注明）.docx").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_streamed_screen_attributes_it_too(tmp_path, jobs):
    season = _own_season(tmp_path / "s")
    result = runner.invoke(app, ["check", str(season), "--engine", "reference", "-q", "-f", "json", "-j", jobs])
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["file"].endswith("bad.yaml")]
    assert finding["competent_department"] == "区建设管理委员会"


@pytest.mark.parametrize("listed, rule", [
    ("gone.yaml", "G60-FILE-007"),          # listed, not there (retrial N1)
    ("../outside.yaml", None),              # outside the department's folder
])
def test_a_finding_on_the_departments_listing_is_the_departments(tmp_path, listed, rule):
    root = tmp_path / "s"
    write(root / "y" / "ok.yaml", SMALL_PROJECT.format(name="绿化养护", money="8000", n=2))
    write(root / "y" / "department.yaml", f"kind: department\nname: 区绿化市容局\nprojects:\n  - ok.yaml\n  - {listed}\n")
    result = runner.invoke(app, ["check", str(root), "--engine", "reference", "-q", "-f", "json"])
    listing = [f for f in json.loads(result.stdout)["findings"]
               if f["file"].endswith("department.yaml") and (rule is None or f["rule_id"] == rule)]
    assert listing and all(f["competent_department"] == "区绿化市容局" for f in listing)
    out = tmp_path / "letters"
    runner.invoke(app, ["letters", str(root), "--out", str(out), "--engine", "reference", "-q"])
    assert (out / "区绿化市容局.docx").exists() and not (out / "（未注明）.docx").exists()
