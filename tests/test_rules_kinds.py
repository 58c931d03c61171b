"""The rule kinds of issue 8 added last: money in a quantity row, zero on a positive indicator,
timeliness words, template prompts in values, low-is-good counts exempt from "quantity takes ≥".

Words and numbers are our own (not the cases'); every run is on both engines (``run`` asserts they
agree). The expected findings are worked out by hand beside each input.
"""

from __future__ import annotations

import pytest

from test_rules_fidelity import project, run


def _row(level2: str, name: str, value: str, level1: str = "产出指标", **more) -> dict:
    return {"level1": level1, "level2": level2, "level3": name, "target_value": value, **more}


# --- money in a quantity row (G60-REL-009) -----------------------------------------------------------

@pytest.mark.parametrize("name, value, fires", [
    ("拨付奖补资金", "≥200万元", True),
    ("发放慰问金", "=36000元", True),
    ("每户补助标准", "≤800元/户", True),
    ("拨付奖补资金", "≥12个", False),        # a count: the quantity it should be
    ("拨付奖补资金", "≥12万人", False),      # 万 before a counted unit is a count, not money
    ("资金拨付率", "≥200万元", False),       # a rate in money is G60-REL-008's finding, not a second one
])
def test_money_in_a_quantity_row(shanghai, name, value, fires):
    found, _ = run(shanghai, project([_row("数量指标", name, value)]))
    assert (("G60-REL-009", 7) in found) is fires
    if name == "资金拨付率":
        assert ("G60-REL-008", 7) in found


def test_money_on_a_quality_or_benefit_row_is_not_this_kind(shanghai):
    rows = [_row("质量指标", "资金使用合规金额", "≥50万元"),
            _row("经济效益指标", "带动村集体增收", "≥30万元", level1="效益指标")]
    assert {rule for rule, _ in run(shanghai, project(rows))[0]} & {"G60-REL-009"} == set()


# --- zero on a positive indicator (G60-APP-015) ------------------------------------------------------

@pytest.mark.parametrize("row, fires", [
    (_row("数量指标", "新建公厕", "=0座"), True),                         # output to deliver: 0 is none
    (_row("数量指标", "新建公厕", "0座"), True),                          # implied =
    (_row("数量指标", "超期未结案件数", "=0件"), False),                  # 案件 is a low-is-good count
    (_row("数量指标", "排队等候人数", "=0人", direction="反向"), False),  # the form says 反向
    (_row("质量指标", "设备完好率", "=0%", direction="正向"), True),      # 正向 and aiming at zero
    (_row("质量指标", "漏检次数", "=0次"), False),                        # quality, no direction: not claimed
    (_row("社会效益指标", "带动就业人数", "≥0人", level1="效益指标"), True),  # ≥0 sets no target (as before)
])
def test_zero_target_on_a_positive_indicator(shanghai, row, fires):
    found, _ = run(shanghai, project([row]))
    assert (("G60-APP-015", 7) in found) is fires


@pytest.mark.parametrize("value, expected", [
    ("≤0台", "G60-APP-016"),     # a ceiling on a quantity; APP-015's "=0" branch does not add a second
    ("=0%", "G60-APP-018"),      # a rate on a quantity row
    ("=0万元", "G60-REL-009"),   # money on a quantity row
])
def test_zero_on_a_quantity_row_is_one_finding(shanghai, value, expected):
    found, _ = run(shanghai, project([_row("数量指标", "更新执法车辆", value)]))
    assert found == {(expected, 7)}


# --- low-is-good counts and "a quantity takes ≥" (G60-APP-016, contains_none) ------------------------

@pytest.mark.parametrize("name, value, extra, fires", [
    ("印发宣传折页", "≤4000份", {}, True),
    ("接种疫苗人数", "＜900人", {}, True),
    ("群众投诉件数", "≤12件", {}, False),
    ("贷款逾期笔数", "≤3笔", {}, False),
    ("安全生产事故起数", "<1起", {}, False),
    ("报表差错次数", "≤2次", {}, False),
    ("等候时长超过半小时人数", "≤20人", {"direction": "反向"}, False),
    ("等候时长超过半小时人数", "≤20人", {"direction": "正向"}, True),
])
def test_low_is_good_counts_may_take_a_ceiling(shanghai, name, value, extra, fires):
    found, _ = run(shanghai, project([_row("数量指标", name, value, **extra)]))
    assert (("G60-APP-016", 7) in found) is fires


