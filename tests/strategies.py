"""Hypothesis strategies: edge-case declarations as the dicts a declaration file holds.

Edge cases on purpose: empty and missing fields, zero, negative and huge amounts, 万元 and 元 mixed,
written forms with spaces and look-alike operators, duplicate rows, odd Unicode (decomposed forms,
zero-width and control characters), Chinese and English keys, departments with inline projects.
"""

from __future__ import annotations

from hypothesis import strategies as st

LEVEL1 = ["成本指标", "产出指标", "效益指标", "满意度指标", "满意度指 标", "管理指标", "产出值", "完成情况指标",
          "实施效果指标", "效益指标（必填）"]
LEVEL2 = ["经济成本指标", "数量指标", "质量指标", "时效指标", "社会效益指标", "可持续影响指标",
          "服务对象满意度指标", "工作指标", "成本指标", "数量值", "数量指标（必填硬性指标）", "产出指标", "满意度指标"]
FORMS = ["shanghai-2024", "national-2021", "legacy-2015", "ndrc-investment", "unknown-form"]
NAMES = ["单个课题成本", "活动成本", "举办活动场次", "相关方满意度", "投诉率", "验收通过率", "群众满意度",
         "完成时间", "完成课题报告数量", "cafe\u0301", "café", "a\nb", "ab", "帮扶户数", "处理及时率",
         "设备故障率", "达标率100%", "面积(亩)", "时限(月)", "培训(≥**人)", "年度预算总成本", "每月保洁费用",
         # rates of both directions by how the name is built (G60-APP-022, G60-APP-023)
         "讲座计划完成率", "工程验收不合格率", "预算执行偏差率", "专项资金使用率", "贷款逾期比例"]
OPS = ["≥", "≤", "≪", "≧", "=", ">", "<", ">=", "＜", ""]
UNITS = ["(元)", "(万元)", "（元/个）", "(元/次)", "(%)", "%", "(篇)", "(次)", "(个)", "场", "", "(人)", "(元/月)",
         "元/亩", "亩", "(人次)", "户", "(工作日)"]
REAL_VALUES = ["≥90.00(%)", "≤200000.00(元/个)", "=1.00(场)", "≥85 (%)", "≥85. 00 (%)", "≪800000.00(元)",
               "≧ %", "(≥**%)", "≤20万元", "完成", "提高", "进一步提高", "合理", "", "≤2024-12-31",
               "2025-06-30", "95%-90%", "80%-90%", "XX", "≥120(%)", "1e400", "≥-5(%)", "否", "是", "较高", "及时",
               "可控", "高", "=0万元", "≥0个", "≤40万元/月", "=100%",
               # forms read since issue 8: look-alike operators, 万 counts, notes, per-unit costs,
               # masked digits, month/range/yearless dates, Excel day numbers, a bare 万
               "》90%", "≥2万人", "≤60万", "≥95%(上年90%)", "100%达标", "≤300元/人/年", "每亩≤300元",
               "≤***000元", "万亩", "2025-12", "2021年全年", "2020年1月--2020年11月", "12月底到位",
               "45657", "≥120百分比", "6辆", "≤100%", "≪90%"]

odd_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    # line-break look-alikes (CR, NEL, LS, PS) on purpose: YAML reads them as breaks, tables do not
    st.sampled_from(["a\nb", "a\r\nb", "a\rb", "0\x850", "a\u2028b", "a\u2029b", "a\x85", "a\x00b", "a\tb",
                     "满意\n度", '"', "\\", "\\\\", "a\\.b", "a.b", "≥**%", "(a)", "]", "-", "^a$", '成本"\\', "a\\xb"]))


amounts = st.one_of(
    st.integers(min_value=-1000, max_value=3_000_000),
    st.integers(min_value=0, max_value=10**16),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    # above ≈ 9·10^13 元 a float cannot hold cents: money must compare exactly all the same
    st.decimals(min_value=9 * 10**13, max_value=9 * 10**13 + 1, places=2, allow_nan=False, allow_infinity=False),
)


@st.composite
def target_values(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(REAL_VALUES))
    amount = draw(amounts)
    text = str(amount)
    if draw(st.booleans()) and "." in text:
        whole, frac = text.split(".")
        text = f"{whole}. {frac}"
    return f"{draw(st.sampled_from(OPS))}{text}{draw(st.sampled_from(UNITS))}"


