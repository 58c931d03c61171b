"""``check --compare``: a finding's identity survives its JSON report (trial A, trips 1 and 3).

Re-screening an unchanged season against its own JSON report must find nothing new and nothing
fixed, for every kind of finding: a department filing's own findings (SH-FORM-003/004), a project
listed by a department without a 主管部门 of its own (the report names the department), a file that
could not be read, a project with its units declared.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from g60rules.cli import app
from season import PROJECTS, declaration, write, write_season

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "compare"
SEED = Path(__file__).parent.parent / "declarations"


def _check(*args):
    return runner.invoke(app, ["check", "--engine", "reference", "-q", *map(str, args)])


def _rescreen(season: Path, tmp: Path) -> dict:
    """The JSON of screening ``season`` again, unchanged, with --compare against its first JSON report."""
    first = tmp / "first.json"
    assert _check(season, "-o", f"json={first}").exit_code in (0, 1)
    result = _check(season, "--compare", first, "-f", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _assert_all_open(data: dict) -> None:
    counted = [f for f in data["findings"] if f["change"] is not None]
    assert counted, "the season must have findings to compare"
    assert [f for f in counted if f["change"] != "open"] == []
    assert data["resolved"] == [] and data["summary"]["change"] == {"new": 0, "open": len(counted), "fixed": 0}


def test_an_unchanged_department_season_has_nothing_new_and_nothing_fixed(tmp_path):
    # smallest case of the trial: a department listing one project whose 主管部门 is blank (~)
    season = shutil.copytree(DATA / "season", tmp_path / "season")
    first = tmp_path / "r1.json"
    assert _check(season, "-o", f"json={first}").exit_code in (0, 1)
    text = _check(season, "--compare", first).stdout
    assert "新问题 0 个，仍存在 3 个，已修复 0 个" in text
    _assert_all_open(_rescreen(season, tmp_path))


def test_the_seed_declarations_rescreened_unchanged(tmp_path):
    _assert_all_open(_rescreen(SEED, tmp_path))


@st.composite
def seasons(draw):
    """Which projects carry their fault, which are filed under a department (and of those which leave
    主管部门 blank), whether the department states a wrong count, and an unreadable file in it."""
    names = [p[0] for p in PROJECTS]
    fixed = draw(st.sets(st.sampled_from(names)))
    listed = draw(st.lists(st.sampled_from(names), unique=True))
    blank = draw(st.sets(st.sampled_from(listed))) if listed else set()
    return fixed, listed, blank, draw(st.booleans()), draw(st.booleans())


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seasons())
def test_a_generated_season_rescreened_unchanged_has_nothing_new_and_nothing_fixed(tmp_path_factory, drawn):
    fixed, listed, blank, wrong_count, broken = drawn
    tmp = tmp_path_factory.mktemp("drawn")
    season = tmp / "season"
    write_season(season, fixed)
    for file, name, competent, unit, fault in PROJECTS:
        if file in blank:
            text = declaration(name, competent, unit, None if file in fixed else fault)
            (season / file).write_text(text.replace(f'competent_department: "{competent}"\n', ""), encoding="utf-8")
    files = [*listed, *(["broken.yaml"] if broken else [])]
    if broken:
        write(season / "broken.yaml", "kind: project\nname: [未闭合\n")
    entries = "".join(f"  - {f}\n" for f in files)
    write(season / "department.yaml",
          f"kind: department\nname: 区某某局\ndeclared_project_count: {len(files) + (2 if wrong_count else 0)}\n"
          f"declared_total: 1万元\nprojects:\n{entries}" if files else "kind: department\nname: 区某某局\n"
          "declared_total: 1万元\nprojects: []\n")
    _assert_all_open(_rescreen(season, tmp))


def test_the_json_of_a_compare_run_carries_what_is_fixed(tmp_path):
    first_season = write_season(tmp_path / "first")
    previous = tmp_path / "previous.json"
    assert _check(first_season, "-o", f"json={previous}").exit_code == 1
    second = write_season(tmp_path / "second", fixed={"a1.yaml", "c1.yaml"})
    out = tmp_path / "second.json"
    text = _check(second, "--compare", previous, "-o", f"json={out}").stdout
    assert "已修复 2 个" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(f["project"] for f in data["fixed"]) == sorted([PROJECTS[0][1], PROJECTS[5][1]])
    assert all(f["change"] == "fixed" for f in data["fixed"])
    assert data["summary"]["fixed"] == 2 and data["summary"]["change"]["fixed"] == 2


@pytest.mark.parametrize("lang, expected, absent", [
    ([], "不是 g60rules 的 JSON 报告", "not a JSON report"),
    (["--lang", "en"], "not a JSON report of g60rules", "不是"),
])
def test_a_bad_previous_report_is_named_in_the_run_language(tmp_path, lang, expected, absent):
    season = write_season(tmp_path / "s")
    for name, text in (("bad.json", '{"findings": []}'), ("broken.json", "{not json")):
        bad = tmp_path / name
        bad.write_text(text, encoding="utf-8")
        result = _check(season, *lang, "--compare", bad)
        assert result.exit_code == 2 and expected in result.output and absent not in result.output
        assert name in result.output
    result = _check(season, *lang, "--compare", tmp_path / "none.json")
    assert result.exit_code == 2 and ("文件不存在" if not lang else "no such file") in result.output


def test_a_previous_report_that_is_not_json_or_not_utf8_is_told_without_the_parsers_english(tmp_path):
    # retrial N6: "不是 g60rules 的 JSON 报告（Expecting value: line 1 column 1 (char 0)）"
    season = write_season(tmp_path / "s")
    (tmp_path / "a.json").write_text("项目名称: 某\n", encoding="utf-8")
    (tmp_path / "b.json").write_bytes("{\"tool\": \"项目名称\"}".encode("gbk"))
    result = _check(season, "--compare", tmp_path / "a.json")
    assert result.exit_code == 2 and "不是 JSON：第 1 行第 1 列" in result.output
    assert "Expecting" not in result.output
    result = _check(season, "--compare", tmp_path / "b.json")
    assert result.exit_code == 2 and "不是 UTF-8 文本" in result.output and "codec" not in result.output