# --- low-is-good rates by how the name is built (G60-APP-022) ----------------------------------------

@pytest.mark.parametrize("name, value, extra, expected", [
    ("房租逾期缴纳比例", "≥2%", {}, {"G60-APP-022"}),
    ("窗口业务出错率", "＞0.5%", {}, {"G60-APP-022"}),
    ("道路交通事故伤亡比率", "≥1%", {}, {"G60-APP-022"}),
    ("房租逾期缴纳比例", "≤2%", {}, set()),                       # the right direction
    ("12345投诉转办率", "≥98%", {}, set()),                       # dealing with complaints: high is good
    ("安全隐患排查整改率", "≥95%", {}, set()),
    ("不合格产品检出率", "≥90%", {}, set()),
    ("房租逾期缴纳比例", "≥2%", {"direction": "正向"}, set()),   # the form says high is good
    ("设备故障率", "≥2%", {}, {"G60-APP-006"}),                   # a listed name: G60-APP-006 alone
    ("逾期贷款笔数", "≥2笔", {}, set()),                          # a count, not a rate: not this kind
    ("义务教育学生辍学率", "≥0.5%", {}, {"G60-APP-022"}),
    ("刑事案件破案率", "≥90%", {}, set()),                        # solving cases: high is good
    ("坏账核销率", "≥90%", {}, set()),
])
def test_low_is_good_rate_with_a_floor(shanghai, name, value, extra, expected):
    found, _ = run(shanghai, project([_row("质量指标", name, value, **extra)]))
    assert {rule for rule, row in found if row == 7} & {"G60-APP-006", "G60-APP-022"} == expected


# --- high-is-good rates written as a ceiling (G60-APP-023, table 'attainment') ----------------------

@pytest.mark.parametrize("name, value, extra, expected", [
    ("讲座计划完成率", "≤90%", {}, {"G60-APP-023"}),
    ("讲座计划完成率", "≪90%", {}, {"G60-APP-023"}),              # ≪ is a mis-typed ≤
    ("讲座计划完成率", "≤90", {}, {"G60-APP-023"}),                # no unit written: still a rate
    ("新建道路验收合格率", "＜97%", {}, {"G60-APP-023"}),
    ("农村自来水普及比例", "≤88%", {}, {"G60-APP-023"}),
    ("老年人健康档案建档率", "<75%", {}, {"G60-APP-023"}),
    ("高校毕业生就业率", "≤93.5%", {}, {"G60-APP-023"}),
    ("城乡居民医保参保率", "≤96%", {}, {"G60-APP-023"}),
    ("造林苗木成活率", "≤85%", {}, {"G60-APP-023"}),
    ("大型仪器设备利用率", "≤70%", {}, {"G60-APP-023"}),
    ("专项资金使用率", "≤95%", {}, {"G60-APP-023"}),
    ("年度预算执行率", "<100%", {}, {"G60-APP-023"}),              # strictly below the cap aims low
    ("讲座计划完成率", "≥90%", {}, set()),                          # the right direction
    ("专项资金使用率", "≤100%", {}, set()),                         # ≤100% only restates the cap
    ("年度预算执行率", "≤100%", {}, set()),
    ("工程验收不合格率", "≤2%", {}, set()),                         # the shortfall, negated: low is good
    ("年度任务未完成率", "≤5%", {}, set()),
    ("义务教育未入学比例", "≤1%", {}, set()),
    ("检查不达标率", "≤4%", {}, set()),
    ("服务对象不满意率", "≤6%", {}, set()),
    ("公租房空置率", "≤8%", {}, set()),                             # adverse words (空置, 闲置, 超支, 误差)
    ("办公设备闲置率", "≤10%", {}, set()),
    ("项目执行超支率", "≤3%", {}, set()),
    ("计量检定误差率", "≤0.5%", {}, set()),
    ("预算执行偏差率", "≤5%", {}, set()),                           # a deviation should be small
    ("资金拨付进度差异率", "≤10%", {}, set()),
    ("抗菌药物使用率", "≤50%", {}, set()),                          # 使用 alone is not an attainment
    ("一次性塑料制品使用比例", "≤20%", {}, set()),
    ("办公经费占比", "≤15%", {}, set()),                            # no attainment word
    ("人员经费占预算执行比例", "≤30%", {}, set()),                 # a share of one thing in another
    ("公共服务覆盖人口占比", "≤60%", {}, {"G60-APP-023"}),          # 占比 as the ending only: an attainment
    ("超期办结率", "≤5%", {}, set()),                               # adverse + attainment: words cannot tell
    ("借阅申请处理及时率", "≤5(工作日)", {}, set()),                # days: a unit fault, the ceiling is right
    ("讲座计划完成率", "≤90%", {"direction": "反向"}, set()),       # the form says low is good
    ("疫苗接种人数", "≤300人", {}, set()),                          # a count, not a rate
])
def test_high_is_good_rate_with_a_ceiling(shanghai, name, value, extra, expected):
    found, _ = run(shanghai, project([_row("质量指标", name, value, **extra)]))
    assert {rule for rule, row in found if row == 7} & {"G60-APP-022", "G60-APP-023"} == expected


