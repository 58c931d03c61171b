"""Layouts, the category alias table, present-but-unreadable cells and composed values (issue 7).

The cases in tests/data/cases/ are copies of the shared fidelity cases; each test asserts what the
case's top comment says a reviewer concludes. Beside each case, variants with other words and
numbers check the whole kind, not the one file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules.engines.pool import screen, screen_corpus
from g60rules.intake.yaml_loader import Corpus, load_text
from g60rules.model import Project

CASES = Path(__file__).resolve().parent / "data" / "cases"


def _case(name, ruleset, engine="reference"):
    return screen([CASES / name], ruleset, engine=engine).findings


def _text(text, ruleset, engine="reference"):
    obj, problems = load_text(text, "variant.yaml")
    assert isinstance(obj, Project), problems
    corpus = Corpus(projects=[obj], findings=list(problems), files=["variant.yaml"])
    return screen_corpus(corpus, ruleset, engine=engine).findings


def _ids(findings):
    return sorted(f.rule_id for f in findings)


def _rows(findings, rule_id):
    return sorted(f.row for f in findings if f.rule_id == rule_id)


HEADER = """kind: project
name: 乡村图书流动服务
nature: 其他经常性项目
category: 其他运转类
competent_department: 某县文旅局
implementing_unit: 某县图书馆
plan_start: 2026-01-01
plan_end: 2026-12-31
funds: {total: 120000, fiscal: 120000, annual_request: 120000, appropriation: 120000}
project_target: 全县行政村流动图书服务全覆盖
annual_target: 全年流动服务48次
"""
ROWS = """indicators:
  - {level1: 成本指标, level2: 经济成本指标, level3: 单次服务成本, target_value: "≤2000(元/次)"}
  - {level1: 产出指标, level2: 数量指标, level3: 流动服务次数, target_value: "≥48(次)"}
  - {level1: 产出指标, level2: 质量指标, level3: 服务计划完成率, target_value: "≥98(%)"}
  - {level1: 产出指标, level2: 时效指标, level3: 年度服务完成时间, target_value: "≤2026-12-31"}
  - {level1: 效益指标, level2: 社会效益指标, level3: 借阅人次, target_value: "≥3000(人次)"}
  - {level1: 满意度指标, level2: 服务对象满意度指标, level3: 村民满意度, target_value: "≥92(%)"}
