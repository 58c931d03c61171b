"""Issue 10.9: help, usage errors and counts follow --lang or the locale (default Chinese); flags
show as flags; -h and --version work; rule ids are case-insensitive on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g60rules import __version__
from g60rules.cli import app
from g60rules.cli_text import cli_lang, error_text

ROOT = Path(__file__).resolve().parent.parent
DECL = str(ROOT / "declarations")


@pytest.fixture
def runner(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


@pytest.mark.parametrize("argv,env,lang", [
    ([], {}, "zh"), ([], {"LANG": "en_US.UTF-8"}, "en"), ([], {"LANG": "C.UTF-8"}, "zh"),
    ([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"), (["check", "--lang", "en"], {}, "en"),
    (["check", "--lang=zh"], {"LANG": "en_GB"}, "zh"), (["check", "--", "--lang", "en"], {}, "zh"),
    (["--lang", "en", "check"], {}, "en"), (["--lang", "en", "check", "--lang=zh"], {}, "zh"),
])
def test_the_language_comes_from_lang_then_the_locale_then_chinese(argv, env, lang):
    assert cli_lang(argv, env) == lang


def test_help_is_chinese_by_default_and_english_on_request(runner):
    zh = runner.invoke(app, ["check", "--help"])
    assert zh.exit_code == 0 and "审核申报文件" in zh.output and "选项" in zh.output
    assert "警告也算失败" in zh.output and "[默认: zh]" in zh.output
    en = runner.invoke(app, ["check", "--lang", "en", "-h"])
    assert en.exit_code == 0 and "Screen declarations" in en.output and "Fail on warnings too" in en.output
    assert "[default: en]" in en.output


@pytest.mark.parametrize("args, english", [
    (["--lang", "en", "check", DECL], True), (["check", DECL, "--lang", "en"], True),
    (["--lang=en", "check", DECL, "--lang", "zh"], False), (["--lang", "zh", "check", DECL, "--lang=en"], True),
    (["--lang", "en", "ruleset", "test", str(ROOT / "rulesets" / "core.yaml")], True),
])
def test_lang_before_or_after_the_command_and_the_later_one_wins(runner, args, english):
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1) and "No such option" not in result.output, result.output
    said = ("units with most errors" in result.output or " passed, 0 failed" in result.output,
            "错误最多的实施单位" in result.output)
    assert said == (english, not english), result.output[-300:]


def test_the_root_help_offers_lang_and_quiet_in_either_language(runner):
    zh = runner.invoke(app, ["-h"])
    assert zh.exit_code == 0 and "--lang" in zh.output and "输出语言" in zh.output and "不显示进度" in zh.output
    en = runner.invoke(app, ["--lang", "en", "-h"])
    assert en.exit_code == 0 and "Language of messages" in en.output and "No progress display" in en.output
    check = runner.invoke(app, ["--lang", "en", "check", "-h"])
    assert check.exit_code == 0 and "Screen declarations" in check.output and "[default: en]" in check.output


@pytest.mark.parametrize("args, quiet", [
    (["-q", "check", DECL], True), (["--quiet", "check", DECL], True), (["check", DECL, "-q"], True),
    (["check", DECL], False),
])
def test_quiet_before_or_after_the_command(runner, monkeypatch, args, quiet):
    import g60rules.cli as cli

    asked = []
    real = cli.progress_for
    monkeypatch.setattr(cli, "progress_for", lambda q, lang="zh": asked.append(q) or real(q, lang))
    result = runner.invoke(app, [*args, "--engine", "reference"])
    assert result.exit_code in (0, 1) and asked == [quiet], result.output[-300:]


def test_the_locale_chooses_english_and_the_default_of_lang(runner, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    result = runner.invoke(app, ["ruleset", "test", str(ROOT / "rulesets" / "core.yaml")])
    assert result.exit_code == 0 and " passed, 0 failed" in result.output
    assert "Work on ruleset files" in runner.invoke(app, ["ruleset", "-h"]).output


def test_flags_show_as_flags(runner):
    for args in (["check", "-h"], ["ruleset", "lint", "-h"], ["baseline", "create", "-h"]):
        output = runner.invoke(app, args).output
        assert "<bool>" not in output and "BOOL" not in output, args
    assert "--strict" in runner.invoke(app, ["check", "-h"]).output


def test_a_flag_given_a_value_says_so(runner):
    result = runner.invoke(app, ["check", DECL, "--strict", "true"])
    assert result.exit_code == 2 and "开关选项不带值" in result.output


def test_version_and_short_help(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"g60rules {__version__}"
    assert "check" in runner.invoke(app, ["-h"]).output


def test_usage_errors_follow_the_language(runner):
    zh = runner.invoke(app, ["check", DECL, "--fomat", "json"])
    assert zh.exit_code == 2 and "没有选项 --fomat" in zh.output and "--format" in zh.output and "错误" in zh.output
    en = runner.invoke(app, ["check", DECL, "--fomat", "json", "--lang", "en"])
    assert en.exit_code == 2 and "No such option: --fomat" in en.output
    assert "缺少参数" in runner.invoke(app, ["check"]).output
    bad = runner.invoke(app, ["check", DECL, "-f", "xml"])
    assert bad.exit_code == 2 and "“xml”不是可选值" in bad.output
    assert "找不到规则集" in runner.invoke(app, ["rules", "--ruleset", "nope.yaml"]).output
    assert "ruleset not found" in runner.invoke(app, ["rules", "--ruleset", "nope.yaml", "--lang", "en"]).output


@pytest.mark.parametrize("message,zh", [
    ("No such command 'chek'. Did you mean 'check'?", "没有命令“chek”；是否想写 'check'？"),
    ("Missing option '--baseline'.", "缺少选项 --baseline"),
    ("Option '--ruleset' requires an argument.", "选项 --ruleset 需要一个值"),
    ("Got unexpected extra argument (x)", "多余的参数：x"),
    ("Something new", "Something new"),
])
def test_click_errors_are_translated(message, zh):
    assert error_text(message, "zh") == zh and error_text(message, "en") == message


def test_rule_ids_are_case_insensitive(runner):
    upper = runner.invoke(app, ["explain", "G60-APP-001"])
    lower = runner.invoke(app, ["explain", "g60-app-001"])
    assert lower.exit_code == 0 and lower.output == upper.output


def test_the_console_script_exits_like_the_runner(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    done = subprocess.run([sys.executable, "-c", "from g60rules.cli import main; main()", "check", DECL, "--fomat", "x"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and "没有选项" in done.stderr + done.stdout
    done = subprocess.run([sys.executable, "-c", "from g60rules.cli import main; main()", "--version"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and __version__ in done.stdout
