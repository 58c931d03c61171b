"""The command line contract: exit codes, formats, languages, bad input that does not stop the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g60rules.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

GOOD = """\
kind: project
name: 良好项目
nature: 其他经常性项目
category: 其他运转类
competent_department: 某局
implementing_unit: 某中心
plan_start: 2024-01-01
plan_end: 2024-12-31
project_target: 形成研究成果
annual_target: 完成 3 篇报告
funds: {total: 100000, fiscal: 100000, annual_request: 100000, appropriation: 100000}
indicators:
  - {level1: 成本指标, level2: 经济成本指标, level3: 单篇报告成本, target_value: "≤30000(元/篇)"}
  - {level1: 产出指标, level2: 数量指标, level3: 报告数量, target_value: "≥3(篇)"}
  - {level1: 产出指标, level2: 质量指标, level3: 评审合格率, target_value: "≥90(%)"}
  - {level1: 产出指标, level2: 时效指标, level3: 完成时间, target_value: "≤2024-12-31"}
  - {level1: 效益指标, level2: 社会效益指标, level3: 成果采纳, target_value: "完成"}
  - {level1: 满意度指标, level2: 服务对象满意度指标, level3: 相关方满意度, target_value: "≥90(%)"}
"""


def _check(*args):
    return runner.invoke(app, ["check", *map(str, args)])


def test_clean_declaration_exits_0(tmp_path):
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    result = _check(tmp_path)
    assert result.exit_code == 0, result.output
    assert "没有计入结果的问题" in result.output


def test_seed_exits_1_and_groups_by_file():
    result = _check(ROOT / "declarations")
    assert result.exit_code == 1
    assert "01-policy-research.yaml" in result.output and "汇总" in result.output
    assert "G60-APP-001" in result.output


def test_fail_on_levels(tmp_path):
    warning_only = GOOD.replace("project_target: 形成研究成果\n", "")
    (tmp_path / "w.yaml").write_text(warning_only, encoding="utf-8")
    assert _check(tmp_path).exit_code == 0
    assert _check(tmp_path, "--fail-on", "warning").exit_code == 1
    assert _check(ROOT / "declarations", "--fail-on", "never").exit_code == 0


def test_english_json(tmp_path):
    result = _check(ROOT / "declarations", "--format", "json", "--lang", "en")
    data = json.loads(result.output)
    assert data["summary"]["error"] > 0
    hit = next(f for f in data["findings"] if f["rule_id"] == "G60-APP-001" and f["project"] == "要素对接")
    assert hit["line"] == 25 and hit["row"] == 1 and hit["indicator"] == "活动成本"
    assert hit["message"].startswith("cost indicator '活动成本'") and hit["basis"] == "CY-2015-88 相应匹配"


def test_a_broken_file_is_a_finding_and_the_run_goes_on(tmp_path):
    shutil.copytree(ROOT / "declarations", tmp_path / "d")
    (tmp_path / "d" / "broken.yaml").write_text("kind: project\nname: [oops\n", encoding="utf-8")
    result = _check(tmp_path / "d", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    broken = [f for f in data["findings"] if f["file"].endswith("broken.yaml")]
    # the [ left open on line 2 is the fault; the parser only notices at the end of the file (line 3)
    assert [(f["rule_id"], f["line"]) for f in broken] == [("G60-FILE-002", 2)]
    assert "解析器读到第 3 行" in broken[0]["message_zh"]
    assert any(f["rule_id"] == "G60-APP-001" for f in data["findings"])


@pytest.mark.parametrize("args", [["--format", "xml"], ["--engine", "magic"], []])
def test_usage_errors_exit_2(args):
    assert _check(*(args or ["--nope"]), ROOT / "declarations").exit_code == 2


def test_missing_path_and_broken_ruleset_exit_2(tmp_path):
    assert _check(tmp_path / "nope").exit_code == 2
    bad = tmp_path / "r.yaml"
    bad.write_text("ruleset: x\nrules:\n  - id: X-1\n    id: X-2\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--ruleset", str(bad), str(ROOT / "declarations")])
    assert result.exit_code == 2
    assert f"{bad}:4:5: RS-DUPKEY" in result.output and "重复" in result.output


def test_reference_engine_gives_the_same_report():
    durable = json.loads(_check(ROOT / "declarations", "-f", "json").output)
    reference = json.loads(_check(ROOT / "declarations", "-f", "json", "--engine", "reference").output)
    assert durable["findings"] == reference["findings"]


@pytest.mark.parametrize("fmt", ["json", "graphml", "dot"])
def test_graph_command(fmt):
    result = runner.invoke(app, ["graph", str(ROOT / "declarations"), "--format", fmt])
    assert result.exit_code == 0 and "活动成本" in result.output


def test_ruleset_test_command():
    result = runner.invoke(app, ["ruleset", "test", "--lang", "en"])
    assert result.exit_code == 0 and " passed, 0 failed" in result.output
    result = runner.invoke(app, ["ruleset", "test"])
    assert result.exit_code == 0 and "个，不符 0 个" in result.output