"""


def test_the_variant_base_is_clean(shanghai):
    assert _text(HEADER + ROWS, shanghai) == []


# --- layout-unitcol: operator and unit in their own columns ------------------------------------

def test_layout_unitcol_reads_row_6_as_at_least_90_percent(shanghai):
    findings = _case("layout-unitcol.yaml", shanghai)
    assert "G60-COMP-013" not in _ids(findings) and "G60-FILE-004" not in _ids(findings)
    assert findings == []


@pytest.mark.parametrize("cell, operator, unit, raw", [
    ("92", "≥", "%", "≥92(%)"),
    ("92", "大于等于", "（%）", "大于等于92(%)"),
    ("3000", ">=", "人次", ">=3000(人次)"),
    ("92%", "≥", "%", "≥92%"),
])
def test_columns_compose_one_value(shanghai, cell, operator, unit, raw):
    rows = ROWS.replace('target_value: "≥92(%)"}', f'target_value: "{cell}", operator: "{operator}", unit: "{unit}"}}')
    project, problems = load_text(HEADER + rows, "v.yaml")
    assert problems == []
    row = project.indicators[5]
    assert row.target_value.raw == raw and row.target_value.op.value == "ge"
    assert (row.value_cell, row.operator, row.unit) == (cell, operator, unit)
    assert _text(HEADER + rows, shanghai) == []


def test_a_unit_in_the_value_and_another_in_the_column_is_a_finding(shanghai):
    rows = ROWS.replace('target_value: "≥48(次)"}', 'target_value: "≥48(场)", unit: 次}')
    findings = _text(HEADER + rows, shanghai)
    (hit,) = [f for f in findings if f.rule_id == "G60-FORM-003"]
    assert hit.row == 2 and "场" in hit.message_zh and "次" in hit.message_zh


def test_direction_and_qualitative_words_in_the_operator_column(shanghai):
    rows = ROWS.replace('target_value: "≥3000(人次)"}', 'target_value: "≥3000", operator: 正向, unit: 人次}')
    rows = rows.replace('target_value: "≥98(%)"}', 'target_value: "≥98(%)", operator: 定量}')
    project, problems = load_text(HEADER + rows, "v.yaml")
    assert problems == []
    assert project.indicators[4].direction == "positive" and project.indicators[4].target_value.raw == "≥3000(人次)"
    assert project.indicators[2].qualitative is False
    assert _text(HEADER + rows, shanghai) == []


# --- layout-dates / fp-partialdate: a period instead of dates, dates to the month -----------------

def test_layout_dates_a_period_is_the_time_frame(shanghai):
    findings = _case("layout-dates.yaml", shanghai)
    assert "G60-COMP-014" not in _ids(findings) and "G60-FILE-004" not in _ids(findings)
    assert findings == []


def test_a_period_form_without_a_period_is_reported(shanghai):
    text = HEADER.replace("plan_start: 2026-01-01\nplan_end: 2026-12-31\n", "form: legacy-2015\n") + ROWS
    assert "G60-COMP-014" in _ids(_text(text, shanghai))
    assert "G60-COMP-014" not in _ids(_text(text.replace("form: legacy-2015\n", "form: legacy-2015\n项目期: 2026-2028\n"),
                                            shanghai))


def test_fp_partialdate_month_dates_are_read(shanghai):
    findings = _case("fp-partialdate.yaml", shanghai)
    assert not {"G60-FILE-005", "G60-COMP-014", "G60-FEA-002"} & set(_ids(findings))
    assert findings == []


@pytest.mark.parametrize("start, end", [("2026年1月", "2026年12月"), ('"2026.01"', '"2026.12"'),
                                        ("202601", "202612"), ("2026年", "2026年"), ("2026-01", "2026-12")])
def test_partial_plan_dates_hold_the_whole_year_of_targets(shanghai, start, end):
    text = HEADER.replace("plan_start: 2026-01-01", f"plan_start: {start}").replace(
        "plan_end: 2026-12-31", f"plan_end: {end}") + ROWS
    assert _text(text, shanghai) == []


def test_a_deadline_after_a_month_end_is_still_found(shanghai):
    text = HEADER.replace("plan_end: 2026-12-31", "plan_end: 2026年11月") + ROWS
    findings = _text(text, shanghai)
    (hit,) = [f for f in findings if f.rule_id == "G60-FEA-002"]
    assert hit.row == 4 and "2026年11月" in hit.message_zh


# --- layout-header / layout-funds: fields the form does not have ---------------------------------

def test_layout_header_no_finding_for_fields_the_form_lacks(shanghai):
    assert "G60-COMP-015" not in _ids(_case("layout-header.yaml", shanghai))


def test_a_missing_header_field_is_named(shanghai):
    findings = _text(HEADER.replace("category: 其他运转类\n", "") + ROWS, shanghai)
    (hit,) = [f for f in findings if f.rule_id == "G60-COMP-015"]
    assert "项目类别" in hit.message_zh and "项目性质" not in hit.message_zh


def test_layout_funds_no_annual_request_finding_and_costs_use_the_total(shanghai):
    findings = _case("layout-funds.yaml", shanghai)
    assert not {"G60-COMP-016", "G60-APP-001", "G60-APP-003"} & set(_ids(findings))
    assert findings == []


def test_on_a_one_amount_form_costs_are_checked_against_that_amount(shanghai):
    text = ("kind: project\nform: legacy-2015\nname: 甲\nfunds: {total: 8}\n" + ROWS)  # 万元 on this form
    findings = _text(text, shanghai)
    # 2,000 元/次 × 48 次 = 96,000 元 > 80,000 元
    (hit,) = [f for f in findings if f.rule_id == "G60-APP-003"]
    assert "96,000.00" in hit.message_zh and "80,000.00" in hit.message_zh and "项目资金总额" in hit.message_zh
    assert "G60-COMP-016" not in _ids(findings)


def test_the_one_amount_left_empty_is_still_reported(shanghai):
    findings = _text("kind: project\nform: legacy-2015\nname: 甲\n" + ROWS, shanghai)
    (hit,) = [f for f in findings if f.rule_id == "G60-COMP-016"]
    assert "项目资金总额" in hit.message_zh


def test_source_funds_are_wan_yuan_held_in_yuan():
    text = "kind: project\nform: national-2021\nname: 甲\nfunds: {central: 12.5, 县本级资金: '3'}\n"
    project, problems = load_text(text, "v.yaml")
    assert problems == []
    assert project.funds.central == 125000 and project.funds.county == 30000


def test_an_unknown_form_is_reported_and_checked_as_the_default(shanghai):
    findings = _text(HEADER.replace("kind: project\n", "kind: project\nform: zhejiang-2020\n") + ROWS, shanghai)
    assert _ids(findings) == ["G60-FORM-004"]


# --- fp-seedtrans: present but unreadable --------------------------------------------------------

def test_fp_seedtrans_unreadable_is_not_missing(shanghai):
    findings = _case("fp-seedtrans.yaml", shanghai)
    assert "G60-COMP-003" not in _ids(findings)
    assert all(f.severity != "error" for f in findings)
    assert _ids(findings) == ["G60-FORM-002"]


def test_unreadable_indicator_cells_give_one_warning_not_missing_errors(shanghai):
    rows = ROWS.replace("{level1: 产出指标, level2: 质量指标, level3: 服务计划完成率,",
                        "{level1: 产出指标, unreadable: [level2, 三级指标],")
    rows = rows.replace('level3: 借阅人次, target_value: "≥3000(人次)"}', 'level3: 借阅人次, 无法识别: [指标值]}')
    findings = _text(HEADER + rows, shanghai)
    (hit,) = [f for f in findings if f.rule_id == "G60-FORM-002"]
    assert "第 3 行二级指标、三级指标" in hit.message_zh and "第 5 行指标值" in hit.message_zh
    assert not {"G60-COMP-007", "G60-COMP-009", "G60-COMP-010"} & set(_ids(findings))


def test_unreadable_names_a_field_of_its_table(shanghai):
    _, problems = load_text(HEADER + "unreadable: [annual_target, 三级指标]\n", "v.yaml")
    assert [p.rule_id for p in problems] == ["G60-FILE-005"] and "三级指标" in problems[0].message_zh


# --- fp-hint and c10: the category table ---------------------------------------------------------

def test_fp_hint_template_hint_text_is_stripped(shanghai):
    findings = _case("fp-hint.yaml", shanghai)
    assert not {"G60-REL-002", "G60-COMP-017", "G60-COMP-018", "G60-FORM-001"} & set(_ids(findings))
    assert findings == []


def test_hint_text_in_other_brackets_is_stripped(shanghai):
    rows = ROWS.replace("level2: 数量指标", "level2: 数量指标【必填】").replace("level1: 效益指标", 'level1: "效益指标(选填)"')
    assert _text(HEADER + rows, shanghai) == []


def test_c10_value_labels_read_as_categories_with_one_notice(shanghai):
    findings = _case("c10_nonstandard_level_labels.yaml", shanghai)
    ids = _ids(findings)
    assert ids.count("G60-FORM-001") == 1
    assert not {"G60-REL-001", "G60-REL-002", "G60-COMP-004", "G60-COMP-005", "G60-COMP-006", "SH-FORM-002"} & set(ids)
    (cost,) = [f for f in findings if f.rule_id == "G60-APP-003"]
    assert "240,000.00" in cost.message_zh and "200,000.00" in cost.message_zh


def test_aliases_in_other_rows_still_give_one_notice(shanghai):
    rows = (ROWS.replace("level1: 产出指标, level2: 数量指标", "level1: 完成情况指标, level2: 数量值")
            .replace("level1: 效益指标, level2: 社会效益指标", "level1: 效益值, level2: 社会效益值"))
    findings = _text(HEADER + rows, shanghai)
    (notice,) = findings
    assert notice.rule_id == "G60-FORM-001" and notice.severity == "info"
    for pair in ("完成情况指标→产出指标", "数量值→数量指标", "效益值→效益指标", "社会效益值→社会效益指标"):
        assert pair in notice.message_zh


def test_cost_filed_under_output_is_a_cost_row(shanghai):
    rows = ROWS.replace("level1: 成本指标, level2: 经济成本指标", "level1: 产出指标, level2: 成本指标").replace(
        '"≤2000(元/次)"', '"≤3000(元/次)"')
    findings = _text(HEADER + rows, shanghai)
    # a cost row: 3,000 元/次 × 48 次 = 144,000 元 > 120,000 元, and the project is not "without cost"
    assert _ids(findings) == ["G60-APP-003"]


def test_the_investment_form_reads_categories_one_level_down(shanghai):
    text = """kind: project