@st.composite
def money(draw):
    kind = draw(st.integers(0, 5))
    amount = draw(amounts)
    if kind == 0:
        return None
    if kind == 1:
        return f"{amount}万元"
    if kind == 2:
        return f"{amount:,}".replace(",", ", ") if isinstance(amount, int) and amount >= 0 else str(amount)
    if kind == 3:
        return draw(st.sampled_from(["0", "abc", "1e5", "", "  "]))
    return str(amount)


@st.composite
def indicators(draw, max_rows=12):
    rows = draw(st.lists(st.fixed_dictionaries(
        {},
        optional={
            "level1": st.sampled_from(LEVEL1),
            "level2": st.sampled_from(LEVEL2),
            "level3": st.one_of(st.sampled_from(NAMES), odd_text),
            "target_value": target_values(),
            "weight": st.sampled_from([0, 10, 20, 25, 50]),
            "unit": st.sampled_from(["%", "（%）", "次", "元/人", ""]),
            "operator": st.sampled_from(["≥", "≤", "=", "正向", "反向", "定性", "大于等于"]),
            "midterm_target": st.sampled_from(["≥24个", ""]),
            "unreadable": st.lists(st.sampled_from(["level2", "level3", "target_value", "midterm_target"]),
                                   max_size=2),
        }), max_size=max_rows))
    if rows and draw(st.booleans()):
        rows.append(dict(rows[0]))  # an identical duplicate row
    return rows


@st.composite
def projects(draw, max_rows=12, chinese_keys=None):
    funds = draw(st.fixed_dictionaries({}, optional={
        k: money() for k in ("total", "fiscal", "other", "annual_request", "appropriation", "carryover",
                             "annual_other", "central", "county")}))
    data = draw(st.fixed_dictionaries({"kind": st.just("project")}, optional={
        "name": st.one_of(st.sampled_from(["政策研究", "要素对接"]), odd_text),
        "nature": st.sampled_from(["其他经常性项目", "阶段性项目", ""]),
        "category": st.sampled_from(["其他运转类", "特定目标类"]),
        "form": st.sampled_from(FORMS),
        "plan_start": st.sampled_from(["2024-01-01", "2024-12-31", "2024-02-30", "2023-06-01", "2024年3月", "2024"]),
        "plan_end": st.sampled_from(["2024-12-31", "2024-01-01", "2025-03-31", "2024.11", "2024年", "2026-12-31"]),
        "period": st.sampled_from(["3年", "2024-2026", ""]),
        "unreadable": st.lists(st.sampled_from(["annual_target", "project_target", "name", "midterm_target"]),
                               max_size=2),
        "midterm_target": st.sampled_from(["两年内建成6个站点", ""]),
        "longterm_target": st.sampled_from(["五年内覆盖全区", ""]),
        "budget_arrangement": money(),
        "project_target": st.one_of(odd_text, st.just("建成3个站点")),
        "annual_target": st.one_of(odd_text, st.sampled_from(["建成3个站点", "完成5场培训"])),
    }))
    data["funds"] = funds
    data["indicators"] = draw(indicators(max_rows=max_rows))
    use_chinese = draw(st.booleans()) if chinese_keys is None else chinese_keys
    return to_chinese(data) if use_chinese else data


_ZH = {"kind": "类型", "name": "项目名称", "nature": "项目性质", "category": "项目类别", "plan_start": "计划开始日期",
       "plan_end": "计划完成日期", "budget_arrangement": "年度预算安排", "funds": "项目资金",
       "project_target": "项目总目标", "annual_target": "年度总体目标", "indicators": "绩效指标",
       "total": "项目资金总额", "fiscal": "财政资金", "other": "其他资金", "annual_request": "年度资金申请总额",
       "appropriation": "当年财政拨款", "carryover": "上年结转资金", "annual_other": "年度其他资金",
       "level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "target_value": "指标值", "weight": "权重",
       "unreadable": "无法识别",
       "declared_total": "涉及项目预算资金", "declared_project_count": "编报项目数", "projects": "项目"}


def to_chinese(data):
    if isinstance(data, dict):
        return {_ZH.get(k, k): to_chinese(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_chinese(v) for v in data]
    return data


@st.composite
def departments(draw):
    return {
        "kind": "department",
        "name": draw(odd_text),
        "declared_total": draw(money()),
        "declared_project_count": draw(st.integers(0, 4)),
        "projects": draw(st.lists(projects(max_rows=4, chinese_keys=False), max_size=3)),
    }