def test_a_satisfaction_ceiling_stays_g60_app_007(shanghai):
    rows = [_row("服务对象满意度指标", "患者满意率", "≤90%", level1="满意度指标")]
    found = {rule for rule, row in run(shanghai, project(rows))[0] if row == 7}
    assert "G60-APP-007" in found and "G60-APP-023" not in found


def test_rates_of_both_directions_are_mirror_findings(shanghai):
    # the same document: a low-is-good rate with ≥ and a high-is-good one with ≤, one finding each
    rows = [_row("质量指标", "贷款逾期比例", "≥3%"), _row("质量指标", "设备完好率", "≤90%")]
    found, _ = run(shanghai, project(rows))
    assert {(rule, row) for rule, row in found if rule in {"G60-APP-022", "G60-APP-023"}} == {
        ("G60-APP-022", 7), ("G60-APP-023", 8)}


# --- timeliness words (G60-APP-013, table 'timely') ---------------------------------------------------

@pytest.mark.parametrize("word", ["如期交付", "尽快拨付到位", "适时组织验收", "按进度推进", "在规定时限内办结",
                                  "第一时间响应"])
def test_timeliness_row_given_as_a_word(shanghai, word):
    found, _ = run(shanghai, project([_row("时效指标", "补助发放时效", word)]))
    assert found == {("G60-APP-013", 7)}, word


@pytest.mark.parametrize("word", ["按进度推进", "如期交付"])
def test_timeliness_words_do_not_make_other_rows_vague(shanghai, word):
    # the table 'timely' is read on 时效指标 rows only; on a quality row these words are left alone
    found, _ = run(shanghai, project([_row("质量指标", "工程实施", word)]))
    assert ("G60-APP-013", 7) not in found


def test_a_dated_timeliness_value_is_not_a_word(shanghai):
    found, _ = run(shanghai, project([_row("时效指标", "补助发放时间", "2026年9月30日前")]))
    assert ("G60-APP-013", 7) not in found


# --- quantity given as a word (G60-APP-018) -----------------------------------------------------------

@pytest.mark.parametrize("word", ["若干", "全覆盖", "按需配备", "进一步扩大"])
def test_quantity_given_as_a_word_is_one_finding(shanghai, word):
    # "进一步扩大" is also a vague word: on a quantity row it is G60-APP-018's finding only
    assert run(shanghai, project([_row("数量指标", "配备急救设备", word)]))[0] == {("G60-APP-018", 7)}


def test_a_vague_word_on_a_benefit_row_stays_g60_app_013(shanghai):
    found, _ = run(shanghai, project([_row("社会效益指标", "群众急救能力", "进一步扩大", level1="效益指标")]))
    assert found == {("G60-APP-013", 7)}


