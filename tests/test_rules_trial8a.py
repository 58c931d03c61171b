"""Trial 8 (first group): findings that claimed what the declaration does not say.

A category count cannot show a category is absent when some row's category cell is unreadable or
empty; a unit cost has its quantity row whatever that row's operator; a low-is-good rate under
满意度指标 is one relevance finding, not a satisfaction deadlock; a department that files fewer
declarations than it declares is told the amount gap too. Words and numbers are our own; every run
is on both engines (``run`` asserts they agree); expected values are worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from test_rules_fidelity import GOOD, project, run

ROOT = Path(__file__).resolve().parent.parent


def _out(level2, name, value, **more) -> dict:
    row = {"level1": "产出指标", "level2": level2, "level3": name, "target_value": value, **more}
    return {k: v for k, v in row.items() if v is not None}


def _doc_without_output(rows):
    """The base project with its three 产出 rows replaced by ``rows``."""
    doc = project()
    doc["indicators"] = [r for r in doc["indicators"] if r["level1"] != "产出指标"] + rows
    return doc


# --- 1. a count of 二级 categories with an unknown 二级 cell ------------------------------------------

@pytest.mark.parametrize("unknown", [
    {"level2": None, "unreadable": ["level2"]},   # present but unreadable (G60-FORM-002)
    {"level2": None},                              # empty (G60-COMP-009)
    {"level2": "工作量指标"},                      # not standard (G60-REL-002)
])
def test_an_unknown_output_category_is_never_called_absent(shanghai, unknown):
    # rows: 质量 (row 6 of the doc), 时效 (7) and one 产出 row whose 二级 cannot be read (8): it may be
    # the quantity row, so neither "缺少数量指标" nor, when 时效 is missing too, "没有时效指标" holds
    rows = [_out("质量指标", "档案归档合格率", "≥97%"),
            {**_out("数量指标", "整理卷宗", "≥260卷"), **unknown}]
    found, _ = run(shanghai, _doc_without_output(rows))
    assert not {r for r, _ in found} & {"G60-COMP-017", "G60-COMP-018"}


def test_a_cost_row_without_a_second_level_does_not_hide_a_missing_quantity(shanghai):
    # 质量 and 时效 present, no 数量; the cost row's empty 二级 says nothing about output
    rows = [_out("质量指标", "档案归档合格率", "≥97%"), _out("时效指标", "归档完成时间", "≤2026-11-30"),
            {"level1": "成本指标", "level3": "装订耗材成本", "target_value": "≤3000元"}]
    found, findings = run(shanghai, _doc_without_output(rows))
    assert ("G60-COMP-017", None) in found
    assert "数量 0 个，质量 1 个" in next(f for f in findings if f.rule_id == "G60-COMP-017").message_zh


def test_the_seed_publicity_form_with_unreadable_second_levels(shanghai):
    # declarations/g60-2024/05-publicity.yaml: rows 2-4 are 无法识别: [二级指标] under 产出指标
    from g60rules.engines.pool import screen_corpus
    from g60rules.intake.yaml_loader import load_corpus

    corpus = load_corpus([ROOT / "declarations" / "g60-2024" / "05-publicity.yaml"])
    rules = {f.rule_id for f in screen_corpus(corpus, shanghai, engine="reference").findings}
    assert "G60-FORM-002" in rules and not rules & {"G60-COMP-017", "G60-COMP-018"}


# --- 2. a unit cost and its quantity row, whatever the row's operator --------------------------------

def _cost(name, value) -> dict:
    return {"level1": "成本指标", "level2": "经济成本指标", "level3": name, "target_value": value}


@pytest.mark.parametrize("quantity, expected", [
    # ≤8万元/座 × ≤6座: the row exists (G60-APP-016 says ≤ is wrong); a ceiling × a ceiling bounds the
    # spend from above, which the 12万元 request cannot contradict: no APP-003, no APP-004
    ("≤6座", {("G60-APP-016", 7)}),
    ("<6座", {("G60-APP-016", 7)}),
    # ≥6座: 80000 × 6 = 480000 元 > 120000 元
    ("≥6座", {("G60-APP-003", 6)}),
    # a range's lower bound is a minimum: 80000 × 4 = 320000 元 > 120000 元
    ("4-6座", {("G60-APP-003", 6)}),
])
def test_a_quantity_row_in_the_cost_unit_is_paired_whatever_its_operator(shanghai, quantity, expected):
    rows = [_cost("单座桥梁维修成本", "≤8万元/座"), _out("数量指标", "维修桥梁数量", quantity)]
    found, findings = run(shanghai, project(rows, cost=()))
    assert found == expected
    for f in findings:
        if f.rule_id == "G60-APP-003":
            assert "至少 4" in f.message_zh or "至少 6" in f.message_zh


def test_a_unit_of_no_known_kind_pairs_by_its_name(shanghai):
    # 台班 is no count unit of the value tables; the row is in the cost's unit all the same:
    # 350 × 300 = 105000 元 ≤ 120000 元, nothing to report
    rows = [_cost("每台班机械租赁费", "≤350元/台班"), _out("数量指标", "机械作业量", "≥300台班")]
    assert run(shanghai, project(rows, cost=()))[0] == set()


def test_no_quantity_row_is_still_reported_and_says_so_truly(shanghai):
    # nothing in 座 and nothing about 桥梁: the message's "没有以“座”计量的数值目标" is true
    found, findings = run(shanghai, project([_cost("单座桥梁维修成本", "≤8万元/座")], cost=()))
    assert found == {("G60-APP-004", 6)}
    assert "产出指标中没有以“座”计量的数值目标" in findings[0].message_zh


def test_the_trial_school_form_gets_no_false_absence(shanghai):
    # national form: 单所食堂改造成本 ≤20万元/所 with 改造食堂数量 ≤15所 (trial input 02)
    doc = yaml.safe_load((ROOT / "tests" / "data" / "trial8" / "school-canteens.yaml").read_text("utf-8"))
    found, _ = run(shanghai, doc)
    assert ("G60-APP-004", 1) not in found and ("G60-APP-016", 2) in found


# --- 3. a low-is-good measure under 满意度指标 --------------------------------------------------------

def _sat(name, value) -> dict:
    return {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": name, "target_value": value}


@pytest.mark.parametrize("row, expected", [
    # every direction used to be an error (≥: APP-006 + APP-008 below 85%; ≤: APP-007)
    (_sat("乘客投诉率", "≥3%"), {"G60-APP-006", "G60-REL-010"}),   # the direction is wrong too
    (_sat("乘客投诉率", "≤3%"), {"G60-REL-010"}),
    (_sat("窗口办件差错率", "<2%"), {"G60-REL-010"}),
    (_sat("办件逾期比例", "≥1%"), {"G60-APP-022", "G60-REL-010"}),
    (_sat("安全事故发生次数", "无"), {"G60-REL-010"}),               # no APP-019 "give a percentage"
    # satisfaction with the handling of complaints is a satisfaction measure: its rules stand
    (_sat("投诉处理满意度", "≤90%"), {"G60-APP-007"}),
    (_sat("投诉处理满意度", "≥80%"), {"G60-APP-008"}),
    (_sat("投诉处理满意度", "≥92%"), set()),
])
def test_a_low_is_good_measure_under_satisfaction_is_one_relevance_finding(shanghai, row, expected):
    found, _ = run(shanghai, project([row]))
    assert {rule for rule, r in found if r == 7} == expected


def test_the_trial_water_forms_are_no_deadlock(shanghai):
    # trial inputs 08 (≥3%) and 12 (≤3%): 用户投诉率 under 满意度指标, row 6
    for name, expected in (("water-ge.yaml", {"G60-APP-006", "G60-REL-010"}), ("water-le.yaml", {"G60-REL-010"})):
        doc = yaml.safe_load((ROOT / "tests" / "data" / "trial8" / name).read_text("utf-8"))
        found, _ = run(shanghai, doc)
        assert {rule for rule, r in found if r == 6} == expected, name


def test_the_satisfaction_rules_read_the_low_is_good_tables(shanghai):
    # a word in one copy and not another would give the row a satisfaction finding and G60-REL-010
    for rule in ("G60-APP-022", "G60-REL-010", "G60-APP-007", "G60-APP-008", "G60-APP-019"):
        assert {"adverse_words", "handling"} <= set(shanghai.rule(rule).word_tables), rule
        assert not {"adverse_words", "handling"} & set(shanghai.rule(rule).params), rule


# --- 4. fewer declarations than declared: one finding that states the amount gap too ---------------

def test_a_count_gap_states_the_amount_gap_exactly(shanghai):
    # declared 5 projects and 73.456789万元 = 734567.89 元; one filed project of 120000 元:
    # difference 614567.89 元 = 61.456789 万元 (exact)
    dept = {"kind": "department", "name": "某局", "declared_total": "73.456789万元", "declared_project_count": 5,
            "projects": [project()]}
    found, findings = run(shanghai, dept)
    assert found == {("SH-FORM-004", None)}
    text = findings[0].message_zh
    assert "734,567.89 元" in text and "120,000.00 元" in text
    assert "差额 614,567.89 元，即 61.456789 万元" in text


def test_a_count_gap_without_a_declared_total_says_so(shanghai):
    dept = {"kind": "department", "name": "某局", "declared_project_count": 3, "projects": [project()]}
    found, findings = run(shanghai, dept)
    assert found == {("SH-FORM-007", None)} and "未填报项目预算资金" in findings[0].message_zh
    assert "—" not in findings[0].message_zh


def test_the_trial_department_file(shanghai):
    # 编报项目数 3, 涉及项目预算资金 100万元; its two projects request 90万元 between them
    from g60rules.engines.pool import screen_corpus
    from g60rules.intake.yaml_loader import load_corpus

    corpus = load_corpus([ROOT / "tests" / "data" / "trial8" / "dept"])
    found = [f for f in screen_corpus(corpus, shanghai, engine="reference").findings
             if f.rule_id.startswith("SH-FORM-00")]
    assert [f.rule_id for f in found] == ["SH-FORM-004"]
    assert "1,000,000.00 元" in found[0].message_zh and "900,000.00 元" in found[0].message_zh
    assert "差额 100,000.00 元，即 10 万元" in found[0].message_zh
