"""Tests for g60rules.values: hand-written expectations for real 指标值 forms, plus property tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from g60rules.values import (
    GLYPHS,
    DatePrecision,
    Operator,
    RenderStyle,
    RowFamily,
    TargetValue,
    UnitKind,
    ValueKind,
    for_row,
    format_yuan,
    parse_money,
    parse_money_cell,
    parse_target_value,
    render_target_value,
)

D = Decimal
Q, R, DT = ValueKind.QUANTITATIVE, ValueKind.RANGE, ValueKind.DATE
DR, YL, PH = ValueKind.DATE_RANGE, ValueKind.YEARLESS_DATE, ValueKind.PLACEHOLDER
DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR
QUARTER, HALF = DatePrecision.QUARTER, DatePrecision.HALF_YEAR
GE, LE, EQ, GT, LT = Operator.GE, Operator.LE, Operator.EQ, Operator.GT, Operator.LT

# (text, kind, op, amount, unit)
QUANTITATIVE_CASES = [
    ("≥90.00(%)", GE, "90.00", "%"),
    ("≤200000.00(元/个)", LE, "200000.00", "元/个"),
    ("=1.00(场)", EQ, "1.00", "场"),
    ("≥85 (%)", GE, "85", "%"),
    ("≥85. 00 (%)", GE, "85.00", "%"),
    ("≪800000.00(元)", LE, "800000.00", "元"),
    ("≤20万元", LE, "20", "万元"),
    ("2, 000, 000. 00", EQ, "2000000.00", None),
    ("735, 000. 00", EQ, "735000.00", None),
    ("0", EQ, "0", None),
    ("85", EQ, "85", None),
    ("≧95%", GE, "95", "%"),
    (">=95%", GE, "95", "%"),
    ("≥=95%", GE, "95", "%"),
    ("＞=95%", GE, "95", "%"),
    ("⩾95%", GE, "95", "%"),
    ("≫95%", GE, "95", "%"),
    ("≦5(天)", LE, "5", "天"),
    ("<=5(天)", LE, "5", "天"),
    ("≤=5(天)", LE, "5", "天"),
    ("⩽5(天)", LE, "5", "天"),
    ("==3(篇)", EQ, "3", "篇"),
    ("＝3（篇）", EQ, "3", "篇"),
    (">0(人次)", GT, "0", "人次"),
    ("＞0(人次)", GT, "0", "人次"),
    ("<10(%)", LT, "10", "%"),
    ("＜10（％）", LT, "10", "%"),
    ("≥８５．００（％）", GE, "85.00", "%"),
    ("≥ 85 %", GE, "85", "%"),
    ("≥85(%", GE, "85", "%"),
    ("≥85%)", GE, "85", "%"),
    ("(≥85%)", GE, "85", "%"),
    ("≥(85%)", GE, "85", "%"),
    ("≥-5(%)", GE, "-5", "%"),
    ("≥5‰", GE, "5", "‰"),
    ("≥2个百分点", GE, "2", "个百分点"),
    ("≤1,000,000元", LE, "1000000", "元"),
    ("≤1.2亿元", LE, "1.2", "亿元"),
    ("≤5万元/个", LE, "5", "万元/个"),
    ("≤300元/人次", LE, "300", "元/人次"),
    ("≥12(期)", GE, "12", "期"),
    ("≥1(家)", GE, "1", "家"),
    ("≥2(面)", GE, "2", "面"),
    ("≥100(份)", GE, "100", "份"),
    ("≤30(工作日)", LE, "30", "工作日"),
    ("≤2(小时)", LE, "2", "小时"),
    ("≥10(公里)", GE, "10", "公里"),
    ("≥500(平方米)", GE, "500", "平方米"),
    ("≥3(个月)", GE, "3", "个月"),
    ("≥20(株)", GE, "20", "株"),
    ("≥5万人次", GE, "50000", "人次"),  # 万 before a counted unit scales the amount (issue 8)
    ("≥3(台套)", GE, "3", "台套"),
    ("≥90%以上", GE, "90", "%"),
    ("90%以上", GE, "90", "%"),
    ("20万元以内", LE, "20", "万元"),
    ("3个工作日内", LE, "3", "个工作日"),
    ("不低于95%", GE, "95", "%"),
    ("不超过50万元", LE, "50", "万元"),
    ("≥90%。", GE, "90", "%"),
    ("12月", EQ, "12", "月"),
    ("2024年", EQ, "2024", "年"),
    ("≥85()", GE, "85", None),
]


@pytest.mark.parametrize(("text", "op", "amount", "unit"), QUANTITATIVE_CASES)
def test_quantitative_forms(text: str, op: Operator, amount: str, unit: str | None) -> None:
    v = parse_target_value(text)
    assert v.raw == text
    assert v.kind is Q, v.problem
    assert v.op is op
    assert v.amount == D(amount)
    assert v.unit == unit
    assert v.problem is None


def test_written_scale_is_kept() -> None:
    assert str(parse_target_value("≥90.00(%)").amount) == "90.00"
    assert str(parse_target_value("≥85. 00 (%)").amount) == "85.00"


# (text, unit_kind, unit_noun, amount_yuan)
UNIT_CASES = [
    ("≤200000.00(元/个)", UnitKind.MONEY_PER_UNIT, "个", "200000.00"),
    ("≤20万元", UnitKind.MONEY, None, "200000"),
    ("≤503.50万元", UnitKind.MONEY, None, "5035000.00"),
    ("≤1.2亿元", UnitKind.MONEY, None, "120000000"),
    ("≤5千元", UnitKind.MONEY, None, "5000"),
    ("≪800000.00(元)", UnitKind.MONEY, None, "800000.00"),
    ("≤5万元/个", UnitKind.MONEY_PER_UNIT, "个", "50000"),
    ("≤300元/人次", UnitKind.MONEY_PER_UNIT, "人次", "300"),
    ("≤800(元/篇)", UnitKind.MONEY_PER_UNIT, "篇", "800"),
    ("=1.00(场)", UnitKind.COUNT, "场", None),
    ("≥10(篇)", UnitKind.COUNT, "篇", None),
    ("≥10(人次)", UnitKind.COUNT, "人次", None),
    ("≥90.00(%)", UnitKind.PERCENT, None, None),
    ("≥5‰", UnitKind.PERCENT, None, None),
    ("≥2个百分点", UnitKind.PERCENT, None, None),
    ("≤30(工作日)", UnitKind.DURATION, None, None),
    ("≤12(月)", UnitKind.DURATION, None, None),
    ("≥10(公里)", UnitKind.LENGTH, "公里", None),  # area/length units are counted nouns (issue 8)
    ("≥500(平方米)", UnitKind.LENGTH, "平方米", None),
    ("≥3(台套)", UnitKind.OTHER, None, None),
    ("≥5万人次", UnitKind.COUNT, "人次", None),
    ("≥5万", UnitKind.OTHER, None, None),
    ("85", None, None, None),
]


@pytest.mark.parametrize(("text", "kind", "noun", "yuan"), UNIT_CASES)
def test_unit_properties(text: str, kind: UnitKind | None, noun: str | None, yuan: str | None) -> None:
    v = parse_target_value(text)
    assert v.unit_kind is kind
    assert v.unit_noun == noun
    assert v.amount_yuan == (None if yuan is None else D(yuan))


def test_amount_yuan_is_exact_and_decimal() -> None:
    v = parse_target_value("≤0.01万元")
    assert v.amount_yuan == D("100")
    assert isinstance(v.amount_yuan, Decimal)
    huge = parse_target_value("≤123456789012345678901234567890.12亿元")
    assert huge.amount_yuan == D("12345678901234567890123456789012000000")


# (text, lower, upper, unit)
RANGE_CASES = [
    ("80%-90%", "80", "90", "%"),
    ("80-90(%)", "80", "90", "%"),
    ("80~90%", "80", "90", "%"),
    ("80～90%", "80", "90", "%"),
    ("80至90%", "80", "90", "%"),
    ("80到90%", "80", "90", "%"),
    ("80—90%", "80", "90", "%"),
    ("80——90%", "80", "90", "%"),
    ("80 - 90 (%)", "80", "90", "%"),
    ("90-80%", "90", "80", "%"),  # reversed bounds are kept as written
    ("1万元-2万元", "1", "2", "万元"),
    ("-5-10(%)", "-5", "10", "%"),
    ("5-10", "5", "10", None),
]


@pytest.mark.parametrize(("text", "low", "high", "unit"), RANGE_CASES)
def test_range_forms(text: str, low: str, high: str, unit: str | None) -> None:
    v = parse_target_value(text)
    assert v.kind is R, v.problem
    assert v.op is None
    assert (v.amount, v.upper, v.unit) == (D(low), D(high), unit)


def test_range_upper_yuan() -> None:
    v = parse_target_value("1万元-2万元")
    assert (v.amount_yuan, v.upper_yuan) == (D("10000"), D("20000"))


DATE_CASES = [
    ("2024-12-31", EQ, datetime.date(2024, 12, 31)),
    ("2024年12月31日", EQ, datetime.date(2024, 12, 31)),
    ("2024.12.31", EQ, datetime.date(2024, 12, 31)),
    ("2024/12/31", EQ, datetime.date(2024, 12, 31)),
    ("2024 年 6 月 30 日", EQ, datetime.date(2024, 6, 30)),
    ("≤2024-12-31", LE, datetime.date(2024, 12, 31)),
    ("≥2024-01-01", GE, datetime.date(2024, 1, 1)),
    ("2024年12月底前", LE, datetime.date(2024, 12, 31)),
    ("2024年12月底", LE, datetime.date(2024, 12, 31)),
    ("2024年12月", LE, datetime.date(2024, 12, 31)),
    ("2024年2月", LE, datetime.date(2024, 2, 29)),
    ("2023年2月", LE, datetime.date(2023, 2, 28)),
    ("2024年6月30日前", LE, datetime.date(2024, 6, 30)),
    ("2024年6月30日前完成", LE, datetime.date(2024, 6, 30)),
    ("2024-06-30前", LE, datetime.date(2024, 6, 30)),
    ("2024年底前", LE, datetime.date(2024, 12, 31)),
    ("2024年年底", LE, datetime.date(2024, 12, 31)),
    ("2024年内", LE, datetime.date(2024, 12, 31)),
    ("2024年12月31号前", LE, datetime.date(2024, 12, 31)),
    ("(2024年12月31日前)", LE, datetime.date(2024, 12, 31)),
    ("=2024年12月", EQ, datetime.date(2024, 12, 31)),
    ("＜２０２４－０７－０１", LT, datetime.date(2024, 7, 1)),
    ("不晚于2024年9月30日", LE, datetime.date(2024, 9, 30)),
]


@pytest.mark.parametrize(("text", "op", "date"), DATE_CASES)
def test_date_forms(text: str, op: Operator, date: datetime.date) -> None:
    v = parse_target_value(text)
    assert v.kind is DT, v.problem
    assert (v.op, v.date) == (op, date)


QUALITATIVE_WORDS = [
    "完成", "达成", "达标", "合理", "可控", "及时", "提高", "降低", "提升", "有效", "良好", "显著",
    "逐步提高", "稳步提升", "按时完成", "是", "否", "优", "良", "中", "差", "符合", "满足",
    "高于预期", "不超过预算",
]


@pytest.mark.parametrize("text", QUALITATIVE_WORDS)
def test_qualitative_words(text: str) -> None:
    v = parse_target_value(text)
    assert v.kind is ValueKind.QUALITATIVE
    assert v.word == text


@pytest.mark.parametrize(("text", "word"), [
    (" 完成 ", "完成"),
    ("（完成）", "完成"),
    ("及时、准确", "及时、准确"),
    ("及时，准确", "及时,准确"),
    ("群众满意度明显提高。", "群众满意度明显提高"),
])
def test_qualitative_normalised_word(text: str, word: str) -> None:
    v = parse_target_value(text)
    assert v.kind is ValueKind.QUALITATIVE
    assert v.word == word
    assert v.raw == text


# (text, op, unit)
PLACEHOLDER_CASES = [
    ("≧ %", GE, "%"),
    ("≥ %", GE, "%"),
    ("(≥**%)", GE, "%"),
    ("*", None, None),
    ("**", None, None),
    ("＊", None, None),
    ("XX", None, None),
    ("xx", None, None),
    ("X%", None, "%"),
    ("≥XX%", GE, "%"),
    ("≤XX万元", LE, "万元"),
    ("≥", GE, None),
    ("≤（元）", LE, "元"),
    ("(元)", None, "元"),
    ("%", None, "%"),
    ("-", None, None),
    ("/", None, None),
    ("——", None, None),
]


@pytest.mark.parametrize(("text", "op", "unit"), PLACEHOLDER_CASES)
def test_placeholders(text: str, op: Operator | None, unit: str | None) -> None:
    v = parse_target_value(text)
    assert v.kind is ValueKind.PLACEHOLDER
    assert (v.op, v.unit) == (op, unit)
    assert v.amount is None
    assert v.problem


def test_placeholder_problem_text() -> None:
    assert parse_target_value("(≥**%)").problem == "placeholder '**' instead of a number"


@pytest.mark.parametrize("text", [None, "", " ", "\u3000\t\n", "()", "（ ）"])
def test_empty(text: str | None) -> None:
    v = parse_target_value(text)
    assert v.kind is ValueKind.EMPTY
    assert v.raw == (text or "")


UNPARSEABLE_CASES = [
    ("2024-02-30", "invalid calendar date"),
    ("2024年13月", "invalid calendar date"),
    ("≥abc", "not a number"),
    ("≥1.2.3(%)", "malformed number"),
    ("≥≤5", "two operators"),
    ("inf", "finite"),
    ("nan", "finite"),
    ("1e400", "exponent"),
    ("≥1e5", "exponent"),
    ("≥90%以下", "conflicting operators"),
    ("≥2024年12月31日前", "contradicts"),
    ("≥80-90%", "operator before a range"),
    ("80元-90%", "different units"),
    ("≥十四五场", "not a number"),  # not a positional numeral; "≥三场" is 3 场 (test_values_forms)
    ("abc", "not a number"),
    ("1,00", "malformed number"),
    ("≥9X%", "unrecognised unit"),
    ("≥5(%)(元)", "unexpected"),
    ("1" * 41, "more than 40 digits"),
    ("满" * 41, "too long"),
    ("≥" + "9" * 300, "too long"),
]


@pytest.mark.parametrize(("text", "problem"), UNPARSEABLE_CASES)
def test_unparseable(text: str, problem: str) -> None:
    v = parse_target_value(text)
    assert v.kind is ValueKind.UNPARSEABLE
    assert v.problem is not None and problem in v.problem
    assert v.raw == text


def test_non_text_input() -> None:
    assert parse_target_value(85).amount == D(85)  # type: ignore[arg-type]
    assert parse_target_value(D("90.5")).amount == D("90.5")  # type: ignore[arg-type]
    v = parse_target_value(1.5)  # type: ignore[arg-type]
    assert v.kind is ValueKind.UNPARSEABLE and v.raw == "1.5"


def test_target_value_is_frozen_and_finite() -> None:
    v = parse_target_value("≥90%")
    with pytest.raises(ValidationError):
        v.amount = D(1)  # type: ignore[misc]
    with pytest.raises(ValidationError):
        TargetValue(raw="x", kind=Q, amount=D("NaN"))


# --------------------------------------------------------------------------------------------
# Issue 8: forms seen on published declarations (cases c05–c09, c19, c23, c24, miss-operator)
# --------------------------------------------------------------------------------------------

# Look-alikes typed for an operator, and brackets typed round the unit (text, op, amount, unit)
LOOKALIKE_CASES = [
    ("》90%", GE, "90", "%"),  # c09: CJK double angle bracket for ≥
    ("》 75 (%)", GE, "75", "%"),
    ("》=60%", GE, "60", "%"),
    ("《5(天)", LE, "5", "天"),
    ("《=30(工作日)", LE, "30", "工作日"),
    ("〉0(人次)", GT, "0", "人次"),
    ("〈3%", LT, "3", "%"),
    ("≯20万元", LE, "20", "万元"),
    ("≮98%", GE, "98", "%"),
    ("﹥12(场)", GT, "12", "场"),
    ("＞＝95%", GE, "95", "%"),
    ("＝＞88%", GE, "88", "%"),
    ("≧=70%", GE, "70", "%"),
    ("≥85【%】", GE, "85", "%"),
    ("≤4〔万元〕", LE, "4", "万元"),
    ("≥2［个］", GE, "2", "个"),
    ("不得低于92%", GE, "92", "%"),
    ("不得超过15万元", LE, "15", "万元"),
    ("控制在50万元以内", LE, "50", "万元"),
    ("控制在30万元", LE, "30", "万元"),
    ("不少于8场", GE, "8", "场"),
    ("99%以上", GE, "99", "%"),
    ("5天以内", LE, "5", "天"),
]


@pytest.mark.parametrize(("text", "op", "amount", "unit"), LOOKALIKE_CASES)
def test_lookalike_operators_and_brackets(text: str, op: Operator, amount: str, unit: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.amount, v.unit) == (Q, op, D(amount), unit), v.problem
    assert v.op_implied is False


@pytest.mark.parametrize(("text", "word"), [
    ("《规划》编制完成", "《规划》编制完成"),  # an opening bracket closed later is a title mark
    ("〈通知〉印发", "〈通知〉印发"),
    ("完成《实施方案》", "完成《实施方案》"),
])
def test_title_marks_stay_qualitative(text: str, word: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.word) == (ValueKind.QUALITATIVE, word)


@pytest.mark.parametrize(("text", "op", "unit"), [
    ("》 万元", GE, "万元"),  # c09
    ("》 亩", GE, "亩"),
    ("《**(元)", LE, "元"),
    ("》 %", GE, "%"),
])
def test_lookalike_operator_placeholders(text: str, op: Operator, unit: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.unit) == (PH, op, unit)


@pytest.mark.parametrize(("text", "op", "amount"), [
    ("≥120百分比", GE, "120"),  # c05
    ("≥100百分比", GE, "100"),
    ("=98(百分比)", EQ, "98"),
    ("≤3百分率", LE, "3"),
])
def test_percent_written_as_a_word(text: str, op: Operator, amount: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.amount, v.unit, v.unit_kind) == (Q, op, D(amount), "%", UnitKind.PERCENT)
    assert v.unit_written in ("百分比", "百分率")


# A note after the value: the target is the part before it (text, op, amount, unit, note)
NOTE_CASES = [
    ("≥95%(2024:90%)", GE, "95", "%", "2024:90%"),  # c08
    ("≥60%(新增)", GE, "60", "%", "新增"),  # c08
    ("≥95%（上年90%）", GE, "95", "%", "上年90%"),
    ("≥88(%)(较上年提高3个百分点)", GE, "88", "%", "较上年提高3个百分点"),
    ("≤20万元(含税)", LE, "20", "万元", "含税"),
    ("≥3(个)(其中省级1个)", GE, "3", "个", "其中省级1个"),
    ("100%达标", EQ, "100", "%", "达标"),
    ("≥97%达标", GE, "97", "%", "达标"),
    ("5个工作日完成", EQ, "5", "个工作日", "完成"),
    ("=100%覆盖", EQ, "100", "%", "覆盖"),
    ("≥98%左右", GE, "98", "%", "左右"),
    ("≥95%，上年90%", GE, "95", "%", "上年90%"),
    ("≤1,500元;含税", LE, "1500", "元", "含税"),
    ("≥96%(含)", GE, "96", "%", "含"),
]


@pytest.mark.parametrize(("text", "op", "amount", "unit", "note"), NOTE_CASES)
def test_value_with_a_note(text: str, op: Operator, amount: str, unit: str, note: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.amount, v.unit, v.note) == (Q, op, D(amount), unit, note), v.problem
    assert v.raw == text


def test_note_on_a_date_and_a_range() -> None:
    v = parse_target_value("2025年12月底前(视进度)")
    assert (v.kind, v.date, v.note) == (DT, datetime.date(2025, 12, 31), "视进度")
    r = parse_target_value("80-90%(参考值)")
    assert (r.kind, r.amount, r.upper, r.note) == (R, D(80), D(90), "参考值")


@pytest.mark.parametrize("text", ["≥5(%)(元)", "≥5(%)(万元)", "≥3(台套)"])
def test_a_second_unit_is_not_a_note(text: str) -> None:
    v = parse_target_value(text)
    assert v.note is None
    assert v.kind is ValueKind.UNPARSEABLE or v.unit == "台套"


# 万/亿 before a counted unit scale the amount exactly (text, op, amount, unit, kind, written)
SCALED_CASES = [
    ("≥2万人", GE, "20000", "人", UnitKind.COUNT, "万人"),  # c07
    ("≥142万人", GE, "1420000", "人", UnitKind.COUNT, "万人"),
    ("≥1.5万亩", GE, "15000", "亩", UnitKind.LENGTH, "万亩"),
    ("=3.2万平方米", EQ, "32000", "平方米", UnitKind.LENGTH, "万平方米"),
    ("≥10万册", GE, "100000", "册", UnitKind.COUNT, "万册"),
    ("≥0.5亿人次", GE, "50000000", "人次", UnitKind.COUNT, "亿人次"),
    ("≥1.23456万人", GE, "12345.6", "人", UnitKind.COUNT, "万人"),
    ("≥12(万人次)", GE, "120000", "人次", UnitKind.COUNT, "万人次"),
]


@pytest.mark.parametrize(("text", "op", "amount", "unit", "kind", "written"), SCALED_CASES)
def test_wan_before_a_counted_unit(text: str, op: Operator, amount: str, unit: str, kind: UnitKind,
                                   written: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.amount, v.unit, v.unit_kind, v.unit_written) == (Q, op, D(amount), unit,
                                                                             kind, written)
    assert v.unit_noun == unit and v.amount_yuan is None


def test_scaled_amount_is_exact_decimal() -> None:
    v = parse_target_value("≥1234567890123.4567万人")
    assert v.amount == D("12345678901234567") and isinstance(v.amount, Decimal)


@pytest.mark.parametrize(("text", "low", "high"), [
    ("10-20万人", "100000", "200000"),  # the scale on the upper bound covers both
    ("1万-2万人", "10000", "20000"),
    ("1万人-2万人", "10000", "20000"),
])
def test_scaled_ranges(text: str, low: str, high: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.amount, v.upper, v.unit) == (R, D(low), D(high), "人"), v.problem


@pytest.mark.parametrize(("text", "unit"), [
    ("≥5万", "万"),  # a bare 万 off a cost row stays what it is: people, visits …?
    ("≥2万元", "万元"),
    ("≤5万元/个", "万元/个"),
])
def test_wan_without_a_counted_unit_is_unchanged(text: str, unit: str) -> None:
    v = parse_target_value(text)
    assert v.unit == unit and v.unit_written is None and not v.unit_from_row


# The row decides: a bare 万 on a cost row is 万元 (c23)
@pytest.mark.parametrize(("text", "unit", "yuan"), [
    ("≤60万", "万元", "600000"),  # c23
    ("≤250万", "万元", "2500000"),
    ("5万", "万元", "50000"),
    ("≤1.2亿", "亿元", "120000000"),
    ("≤2万/个", "万元/个", "20000"),
])
def test_bare_wan_on_a_cost_row(text: str, unit: str, yuan: str) -> None:
    v = parse_target_value(text, RowFamily.COST)
    assert (v.unit, v.unit_kind in (UnitKind.MONEY, UnitKind.MONEY_PER_UNIT), v.amount_yuan) == (
        unit, True, D(yuan))
    assert v.unit_from_row and v.unit_written == text.lstrip("≤0123456789.")
    off_row = parse_target_value(text)
    assert off_row.amount_yuan is None and not off_row.unit_from_row


def test_cost_row_leaves_other_units_alone() -> None:
    for text in ("≤20万元", "≥2万人", "≥90%", "完成", "≤5(元/个)"):
        assert parse_target_value(text, RowFamily.COST) == parse_target_value(text)
    ph = parse_target_value("≤**万", RowFamily.COST)
    assert (ph.kind, ph.unit, ph.unit_from_row) == (PH, "万元", True)
    rng = parse_target_value("10-20万", RowFamily.COST)
    assert (rng.kind, rng.amount_yuan, rng.upper_yuan) == (R, D(100000), D(200000))


# Qualifier forms (text, op, amount, unit, qualifier, unit_noun, unit_period)
QUALIFIER_CASES = [
    ("每亩300元", EQ, "300", "元/亩", "每亩", "亩", None),
    ("平均每生每年3300元", EQ, "3300", "元/生/年", "平均每生每年", "生", "年"),
    ("人均500元", EQ, "500", "元/人", "人均", "人", None),
    ("户均≤2000元", LE, "2000", "元/户", "户均", "户", None),
    ("亩均补助", None, None, None, None, None, None),  # no number: a word, not a qualifier
    ("每平方米≤600元", LE, "600", "元/平方米", "每平方米", "平方米", None),
    ("每人每月200元", EQ, "200", "元/人/月", "每人每月", "人", "月"),
    ("每场不超过2万元", LE, "2", "万元/场", "每场", "场", None),
    ("≤每亩300元", LE, "300", "元/亩", "每亩", "亩", None),
    ("平均3天", EQ, "3", "天", "平均", None, None),
    ("均≥90%", GE, "90", "%", "均", None, None),
    ("每年≥2次", GE, "2", "次/年", "每年", None, "年"),
    ("约500人", EQ, "500", "人", "约", "人", None),
    ("全年累计≥100人", GE, "100", "人", "全年累计", "人", None),
    ("达到95%", EQ, "95", "%", "达到", None, None),
    ("共计12场", EQ, "12", "场", "共计", "场", None),
    ("累计", None, None, None, None, None, None),
]


@pytest.mark.parametrize(("text", "op", "amount", "unit", "qualifier", "noun", "period"), QUALIFIER_CASES)
def test_qualifier_forms(text: str, op: Operator | None, amount: str | None, unit: str | None,
                         qualifier: str | None, noun: str | None, period: str | None) -> None:
    v = parse_target_value(text)
    if amount is None:
        assert v.kind is ValueKind.QUALITATIVE
        return
    assert (v.kind, v.op, v.amount, v.unit, v.qualifier) == (Q, op, D(amount), unit, qualifier), v.problem
    assert (v.unit_noun, v.unit_period) == (noun, period)


def test_qualifier_amount_yuan() -> None:
    v = parse_target_value("平均每生每年3300元")
    assert v.unit_kind is UnitKind.MONEY_PER_UNIT and v.amount_yuan == D(3300)
    assert parse_target_value("每场≤2万元").amount_yuan == D(20000)


# A change, not a level (text, op, implied, amount, unit, qualifier, change)
CHANGE_CASES = [
    ("同比增长10%", EQ, True, "10", "%", "同比增长", "up"),
    ("下降5%", EQ, True, "5", "%", "下降", "down"),
    ("较上年提高2个百分点", EQ, True, "2", "个百分点", "较上年提高", "up"),
    ("年均增长5%", EQ, True, "5", "%", "年均增长", "up"),
    ("提高≥3%", GE, False, "3", "%", "提高", "up"),
    ("减少不少于10户", GE, False, "10", "户", "减少", "down"),
    ("增长10%以上", GE, False, "10", "%", "增长", "up"),
    ("环比降低1.5万人次", EQ, True, "15000", "人次", "环比降低", "down"),
]


@pytest.mark.parametrize(("text", "op", "implied", "amount", "unit", "qualifier", "change"), CHANGE_CASES)
def test_a_change_is_not_a_level(text: str, op: Operator, implied: bool, amount: str, unit: str,
                                 qualifier: str, change: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.op_implied, v.amount, v.unit, v.qualifier, v.change) == (
        ValueKind.CHANGE, op, implied, D(amount), unit, qualifier, change), v.problem


def test_change_words_without_a_number_stay_words() -> None:
    assert parse_target_value("增长").kind is ValueKind.QUALITATIVE
    assert parse_target_value("逐步提高").kind is ValueKind.QUALITATIVE
    v = parse_target_value("增长5%(上年3%)")
    assert (v.kind, v.note) == (ValueKind.CHANGE, "上年3%")
    assert parse_target_value("降低5万", RowFamily.COST).amount_yuan == D(50000)


# Compound per-unit units (text, kind, per, period, noun, yuan)
COMPOUND_CASES = [
    ("≤300元/人/年", UnitKind.MONEY_PER_UNIT, "人", "年", "人", "300"),  # c06
    ("≤780元/生/年", UnitKind.MONEY_PER_UNIT, "生", "年", "生", "780"),
    ("≤50元/人·年", UnitKind.MONEY_PER_UNIT, "人", "年", "人", "50"),
    ("≤1.5万元/户/年", UnitKind.MONEY_PER_UNIT, "户", "年", "户", "15000"),
    ("≤40万元/月", UnitKind.MONEY_PER_UNIT, None, "月", "月", "400000"),
    ("≤50000(元/月)", UnitKind.MONEY_PER_UNIT, None, "月", "月", "50000"),
    ("≤475元/亩", UnitKind.MONEY_PER_UNIT, "亩", None, "亩", "475"),  # c24
    ("≤3000元/平方米", UnitKind.MONEY_PER_UNIT, "平方米", None, "平方米", "3000"),
    ("≤300元/米", UnitKind.MONEY_PER_UNIT, "米", None, "米", "300"),
    ("≤80万元/公里", UnitKind.MONEY_PER_UNIT, "公里", None, "公里", "800000"),
    ("≤200000.00(元/个)", UnitKind.MONEY_PER_UNIT, "个", None, "个", "200000.00"),
    ("≥3人/次", UnitKind.COUNT_PER_UNIT, "次", None, None, None),
    ("≥2次/年", UnitKind.COUNT_PER_UNIT, None, "年", None, None),
    ("≥4篇/人", UnitKind.COUNT_PER_UNIT, "人", None, None, None),
]


@pytest.mark.parametrize(("text", "kind", "per", "period", "noun", "yuan"), COMPOUND_CASES)
def test_compound_per_unit_units(text: str, kind: UnitKind, per: str | None, period: str | None,
                                 noun: str | None, yuan: str | None) -> None:
    v = parse_target_value(text)
    assert v.kind is Q, v.problem
    assert (v.unit_kind, v.unit_per, v.unit_period, v.unit_noun) == (kind, per, period, noun)
    assert v.amount_yuan == (None if yuan is None else D(yuan))


# Masked digits and a unit alone are placeholders (text, op, unit)
MASKED_CASES = [
    ("≤***000元", LE, "元"),  # c19
    ("≤****000元", LE, "元"),
    ("≥**%", GE, "%"),
    ("≤1**万元", LE, "万元"),
    ("≥*0(%)", GE, "%"),
    ("≥**.*(%)", GE, "%"),
    ("每亩≤**元", LE, "元/亩"),
    ("万亩", None, "亩"),
    ("万人", None, "人"),
    ("(%)", None, "%"),
    ("百分比", None, "%"),
    ("(元/亩)", None, "元/亩"),
    ("人/次", None, "人/次"),
]


@pytest.mark.parametrize(("text", "op", "unit"), MASKED_CASES)
def test_masked_digits_and_lone_units_are_placeholders(text: str, op: Operator | None, unit: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.unit) == (PH, op, unit), v.problem
    assert v.amount is None and v.problem


@pytest.mark.parametrize(("text", "op", "unit"), [("月内", None, "月"), ("＞工作日内", GT, "工作日"),
                                               ("≤**天内", LE, "天")])
def test_unit_with_nei_and_no_number_stays_a_placeholder(text: str, op: Operator | None, unit: str) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.unit) == (PH, op, unit)


def test_masked_problem_names_the_mask() -> None:
    assert parse_target_value("≤***000元").problem == "masked digits '***000' instead of a number"


# Operator written or implied (miss-operator)
@pytest.mark.parametrize(("text", "op", "implied"), [
    ("6辆", EQ, True),  # miss-operator row 7
    ("85%", EQ, True),  # miss-operator row 8
    ("1,200(人次)", EQ, True),
    ("=6辆", EQ, False),
    ("≥85%", GE, False),
    ("90%以上", GE, False),
    ("3个工作日内", LE, False),
    ("不低于95%", GE, False),
    ("每亩300元", EQ, True),
    ("2024-12-31", EQ, True),
    ("2024年12月", LE, True),
    ("2024年12月31日前", LE, False),
    ("≤2024-12-31", LE, False),
])
def test_operator_written_or_implied(text: str, op: Operator, implied: bool) -> None:
    v = parse_target_value(text)
    assert (v.op, v.op_implied) == (op, implied)


# Dates: months, ranges, whole years, deadlines without a year
@pytest.mark.parametrize(("text", "op", "date", "precision"), [
    ("2025-12", LE, datetime.date(2025, 12, 31), MONTH),  # a month, not the range 2025..12
    ("2024-2", LE, datetime.date(2024, 2, 29), MONTH),
    ("2023/06", LE, datetime.date(2023, 6, 30), MONTH),
    ("≤2025-06", LE, datetime.date(2025, 6, 30), MONTH),
    ("2024年12月", LE, datetime.date(2024, 12, 31), MONTH),
    ("2024年底前", LE, datetime.date(2024, 12, 31), YEAR),
    ("2024-06-30", EQ, datetime.date(2024, 6, 30), DAY),
    ("2025年12月底到位", LE, datetime.date(2025, 12, 31), MONTH),
    ("2025年6月30日前完成", LE, datetime.date(2025, 6, 30), DAY),
    ("2024年第四季度", LE, datetime.date(2024, 12, 31), QUARTER),
    ("2025年二季度前", LE, datetime.date(2025, 6, 30), QUARTER),
    ("2023年第1季度末", LE, datetime.date(2023, 3, 31), QUARTER),
    ("2026Q3", LE, datetime.date(2026, 9, 30), QUARTER),
    ("2025年上半年", LE, datetime.date(2025, 6, 30), HALF),
    ("2024年下半年完成", LE, datetime.date(2024, 12, 31), HALF),
    ("截至2025年12月31日", LE, datetime.date(2025, 12, 31), DAY),
    ("截止2024年底", LE, datetime.date(2024, 12, 31), YEAR),
    ("于2025年6月底前完成", LE, datetime.date(2025, 6, 30), MONTH),
    ("在2025年9月", LE, datetime.date(2025, 9, 30), MONTH),
])
def test_date_precision(text: str, op: Operator, date: datetime.date, precision: DatePrecision) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op, v.date, v.date_precision) == (DT, op, date, precision), v.problem


def test_by_makes_a_written_deadline() -> None:
    v = parse_target_value("截至2025年12月31日")
    assert (v.op, v.op_implied) == (LE, False)
    assert parse_target_value("在2025年9月").op_implied is True
    assert parse_target_value("截至100人").kind is ValueKind.UNPARSEABLE


@pytest.mark.parametrize("text", ["2025-13", "2000-5000", "1-12", "1000-12"])
def test_number_ranges_are_not_months(text: str) -> None:
    assert parse_target_value(text).kind is R


# (text, start, start precision, end, end precision)
DATE_RANGE_CASES = [
    ("2020年1月--2020年11月", datetime.date(2020, 1, 1), MONTH, datetime.date(2020, 11, 30), MONTH),
    ("2021年1月-12月", datetime.date(2021, 1, 1), MONTH, datetime.date(2021, 12, 31), MONTH),
    ("2023.07-2024.01", datetime.date(2023, 7, 1), MONTH, datetime.date(2024, 1, 31), MONTH),
    ("2021年全年", datetime.date(2021, 1, 1), YEAR, datetime.date(2021, 12, 31), YEAR),
    ("2022年1月1日至2022年6月30日", datetime.date(2022, 1, 1), DAY, datetime.date(2022, 6, 30), DAY),
    ("2021.03.01-2021.12.31", datetime.date(2021, 3, 1), DAY, datetime.date(2021, 12, 31), DAY),
    ("2024-01-01-2024-06-30", datetime.date(2024, 1, 1), DAY, datetime.date(2024, 6, 30), DAY),
    ("2019年—2021年", datetime.date(2019, 1, 1), YEAR, datetime.date(2021, 12, 31), YEAR),
    ("2024年3月~2024年9月", datetime.date(2024, 3, 1), MONTH, datetime.date(2024, 9, 30), MONTH),
    ("2024年2月-2024年2月", datetime.date(2024, 2, 1), MONTH, datetime.date(2024, 2, 29), MONTH),
    ("2022年3月至6月", datetime.date(2022, 3, 1), MONTH, datetime.date(2022, 6, 30), MONTH),
    ("2024年1-12月", datetime.date(2024, 1, 1), MONTH, datetime.date(2024, 12, 31), MONTH),
    ("2023年3至6月份", datetime.date(2023, 3, 1), MONTH, datetime.date(2023, 6, 30), MONTH),
    ("2024年1月1日-12月31日", datetime.date(2024, 1, 1), DAY, datetime.date(2024, 12, 31), DAY),
    ("2024-2025年", datetime.date(2024, 1, 1), YEAR, datetime.date(2025, 12, 31), YEAR),
    ("2022年度", datetime.date(2022, 1, 1), YEAR, datetime.date(2022, 12, 31), YEAR),
]


@pytest.mark.parametrize(("text", "start", "sp", "end", "ep"), DATE_RANGE_CASES)
def test_date_ranges(text: str, start: datetime.date, sp: DatePrecision, end: datetime.date,
                     ep: DatePrecision) -> None:
    v = parse_target_value(text)
    assert v.kind is DR, v.problem
    assert (v.date, v.date_precision, v.date_end, v.date_end_precision, v.op) == (start, sp, end, ep, None)


def test_spans_of_small_numbers_stay_ranges() -> None:
    v = parse_target_value("3-5年")
    assert (v.kind, v.amount, v.upper, v.unit) == (R, D(3), D(5), "年")
    assert parse_target_value("2024年1-13月").kind is ValueKind.UNPARSEABLE


def test_date_range_errors() -> None:
    assert parse_target_value("2024年2月30日-2024年3月1日").kind is ValueKind.UNPARSEABLE
    assert parse_target_value("≥2020年1月-2020年11月").problem == "operator before a range"
    # one month digit is a month too in a range (tests/test_values_forms.py); with no plausible
    # year the text is a range of numbers
    assert parse_target_value("1800.7-1801.1").kind is R


def test_yearless_deadline_operator_written_or_implied() -> None:
    assert parse_target_value("12月底到位").op_implied is True  # like "2024年12月底"
    assert parse_target_value("12月底前").op_implied is False


@pytest.mark.parametrize(("text", "op"), [
    ("12月底到位", LE),
    ("12月底前", LE),
    ("年底前", LE),
    ("本年度内", None),
    ("6月30日前完成", LE),
    ("12月31日", None),
    ("10月前", LE),
    ("≤12月31日", LE),
])
def test_deadline_without_a_year(text: str, op: Operator | None) -> None:
    v = parse_target_value(text)
    assert (v.kind, v.op) == (YL, op)
    assert v.problem == "date without a year" and v.amount is None and v.date is None
    assert v.word


def test_twelve_months_is_still_a_duration() -> None:
    v = parse_target_value("12月")
    assert (v.kind, v.amount, v.unit) == (Q, D(12), "月")


# The row decides: an Excel day number on a time row is a date
@pytest.mark.parametrize(("text", "op", "date", "serial"), [
    ("45657", EQ, datetime.date(2024, 12, 31), 45657),
    ("45291", EQ, datetime.date(2023, 12, 31), 45291),
    ("32874", EQ, datetime.date(1990, 1, 1), 32874),
    ("73050", EQ, datetime.date(2099, 12, 31), 73050),
    ("≤45838", LE, datetime.date(2025, 6, 30), 45838),
])
def test_excel_serial_on_a_time_row(text: str, op: Operator, date: datetime.date, serial: int) -> None:
    v = parse_target_value(text, RowFamily.TIMELINESS)
    assert (v.kind, v.op, v.date, v.date_serial, v.date_precision) == (DT, op, date, serial, DAY)
    assert parse_target_value(text).kind is Q  # other rows: a number stays a number


@pytest.mark.parametrize("text", ["45657.5", "4565", "456570", "45657天", "-45657", "≥90%", "12000",
                                  "32873", "73051"])
def test_time_row_leaves_other_numbers_alone(text: str) -> None:
    assert parse_target_value(text, RowFamily.TIMELINESS) == parse_target_value(text)


def test_time_row_months_and_year_ranges() -> None:
    m = parse_target_value("2024.12", RowFamily.TIMELINESS)
    assert (m.kind, m.op, m.op_implied, m.date, m.date_precision) == (
        DT, LE, True, datetime.date(2024, 12, 31), MONTH)
    assert parse_target_value("2024.12").kind is Q
    y = parse_target_value("2024-2026", RowFamily.TIMELINESS)
    assert (y.kind, y.date, y.date_end) == (DR, datetime.date(2024, 1, 1), datetime.date(2026, 12, 31))
    assert parse_target_value("2024.13", RowFamily.TIMELINESS).kind is Q


def test_for_row_without_a_family_is_the_identity() -> None:
    v = parse_target_value("≤60万")
    assert for_row(v, None) is v


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _q(op: Operator, amount: str, unit: str | None) -> TargetValue:
    return TargetValue(raw="", kind=Q, op=op, amount=D(amount), unit=unit)


@pytest.mark.parametrize(("value", "style", "text"), [
    (_q(LE, "800000.00", "元"), RenderStyle(le="≪"), "≪800000.00(元)"),
    (_q(GE, "90.00", "%"), RenderStyle(), "≥90.00(%)"),
    (_q(GE, "85", "%"), RenderStyle(space_before_unit=True), "≥85 (%)"),
    (_q(GE, "85", "%"), RenderStyle(decimals="two", spaced_number=True, space_before_unit=True),
     "≥85. 00 (%)"),
    (_q(EQ, "1", "场"), RenderStyle(decimals="two"), "=1.00(场)"),
    (_q(EQ, "1.00", "场"), RenderStyle(decimals="trim", omit_eq=True, parens="none"), "1场"),
    (_q(EQ, "2000000", None), RenderStyle(decimals="two", thousands=True, spaced_number=True,
                                          omit_eq=True), "2, 000, 000. 00"),
    (_q(LE, "20", "万元"), RenderStyle(parens="none"), "≤20万元"),
    (_q(LE, "200000", "元/个"), RenderStyle(parens="full", decimals="two"), "≤200000.00（元/个）"),
    (_q(GE, "85", "%"), RenderStyle(ge="≧", fullwidth_digits=True, parens="none"), "≧８５％"),
    (_q(GE, "-1234.5", "元"), RenderStyle(thousands=True, space_after_op=True), "≥ -1,234.5(元)"),
    (_q(GT, "0", "人次"), RenderStyle(gt="＞"), "＞0(人次)"),
    (TargetValue(raw="", kind=R, amount=D(80), upper=D(90), unit="%"),
     RenderStyle(range_unit_both=True, parens="none"), "80%-90%"),
    (TargetValue(raw="", kind=R, amount=D(80), upper=D(90), unit="%"),
     RenderStyle(range_sep="至"), "80至90(%)"),
    (TargetValue(raw="", kind=DT, op=LE, date=datetime.date(2024, 12, 31)), RenderStyle(),
     "≤2024-12-31"),
    (TargetValue(raw="", kind=DT, op=LE, date=datetime.date(2024, 1, 5)),
     RenderStyle(date_format="cjk", deadline_words=True), "2024年1月5日前"),
    (TargetValue(raw="", kind=ValueKind.QUALITATIVE, word="完成"), RenderStyle(), "完成"),
    (TargetValue(raw="", kind=ValueKind.PLACEHOLDER, op=GE, unit="%"), RenderStyle(), "≥**(%)"),
    (TargetValue(raw="", kind=ValueKind.EMPTY), RenderStyle(), ""),
    (TargetValue(raw="≥1.2.3", kind=ValueKind.UNPARSEABLE, problem="x"), RenderStyle(), "≥1.2.3"),
])
def test_render_examples(value: TargetValue, style: RenderStyle, text: str) -> None:
    assert render_target_value(value, style) == text


def test_render_style_rejects_unknown_glyph() -> None:
    with pytest.raises(ValueError):
        RenderStyle(gt="≫")  # ≫ is read as ≥, so it is not offered as a GT glyph
    with pytest.raises(ValueError):
        RenderStyle(parens="square")  # type: ignore[arg-type]


def test_render_missing_field_raises() -> None:
    with pytest.raises(ValueError):
        render_target_value(TargetValue(raw="", kind=R, amount=D(1)), RenderStyle())


UNITS = [
    None, "元", "千元", "万元", "亿元", "元/个", "元/次", "元/人", "元/场", "元/期", "元/篇", "万元/个",
    "元/人次", "%", "‰", "个百分点", "篇", "次", "场", "期", "家", "面", "份", "人", "人次", "天", "日",
    "工作日", "个工作日", "个", "项", "台", "套", "册", "本", "条", "件", "月", "个月", "年", "小时",
    "公里", "米", "平方米", "户", "所", "株", "台套",
]

styles = st.builds(
    RenderStyle,
    ge=st.sampled_from(GLYPHS[GE]),
    le=st.sampled_from(GLYPHS[LE]),
    eq=st.sampled_from(GLYPHS[EQ]),
    gt=st.sampled_from(GLYPHS[GT]),
    lt=st.sampled_from(GLYPHS[LT]),
    omit_eq=st.booleans(),
    space_after_op=st.booleans(),
    parens=st.sampled_from(["half", "full", "none"]),
    space_before_unit=st.booleans(),
    fullwidth_digits=st.booleans(),
    spaced_number=st.booleans(),
    thousands=st.booleans(),
    decimals=st.sampled_from(["asis", "two", "trim"]),
    range_sep=st.sampled_from(["-", "~", "至", "到", "—"]),
    range_unit_both=st.booleans(),
    date_format=st.sampled_from(["iso", "dot", "slash", "cjk"]),
    deadline_words=st.booleans(),
)

amounts = st.one_of(
    st.sampled_from([D(0), D("0.00"), D(10**12), D("1000000000000.00"), D("-5"), D("0.01")]),
    *(st.decimals(min_value=-(10**12), max_value=10**12, places=p) for p in (0, 1, 2)),
)

FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(op=st.sampled_from(Operator), amount=amounts, unit=st.sampled_from(UNITS), style=styles)
def test_quantitative_round_trip(op: Operator, amount: Decimal, unit: str | None,
                                 style: RenderStyle) -> None:
    v = TargetValue(raw="", kind=Q, op=op, amount=amount, unit=unit)
    text = render_target_value(v, style)
    back = parse_target_value(text)
    assert back.kind is v.kind, (text, back.problem)
    assert back.op is v.op, text
    assert back.amount == v.amount, text
    assert back.unit == v.unit, text
    assert back.raw == text


@FAST
@given(low=amounts, high=amounts, unit=st.sampled_from(UNITS), style=styles)
def test_range_round_trip(low: Decimal, high: Decimal, unit: str | None, style: RenderStyle) -> None:
    v = TargetValue(raw="", kind=R, amount=low, upper=high, unit=unit)
    text = render_target_value(v, style)
    back = parse_target_value(text)
    assert back.kind is v.kind, (text, back.problem)
    assert back.op is None
    assert (back.amount, back.upper, back.unit) == (v.amount, v.upper, v.unit), text


@FAST
@given(op=st.sampled_from(Operator), when=st.dates(), style=styles)
def test_date_round_trip(op: Operator, when: datetime.date, style: RenderStyle) -> None:
    v = TargetValue(raw="", kind=DT, op=op, date=when)
    text = render_target_value(v, style)
    back = parse_target_value(text)
    assert back.kind is v.kind, (text, back.problem)
    assert (back.op, back.date) == (v.op, v.date), text


@FAST
@given(op=st.one_of(st.none(), st.sampled_from(Operator)),
       unit=st.sampled_from([u for u in UNITS if u is not None] + [None]),
       token=st.sampled_from(["**", "*", "XX", "xx", "X", "×", ""]), style=styles)
def test_placeholder_round_trip(op: Operator | None, unit: str | None, token: str,
                                style: RenderStyle) -> None:
    v = TargetValue(raw="", kind=ValueKind.PLACEHOLDER, op=op, unit=unit, problem="x")
    style = RenderStyle(**{**style.__dict__, "placeholder": token})
    back = parse_target_value(render_target_value(v, style))
    assert back.kind is ValueKind.PLACEHOLDER
    assert (back.op, back.unit) == (v.op, v.unit)


TOKENS = [
    "≥", "≧", "≤", "≦", "≪", "≫", "⩾", "⩽", ">", "<", "=", "＞", "＜", "＝", ">=", "<=", "≥=",
    "0", "1", "5", "9", "00", "１", "９", ".", "．", ",", "，", "-", "—", "~", "～", "至", "到",
    "%", "％", "‰", "(", ")", "（", "）", "元", "万元", "亿元", "万", "/", "个", "篇", "次", "人次",
    "天", "工作日", "年", "月", "日", "底", "前", "内", "以上", "以内", "完成", "提高", "*", "X",
    "x", "×", "e", "E", "+", " ", "\u3000", "\t", "2024", "12", "31", "nan", "inf", "不低于", "号",
    "》", "《", "〉", "〈", "≯", "≮", "【", "】", "百分比", "万人", "万亩", "亿", "每", "均", "平均", "人均",
    "全年", "到位", "底", "新增", "上年", "达标", "亩", "平方米", "生", "·", "--", ".07", "45657", "控制在",
]
token_text = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)
any_text = st.one_of(st.text(), st.text(alphabet=st.characters(codec="utf-8")), token_text)


@settings(max_examples=300, deadline=None)
@given(text=any_text, row=st.sampled_from([None, *RowFamily]))
def test_parse_never_raises(text: str, row: RowFamily | None) -> None:
    v = parse_target_value(text, row)
    assert isinstance(v, TargetValue)
    assert v.raw == text
    assert not (v.problem or "").startswith("internal error"), (text, v.problem)
    if v.kind in (ValueKind.PLACEHOLDER, ValueKind.UNPARSEABLE):
        assert v.problem
    if v.kind is Q:
        assert v.amount is not None and v.amount.is_finite() and v.op is not None
    if v.kind is R:
        assert v.amount is not None and v.upper is not None
    # every parsed value can be written back out without error
    render_target_value(v, RenderStyle())


READ_TEXTS = sorted({case[0] for table in (
    QUANTITATIVE_CASES, RANGE_CASES, DATE_CASES, PLACEHOLDER_CASES, LOOKALIKE_CASES, NOTE_CASES,
    CHANGE_CASES,
    SCALED_CASES, QUALIFIER_CASES, COMPOUND_CASES, MASKED_CASES, DATE_RANGE_CASES) for case in table}
    | set(QUALITATIVE_WORDS))


@QUICK
@given(text=st.sampled_from(READ_TEXTS), style=styles, row=st.sampled_from([None, *RowFamily]))
def test_what_was_read_is_written_back_the_same(text: str, style: RenderStyle, row: RowFamily | None) -> None:
    v = parse_target_value(text, row)
    written = render_target_value(v, style)
    back = parse_target_value(written, row)
    implied = v.op_implied or (style.omit_eq and v.op is Operator.EQ and v.kind is Q)
    assert back == v.model_copy(update={"raw": written, "problem": back.problem, "op_implied": implied}), written


def test_parse_lone_surrogate() -> None:
    assert parse_target_value("\ud800≥5").raw == "\ud800≥5"


# Round trips for what issue 8 added: scaled and aliased units, qualifiers, notes, the operator
# left unwritten, dates at month/year precision, date ranges, deadlines without a year.

# (unit, unit_written, scale of the written amount, qualifier)
WRITTEN_UNITS = [
    ("人", "万人", 10_000, None), ("亩", "万亩", 10_000, None), ("平方米", "万平方米", 10_000, None),
    ("人次", "亿人次", 100_000_000, None), ("%", "百分比", 1, None), ("平方米", "㎡", 1, None),
    ("元/亩", "元", 1, "每亩"), ("元/生/年", "元", 1, "平均每生每年"), ("元/人", "元", 1, "人均"),
    ("万元/场", "万元", 1, "每场"), ("次/年", "次", 1, "每年"), ("天", None, 1, "平均"),
    ("%", None, 1, None), ("元/人/年", None, 1, None), ("人/次", None, 1, None), ("篇", None, 1, None),
    ("元/月", None, 1, None), ("个", None, 1, "均"),
]
NOTES = [None, "上年90%", "新增", "含税", "2024:90%", "其中省级1个"]


@st.composite
def written_values(draw) -> TargetValue:
    unit, written, scale, qualifier = draw(st.sampled_from(WRITTEN_UNITS))
    implied = draw(st.booleans())
    op = Operator.EQ if implied else draw(st.sampled_from(Operator))
    note = draw(st.sampled_from(NOTES))
    if draw(st.booleans()):
        low, high = draw(amounts), draw(amounts)
        return TargetValue(raw="", kind=R, amount=low * scale, upper=high * scale, unit=unit,
                           unit_written=written, qualifier=qualifier, note=note)
    return TargetValue(raw="", kind=Q, op=op, op_implied=implied, amount=draw(amounts) * scale,
                       unit=unit, unit_written=written, qualifier=qualifier, note=note)


@QUICK
@given(v=written_values(), style=styles)
def test_written_forms_round_trip(v: TargetValue, style: RenderStyle) -> None:
    text = render_target_value(v, style)
    back = parse_target_value(text)
    implied = v.op_implied or (style.omit_eq and v.op is Operator.EQ)
    assert back == v.model_copy(update={"raw": text, "op_implied": implied}), (text, back)


def _month_end(year: int, month: int) -> datetime.date:
    return (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1))


@st.composite
def dated(draw, *, end: bool, single: bool = False) -> tuple[datetime.date, DatePrecision]:
    when = draw(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9998, 12, 31)))
    precision = draw(st.sampled_from([DAY, MONTH, YEAR, *([QUARTER, HALF] if single else [])]))
    if precision is QUARTER:
        return _month_end(when.year, (when.month + 2) // 3 * 3), precision
    if precision is HALF:
        return _month_end(when.year, 6 if when.month <= 6 else 12), precision
    if precision is MONTH:
        return (_month_end(when.year, when.month) if end else when.replace(day=1)), precision
    if precision is YEAR:
        return (datetime.date(when.year, 12, 31) if end else datetime.date(when.year, 1, 1)), precision
    return when, precision


@QUICK
@given(when=dated(end=True, single=True), op=st.sampled_from(Operator), implied=st.booleans(),
       note=st.sampled_from(NOTES), style=styles)
def test_dates_with_precision_round_trip(when: tuple[datetime.date, DatePrecision], op: Operator,
                                         implied: bool, note: str | None, style: RenderStyle) -> None:
    date, precision = when
    if implied:
        op = Operator.EQ if precision is DAY else Operator.LE
    v = TargetValue(raw="", kind=DT, op=op, op_implied=implied, date=date, date_precision=precision,
                    note=note)
    text = render_target_value(v, style)
    assert parse_target_value(text) == v.model_copy(update={"raw": text}), text


@QUICK
@given(start=dated(end=False), end=dated(end=True), note=st.sampled_from(NOTES), style=styles)
def test_date_ranges_round_trip(start: tuple[datetime.date, DatePrecision],
                                end: tuple[datetime.date, DatePrecision], note: str | None,
                                style: RenderStyle) -> None:
    v = TargetValue(raw="", kind=DR, date=start[0], date_precision=start[1], date_end=end[0],
                    date_end_precision=end[1], note=note)
    text = render_target_value(v, style)
    assert parse_target_value(text) == v.model_copy(update={"raw": text}), text


@pytest.mark.parametrize(("word", "op", "implied"), [
    ("12月底前", LE, False), ("年底前", LE, False), ("12月31日", None, False),
    ("6月30日前完成", LE, False), ("12月底到位", LE, True), ("年末", LE, True)])
def test_yearless_dates_round_trip(word: str, op: Operator | None, implied: bool) -> None:
    v = TargetValue(raw="", kind=YL, op=op, op_implied=implied, word=word, problem="date without a year")
    text = render_target_value(v, RenderStyle())
    assert parse_target_value(text) == v.model_copy(update={"raw": text})


@QUICK
@given(serial=st.integers(min_value=32_874, max_value=73_050),
       op=st.sampled_from(Operator), implied=st.booleans(), style=styles)
def test_excel_serial_round_trips_on_a_time_row(serial: int, op: Operator, implied: bool,
                                                style: RenderStyle) -> None:
    op = Operator.EQ if implied else op
    v = TargetValue(raw="", kind=DT, op=op, op_implied=implied,
                    date=datetime.date(1899, 12, 30) + datetime.timedelta(days=serial),
                    date_precision=DAY, date_serial=serial)
    text = render_target_value(v, style)
    back = parse_target_value(text, RowFamily.TIMELINESS)
    assert back == v.model_copy(update={"raw": text, "op_implied": implied or (
        style.omit_eq and op is Operator.EQ)}), text


@QUICK
@given(op=st.sampled_from(Operator), amount=amounts, unit=st.sampled_from(["万", "亿", "万/个"]),
       style=styles)
def test_cost_row_wan_round_trips(op: Operator, amount: Decimal, unit: str, style: RenderStyle) -> None:
    money = unit.replace("万", "万元").replace("亿", "亿元")
    v = TargetValue(raw="", kind=Q, op=op, amount=amount, unit=money, unit_written=unit,
                    unit_from_row=True)
    text = render_target_value(v, style)
    back = parse_target_value(text, RowFamily.COST)
    assert back == v.model_copy(update={"raw": text, "op_implied": style.omit_eq and op is Operator.EQ})


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "default", "yuan"), [
    ("2, 000, 000. 00", "元", "2000000.00"),
    ("735, 000. 00", "元", "735000.00"),
    ("0", "元", "0"),
    ("503.50万元", "元", "5035000.00"),
    ("503.50（万元）", "元", "5035000.00"),
    ("73.5万", "元", "735000"),
    ("1.2亿元", "元", "120000000"),
    ("1.2亿", "元", "120000000"),
    ("5千元", "元", "5000"),
    ("73.5", "万元", "735000"),
    ("１２３．４５", "元", "123.45"),
    ("¥1,000", "元", "1000"),
    ("￥1,000元", "元", "1000"),
    ("2,000,000", "元", "2000000"),
    ("-3", "元", "-3"),
    ("  42  ", "元", "42"),
])
def test_parse_money(text: str, default: str, yuan: str) -> None:
    result = parse_money(text, default_unit=default)
    assert result == D(yuan)
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(("text", "yuan", "note"), [
    ("500万元(其中上级资金220万元)", "5000000", "其中上级资金220万元"),
    ("300万元（含结转50万）", "3000000", "含结转50万"),
    ("300万元，含结转50万", "3000000", "含结转50万"),
    ("1,250.5元;其中省级500元", "1250.5", "其中省级500元"),
    ("80万元(2024年追加)", "800000", "2024年追加"),
    ("200(含税)", "200", "含税"),
    ("503.50（万元）", "5035000.00", None),
    ("42", "42", None),
])
def test_parse_money_with_a_note(text: str, yuan: str, note: str | None) -> None:
    cell = parse_money_cell(text)
    assert (cell.amount, cell.note) == (D(yuan), note)
    assert parse_money(text) == D(yuan)


@pytest.mark.parametrize("bad", ["5(美元)", "500万元(上年结转)", "abc(其中1元)", "(其中5元)", "1,00(其中1元)",
                                 "1e5(其中1元)", "500万元(其中"])
def test_parse_money_note_never_rescues_a_bad_amount(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_money_cell(bad)


def test_parse_money_keeps_scale() -> None:
    assert str(parse_money("503.50万元")) == "5035000.00"
    assert str(parse_money("2, 000, 000. 00")) == "2000000.00"


def test_parse_money_numbers_in_default_unit() -> None:
    assert parse_money(5) == D(5)
    assert parse_money(5, default_unit="万元") == D(50000)
    assert parse_money(D("73.5"), default_unit="万元") == D(735000)


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000"])
def test_parse_money_blank(text: str | None) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize("bad", [
    "abc", "1e5", "12..3", "nan", "NaN", "inf", "Infinity", "1,00", "5美元", "≥5", "5%", "**",
    "1" * 41, D("NaN"), D("Infinity"), 1.5, True, [1],
])
def test_parse_money_garbage(bad: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_money(bad)  # type: ignore[arg-type]
    assert str(info.value)


def test_parse_money_unknown_default_unit() -> None:
    with pytest.raises(ValueError):
        parse_money("5", default_unit="美元")


money_text = st.lists(st.sampled_from(TOKENS + ["¥", "￥", "万元", "1e5", "nan"]), max_size=10).map(
    "".join)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.none(), st.text(), money_text, st.integers(),
                       st.decimals(allow_nan=True, allow_infinity=True), st.floats(),
                       st.booleans()),
       default=st.sampled_from(["元", "万元", "亿元", "万", "美元", ""]))
def test_parse_money_only_raises_value_error(value: object, default: str) -> None:
    try:
        result = parse_money(value, default_unit=default)  # type: ignore[arg-type]
    except ValueError:
        return
    assert result is None or (isinstance(result, Decimal) and result.is_finite())


@FAST
@given(amount=st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_format_yuan_round_trips_through_parse_money(amount: Decimal) -> None:
    assert parse_money(format_yuan(amount)) == amount


@pytest.mark.parametrize(("amount", "text"), [
    (D("800000"), "800,000.00"),
    (D("800000.00"), "800,000.00"),
    (D("0"), "0.00"),
    (D("-0.001"), "0.00"),
    (D("1234567.005"), "1,234,567.01"),
    (D("999.994"), "999.99"),
    (D("-1500"), "-1,500.00"),
    (12, "12.00"),
])
def test_format_yuan(amount: Decimal, text: str) -> None:
    assert format_yuan(amount) == text


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity"), 1.5, "12"])
def test_format_yuan_rejects(bad: object) -> None:
    with pytest.raises(ValueError):
        format_yuan(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "start", "end", "note"), [
    ("2000.01-2000.01(新增)", datetime.date(2000, 1, 1), datetime.date(2000, 1, 31), "新增"),
    ("2023.07-2024.01（分期实施）", datetime.date(2023, 7, 1), datetime.date(2024, 1, 31), "分期实施"),
])
def test_a_dot_month_range_with_a_note_is_a_date_range(text: str, start: datetime.date,
                                                       end: datetime.date, note: str) -> None:
    # found by hypothesis: the word in parentheses was taken as the unit of a number range
    v = parse_target_value(text)
    assert (v.kind, v.date, v.date_end, v.note, v.unit) == (DR, start, end, note, None)