# --- template prompts in value cells (G60-COMP-021) ---------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("请填写覆盖村数", "G60-COMP-021"),
    ("请输入目标值", "G60-COMP-021"),
    ("≥85%（填写说明）", "G60-COMP-021"),
    ("示例：完成", "G60-COMP-021"),
    ("≥85%", None),
    ("≥**%", "G60-COMP-011"),          # a placeholder alone: G60-COMP-011, not also a prompt
    ("完成XX项改造", "G60-COMP-012"),   # unreadable: G60-COMP-012 alone says it
])
def test_template_prompt_in_the_value(shanghai, value, expected):
    found, _ = run(shanghai, project([_row("质量指标", "改造完成情况", value)]))
    assert found == ({(expected, 7)} if expected else set())


def test_a_prompt_with_a_vague_word_is_one_finding(shanghai):
    # "请填写提升比例" holds 提升 (vague) and 请填写 (prompt): the prompt is the defect, said once
    found, _ = run(shanghai, project([_row("社会效益指标", "群众获得感", "请填写提升比例", level1="效益指标")]))
    assert found == {("G60-COMP-021", 7)}


@pytest.mark.parametrize("value", ["示例：明显提升", "示例：进一步改善", "显著提高（填写说明）", "请输入：有效促进",
                                   "示例：按时完成"])
@pytest.mark.parametrize("level2, level1", [("社会效益指标", "效益指标"), ("时效指标", "产出指标"),
                                            ("质量指标", "产出指标")])
def test_a_prompt_before_a_vague_word_is_one_finding(shanghai, value, level2, level1):
    # trial 11: "示例：明显提升" was both G60-APP-013 and G60-COMP-021; the word G60-APP-013 reads is
    # normalised (示例： → 示例:), so it now reads the raw value for prompts, as G60-COMP-021 does
    found, _ = run(shanghai, project([_row(level2, "群众健康素养", value, level1=level1)]))
    assert found == {("G60-COMP-021", 7)}


@pytest.mark.parametrize("level1, level2, expected", [
    ("成本指标", "经济成本指标", "G60-APP-020"),
    ("满意度指标", "服务对象满意度指标", "G60-APP-019"),
    ("产出指标", "数量指标", "G60-APP-018"),
    ("产出指标", "时效指标", "G60-COMP-021"),
])
def test_a_prompt_as_a_word_value_is_one_finding(shanghai, level1, level2, expected):
    found, _ = run(shanghai, project([_row(level2, "某项内容", "请输入目标值", level1=level1)]))
    assert found == {(expected, 7)}


# --- rules that split one kind between them read one word table -----------------------------------------

def test_rules_that_split_one_kind_between_them_read_one_table(shanghai):
    # a word in one copy and not the other would give a row two findings, or none: one table, no copies
    for table, rules in (("prompts", ("G60-COMP-019", "G60-COMP-021", "G60-COMP-022", "G60-APP-013")),
                         ("adverse_counts", ("G60-APP-015", "G60-APP-016")),
                         ("adverse_names", ("G60-APP-006", "G60-APP-022"))):
        assert set(rules) <= set(shanghai.users(table)), table
        assert not any(table in shanghai.rule(r).params for r in rules), table


def test_explain_says_a_word_table_left_the_row_out(tmp_path):
    from typer.testing import CliRunner

    from g60rules.cli import app

    (tmp_path / "d.yaml").write_text(
        "kind: project\nname: 样例\nindicators:\n"
        "  - {level1: 产出指标, level2: 数量指标, level3: 印发折页, target_value: '≤4000份'}\n"
        "  - {level1: 产出指标, level2: 数量指标, level3: 群众投诉件数, target_value: '≤12件'}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", "G60-APP-016", str(tmp_path / "d.yaml"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    first, second = result.output.split("row 1 › 印发折页")[1].split("row 2 › 群众投诉件数")
    assert "→ FIRES" in first and "level3 (印发折页) does not match" in first
    assert "level3 [群众投诉件数] does not match" in second and "→ false" in second
