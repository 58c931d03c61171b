"""Leftovers of issue 10 a user meets in the CLI: help and usage lines in the user's language,
git errors of ``impact`` naming ref and repository, YAML syntax errors in Chinese, ``ruleset lint``'s
exit code, header findings naming only the empty fields, ``baseline update --lang en``, and the size
limits on every input kind."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.engines.pool import screen
from g60rules.intake.yaml_loader import load_corpus, load_text
from g60rules.rules.compiler import load_ruleset
from g60rules.rules.lint import lint

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "rulesets" / "core.yaml"
runner = CliRunner()


# --- 1. help and usage lines ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [["-h"], ["ruleset", "-h"], ["baseline", "update", "-h"], ["check", "-h"]])
def test_the_usage_line_of_help_is_chinese_by_default(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "用法:" in result.output and "[选项]" in result.output
    assert "Usage" not in result.output and "[OPTIONS]" not in result.output


def test_the_usage_line_is_english_with_lang_en():
    result = runner.invoke(app, ["check", "-h", "--lang", "en"])
    assert " check [OPTIONS] {PATH}" in result.output and "Usage: " in result.output and "用法" not in result.output


def test_a_group_names_its_commands_in_chinese():
    output = runner.invoke(app, ["-h"]).output
    assert "命令 [参数]..." in output and "COMMAND" not in output


def test_a_usage_error_is_chinese_throughout_and_exits_2():
    result = runner.invoke(app, ["explain"])
    assert result.exit_code == 2
    assert "用法: " in result.output and " explain [选项]" in result.output and "缺少参数" in result.output
    assert "Usage" not in result.output and "Missing" not in result.output and "Error" not in result.output
    en = runner.invoke(app, ["explain", "--lang", "en"])
    assert en.exit_code == 2 and "Usage:" in en.output and "Missing argument" in en.output


@pytest.mark.parametrize("args,zh,en", [
    (["check", str(ROOT / "declarations"), "-o", "yaml=x"], "请写 格式=路径", "write FORMAT=PATH"),
    (["check", str(ROOT / "declarations"), "--strict", "--fail-on", "never"], "相互矛盾", "contradict"),
])
def test_the_cli_own_usage_errors_follow_the_language(args, zh, en):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and zh in result.output and en not in result.output
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 2 and en in result.output


# --- 2. impact: git errors -----------------------------------------------------------------------

def _repo(path: Path) -> None:
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    (path / "rules.yaml").write_text(CORE.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([*git, "init", "-q"], cwd=path, check=True)
    subprocess.run([*git, "add", "."], cwd=path, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=path, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_an_unknown_git_ref_is_named_with_its_repository(tmp_path, monkeypatch):
    _repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["impact", "git:no-such-tag:rules.yaml", "rules.yaml", str(ROOT / "declarations")]
    zh = runner.invoke(app, args)
    assert zh.exit_code == 2
    assert "无法在仓库" in zh.output and "“no-such-tag”" in zh.output and "rules.yaml" in zh.output
    assert str(tmp_path) in zh.output.replace("\n", "") and "git：" in zh.output
    en = runner.invoke(app, [*args, "--lang", "en"])
    assert en.exit_code == 2 and "cannot read rules.yaml at git version 'no-such-tag'" in en.output
    missing = runner.invoke(app, ["impact", "git:HEAD:other.yaml", "rules.yaml", str(ROOT / "declarations")])
    assert missing.exit_code == 2 and "“HEAD”的 other.yaml" in missing.output


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_impact_outside_a_repository_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = runner.invoke(app, ["impact", "git:HEAD:r.yaml", str(CORE), str(ROOT / "declarations")])
    assert result.exit_code == 2 and "不是可读取的 git 仓库" in result.output and "fatal" in result.output


# --- 3. YAML syntax errors in Chinese ------------------------------------------------------------

DECLARATION = "类型: 项目\n项目名称: 乙\n实施单位: 某中心\n项目资金:\n  项目资金总额: 8\n"


@pytest.mark.parametrize("value,line,column,zh", [
    ("@某中心", 3, 7, "YAML 保留的字符"),
    ("`某中心`", 3, 7, "YAML 保留的字符"),
    ("*重点*中心", 3, 8, "锚点或别名"),
    ('"D:\\q目录"', 3, None, "未知的转义"),  # libyaml and PyYAML point at the backslash or the letter
    ('"某"中心', 3, 10, "引号只括住了值的一部分"),
    ("'某''s' 中心", 3, 14, "引号只括住了值的一部分"),
    ("|某中心", 3, 7, "以“|”开头的值要加引号"),
    (">某中心", 3, 7, "以“>”开头的值要加引号"),
    ("某\x0b中心", 3, 8, "不可见的控制字符 #x000b"),
])
def test_common_yaml_mistakes_are_told_in_chinese_with_line_and_column(value, line, column, zh):
    text = DECLARATION.replace("某中心", value, 1)
    _, findings = load_text(text, "d.yaml")
    (finding,) = findings
    assert finding.rule_id == "G60-FILE-002" and finding.line == line
    where = f"第 {line} 行第 {column} 列" if column else f"第 {line} 行第 "
    assert where in finding.message_zh and zh in finding.message_zh
    assert not any(word in finding.message_zh.split("（解析器")[0] for word in ("found", "expected", "character"))
    assert f"line {line}, column {column or ''}" in finding.message_en


def test_the_parser_text_is_kept_as_detail():
    _, (finding,) = load_text(DECLARATION.replace("某中心", "%某中心"), "d.yaml")
    assert "解析器：found character" in finding.message_zh and "cannot start any token" in finding.message_zh
    assert "(parser: found character" in finding.message_en


def test_a_ruleset_yaml_mistake_is_chinese_with_file_line_column(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("ruleset: t\ndescription: `新规则`\nrules: []\n", encoding="utf-8")
    (problem,) = lint(path)
    assert (problem.code, problem.line, problem.column) == ("RS-YAML", 2, 14)
    assert "YAML 保留的字符" in problem.zh and "found character" in problem.zh
    result = runner.invoke(app, ["ruleset", "lint", str(path)])
    assert f"{path}:2:14" in result.output.replace("\n", "") and "YAML 保留的字符" in result.output


@settings(max_examples=40, deadline=None)
# Chinese after the character: "&abc" is a valid anchor on an empty value, not a mistake
@given(st.sampled_from("@`%&*|>"), st.text("甲乙丙一二", min_size=1, max_size=6), st.integers(0, 2))
def test_a_value_starting_with_a_reserved_character_is_named_on_its_line(first, rest, at):
    lines = DECLARATION.splitlines()
    lines.insert(at + 1, f"项目概述: {first}{rest}")
    _, findings = load_text("\n".join(lines) + "\n", "d.yaml")
    (finding,) = findings
    assert finding.rule_id == "G60-FILE-002" and finding.line == at + 2
    assert "无法解析" not in finding.message_zh and "加引号" in finding.message_zh


# --- 4. ruleset lint: warnings exit 0 unless --strict, as its help says ------------------------------

def _overlay(tmp_path: Path, when: str) -> Path:
    """The Songjiang overlay with one more table row, keyed ``when``."""
    text = (ROOT / "rulesets" / "districts" / "songjiang.yaml").read_text(encoding="utf-8")
    text = text.replace("extends: ../shanghai.yaml", f"extends: {ROOT / 'rulesets' / 'shanghai.yaml'}")
    assert "{when: 特定目标类, value: 90}" in text
    path = tmp_path / "overlay.yaml"
    extra = f"{{when: 特定目标类, value: 90}}\n            - {{when: {when}, value: 92}}"
    path.write_text(text.replace("{when: 特定目标类, value: 90}", extra), encoding="utf-8")
    return path


def test_lint_warnings_exit_0_and_fail_only_with_strict(tmp_path):
    path = _overlay(tmp_path, "专项业务")  # a category value no declaration takes: a warning
    plain = runner.invoke(app, ["ruleset", "lint", str(path)])
    assert "RS-UNKNOWN-VALUE" in plain.output and plain.exit_code == 0
    assert runner.invoke(app, ["ruleset", "lint", "--strict", str(path)]).exit_code == 1
    broken = tmp_path / "broken.yaml"
    broken.write_text("ruleset: b\nrules:\n  - id: X-1\n", encoding="utf-8")
    assert runner.invoke(app, ["ruleset", "lint", str(broken)]).exit_code == 1


def test_lint_help_says_what_the_exit_codes_are():
    zh = runner.invoke(app, ["ruleset", "lint", "-h"]).output
    assert "有错误时退出码 1" in zh and "--strict" in zh
    en = " ".join(runner.invoke(app, ["ruleset", "lint", "-h", "--lang", "en"]).output.split())
    assert "exit 1 on an error" in en and "warning too with" in en


# --- 5. G60-COMP-015 names only the header fields that are empty ------------------------------------

HEADER = {"项目性质": "其他经常性项目", "项目类别": "其他运转类", "主管部门": "某委", "实施单位": "某所"}


@pytest.mark.parametrize("engine", ["reference", "durable"])
@pytest.mark.parametrize("empty", [["实施单位"], ["项目类别"], ["主管部门", "项目性质"]])
def test_a_header_finding_names_only_the_empty_header_fields(tmp_path, engine, empty):
    # no dates, targets or budget either: those have rules of their own and are not header fields
    lines = ["类型: 项目", "项目名称: 丙"] + [f"{k}: {'' if k in empty else v}" for k, v in HEADER.items()]
    path = tmp_path / "p.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = screen([path], load_ruleset(ROOT / "rulesets" / "shanghai.yaml"), engine=engine).findings
    (finding,) = [f for f in findings if f.rule_id == "G60-COMP-015"]
    named = finding.message_zh.split("未填写：")[1]
    assert sorted(named.split("、")) == sorted(empty)
    assert finding.message_en.endswith("not filled: " + named)


# --- 6. baseline update lists what it adds in the language asked for ---------------------------------

def test_baseline_update_lists_added_entries_in_the_language_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("d.yaml").write_text("类型: 项目\n项目名称: 丁\n", encoding="utf-8")
    Path("b.json").write_text('{"tool": "g60rules", "version": 1, "findings": []}\n', encoding="utf-8")
    en = runner.invoke(app, ["baseline", "update", "d.yaml", "--baseline", "b.json", "--lang", "en"])
    added = [line for line in en.output.splitlines() if line.startswith("  + ")]
    assert en.exit_code == 0 and added and "added" in en.output
    assert all("project '丁'" in line for line in added), added
    zh = runner.invoke(app, ["baseline", "update", "d.yaml", "--baseline", "b.json"])
    assert zh.exit_code == 0 and "新增 0 条" in zh.output  # nothing new the second time
    Path("b.json").write_text('{"tool": "g60rules", "version": 1, "findings": []}\n', encoding="utf-8")
    zh = runner.invoke(app, ["baseline", "update", "d.yaml", "--baseline", "b.json"])
    added = [line for line in zh.output.splitlines() if line.startswith("  + ")]
    assert added and all("项目“丁”" in line for line in added), added
    assert "“丁”" in Path("b.json").read_text(encoding="utf-8")  # the file keeps the Chinese message


# --- 7. the file-size and row limits hold for every input kind -------------------------------------

EXAMPLE = ROOT / "declarations" / "examples" / "shanghai-2024.yaml"


def _written(folder: Path, kind: str) -> Path:
    """The Shanghai example written as a .xlsx, .docx or .csv file (or copied as YAML)."""
    from g60rules.intake.examples import written_values
    from g60rules.intake.forms import form_sheet, write_csv, write_docx, write_xlsx

    path = folder / f"d.{kind}"
    if kind == "yaml":
        shutil.copy(EXAMPLE, path)
        return path
    values, form = written_values(EXAMPLE)
    sheet = form_sheet(values, form, "申报表", merge_levels=kind != "csv")
    {"xlsx": lambda: write_xlsx([sheet], path), "docx": lambda: write_docx(sheet, path),
     "csv": lambda: write_csv(sheet, path)}[kind]()
    return path


def _rows(path: Path) -> int:
    (project,) = load_corpus([path]).projects
    return len(project.indicators)


@pytest.mark.parametrize("kind", ["yaml", "xlsx", "docx", "csv"])
def test_a_file_over_the_size_limit_is_a_finding_naming_file_and_limit(tmp_path, monkeypatch, kind):
    path = _written(tmp_path, kind)
    assert load_corpus([path]).projects  # under the real limit it is read
    monkeypatch.setattr("g60rules.safeio.MAX_FILE_BYTES", path.stat().st_size - 1)
    corpus = load_corpus([path])
    assert not corpus.projects
    (finding,) = [f for f in corpus.findings if f.rule_id == "G60-FILE-001"]
    assert finding.file.endswith(f"d.{kind}")
    assert f"上限（{path.stat().st_size} 字节）" in finding.message_zh
    assert f"the {path.stat().st_size - 1} bytes limit" in finding.message_en


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_zip_that_unpacks_over_the_limit_is_not_opened(tmp_path, monkeypatch, kind):
    path = _written(tmp_path, kind)
    monkeypatch.setattr("g60rules.safeio.MAX_UNPACKED_BYTES", 4096)
    corpus = load_corpus([path])
    (finding,) = [f for f in corpus.findings if f.rule_id == "G60-FILE-001"]
    assert not corpus.projects and "解压后大于 4096 bytes 的上限" in finding.message_zh


@pytest.mark.parametrize("kind", ["yaml", "xlsx", "docx", "csv"])
def test_a_project_over_the_row_limit_is_a_finding_in_every_kind_of_file(tmp_path, monkeypatch, kind):
    path = _written(tmp_path, kind)
    rows = _rows(path)
    monkeypatch.setattr("g60rules.intake.build.MAX_ROWS", rows - 1)
    corpus = load_corpus([path])
    assert not corpus.projects
    (finding,) = [f for f in corpus.findings if f.rule_id == "G60-LIMIT-001"]
    assert finding.file.endswith(f"d.{kind}") and f"超过每份 {rows - 1} 行的上限" in finding.message_zh
    if kind == "xlsx":
        assert finding.cell  # the sheet and cell of the rows
    monkeypatch.setattr("g60rules.intake.build.MAX_ROWS", rows)
    assert len(load_corpus([path]).projects) == 1  # at the limit it is read


def test_a_project_inline_in_a_department_file_has_the_row_limit_too(tmp_path, monkeypatch):
    rows = "".join(f"      - {{一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 项{i}, 指标值: ≥{i}个}}\n" for i in range(4))
    path = tmp_path / "dept.yaml"
    path.write_text("类型: 部门\n部门名称: 某委\n项目:\n  - 类型: 项目\n    项目名称: 戊\n    绩效指标:\n" + rows
                    + "  - 类型: 项目\n    项目名称: 己\n", encoding="utf-8")
    monkeypatch.setattr("g60rules.intake.build.MAX_ROWS", 3)
    corpus = load_corpus([path])
    (finding,) = [f for f in corpus.findings if f.rule_id == "G60-LIMIT-001"]
    assert finding.file == "dept.yaml" or finding.file.endswith("dept.yaml")
    assert finding.line == 7 and "4 行指标，超过每份 3 行的上限" in finding.message_zh
    (department,) = corpus.departments
    assert [p.name for p in department.projects] == ["己"]
