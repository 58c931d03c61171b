"""Regressions found by trying the product as a new reviewer, policy editor and CI maintainer would."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from g60rules.cli import app

runner = CliRunner()

PROJECT = """\
kind: project
name: 小项目
funds: {total: 200000, annual_request: 200000}
indicators:
  - {level1: 产出指标, level2: 数量指标, level3: 场次, target_value: "≥2(场)"}
"""


def test_a_directory_without_declarations_is_not_a_pass(tmp_path):
    """A mistyped or empty directory screened nothing: exit 2 with a message, never a clean 0."""
    (tmp_path / "notes.txt").write_text("不是申报表", encoding="utf-8")
    zh = runner.invoke(app, ["check", str(tmp_path)])
    en = runner.invoke(app, ["check", str(tmp_path), "--lang", "en"])
    assert zh.exit_code == 2 and "没有找到申报文件" in zh.output
    assert en.exit_code == 2 and "no declaration file" in en.output


def test_a_directory_with_a_declaration_still_runs(tmp_path):
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    assert runner.invoke(app, ["check", str(tmp_path), "--fail-on", "never"]).exit_code == 0


def test_changed_since_with_nothing_changed_is_clean(tmp_path, monkeypatch):
    """With --changed-since, an empty selection is a pass: the change touched no declaration."""
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["check", ".", "--changed-since", "HEAD"]).exit_code == 0
