"""G60-CON-006: a multi-year project whose 年度目标 repeats its 中期目标 word for word (values3, issue
8's closing note: "CON-001 does not compare the annual target with 中期目标"), on both engines, with
declarations of our own; one defect gives one finding when 总体目标 is the same text too."""

from __future__ import annotations

from pathlib import Path

import pytest

from g60rules.engines.pool import screen

NATIONAL = """\
kind: project
form: national-2021
name: {name}
competent_department: 某县住建局
implementing_unit: 某县城建中心
budget_year: 2026
period: "{period}"
funds: {{total: 900万元, annual_request: 300万元, county: 300万元}}
project_target: {project}
midterm_target: {midterm}
annual_target: {annual}
indicators:
  - {{level1: 产出指标, level2: 数量指标, level3: 改造老旧小区数量, operator: "≥", target_value: "6", unit: 个, midterm_target: "≥18"}}
  - {{level1: 产出指标, level2: 时效指标, level3: 年度改造完成时间, target_value: "2026年12月底前"}}
  - {{level1: 效益指标, level2: 社会效益指标, level3: 受益居民户数, operator: "≥", target_value: "2400", unit: 户}}
  - {{level1: 满意度指标, level2: 服务对象满意度指标, level3: 居民满意度, operator: "≥", target_value: "90", unit: "%"}}
"""
CASES = {
    # name: (period, 总体目标, 中期目标, 年度目标)
    "copied": ("2026-2028", "改善老旧小区居住条件", "三年改造老旧小区18个", "三年改造老旧小区18个"),
    "copied-spaces": ("3年", "改善老旧小区居住条件", "三年改造老旧小区18个", "三年改造 老旧小区 18个"),
    "all-three": ("2026-2028", "三年改造老旧小区18个", "三年改造老旧小区18个", "三年改造老旧小区18个"),
    "own-share": ("2026-2028", "改善老旧小区居住条件", "三年改造老旧小区18个", "年内改造老旧小区6个"),
    "one-year": ("2026", "改善老旧小区居住条件", "改造老旧小区6个", "改造老旧小区6个"),
}


@pytest.fixture(scope="module", params=["reference", "durable"])
def found(request, tmp_path_factory, shanghai):
    folder = tmp_path_factory.mktemp("con006")
    for name, (period, project, midterm, annual) in CASES.items():
        (folder / f"{name}.yaml").write_text(
            NATIONAL.format(name=name, period=period, project=project, midterm=midterm, annual=annual),
            encoding="utf-8")
    result = screen([folder], shanghai, engine=request.param)
    hits: dict[str, set[str]] = {name: set() for name in CASES}
    for f in result.findings:
        hits[Path(f.file).stem].add(f.rule_id)
    return hits


def test_an_annual_target_copying_the_midterm_one_is_reported(found):
    assert "G60-CON-006" in found["copied"]
    assert "G60-CON-006" in found["copied-spaces"]  # spacing is no difference
    assert "G60-CON-001" not in found["copied"]


def test_one_defect_one_finding(found):
    assert "G60-CON-001" in found["all-three"] and "G60-CON-006" not in found["all-three"]


def test_what_is_not_reported(found):
    assert "G60-CON-006" not in found["own-share"]
    assert "G60-CON-006" not in found["one-year"]
