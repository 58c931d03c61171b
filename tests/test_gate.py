"""The CI gate: baseline, waivers, changed files, pre-commit, and one exit-code contract for every format."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g60rules.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
P2 = "declarations/g60-2024/02-factor-matching.yaml"
P6 = "declarations/g60-2024/06-innovation-cooperation.yaml"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A scratch declaration repository holding the seed, with a baseline committed."""
    shutil.copytree(ROOT / "declarations", tmp_path / "declarations")
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    assert runner.invoke(app, ["baseline", "create", "declarations"]).exit_code == 0
    subprocess.run([*GIT, "add", "-A"], check=True)
    subprocess.run([*GIT, "commit", "-qm", "seed"], check=True)
    return tmp_path


def _check(*args):
    result = runner.invoke(app, ["check", "declarations", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def _edit(path: str, old: str, new: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    assert old in text
    Path(path).write_text(text.replace(old, new), encoding="utf-8")


def _new(data):
    return [(f["rule_id"], f["file"], f["row"]) for f in data["findings"] if f["status"] == "new" and f["state"] != "shadow"]


def test_with_the_baseline_the_seed_passes(repo):
    code, data = _check("--baseline", ".g60rules-baseline.json")
    assert code == 0 and _new(data) == []
    assert data["summary"]["baselined"] == 22 and data["summary"]["fixed"] == 0


def test_moving_lines_keeps_a_finding_baselined(repo):
    _edit(P2, "类型: 项目\n", "# 新增注释行\n# 再加一行\n\n类型: 项目\n")
    code, data = _check("--baseline", ".g60rules-baseline.json")
    assert code == 0 and _new(data) == []
    moved = next(f for f in data["findings"] if f["rule_id"] == "G60-APP-001" and f["file"] == P2)
    assert moved["line"] == 28 and moved["status"] == "baselined"


def test_changing_the_value_makes_it_new_and_a_fix_is_listed(repo):
    _edit(P2, '"≪800000.00(元)"', '"≪900000.00(元)"')
    code, data = _check("--baseline", ".g60rules-baseline.json")
    assert code == 1 and _new(data) == [("G60-APP-001", P2, 1)]
    assert [(e["rule_id"], e["value"]) for e in data["fixed"]] == [("G60-APP-001", "800,000.00")]


ADD_DEFECT = ('  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 相关方满意度, 指标值: "≥85.00(%)"}\n',
              '  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 相关方满意度, 指标值: "≥85.00(%)"}\n'
              '  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 企业参与率, 指标值: "≥120(%)"}\n')


def test_pull_request_with_one_defect_fails_with_exactly_that_finding(repo):
    jsonschema = pytest.importorskip("jsonschema")
    _edit(P6, *ADD_DEFECT)
    code, data = _check("--baseline", ".g60rules-baseline.json", "--changed-since", "HEAD",
                        "--output", "sarif=report.sarif")
    assert code == 1
    assert _new(data) == [("G60-APP-005", P6, 7)]
    assert set(data["files"]) == {P6, "declarations/g60-2024/department.yaml"}
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(json.loads(Path("report.sarif").read_text(encoding="utf-8")))

    Path(".g60rules-waivers.yaml").write_text(
        "waivers:\n"
        "  - rule: G60-APP-005\n"
        "    files: declarations/g60-2024/06-*.yaml\n"
        "    indicator: 企业参与率\n"
        "    reason: 参与率按累计参与企业数计算，可超过 100%\n"
        "    approved_by: 区财政局绩效科\n"
        f"    expires: {dt.date.today() + dt.timedelta(days=30)}\n", encoding="utf-8")
    code, data = _check("--baseline", ".g60rules-baseline.json", "--changed-since", "HEAD")
    assert code == 0 and _new(data) == []
    (waived,) = [f for f in data["findings"] if f["status"] == "waived"]
    assert waived["rule_id"] == "G60-APP-005" and "区财政局绩效科" in waived["waiver"]
    assert data["summary"]["waived"] == 1
    text = runner.invoke(app, ["check", "declarations", "--baseline", ".g60rules-baseline.json"]).stdout
    assert "已豁免" in text and "企业参与率" in text


def _waiver(expires: str, rule: str = "G60-APP-001", files: str = "declarations/*/02-*.yaml") -> str:
    return (f"waivers:\n  - rule: {rule}\n    files: {files}\n    reason: 跨年度合同\n"
            f"    approved_by: 张三\n    expires: {expires}\n")


def test_expired_and_unused_waivers_are_reported(repo):
    Path("w.yaml").write_text(_waiver("2020-01-01") + _waiver("2099-01-01", "G60-FEA-001")[9:], encoding="utf-8")
    code, data = _check("--waivers", "w.yaml")
    ids = {(f["rule_id"], f["file"], f["line"]) for f in data["findings"]}
    assert ("G60-WAIVER-001", "w.yaml", 2) in ids and ("G60-WAIVER-002", "w.yaml", 7) in ids
    assert any(f["rule_id"] == "G60-APP-001" and f["status"] == "new" for f in data["findings"])


def test_a_broken_waiver_file_stops_with_its_line(repo):
    Path("w.yaml").write_text(_waiver("2099-01-01").replace("    reason: 跨年度合同\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["check", "declarations", "--waivers", "w.yaml"])
    assert result.exit_code == 2 and "w.yaml:2" in result.output and "reason" in result.output


def test_inline_waivers_need_a_reason(repo):
    _edit(P2, '三级指标: 活动成本, 指标值: "≪800000.00(元)"}',
          '三级指标: 活动成本, 指标值: "≪800000.00(元)"}  # g60rules: waive G60-APP-001 -- 含上年合同尾款')
    code, data = _check()
    hit = next(f for f in data["findings"] if f["rule_id"] == "G60-APP-001" and f["file"] == P2)
    assert hit["status"] == "waived" and "含上年合同尾款" in hit["waiver"]
    _edit(P2, "# g60rules: waive G60-APP-001 -- 含上年合同尾款", "# g60rules: waive G60-APP-001")
    code, data = _check()
    assert ("G60-WAIVER-003", P2, 25) in {(f["rule_id"], f["file"], f["line"]) for f in data["findings"]}
    assert next(f for f in data["findings"] if f["rule_id"] == "G60-APP-001" and f["file"] == P2)["status"] == "new"


def test_changed_since_screens_the_changed_project_and_its_department(repo):
    code, data = _check("--changed-since", "HEAD")
    assert code == 0 and data["files"] == [] and data["findings"] == []
    _edit(P6, "项目性质: 其他经常性项目", "项目性质: 其他经常性项目 ")
    code, data = _check("--changed-since", "HEAD")
    assert sorted(data["files"]) == ["declarations/g60-2024/06-innovation-cooperation.yaml",
                                     "declarations/g60-2024/department.yaml"]
    assert {f["file"] for f in data["findings"]} == {P6}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "gitlab", "jsonl"])
def test_exit_codes_are_the_same_in_every_format(tmp_path, fmt):
    assert runner.invoke(app, ["check", str(ROOT / "declarations"), "-f", fmt]).exit_code == 1
    assert runner.invoke(app, ["check", str(ROOT / "declarations"), "-f", fmt, "--fail-on", "never"]).exit_code == 0
    clean = tmp_path / "clean.yaml"
    clean.write_text("kind: project\nname: 甲\n", encoding="utf-8")
    assert runner.invoke(app, ["check", str(clean), "-f", fmt, "--ruleset", str(ROOT / "rulesets" / "districts"
                                                                                / "songjiang.yaml"),
                               "--fail-on", "never"]).exit_code == 0
    assert runner.invoke(app, ["check", str(tmp_path / "nope"), "-f", fmt]).exit_code == 2


def test_strict_fails_on_warnings(tmp_path):
    only_warning = tmp_path / "w.yaml"
    only_warning.write_text((ROOT / "tests" / "data" / "clean-project.yaml").read_text(encoding="utf-8")
                            .replace("项目总目标: 形成可复用的研究成果\n", ""), encoding="utf-8")
    assert runner.invoke(app, ["check", str(only_warning)]).exit_code == 0
    assert runner.invoke(app, ["check", str(only_warning), "--strict"]).exit_code == 1


def test_pre_commit_hook_passes_a_good_and_fails_a_bad_declaration(tmp_path):
    """Runs the hook as a user would: pre-commit installs this repository into its own environment."""
    pytest.importorskip("pre_commit")
    repo = tmp_path / "decl-repo"
    repo.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "clean-project.yaml", repo / "good.yaml")
    (repo / "bad.yaml").write_text("kind: project\nname: 坏\nfunds: {total: 100, annual_request: 200}\n",
                                   encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def hook(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "g60rules", "--files",
                               *files], cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    good = hook("good.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = hook("bad.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "G60-APP-011" in bad.stdout


def test_a_bad_date_in_the_waivers_file_exits_2_with_its_line(repo):
    # Regression: a timestamp such as 2027-13-01 crashed the run with a traceback and exit code 1.
    Path("w.yaml").write_text(_waiver("2027-13-01"), encoding="utf-8")
    result = runner.invoke(app, ["check", "declarations", "--waivers", "w.yaml"])
    assert result.exit_code == 2 and "w.yaml:6:" in result.output and "month must be in 1..12" in result.output


def test_waivers_for_files_not_screened_are_not_called_unused(repo):
    # Regression: with --changed-since, a waiver for an untouched file was reported as unused.
    Path("w.yaml").write_text(_waiver("2099-01-01", "G60-COMP-018", "declarations/*/06-*.yaml"), encoding="utf-8")
    _edit(P2, "项目性质: 其他经常性项目", "项目性质: 其他经常性项目 ")
    code, data = _check("--waivers", "w.yaml", "--changed-since", "HEAD", "--strict")
    assert not [f for f in data["findings"] if f["rule_id"] == "G60-WAIVER-002"]


def test_a_file_finding_stays_baselined_when_lines_move(repo):
    # Regression: the fingerprint of a file check carried its message ("first on line N").
    _edit(P2, "项目名称: 要素对接\n", "项目名称: 要素对接\n项目名称: 要素对接\n")
    assert runner.invoke(app, ["baseline", "update", "declarations"]).exit_code == 0
    _edit(P2, "类型: 项目\n", "# 注释\n类型: 项目\n")
    code, data = _check("--baseline", ".g60rules-baseline.json")
    assert code == 0 and _new(data) == [] and data["summary"]["fixed"] == 0


def test_a_ref_that_looks_like_an_option_is_refused(repo):
    result = runner.invoke(app, ["check", "declarations", "--changed-since=--output=pwned.txt"])
    assert result.exit_code == 2 and not Path("pwned.txt").exists()


def test_an_empty_waivers_file_waives_nothing(repo):
    Path(".g60rules-waivers.yaml").write_text("", encoding="utf-8")
    assert _check()[0] == 1
    Path(".g60rules-waivers.yaml").write_text("waivers:\n", encoding="utf-8")
    assert _check()[0] == 1


def test_a_malformed_baseline_exits_2(repo):
    Path("b.json").write_text('{"tool": "g60rules", "version": 1, "findings": [{"fingerprint": 5}]}', encoding="utf-8")
    result = runner.invoke(app, ["check", "declarations", "--baseline", "b.json"])
    assert result.exit_code == 2 and "findings[0]" in result.output


def test_strict_and_fail_on_never_contradict(repo):
    assert runner.invoke(app, ["check", "declarations", "--strict", "--fail-on", "never"]).exit_code == 2


def test_baseline_update_leaves_waived_findings_out_and_lists_what_it_adds(repo):
    # issue 10.1: a waived finding absorbed into the baseline passed CI after its waiver expired.
    _edit(P6, *ADD_DEFECT)
    Path("w.yaml").write_text(_waiver((dt.date.today() + dt.timedelta(days=30)).isoformat(), "G60-APP-005",
                                      "declarations/*/06-*.yaml"), encoding="utf-8")
    _edit(P2, "项目名称: 要素对接\n", "项目名称: 要素对接\n项目名称: 要素对接\n")  # a new, unwaived finding
    result = runner.invoke(app, ["baseline", "update", "declarations", "--waivers", "w.yaml"])
    assert result.exit_code == 0, result.output
    assert "新增 1 条" in result.stdout and "1 条已豁免的结果未写入" in result.stdout
    assert f"+ G60-FILE-003 {P2}" in result.stdout and "G60-APP-005" not in result.stdout
    entries = json.loads(Path(".g60rules-baseline.json").read_text(encoding="utf-8"))["findings"]
    assert not [e for e in entries if e["rule_id"] == "G60-APP-005"]
    # the waiver expires: the defect fails the run again
    code, data = _check("--baseline", ".g60rules-baseline.json", "--waivers", "w.yaml",
                        "--as-of", (dt.date.today() + dt.timedelta(days=31)).isoformat())
    assert code == 1 and _new(data) == [("G60-APP-005", P6, 7), ("G60-WAIVER-001", "w.yaml", None)]


def test_baseline_create_leaves_out_findings_waived_inline(repo, tmp_path):
    _edit(P2, '三级指标: 活动成本, 指标值: "≪800000.00(元)"}',
          '三级指标: 活动成本, 指标值: "≪800000.00(元)"}  # g60rules: waive G60-APP-001 -- 含上年合同尾款')
    result = runner.invoke(app, ["baseline", "create", "declarations", "--baseline", "b.json", "--lang", "en"])
    assert result.exit_code == 0 and "1 waived findings left out" in result.stdout
    entries = json.loads(Path("b.json").read_text(encoding="utf-8"))["findings"]
    assert not [e for e in entries if e["rule_id"] == "G60-APP-001" and e["file"] == P2]


def _git(*args):
    subprocess.run([*GIT, *args], check=True)


@pytest.mark.parametrize("how", ["delete", "rename"])
def test_changed_since_screens_the_department_of_a_deleted_or_renamed_project(repo, how):
    # issue 10.2: the pull request passed while the full run on main failed (G60-FILE-007).
    P3 = "declarations/g60-2024/03-industry-research.yaml"
    if how == "delete":
        _git("rm", "-q", P3)
    else:
        _git("mv", P3, "declarations/g60-2024/03-research.yaml")
    _git("commit", "-qm", how)
    code, data = _check("--baseline", ".g60rules-baseline.json", "--changed-since", "HEAD~1")
    assert "declarations/g60-2024/department.yaml" in data["files"]
    assert ("G60-FILE-007", "declarations/g60-2024/department.yaml", 12) in {
        (f["rule_id"], f["file"], f["line"]) for f in data["findings"] if f["status"] == "new"}
    assert code == 1


def test_changed_since_reads_file_names_that_git_would_quote(repo):
    name = "declarations/g60-2024/07-新项目.yaml"
    shutil.copy(ROOT / "tests" / "data" / "clean-project.yaml", name)
    _edit("declarations/g60-2024/department.yaml", "  - 06-innovation-cooperation.yaml\n",
          "  - 06-innovation-cooperation.yaml\n  - 07-新项目.yaml\n")
    _git("add", "-A")
    _git("commit", "-qm", "new project")
    code, data = _check("--changed-since", "HEAD~1")
    assert name in data["files"]


def test_a_waiver_whose_path_matches_no_file_is_reported(repo):
    # issue 10.3: a typo in the path glob was never reported, though docs/ci.md said it would be.
    Path("w.yaml").write_text(_waiver("2099-01-01", "G60-APP-001", "declaration/*/02-*.yaml"), encoding="utf-8")
    code, data = _check("--waivers", "w.yaml")
    (unused,) = [f for f in data["findings"] if f["rule_id"] == "G60-WAIVER-002"]
    assert unused["file"] == "w.yaml" and unused["line"] == 2 and "不匹配任何文件" in unused["message"]
    # also when only part of the tree is screened
    _edit(P6, "项目性质: 其他经常性项目", "项目性质: 其他经常性项目 ")
    code, data = _check("--waivers", "w.yaml", "--changed-since", "HEAD")
    assert [f["line"] for f in data["findings"] if f["rule_id"] == "G60-WAIVER-002"] == [2]


def test_an_expired_waiver_brings_back_a_finding_an_older_baseline_absorbed(repo):
    # issue 10.1: baselines written before waived findings were left out may hold them
    Path("w.yaml").write_text(_waiver("2020-01-01"), encoding="utf-8")
    code, data = _check("--baseline", ".g60rules-baseline.json", "--waivers", "w.yaml")
    assert code == 1 and ("G60-APP-001", P2, 1) in _new(data)
    code, data = _check("--baseline", ".g60rules-baseline.json")
    assert code == 0
