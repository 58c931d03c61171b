"""Each kind of defect from issue 8, with words and numbers of our own (not the cases'), on both engines.

Expected findings are worked out by hand in the comments (amounts in 元), never taken from the code.
"""

from __future__ import annotations

import pytest

from g60rules.engines.pool import screen_corpus
from g60rules.rules.examples import example_corpus

BASE = {"kind": "project", "name": "样例", "nature": "其他经常性项目", "category": "特定目标类",
        "competent_department": "某局", "implementing_unit": "某中心", "plan_start": "2026-01-01",
        "plan_end": "2026-12-31", "project_target": "完成全年任务", "annual_target": "完成全年任务"}
GOOD = [
    {"level1": "产出指标", "level2": "数量指标", "level3": "走访企业数", "target_value": "≥40家"},
    {"level1": "产出指标", "level2": "质量指标", "level3": "走访记录完整率", "target_value": "≥95%"},
    {"level1": "产出指标", "level2": "时效指标", "level3": "完成时间", "target_value": "≤2026-12-31"},
    {"level1": "效益指标", "level2": "社会效益指标", "level3": "问题解决率", "target_value": "≥80%"},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "企业满意度", "target_value": "≥90%"},
]


def project(rows=(), funds=120000, cost=("≤12万元",), **header):
    costs = [{"level1": "成本指标", "level2": "经济成本指标", "level3": f"走访成本{i}", "target_value": c}
             for i, c in enumerate(cost)]
    return {**BASE, **header, "funds": {"total": funds, "annual_request": funds, "fiscal": funds,
                                         "appropriation": funds},
            "indicators": [*(dict(r) for r in GOOD), *costs, *rows]}


def run(shanghai, document):
    """Findings as {(rule, row)} — the same on both engines (asserted)."""
    corpus = example_corpus(document, "own.yaml")
    ref = screen_corpus(corpus, shanghai, engine="reference")
    dur = screen_corpus(corpus, shanghai, engine="durable", jobs=1)
    key = [(f.rule_id, f.row, f.message_zh) for f in ref.findings]
    assert dur.fallbacks == [] and [(f.rule_id, f.row, f.message_zh) for f in dur.findings] == key
    return {(f.rule_id, f.row) for f in ref.findings}, ref.findings


def test_the_base_declaration_is_clean(shanghai):
    assert run(shanghai, project())[0] == set()


# --- cost rows wherever they sit --------------------------------------------------------------------

def test_cost_under_output_is_cost_checked_and_counts_as_a_cost_indicator(shanghai):
    # legacy layout: 成本指标 under 产出指标; ≥15万元 is a floor, and above the 12万元 request
    row = {"level1": "产出指标", "level2": "成本指标", "level3": "车辆租赁成本", "target_value": "≥15万元"}
    found, _ = run(shanghai, project([row], cost=()))
    assert found == {("G60-APP-001", 6), ("G60-APP-002", 6)}


def test_cost_word_without_an_amount(shanghai):
    for word in ("不超预算", "控制在预算内", "合理"):
        row = {"level1": "产出指标", "level2": "成本指标", "level3": "成本控制", "target_value": word}
        assert run(shanghai, project([row]))[0] == {("G60-APP-020", 7)}, word


# --- unit cost × quantity -------------------------------------------------------------------------

def _with_cost(rows, name, value):
    doc = project(rows, cost=())
    doc["indicators"].append({"level1": "成本指标", "level2": "经济成本指标", "level3": name, "target_value": value})
    return doc


def test_unit_cost_pairs_by_shared_subject(shanghai):
    # 每场讲座成本 8,000 元/次 and 举办讲座 ≥20 场: the subject 讲座 → 8,000 × 20 = 160,000 > 120,000
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "举办讲座", "target_value": "≥20场"}]
    found, findings = run(shanghai, _with_cost(rows, "每场讲座成本", "≤8000元/次"))
    assert found == {("G60-APP-003", 7)}
    assert "160,000.00" in findings[0].message_zh and "举办讲座" in findings[0].message_zh
    # 5,000 × 20 = 100,000 ≤ 120,000: checked and fine
    assert run(shanghai, _with_cost(rows, "每场讲座成本", "≤5000元/次"))[0] == set()
    # nothing counts 材料 (neither in 次 nor by name): cannot be checked, said so
    assert run(shanghai, _with_cost(rows, "单份材料成本", "≤50元/次"))[0] == {("G60-APP-004", 7)}


def test_length_unit_cost_pairs_with_the_length_row(shanghai):
    # 护栏 300 元/米 × 500 米 = 150,000 > 120,000
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "新建护栏长度", "target_value": "≥500米"}]
    found, _ = run(shanghai, project(rows, cost=("≤300元/米",)))
    assert found == {("G60-APP-003", 6)}


