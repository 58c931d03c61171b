"""Trial 8 (new-user review): how an indicator name or a header text is read.

- a quality word negated in the name (不达标率, 未完成率) is a shortfall: not output quality
  (G60-REL-006), and low-is-good for the direction rules (G60-APP-006 / G60-APP-022);
- more things that should be rare (漏损, 破损, 损耗, 停电 …) make a low-is-good rate or count;
- G60-APP-022's advice names a 指标方向 column only where the row has one;
- template prompts left in the project name or header targets (G60-COMP-022).

Expected findings are worked out by hand from the names and values; every run is on both engines.
"""

from __future__ import annotations

import pytest

from g60rules.engines.pool import screen_corpus
from g60rules.rules.examples import example_corpus


def shanghai_project(rows, **header) -> dict:
    return {"kind": "project", "name": "社区健康管理", "nature": "其他经常性项目", "category": "其他运转类",
            "competent_department": "某区卫健委", "implementing_unit": "某区疾控中心",
            "plan_start": "2026-01-01", "plan_end": "2026-12-31", "budget_arrangement": "60万元",
            "project_target": "提升慢性病规范管理水平", "annual_target": "规范管理患者8000人",
            "funds": {"total": 600000, "fiscal": 600000, "annual_request": 600000, "appropriation": 600000},
            "indicators": rows, **header}


def row(level3: str, value: str, level1: str = "效益指标", level2: str = "社会效益指标", **more) -> dict:
    return {"level1": level1, "level2": level2, "level3": level3, "target_value": value, **more}


def run(shanghai, document) -> list[tuple[str, int | None, str]]:
    """Findings as [(rule, row, message)] — the same on both engines (asserted)."""
    corpus = example_corpus(document, "own.yaml")
    ref = screen_corpus(corpus, shanghai, engine="reference")
    dur = screen_corpus(corpus, shanghai, engine="durable", jobs=1)
    key = [(f.rule_id, f.row, f.message_zh) for f in ref.findings]
    assert dur.fallbacks == [] and [(f.rule_id, f.row, f.message_zh) for f in dur.findings] == key
    return key


def rules_on(shanghai, rows, **header) -> set[str]:
    return {rule for rule, _, _ in run(shanghai, shanghai_project(rows, **header))}


# --- 1. a negated quality word is not that word ------------------------------------------------

@pytest.mark.parametrize("name", ["患者血压控制不达标率", "年度任务未完成率", "抽检产品不合格率", "申报数据不准确率",
                                  "设备运行非达标率", "验收无合格率"])
def test_a_negated_quality_word_is_no_quality_measure(shanghai, name):
    """Trial 8: 患者血压控制不达标率 under 效益指标 was called an output-quality measure."""
    assert "G60-REL-006" not in rules_on(shanghai, [row(name, "≤5%")])


@pytest.mark.parametrize("name", ["出厂水质达标率", "不动产登记资料准确率", "工程完成率", "合格率"])
def test_a_quality_word_under_benefit_is_still_reported(shanghai, name):
    assert "G60-REL-006" in rules_on(shanghai, [row(name, "≥95%")])


@pytest.mark.parametrize(("name", "rule"), [
    ("患者血压控制不达标率", "G60-APP-006"),   # a listed name
    ("河道水质不达标比例", "G60-APP-022"),     # 达标 negated just before the rate: no handling
    ("年度任务未完成率", "G60-APP-022"),
    ("群众投诉未办结率", "G60-APP-022"),
    ("路灯故障未修复率", "G60-APP-022"),
])
def test_a_negated_name_written_as_a_floor_is_low_is_good(shanghai, name, rule):
    found = rules_on(shanghai, [row(name, "≥5%")])
    assert rule in found and "G60-REL-006" not in found


@pytest.mark.parametrize("name", ["检查不达标问题整改率", "群众投诉办结率", "不合格产品召回率", "逾期未办结事项督办率"])
def test_handling_what_fell_short_is_high_is_good(shanghai, name):
    found = rules_on(shanghai, [row(name, "≥95%")])
    assert not found & {"G60-APP-006", "G60-APP-022"}


# --- 2. more things that should be rare -----------------------------------------------------------

@pytest.mark.parametrize("name", ["管网漏损率", "路面破损率", "物资损耗率", "设备损坏率", "屋面渗漏比例", "居民停电率",
                                  "档案丢失率", "审批超期率", "疫情迟报率", "车辆违章比率"])
def test_a_rate_of_something_rare_written_as_a_floor_is_reported(shanghai, name):
    """Trial 8: 管网漏损率 "≥9%" and 路面破损率 "≥3%" got nothing, while 辍学率 was caught."""
    assert "G60-APP-022" in rules_on(shanghai, [row(name, "≥9%")])
    assert "G60-APP-022" not in rules_on(shanghai, [row(name, "≤9%")])


@pytest.mark.parametrize("name", ["破损路面修复率", "漏损管网更换率", "损坏设施维修率", "停电故障抢修及时率"])
def test_dealing_with_something_rare_is_not_reported(shanghai, name):
    assert "G60-APP-022" not in rules_on(shanghai, [row(name, "≥95%")])


