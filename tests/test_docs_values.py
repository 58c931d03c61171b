"""Issue 10.6: the value-kind examples in docs/rulesets.md compile and mean what the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from g60rules.engines.pool import screen
from g60rules.rules.compiler import ruleset_from_data

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "rulesets.md").read_text(encoding="utf-8")


def _examples() -> list[dict]:
    section = PAGE.split("## What a field holds", 1)[1].split("## Known values", 1)[0]
    block = re.search(r"Examples:\n\n```yaml\n(.*?)```", section, re.DOTALL).group(1)
    return [yaml.safe_load(chunk) for chunk in block.split("\n\n")]


def _ruleset(snippet: dict):
    rule = {"id": "DOC-001", "title": {"zh": "文档", "en": "doc"}, "severity": "error",
            "basis": {"source": "SH-FORM", "clause": "doc"},
            "applies_to": snippet.get("applies_to", "project" if "count" in snippet["when"] else "indicator"),
            "when": snippet["when"], "message": {"zh": "命中", "en": "hit"},
            "examples": [{"expect": "pass", "declaration": {}}, {"expect": "fail", "declaration": {}}]}
    return ruleset_from_data({"ruleset": "doc", "rules": [rule]})


def test_every_example_compiles():
    examples = _examples()
    assert len(examples) == 4
    for snippet in examples:
        _ruleset(snippet)


ROWS = {
    "dated": "  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值: 2024年12月底前}\n",
    "word": "  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值: 及时}\n",
    "late": "  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值: ≤2025-03-31}\n",
    "low": "  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 满意度, 指标值: 80%-90%}\n",
    "cost": "  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 总成本, 指标值: ≤20万元}\n",
}


@pytest.mark.parametrize("index,row,fires", [
    (0, "dated", False), (0, "word", True), (1, "dated", False), (1, "late", True),
    (2, "low", True), (2, "dated", False), (3, "cost", True), (3, "word", False),
])
def test_each_example_means_what_the_page_says(tmp_path, index, row, fires):
    path = tmp_path / "p.yaml"
    path.write_text("类型: 项目\n项目名称: 甲\n计划完成日期: 2024-12-31\n项目资金: {年度资金申请总额: 150000}\n"
                    "绩效指标:\n" + ROWS[row], encoding="utf-8")
    found = [f for f in screen([path], _ruleset(_examples()[index]), engine="reference").findings
             if f.rule_id == "DOC-001"]
    assert bool(found) is fires