def test_cost_per_period_times_the_months_of_the_plan(shanghai):
    # 1.5万元/月 over a 2026-04 … 2026-12 plan (9 months) = 135,000 > 120,000; within 8 months it fits
    found, findings = run(shanghai, project(cost=("≤1.5万元/月",), plan_start="2026-04-01"))
    assert found == {("G60-APP-021", 6)} and "135,000.00" in findings[0].message_zh
    assert run(shanghai, project(cost=("≤1.5万元/月",), plan_start="2026-05-01"))[0] == set()
    # a per-year cost over a multi-year plan counts one year against the annual request
    assert run(shanghai, project(cost=("≤12万元/年",), plan_end="2028-12-31",
                                 annual_target="完成首年走访"))[0] == set()


def test_a_total_row_is_not_added_to_its_components(shanghai):
    # 4 + 8 = 12 万元, the total row repeats 12万元: ceilings add up to 12万元, not 24万元
    found, _ = run(shanghai, project(cost=("=4万元", "=8万元", "=12万元")))
    assert found == set()
    # three rows that are not a total and its parts still add up: 5 + 5 + 6 = 16 > 12
    assert run(shanghai, project(cost=("≤5万元", "≤5万元", "≤6万元")))[0] == {("SH-FORM-005", None)}


# --- unit against the name ------------------------------------------------------------------------

@pytest.mark.parametrize("name, value, fires", [
    ("办结率", "≤10(天)", True), ("覆盖率", "≥300人", True), ("覆盖率", "≥30%", False),
    ("入户走访户数", "≥50人次", True), ("入户走访户数", "≥50户", False), ("参训人数", "≥50名", False),
    ("参训人数", "≥50场", True),
])
def test_unit_contradicts_the_name(shanghai, name, value, fires):
    row = {"level1": "产出指标", "level2": "质量指标", "level3": name, "target_value": value}
    assert (("G60-REL-008", 7) in run(shanghai, project([row]))[0]) is fires


def test_unit_written_in_the_name_is_the_rows_unit(shanghai):
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "改造面积(亩)", "target_value": "3000"},
            {"level1": "产出指标", "level2": "质量指标", "level3": "达标率（%）", "target_value": "105"}]
    # 3000 reads as 3000 亩 (no COMP-013), 105 as 105 % (APP-005); neither says ≥/≤/= (COMP-020)
    assert run(shanghai, project(rows))[0] == {("G60-APP-005", 8), ("G60-COMP-020", 7), ("G60-COMP-020", 8)}


# --- vague, yes/no, satisfaction words --------------------------------------------------------------

@pytest.mark.parametrize("word", ["健全", "长远", "良好", "增加", "减少", "程度较高", "按期"])
def test_vague_words_from_the_word_list(shanghai, word):
    row = {"level1": "效益指标", "level2": "可持续影响指标", "level3": "长效机制", "target_value": word}
    assert run(shanghai, project([row]))[0] == {("G60-APP-013", 7)}


def test_yes_no_benefit_and_satisfaction_words(shanghai):
    rows = [{"level1": "效益指标", "level2": "社会效益指标", "level3": "是否带动就业", "target_value": "是"},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "村民满意度", "target_value": "中"},
            {"level1": "产出指标", "level2": "质量指标", "level3": "是否按规范施工", "target_value": "是"}]
    assert run(shanghai, project(rows))[0] == {("G60-APP-017", 7), ("G60-APP-019", 8)}


# --- plausibility and direction -------------------------------------------------------------------

def test_zero_targets_and_ceilings_on_output(shanghai):
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "新增就业岗位", "target_value": "≥0个"},
            {"level1": "产出指标", "level2": "数量指标", "level3": "印发手册", "target_value": "<500册"},
            {"level1": "产出指标", "level2": "质量指标", "level3": "重大事故起数", "target_value": "=0起"}]
    found, _ = run(shanghai, project(rows, cost=("≤12万元", "=0元")))
    assert found == {("G60-APP-015", 7), ("G60-APP-015", 8), ("G60-APP-016", 9)}


def test_adverse_measures_from_the_word_table(shanghai):
    rows = [{"level1": "效益指标", "level2": "社会效益指标", "level3": "学生流失率", "target_value": "≥3%"},
            {"level1": "产出指标", "level2": "质量指标", "level3": "投诉办结率", "target_value": "≥98%"}]
    assert run(shanghai, project(rows))[0] == {("G60-APP-006", 7)}


def test_quantity_given_as_a_rate(shanghai):
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "年度任务完成", "target_value": "≥90%"}]
    assert run(shanghai, project(rows))[0] == {("G60-APP-018", 7)}


# --- template left in -----------------------------------------------------------------------------

def test_template_prompt_in_the_name(shanghai):
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "培训人次（≥** 人次）", "target_value": "≥200人次"},
            {"level1": "产出指标", "level2": "质量指标", "level3": "XX合格率", "target_value": "≥95%"}]
    assert run(shanghai, project(rows))[0] == {("G60-COMP-019", 7), ("G60-COMP-019", 8)}


