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


# --- G60-CON-007: a quantity row's 中期指标值 below this year's, from a national workbook ----------

def _workbook(path, rows):
    import openpyxl

    head = [
        ["项目支出绩效目标申报表"],
        ["项目名称", "乡村污水治理", "主管部门", "某县生态环境局"],
        ["实施单位", "某县环境监测站", "预算年度", 2026],
        ["项目期", "2026-2028"],
        ["项目资金（万元）", "资金总额", 1500, "年度资金总额", 500],
        [None, "县本级资金", 500],
        ["总体目标", "改善农村人居环境"],
        ["中期目标", "三年治理行政村45个"],
        ["年度目标", "年内治理行政村15个"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "中期指标值"],
    ]
    book = openpyxl.Workbook()
    ws = book.active
    for r, row in enumerate(head + rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c).value = value
    book.save(path)
    return path


@pytest.mark.parametrize("engine", ["reference", "durable"])
def test_a_midterm_quantity_below_this_years_is_reported(tmp_path, shanghai, engine):
    from g60rules.engines.pool import screen_corpus
    from g60rules.intake.yaml_loader import load_corpus

    rows = [
        ["产出指标", "数量指标", "治理行政村数量", "≥", "15", "个", "10"],  # 10 for three years < 15 this year
        ["产出指标", "数量指标", "新建污水管网长度", "≥", "30", "公里", "90"],
        ["产出指标", "数量指标", "出水达标率", "≥", "90", "%", "85"],  # a rate: not compared
        ["效益指标", "生态效益指标", "受益农户数", "≥", "3000", "户", "2000"],  # not a quantity row
        ["满意度指标", "服务对象满意度指标", "农户满意度", "≥", "90", "%", "92"],
    ]
    corpus = load_corpus([_workbook(tmp_path / "w.xlsx", rows)])
    (project,) = corpus.projects
    assert project.form == "national-2021"
    found = [(f.rule_id, f.row) for f in screen_corpus(corpus, shanghai, engine=engine).findings
             if f.rule_id == "G60-CON-007"]
    assert found == [("G60-CON-007", 1)]