form: ndrc-investment
name: 园区污水管网改造
competent_department: 某市发展改革委
implementing_unit: 某区住建局
budget_year: 2026
period: 2026-2027
annual_target: 完成管网改造12公里
funds: {total: 800万元, central: 500, county: 300}
indicators:
  - {level1: 实施效果指标, level2: 产出指标, level3: 改造管网长度, target_value: "≥12(公里)"}
  - {level1: 实施效果指标, level2: 效益指标, level3: 污水收集率, target_value: "≥95(%)"}
  - {level1: 实施效果指标, level2: 满意度指标, level3: 周边居民满意度, target_value: "≥90(%)"}
  - {level1: 过程管理指标, level2: 成本指标, level3: 工程造价, target_value: "≤800万元"}
"""
    findings = _text(text, shanghai)
    assert _ids(findings) == [], [f.message_zh for f in findings]


# --- both engines agree on every case ------------------------------------------------------------

def test_durable_and_reference_agree_on_the_cases(shanghai):
    for case in sorted(CASES.glob("*.yaml")):
        key = lambda f: (f.rule_id, f.line, f.row, f.message_zh)  # noqa: E731
        assert sorted(map(key, _case(case.name, shanghai, "durable"))) == sorted(
            map(key, _case(case.name, shanghai, "reference"))), case.name


# --- the examples: one invented project per layout -----------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "declarations" / "examples"


@pytest.mark.parametrize("form", ["shanghai-2024", "national-2021", "legacy-2015", "ndrc-investment"])
def test_each_layout_has_a_clean_example(shanghai, form):
    result = screen([EXAMPLES / f"{form}.yaml"], shanghai, engine="reference")
    assert result.declarations == 1 and result.findings == []


@pytest.mark.parametrize("form", ["shanghai-2024", "national-2021", "legacy-2015", "ndrc-investment"])
def test_an_empty_form_is_reported_only_for_fields_it_has(shanghai, form):
    from g60rules.rules.compiler import bundled_layouts

    layout = bundled_layouts().forms[form]
    on_form = {*layout.project, *(f"funds.{k}" for k in layout.funds), "funds.budget"}
    findings = _text(f"kind: project\nform: {form}\nname: 甲\n", shanghai)
    about_fields = [f for f in findings if f.rule_id.startswith("G60-COMP") and f.field and f.row is None
                    and not f.field.startswith("count.")]
    assert about_fields, "an empty form has unfilled fields"
    assert {f.field for f in about_fields} <= on_form


# --- the layouts and categories sections of a ruleset --------------------------------------------

def _problems(tmp_path, body, extends="core.yaml"):
    from g60rules.rules.compiler import BUNDLED_DIR, collect_problems

    path = tmp_path / "r.yaml"
    parent = str(BUNDLED_DIR / extends)
    path.write_text(f"ruleset: t\nextends: {parent}\n{body}", encoding="utf-8")
    return collect_problems(path)


def test_a_child_ruleset_adds_an_alias_and_a_layout(tmp_path):
    body = """layouts:
  county-2023:
    title: {zh: 某县表式, en: A county form}
    project: [name, implementing_unit, period, annual_target]
    funds: [total]
    indicators: [level1, level2, level3, target_value]
    amount: total
