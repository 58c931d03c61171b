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
    assert zh.exit_code == 2 and "1 个 .txt 文件，0 份申报表" in zh.output
    assert en.exit_code == 2 and "1 .txt files, 0 declarations: nothing was screened" in en.output


def test_a_directory_with_a_declaration_still_runs(tmp_path):
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    assert runner.invoke(app, ["check", str(tmp_path), "--fail-on", "never"]).exit_code == 0


def _committed_repo(tmp_path, monkeypatch) -> None:
    """A git repository holding one committed declaration, as the working directory."""
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)


def test_changed_since_with_nothing_changed_is_clean(tmp_path, monkeypatch):
    """With --changed-since, an empty selection is a pass: the change touched no declaration."""
    _committed_repo(tmp_path, monkeypatch)
    assert runner.invoke(app, ["check", ".", "--changed-since", "HEAD"]).exit_code == 0


def test_baseline_never_absorbs_a_file_that_could_not_be_screened(tmp_path, monkeypatch):
    """A broken file or a missing listed project in the baseline would never be screened again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "ok.yaml").write_text(PROJECT, encoding="utf-8")
    (tmp_path / "d" / "bad.yaml").write_text("kind: project\nname: [未闭合\n", encoding="utf-8")
    (tmp_path / "d" / "dept.yaml").write_text("kind: department\nname: 某部门\nprojects: [ok.yaml, gone.yaml]\n",
                                              encoding="utf-8")
    made = runner.invoke(app, ["baseline", "create", "d"])
    assert made.exit_code == 0, made.output
    assert "2 条" in made.output and "无法审核" in made.output
    held = (tmp_path / ".g60rules-baseline.json").read_text(encoding="utf-8")
    assert "G60-FILE-002" not in held and "G60-FILE-007" not in held
    run = runner.invoke(app, ["check", "d", "--baseline", ".g60rules-baseline.json"])
    assert run.exit_code == 1 and "G60-FILE-002" in run.output and "G60-FILE-007" in run.output


def test_an_old_baseline_holding_a_broken_file_does_not_hide_it(tmp_path, monkeypatch):
    import json

    from g60rules.gate import baseline_fingerprints
    from g60rules.findings import Finding

    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("kind: project\nname: [未闭合\n", encoding="utf-8")
    out = runner.invoke(app, ["check", "bad.yaml", "--format", "json"])
    found = [f for f in json.loads(out.stdout)["findings"] if f["rule_id"] == "G60-FILE-002"]
    assert found
    fields = {k: v for k, v in found[0].items() if k in Finding.__dataclass_fields__}
    fp = baseline_fingerprints([Finding(**fields)])[0]
    (tmp_path / "old.json").write_text(json.dumps({"tool": "g60rules", "version": 1, "findings": [
        {"fingerprint": fp, "rule_id": "G60-FILE-002", "file": "bad.yaml", "message": "x"}]}), encoding="utf-8")
    # beside a declaration that screens (alone, the broken file would be "nothing screened": exit 2)
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    run = runner.invoke(app, ["check", "bad.yaml", "p.yaml", "--baseline", "old.json", "--format", "json"])
    broken = [f for f in json.loads(run.stdout)["findings"] if f["rule_id"] == "G60-FILE-002"]
    assert run.exit_code == 1 and [f["status"] for f in broken] == ["new"], run.output


def _mistyped_category(tmp_path, word: str):
    import pytest

    from g60rules.rules.compiler import RulesetError, load_ruleset

    path = tmp_path / "r.yaml"
    path.write_text(f"""\
ruleset: t
rules:
  - id: T-009
    title: {{zh: 测试, en: test}}
    severity: warning
    basis: {{source: SH-FORM, clause: 测试}}
    applies_to: indicator
    when: {{field: level2_code, eq: {word}}}
    message: {{zh: 有, en: found}}
    examples:
      - {{expect: fail, declaration: {{indicators: [{{level1: 产出指标, level2: 时效指标, target_value: 1}}]}}}}
      - {{expect: pass, declaration: {{indicators: [{{level1: 效益指标, target_value: 1}}]}}}}
""", encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_ruleset(path)
    return err.value.problem


def test_a_mistyped_category_name_gets_a_suggestion(tmp_path):
    """'时效指数' for '时效指标' (or 'timelines' for 'timeliness') names the value meant, not only a list."""
    problem = _mistyped_category(tmp_path, "时效指数")
    assert "是否想写“时效指标”" in problem.zh and "did you mean '时效指标'" in str(problem.en)
    assert "是否想写“timeliness”" in _mistyped_category(tmp_path, "timelines").zh
    assert "是否想写" not in _mistyped_category(tmp_path, "完全不相干的词").zh


def test_baseline_leaves_out_findings_under_an_expired_waiver(tmp_path, monkeypatch):
    """check never counts them as baselined, so the baseline must not claim to hold them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "p.yaml").write_text(PROJECT, encoding="utf-8")
    (tmp_path / ".g60rules-waivers.yaml").write_text(
        "waivers:\n  - {rule: G60-COMP-005, files: d/p.yaml, reason: 旧豁免, approved_by: 某科, expires: 2020-01-01}\n",
        encoding="utf-8")
    made = runner.invoke(app, ["baseline", "create", "d"])
    held = (tmp_path / ".g60rules-baseline.json").read_text(encoding="utf-8")
    assert "G60-COMP-005" not in held and "豁免已过期的结果未写入" in made.output
    run = runner.invoke(app, ["check", "d", "--baseline", ".g60rules-baseline.json", "--format", "json"])
    import json

    counted = json.loads(run.stdout)["findings"]
    assert [f["status"] for f in counted if f["rule_id"] == "G60-COMP-005"] == ["new"]
    assert run.exit_code == 1


def test_a_missing_baseline_says_how_to_make_one(tmp_path, monkeypatch):
    """'baseline update' or 'check --baseline' on a file not there yet: no raw errno text, the next step."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text(PROJECT, encoding="utf-8")
    for args in (["baseline", "update", "p.yaml", "--baseline", "b.json"], ["check", "p.yaml", "--baseline", "b.json"]):
        zh = runner.invoke(app, args)
        en = runner.invoke(app, [*args, "--lang", "en"])
        assert zh.exit_code == en.exit_code == 2
        assert "b.json: 基线文件不存在" in zh.output and "baseline create" in zh.output and "Errno" not in zh.output
        assert "b.json: no such baseline" in en.output and "baseline create" in en.output


def test_an_unknown_table_value_is_reported_on_its_row(tmp_path):
    """Lint names the line of the threshold-table row with the typo, in an override as in a rule."""
    base = Path(__file__).resolve().parent.parent / "rulesets" / "shanghai.yaml"
    path = tmp_path / "d.yaml"
    path.write_text(f"""\
ruleset: d
extends: {base}
overrides:
  G60-APP-008:
    params:
      floor:
        table:
          key: project.category
          rows:
            - {{when: 特定目标类, value: 90}}
            - {{when: 其它运转类, value: 95}}
            - {{value: 88}}
""", encoding="utf-8")
    out = runner.invoke(app, ["ruleset", "lint", str(path)])
    (line,) = [x for x in out.output.splitlines() if "RS-UNKNOWN-VALUE" in x]
    assert line.startswith(f"{path}:11:"), line


def test_changed_since_an_unknown_ref_says_what_to_do(tmp_path, monkeypatch):
    """Not git's raw 'fatal: bad revision': which ref, and the usual cause in CI (a shallow clone)."""
    _committed_repo(tmp_path, monkeypatch)
    zh = runner.invoke(app, ["check", ".", "--changed-since", "origin/nope"])
    en = runner.invoke(app, ["check", ".", "--changed-since", "origin/nope", "--lang", "en"])
    assert zh.exit_code == en.exit_code == 2
    assert "“origin/nope”不是本仓库的 git 版本" in zh.output and "fetch-depth: 0" in zh.output
    assert "'origin/nope' is not a revision of this repository" in en.output and "fatal" not in en.output
