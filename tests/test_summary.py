"""Issue 10.10: the summary counts projects, departments and unreadable files apart; engine details
only with --verbose; a 10,000-fold gap between two compared amounts says 万元 and 元 were likely mixed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.graph import wan_yuan_mixup

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(ROOT / "declarations" / "g60-2024", tmp_path / "d")
    (tmp_path / "d" / "broken.yaml").write_text("类型: 项目\n项目名称: [未闭合\n", encoding="utf-8")
    (tmp_path / "d" / "list.yaml").write_text("- 不是申报\n", encoding="utf-8")
    return tmp_path / "d"


def test_projects_departments_and_unreadable_files_are_counted_apart(tree):
    text = runner.invoke(app, ["check", str(tree)]).stdout
    assert "文件 9 个：项目申报 6 份，部门文件 1 份，无法读取 2 个" in text
    assert "引擎" not in text and "durable" not in text
    english = runner.invoke(app, ["check", str(tree), "--lang", "en"]).stdout
    assert "9 files: 6 project declarations, 1 department files, 2 unreadable" in english
    data = json.loads(runner.invoke(app, ["check", str(tree), "-f", "json"]).stdout)
    assert (data["projects"], data["departments"]) == (6, 1)
    assert sorted(Path(f).name for f in data["unreadable_files"]) == ["broken.yaml", "list.yaml"]


def test_engine_details_only_with_verbose(tree):
    assert "引擎: durable" in runner.invoke(app, ["check", str(tree), "--verbose"]).stdout
    assert "engine: reference" in runner.invoke(app, ["check", str(tree), "-v", "--engine", "reference",
                                                      "--lang", "en"]).stdout


@pytest.mark.parametrize("a,b,mixed", [
    (735_000, 73.5, True), (73.5, 735_000, True), (5_035_000, 503.5, True), (100_000, 10.5, True),
    (735_000, 735_000, False), (735_000, 7_350, False), (735_000, 0, False), (100_000, 8, False),
])
def test_a_ten_thousand_fold_gap_is_a_suspected_unit_mixup(a, b, mixed):
    assert wan_yuan_mixup(a, b) is mixed


def _project(tmp_path: Path, budget: str, request: str, cost: str = "≤30000(元/篇)") -> Path:
    text = (ROOT / "tests" / "data" / "clean-project.yaml").read_text(encoding="utf-8")
    text = (text.replace("年度预算安排: 10万元", f"年度预算安排: {budget}")
            .replace("  年度资金申请总额: 100000", f"  年度资金申请总额: {request}")
            .replace("≤30000(元/篇)", cost))
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_a_budget_written_in_yuan_where_wan_was_meant_is_named(tmp_path, engine):
    # 年度预算安排 is read in 万元: "100000" means 10 亿元 against a request of 100,000 元
    data = json.loads(runner.invoke(app, ["check", str(_project(tmp_path, "100000", "100000")), "-f", "json",
                                          "--engine", engine]).stdout)
    (hit,) = [f for f in data["findings"] if f["rule_id"] == "SH-FORM-001"]
    assert "疑似万元与元混用" in hit["message_zh"] and "10,000-fold" in hit["message_en"]
    data = json.loads(runner.invoke(app, ["check", str(_project(tmp_path, "12万元", "100000")), "-f", "json",
                                          "--engine", engine]).stdout)
    (hit,) = [f for f in data["findings"] if f["rule_id"] == "SH-FORM-001"]
    assert "万元与元" not in hit["message_zh"]


def test_a_cost_ceiling_compared_with_the_request_names_the_mixup(tmp_path):
    path = _project(tmp_path, "10万元", "100000", "≤1000000000(元)")
    data = json.loads(runner.invoke(app, ["check", str(path), "-f", "json"]).stdout)
    (hit,) = [f for f in data["findings"] if f["rule_id"] == "G60-APP-001"]
    assert "疑似万元与元混用" in hit["message_zh"]


def test_a_department_total_written_in_yuan_names_the_mixup(tmp_path):
    shutil.copytree(ROOT / "declarations" / "g60-2024", tmp_path / "d")
    dept = tmp_path / "d" / "department.yaml"
    dept.write_text(dept.read_text(encoding="utf-8").replace("涉及项目预算资金: 503.50万元", "涉及项目预算资金: 503.50元"),
                    encoding="utf-8")
    data = json.loads(runner.invoke(app, ["check", str(tmp_path / "d"), "-f", "json"]).stdout)
    (hit,) = [f for f in data["findings"] if f["file"].endswith("department.yaml") and f["field"] == "declared_total"]
    assert "疑似万元与元混用" in hit["message_zh"]
