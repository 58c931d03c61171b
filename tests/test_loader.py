"""Declaration files: both key languages, exact money, and every kind of bad input as a finding."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from g60rules.dates import PartialDate
from g60rules.intake.yaml_loader import load_corpus, load_text
from g60rules.model import Department, Project


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _rules(findings):
    return [(f.rule_id, f.line) for f in findings]


ENGLISH = """\
kind: project
name: 政策研究
plan_start: 2024-01-01
plan_end: 2024-12-31
budget_arrangement: 73.5
funds:
  total: 2000000.10
  annual_request: "2, 000, 000. 10"
indicators:
  - {level1: 成本指标, level2: 经济成本指标, level3: 活动成本, target_value: "≪800000.00(元)"}
"""

CHINESE = """\
类型: 项目
项目名称: 政策研究
计划开始日期: 2024-01-01
计划完成日期: 2024-12-31
年度预算安排: 73.5
项目资金:
  项目资金总额: 2000000.10
  年度资金申请总额: "2, 000, 000. 10"
绩效指标:
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 活动成本, 指标值: "≪800000.00(元)"}
"""


@pytest.mark.parametrize("text", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_both_key_languages_give_the_same_project(text):
    project, problems = load_text(text, "p.yaml")
    assert problems == []
    assert isinstance(project, Project)
    assert project.name == "政策研究"
    assert project.plan_end == PartialDate(2024, 12, 31)
    # a bare 年度预算安排 is in 万元; money never passes through float
    assert project.budget_arrangement == Decimal("735000.0")
    assert project.funds.total == Decimal("2000000.10")
    assert project.funds.annual_request == Decimal("2000000.10")
    (row,) = project.indicators
    assert (row.level1, row.level3, row.target_value.raw) == ("成本指标", "活动成本", "≪800000.00(元)")
    assert row.source.line == 10 and row.source.line_of("target_value") == 10


def test_duplicate_key_is_a_finding_not_an_overwrite():
    project, problems = load_text("kind: project\nname: 甲\nname: 乙\n", "p.yaml")
    assert _rules(problems) == [("G60-FILE-003", 3)]
    assert project.name == "甲"


def test_duplicate_key_across_languages_is_caught():
    _, problems = load_text("kind: project\nname: 甲\n项目名称: 乙\n", "p.yaml")
    assert _rules(problems) == [("G60-FILE-003", 3)]


def test_unknown_key_is_a_finding_with_its_line():
    _, problems = load_text("kind: project\nname: 甲\nfunds:\n  totl: 5\n", "p.yaml")
    assert _rules(problems) == [("G60-FILE-004", 4)]
    assert "totl" in problems[0].message_zh


@pytest.mark.parametrize("field,value,line", [
    ("plan_end", "2024-02-30", 2), ("plan_end", "明年", 2), ("budget_arrangement", "abc", 2),
    ("budget_arrangement", "1e5", 2),
])
def test_bad_values_are_findings_and_count_as_missing(field, value, line):
    project, problems = load_text(f"kind: project\n{field}: '{value}'\n", "p.yaml")
    assert _rules(problems) == [("G60-FILE-005", line)]
    assert getattr(project, field) is None


def test_wrong_shape_is_a_finding():
    _, problems = load_text("kind: project\nfunds: 5\nindicators: {a: 1}\nname: [1, 2]\n", "p.yaml")
    assert sorted(_rules(problems)) == [("G60-FILE-005", 2), ("G60-FILE-005", 3), ("G60-FILE-005", 4)]


def test_unreadable_files_become_findings_and_the_run_goes_on(tmp_path):
    _write(tmp_path, "a-bad-yaml.yaml", "kind: project\nname: [unclosed\n")
    _write(tmp_path, "b-not-utf8.yaml", b"kind: project\nname: \xff\xfe\n")
    _write(tmp_path, "c-empty.yaml", "")
    _write(tmp_path, "d-no-kind.yaml", "name: x\n")
    _write(tmp_path, "e-list.yaml", "- 1\n- 2\n")
    _write(tmp_path, "f-good.yaml", ENGLISH)
    _write(tmp_path, "notes.txt", "not a declaration")
    corpus = load_corpus([tmp_path])
    by_file = {Path(f.file).name: (f.rule_id, f.line) for f in corpus.findings}
    assert by_file == {
        "a-bad-yaml.yaml": ("G60-FILE-002", 2),  # where the [ opened (the parser notices on line 3)
        "b-not-utf8.yaml": ("G60-FILE-001", 2),
        "c-empty.yaml": ("G60-FILE-006", 1),
        "d-no-kind.yaml": ("G60-FILE-006", 1),
        "e-list.yaml": ("G60-FILE-006", 1),
    }
    assert [p.name for p in corpus.projects] == ["政策研究"]
    assert [Path(p).name for p in corpus.ignored] == ["notes.txt"]


def test_department_lists_projects_and_a_missing_one_is_reported(tmp_path):
    _write(tmp_path, "p.yaml", ENGLISH)
    _write(tmp_path, "dept.yaml", "kind: department\ndeclared_total: 200\nprojects:\n  - p.yaml\n  - gone.yaml\n")
    corpus = load_corpus([tmp_path / "dept.yaml"])
    assert _rules(corpus.findings) == [("G60-FILE-007", 5)]
    (dept,) = corpus.departments
    assert dept.declared_total == Decimal("2000000")
    assert [p.name for p in dept.projects] == ["政策研究"]
    assert corpus.projects == []


def test_inline_projects_in_a_department():
    dept, problems = load_text("kind: department\nprojects:\n  - {kind: project, name: 甲}\n", "d.yaml")
    assert problems == [] and isinstance(dept, Department)
    assert [p.name for p in dept.projects] == ["甲"]


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_corpus([tmp_path / "nope"])


def test_hidden_files_and_broken_links_are_never_skipped_in_silence(tmp_path):
    _write(tmp_path, "p.yaml", ENGLISH)
    _write(tmp_path, ".hidden.yaml", ENGLISH)
    (tmp_path / ".git").mkdir()
    _write(tmp_path / ".git", "config", "x")
    (tmp_path / "broken.yaml").symlink_to(tmp_path / "nowhere.yaml")
    corpus = load_corpus([tmp_path])
    assert [(Path(f.file).name, f.rule_id) for f in corpus.findings] == [("broken.yaml", "G60-FILE-001")]
    assert sorted(Path(p.rstrip("/")).name for p in corpus.ignored) == [".git", ".hidden.yaml"]