categories:
  level1:
    - {code: output, aliases: [产出类指标]}
"""
    compiled, problems = _problems(tmp_path, body)
    assert problems == []
    reading = compiled.layouts.classify("产出类指标", "数量指标")
    assert (reading.level1_code, reading.aliases) == ("output", ("产出类指标→产出指标",))
    assert compiled.layouts.classify("产出值", "数量值").level1_code == "output"  # the parent's aliases stay
    assert set(compiled.layouts.forms) >= {"shanghai-2024", "county-2023"}
    text = "kind: project\nform: county-2023\nname: 甲\nimplementing_unit: 某单位\nperiod: 1年\nannual_target: 完成\n" \
           "funds: {total: 100000}\n" + ROWS.replace("level1: 产出指标", "level1: 产出类指标")
    findings = _text(text, compiled)
    assert _ids(findings) == ["G60-FORM-001"]


@pytest.mark.parametrize("body, fragment", [
    ("layouts:\n  x:\n    title: {zh: x, en: x}\n    project: [name, colour]\n    indicators: [level1]\n", "colour"),
    ("layouts:\n  x:\n    title: {zh: x, en: x}\n    project: [name]\n    funds: [total]\n    indicators: [level1]\n"
     "    amount: annual_request\n", "annual_request"),
    ("categories:\n  level1:\n    - {code: outcome, labels: [成果指标]}\n", "outcome"),
    ("categories:\n  level1:\n    - {code: benefit, aliases: [产出值]}\n", "产出值"),
    ("categories:\n  level2:\n    - {code: quantity, parent: outputs, labels: [数量]}\n", "outputs"),
    ("categories:\n  groups: [产出指标]\n", "产出指标"),
])
def test_a_bad_layout_or_category_is_a_ruleset_problem(tmp_path, body, fragment):
    _, problems = _problems(tmp_path, body)
    assert [p.code for p in problems] == ["RS-LAYOUT"]
    assert fragment in problems[0].en and problems[0].file.endswith("r.yaml") and problems[0].line > 2


def test_a_ruleset_without_the_default_form_stops(tmp_path):
    from g60rules.rules.compiler import collect_problems

    path = tmp_path / "r.yaml"
    path.write_text("ruleset: t\nlayouts:\n  x:\n    title: {zh: x, en: x}\n    project: [name]\n"
                    "    indicators: [level1]\n", encoding="utf-8")
    _, problems = collect_problems(path)
    assert [p.code for p in problems] == ["RS-LAYOUT"] and "shanghai-2024" in problems[0].en


# --- reading category cells (properties) ---------------------------------------------------------

_STANDARD_PAIRS = [("成本指标", "经济成本指标", "cost", "economic_cost"), ("产出指标", "数量指标", "output", "quantity"),
                   ("产出指标", "时效指标", "output", "timeliness"), ("效益指标", "可持续影响指标", "benefit", "sustainability"),
                   ("满意度指标", "服务对象满意度指标", "satisfaction", "recipient_satisfaction")]
_hints = st.sampled_from(["", "（必填）", "(必填硬性指标)", "【选填】", "[示例]", "（如：培训人次）"])


def _spaced(text: str, draw_positions: list[int]) -> str:
    for position in sorted(set(p % (len(text) + 1) for p in draw_positions), reverse=True):
        text = text[:position] + " " + text[position:]
    return text


@settings(max_examples=60, deadline=None)  # the first call loads the bundled ruleset
@given(st.sampled_from(_STANDARD_PAIRS), _hints, _hints, st.lists(st.integers(0, 20), max_size=3))
def test_spaces_and_hint_text_never_change_the_reading(pair, hint1, hint2, spaces):
    from g60rules.rules.compiler import bundled_layouts

    level1, level2, code1, code2 = pair
    reading = bundled_layouts().classify(_spaced(level1, spaces) + hint1, level2 + hint2)
    assert (reading.level1_code, reading.level2_code, reading.level2_parent, reading.aliases) == (
        code1, code2, code1, ())


@settings(max_examples=40, deadline=None)  # each example screens a declaration
@given(st.lists(st.sampled_from([("产出值", "数量值"), ("产出指标", "数量指标"), ("效益值", "社会效益值"),
                                 ("完成情况指标", "质量指标"), ("满意度指标", "服务对象满意度指标")]),
                min_size=1, max_size=8))
def test_an_alias_is_noticed_once_however_many_rows_use_it(shanghai, pairs):
    rows = "".join(f"  - {{level1: {a}, level2: {b}, level3: 指标{i}, target_value: '≥{i + 1}(次)'}}\n"
                   for i, (a, b) in enumerate(pairs))
    findings = [f for f in _text("kind: project\nname: 甲\nindicators:\n" + rows, shanghai) if f.rule_id == "G60-FORM-001"]
    aliased = {label for a, b in pairs for label in (a, b) if label.endswith("值") or label == "完成情况指标"}
    assert len(findings) == (1 if aliased else 0)
    if findings:
        assert all(f"{label}→" in findings[0].message_zh for label in aliased)


def test_an_operator_against_its_column_is_a_finding(shanghai):
    rows = ROWS.replace('target_value: "≤2000(元/次)"}', 'target_value: "≥2000(元/次)", operator: "≤"}')
    findings = _text(HEADER + rows, shanghai)
    hit = next(f for f in findings if f.rule_id == "G60-FORM-005")
    assert hit.row == 1 and "≥2000(元/次)" in hit.message_zh and "≤" in hit.message_zh