# --- consistency ------------------------------------------------------------------------------------

def test_multi_year_copy_of_the_target(shanghai):
    doc = project(plan_start="2026-06-01", plan_end="2027-05-31", project_target="建成园区服务中心",
                  annual_target="建成园区服务中心")
    assert run(shanghai, doc)[0] == {("G60-CON-001", None)}
    doc["annual_target"] = "完成园区服务中心主体建设"
    assert run(shanghai, doc)[0] == set()


def test_annual_target_number_against_the_quantity_row(shanghai):
    doc = project(annual_target="全年走访企业30家，形成走访报告")
    found, findings = run(shanghai, doc)
    assert found == {("G60-CON-002", 1)} and "30" in findings[0].message_zh
    assert run(shanghai, project(annual_target="全年走访企业40家"))[0] == set()


def test_number_in_the_name_against_the_value(shanghai):
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "完成培训200人", "target_value": "≥150人"},
            {"level1": "产出指标", "level2": "质量指标", "level3": "验收合格率100%", "target_value": "=100%"}]
    assert run(shanghai, project(rows))[0] == {("G60-CON-003", 7)}


def test_changnian_is_recurrent(shanghai):
    doc = project(nature="常年性项目")
    doc["funds"]["total"] = doc["funds"]["fiscal"] = 240000
    assert run(shanghai, doc)[0] == {("SH-FORM-006", None)}


def test_weights_and_a_staff_total(shanghai, tmp_path):
    doc = project()
    for row, weight in zip(doc["indicators"], (30, 20, 10, 20, 10, 5)):
        row["weight"] = weight
    found, findings = run(shanghai, doc)
    assert found == {("G60-CON-004", None)} and "95" in findings[0].message_zh


# --- one defect, one finding; messages --------------------------------------------------------------

def test_a_nonstandard_first_level_is_one_finding_per_row(shanghai):
    doc = project()
    doc["indicators"][3]["level1"] = "社会指标"
    doc["indicators"][4]["level1"] = None
    found, _ = run(shanghai, doc)
    assert found == {("G60-REL-001", 4), ("G60-COMP-008", 5)}


def test_partial_disclosure_is_not_also_a_totals_gap(shanghai):
    dept = {"kind": "department", "name": "某局", "declared_total": "50万元", "declared_project_count": 4,
            "projects": [project()]}
    assert run(shanghai, dept)[0] == {("SH-FORM-004", None)}


def test_header_finding_names_the_empty_field_and_unreadable_is_said_only_when_so(shanghai):
    doc = project(category=None, unreadable=["annual_target"], annual_target=None)
    found, findings = run(shanghai, doc)
    assert found == {("G60-COMP-015", None), ("G60-FORM-002", None)}
    by_rule = {f.rule_id: f.message_zh for f in findings}
    assert "未填写：" in by_rule["G60-COMP-015"] and "项目类别" in by_rule["G60-COMP-015"]
    assert "年度总体目标" in by_rule["G60-FORM-002"]
    doc = project(annual_target=None)
    (only,) = run(shanghai, doc)[1]
    assert only.rule_id == "G60-COMP-003" and "无法识别" not in only.message_zh


def test_text_report_cites_the_document_and_machine_formats_the_key(shanghai):
    from rich.console import Console

    from g60rules.engines.pool import screen_corpus as sc
    from g60rules.reports.summary import Report
    from g60rules.reports.text import render_text, to_json

    result = sc(example_corpus(project(nature="常年项目") | {"funds": {"total": 1, "annual_request": 2}},
                               "own.yaml"), shanghai, engine="reference")
    console = Console(record=True, width=400)
    render_text(Report(result, shanghai, "zh"), console)
    text = console.export_text()
    assert "依据: 财预〔2015〕88号" in text or "依据: 上海市项目支出绩效目标申报表" in text
    assert "SH-FORM 年度资金申请总额≤项目资金总额" in to_json(Report(result, shanghai, "zh"))


def test_midterm_targets_on_a_multi_year_form_that_has_the_column(shanghai):
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "新建泵站", "target_value": "≥2座"},
            {"level1": "效益指标", "level2": "社会效益指标", "level3": "灌溉面积", "target_value": "≥5000亩"}]
    doc = {"kind": "project", "form": "national-2021", "name": "灌区改造", "period": "2025年-2027年",
           "indicators": rows}
    assert ("G60-CON-005", None) in run(shanghai, doc)[0]
    rows[1]["midterm_target"] = "≥15000亩"
    assert ("G60-CON-005", None) not in run(shanghai, doc)[0]
    doc["period"] = "1年"
    rows[1].pop("midterm_target")
    assert ("G60-CON-005", None) not in run(shanghai, doc)[0]
