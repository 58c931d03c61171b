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
    Operator,
    RenderStyle,
    TargetValue,
    UnitKind,
    ValueKind,
    format_yuan,
    parse_money,
    parse_target_value,
    render_target_value,
)

D = Decimal
Q, R, DT = ValueKind.QUANTITATIVE, ValueKind.RANGE, ValueKind.DATE
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
    ("≥5万人次", GE, "5", "万人次"),
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
    ("≥10(公里)", UnitKind.LENGTH, None, None),
    ("≥500(平方米)", UnitKind.LENGTH, None, None),
    ("≥3(台套)", UnitKind.OTHER, None, None),
    ("≥5万人次", UnitKind.OTHER, None, None),
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
    ("12月底前", "date without a year"),
    ("12月31日", "date without a year"),
    ("年底前", "date without a year"),
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
    ("≥三场", "not a number"),
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
]
token_text = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)
any_text = st.one_of(st.text(), st.text(alphabet=st.characters(codec="utf-8")), token_text)


@settings(max_examples=300, deadline=None)
@given(text=any_text)
def test_parse_never_raises(text: str) -> None:
    v = parse_target_value(text)
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


def test_parse_lone_surrogate() -> None:
    assert parse_target_value("\ud800≥5").raw == "\ud800≥5"


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