@pytest.mark.parametrize("name", ["用户停电次数", "管道渗漏点数", "档案丢失件数"])
def test_a_count_of_something_rare_may_be_a_ceiling_or_zero(shanghai, name):
    quantity = {"level1": "产出指标", "level2": "数量指标"}
    assert not rules_on(shanghai, [row(name, "≤3个", **quantity)]) & {"G60-APP-016"}
    assert not rules_on(shanghai, [row(name, "=0个", **quantity)]) & {"G60-APP-015"}


# --- 5. the advice follows the form --------------------------------------------------------------

def test_the_advice_names_the_name_on_a_form_without_a_direction_column(shanghai):
    (message,) = [m for r, _, m in run(shanghai, shanghai_project([row("路面破损率", "≥3%")])) if r == "G60-APP-022"]
    assert "在指标名称中写明" in message and "指标方向" not in message


def test_the_advice_names_the_direction_where_the_row_has_one(shanghai):
    document = shanghai_project([row("路面破损率", "≥3%", direction="反向")])
    (message,) = [m for r, _, m in run(shanghai, document) if r == "G60-APP-022"]
    assert "请在指标方向中注明正向" in message


def test_the_national_form_trial_row_is_reported_without_a_direction_column(shanghai):
    """Trial 8 (08-water-national): 管网漏损率 9 with 指标性质 ≥ on the national form."""
    document = {"kind": "project", "form": "national-2021", "name": "城区供水管网漏损治理",
                "competent_department": "某市水务局", "implementing_unit": "某市供水管理处", "budget_year": 2026,
                "period": "1年", "project_target": "降低管网漏损", "annual_target": "更换老旧管网25公里",
                "funds": {"total": 250, "annual_request": 250, "municipal": 250},
                "indicators": [row("管网漏损率", "9", unit="%", operator="≥", weight=100)]}
    (message,) = [m for r, _, m in run(shanghai, document) if r == "G60-APP-022"]
    assert "≥9" in message and "在指标名称中写明" in message and "指标方向" not in message


# --- 3. template prompts in the header ------------------------------------------------------------

OK_ROWS = [row("慢病患者规范管理率", "≥60%", "产出指标", "质量指标")]


@pytest.mark.parametrize(("field", "text"), [
    ("project_target", "请填写项目总目标"), ("annual_target", "完成XX亩高标准农田设施管护"),
    ("annual_target", "开展培训**场"), ("name", "请输入项目名称"), ("project_target", "示例：提升群众满意度")])
def test_a_prompt_in_a_header_text_is_reported(shanghai, field, text):
    """Trial 8 (04-agri-sh): 项目总目标 "请填写项目总目标" and 年度总体目标 "完成XX亩…" got no finding."""
    found = [r for r, _, _ in run(shanghai, shanghai_project(OK_ROWS, **{field: text}))]
    assert found.count("G60-COMP-022") == 1


def test_the_older_forms_single_target_and_the_mid_term_target_are_read(shanghai):
    legacy = {"kind": "project", "form": "legacy-2015", "name": "图书采购", "competent_department": "某区文旅局",
              "implementing_unit": "某区图书馆", "period": "1年", "performance_target": "请填写绩效目标",
              "funds": {"total": 30, "fiscal": 30}, "indicators": OK_ROWS}
    assert "G60-COMP-022" in [r for r, _, _ in run(shanghai, legacy)]
    national = {"kind": "project", "form": "national-2021", "name": "农村公路养护", "competent_department": "某县交通局",
                "implementing_unit": "某县公路站", "budget_year": 2026, "period": "2026-2027",
                "project_target": "提高优良路率", "midterm_target": "两年内完成XX公里", "annual_target": "完成80公里养护",
                "funds": {"total": 600, "annual_request": 240, "county": 240}, "indicators": OK_ROWS}
    assert "G60-COMP-022" in [r for r, _, _ in run(shanghai, national)]


def test_written_header_texts_are_not_reported(shanghai):
    found = [r for r, _, _ in run(shanghai, shanghai_project(OK_ROWS, annual_target="完成3XL号服装采购*"))]
    assert "G60-COMP-022" not in found


# --- 1b. the mirror: a rare thing negated (无事故, 零投诉) names its absence --------------------------

@pytest.mark.parametrize("name", ["安全生产无事故率", "零投诉社区比例", "无违法建设村居占比", "零欠薪企业比例", "无漏损小区比例"])
def test_the_absence_of_something_rare_is_high_is_good(shanghai, name):
    assert not rules_on(shanghai, [row(name, "≥90%")]) & {"G60-APP-006", "G60-APP-022"}


@pytest.mark.parametrize(("name", "rule"), [("无人机故障率", "G60-APP-006"), ("无线设备故障率", "G60-APP-006"),
                                            ("零星投诉比例", "G60-APP-022")])
def test_a_word_beginning_with_the_same_character_is_no_negation(shanghai, name, rule):
    assert rule in rules_on(shanghai, [row(name, "≥2%")])
