"""Leftovers of issue 10 a user meets in the CLI: help and usage lines in the user's language,
git errors of ``impact`` naming ref and repository, YAML syntax errors in Chinese, ``ruleset lint``'s
exit code, header findings naming only the empty fields, ``baseline update --lang en``, and the size
limits on every input kind."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g60rules.cli import app

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
