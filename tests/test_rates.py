"""A rate that should be high written as a ceiling (G60-APP-023), from a YAML declaration and from a
workbook, on both engines (trial 11: 讲座计划完成率 "≤90%" was not flagged)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from g60rules.cli import app

CASE = Path(__file__).parent / "data" / "rates" / "ceiling.yaml"
runner = CliRunner()


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_yaml_rates_written_as_a_ceiling(tmp_path, engine):
    found = json.loads(_run_json(CASE, tmp_path, engine))
    rows = sorted(f["line"] for f in found if f["rule_id"] == "G60-APP-023")
    names = sorted(f["message"].split("”")[0].lstrip("“") for f in found if f["rule_id"] == "G60-APP-023")
    assert names == ["年度培训计划完成率", "重点人群培训覆盖率"]
    assert rows == [19, 20]  # the file lines of the two rows


def _run_json(path: Path, tmp_path: Path, engine: str, lang: str = "zh") -> str:
    out = tmp_path / f"{engine}.json"
    result = runner.invoke(app, ["check", str(path), "-o", f"json={out}", "--engine", engine, "--lang", lang])
    assert result.exit_code in (0, 1), result.output
    return json.dumps(json.loads(out.read_text(encoding="utf-8"))["findings"])


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_workbook_rates_written_as_a_ceiling(tmp_path, engine):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目"
    for row in (["项目名称", "校园阅读推广", "主管部门", "某区教育局"],
                ["实施单位", "某区图书馆", "计划开始日期", "2026-01-01"],
                ["计划完成日期", "2026-12-31", "年度资金申请总额", "60000"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "举办阅读活动", "≥12(场)"],
                ["产出指标", "质量指标", "活动验收通过率", "≪85%"],
                ["产出指标", "质量指标", "图书借阅不合格率", "≤3%"],
                ["效益指标", "社会效益指标", "学生阅读活动参与率", "≥70%"]):
        sheet.append(row)
    book.save(tmp_path / "阅读.xlsx")
    found = json.loads(_run_json(tmp_path / "阅读.xlsx", tmp_path, engine, lang="en"))
    ours = [f for f in found if f["rule_id"] == "G60-APP-023"]
    assert len(ours) == 1 and "活动验收通过率" in ours[0]["message"] and "use ≥" in ours[0]["message"]
