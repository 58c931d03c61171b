"""Value forms read since issue 8's second round: dotted month ranges without zero padding, a note
in parentheses before the target, verbs of change that name the level to reach, Chinese numerals.

Expectations are written by hand (or built from the calendar for the properties), never taken from
the parser; the words and numbers differ from those of ../shared/cases.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules.values import (
    DatePrecision, Operator, RenderStyle, RowFamily, UnitKind, ValueKind, parse_target_value,
    render_target_value,
)

D = Decimal
GE, LE, EQ = Operator.GE, Operator.LE, Operator.EQ
MONTH = DatePrecision.MONTH
SMALL = settings(max_examples=80, deadline=None)

# --- 1. dotted month ranges ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2022.2-2022.9", datetime.date(2022, 2, 1), datetime.date(2022, 9, 30)),
    ("2025.4—2025.10", datetime.date(2025, 4, 1), datetime.date(2025, 10, 31)),
    ("2021.11～2022.3", datetime.date(2021, 11, 1), datetime.date(2022, 3, 31)),
    ("2026.1至2026.6", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
    ("2020.2~2020.02", datetime.date(2020, 2, 1), datetime.date(2020, 2, 29)),  # leap year
    ("2023.10-2023.12", datetime.date(2023, 10, 1), datetime.date(2023, 12, 31)),
])
def test_dotted_month_range_without_padding(text, start, end):
    v = parse_target_value(text)
    assert v.kind is ValueKind.DATE_RANGE, v.problem
    assert (v.date, v.date_precision, v.date_end, v.date_end_precision, v.op) == (start, MONTH, end, MONTH, None)


def test_a_month_ten_is_october_not_one():
    v = parse_target_value("2027.10-2027.11")
    assert (v.date, v.date_end) == (datetime.date(2027, 10, 1), datetime.date(2027, 11, 30))
    on_time_row = parse_target_value("2027.10", RowFamily.TIMELINESS)
    assert (on_time_row.kind, on_time_row.date) == (ValueKind.DATE, datetime.date(2027, 10, 31))


def test_single_dotted_and_dashed_months_keep_their_reading():
    assert parse_target_value("2026-11").kind is ValueKind.DATE  # a month, not a range
    assert parse_target_value("2026-11").date_precision is MONTH
    alone = parse_target_value("2026.3")  # alone and off a time row: a number
    assert (alone.kind, alone.amount) == (ValueKind.QUANTITATIVE, D("2026.3"))


def test_dotted_range_that_cannot_be_months_stays_numbers():
    for text, low, high in (("1500.2-1500.8", "1500.2", "1500.8"), ("2024.0-2024.5", "2024.0", "2024.5")):
        v = parse_target_value(text)
        assert (v.kind, v.amount, v.upper) == (ValueKind.RANGE, D(low), D(high))
    # a unit makes it a range of amounts
    assert parse_target_value("2024.1-2024.3(万元)").kind is ValueKind.RANGE


@SMALL
@given(st.integers(1990, 2100), st.integers(1, 12), st.integers(0, 3), st.integers(1, 12),
       st.sampled_from(["-", "—", "~", "～", "至", "到", "--"]), st.booleans(), st.booleans())
def test_property_dotted_month_ranges(year, m1, years_on, m2, sep, pad1, pad2):
    end_year = year + years_on
    text = f"{year}.{m1:02d}" if pad1 else f"{year}.{m1}"
    text += sep + (f"{end_year}.{m2:02d}" if pad2 else f"{end_year}.{m2}")
    v = parse_target_value(text)
    assert v.kind is ValueKind.DATE_RANGE, (text, v.problem)
    assert v.date == datetime.date(year, m1, 1)
    assert v.date_end == datetime.date(end_year, m2, calendar.monthrange(end_year, m2)[1])
    assert v.date_precision is v.date_end_precision is MONTH


# --- 2. a note before the target -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "op", "amount", "unit", "note"), [
    ("(试点)≥75%", GE, "75", "%", "试点"),
    ("（较上年持平）≤3天", LE, "3", "天", "较上年持平"),
    ("【暂定】≥12(个)", GE, "12", "个", "暂定"),
    ("(2023年为40家)≥45家", GE, "45", "家", "2023年为40家"),
    ("(续建)=1(项)", EQ, "1", "项", "续建"),
])
def test_leading_note_is_kept_and_the_target_read(text, op, amount, unit, note):
    v = parse_target_value(text)
    assert v.kind is ValueKind.QUANTITATIVE, v.problem
    assert (v.op, v.amount, v.unit, v.note, v.op_implied) == (op, D(amount), unit, note, False)


def test_leading_note_before_dates_and_placeholders():
    v = parse_target_value("(预计)2026年9月底前")
    assert (v.kind, v.date, v.note) == (ValueKind.DATE, datetime.date(2026, 9, 30), "预计")
    v = parse_target_value("(新建)≥**(%)")
    assert (v.kind, v.op, v.note) == (ValueKind.PLACEHOLDER, GE, "新建")


def test_what_is_not_a_leading_note():
    assert parse_target_value("(万元)≤30").kind is ValueKind.UNPARSEABLE  # a unit, not a note
    assert parse_target_value("(3)≥70%").kind is ValueKind.UNPARSEABLE  # no CJK letter: a list number?
    # a note on both sides is read since values3 (tests/test_values_notes.py); an aside with a
    # bound of its own is a second target
    assert parse_target_value("(新增)≥70%(上年≥65%)").kind is ValueKind.UNPARSEABLE
    assert parse_target_value("(新增)按期完成").kind is ValueKind.QUALITATIVE  # words stay words
    assert parse_target_value("(新增≥70%").kind is ValueKind.UNPARSEABLE  # never closed


@SMALL
@given(st.sampled_from(["新增", "试行", "上年80%", "含分院", "暂估"]), st.sampled_from(["≥", "≤", "="]),
       st.integers(0, 10_000), st.sampled_from(["%", "个", "人次", "天", "万元"]),
       st.sampled_from([("(", ")"), ("（", "）"), ("【", "】")]))
def test_property_leading_note_same_as_trailing(note, glyph, amount, unit, brackets):
    before = parse_target_value(f"{brackets[0]}{note}{brackets[1]}{glyph}{amount}{unit}")
    after = parse_target_value(f"{glyph}{amount}{unit}({note})")
    assert before.kind is ValueKind.QUANTITATIVE
    assert before.model_dump(exclude={"raw"}) == after.model_dump(exclude={"raw"})
    assert parse_target_value(render_target_value(before, RenderStyle())).model_dump(exclude={"raw"}) == \
        before.model_dump(exclude={"raw"})


# --- 4. verbs of change that name the level to reach ---------------------------------------------


@pytest.mark.parametrize(("text", "op", "amount", "unit"), [
    ("降低到4.5%", LE, "4.5", "%"),
    ("下降至2‰", LE, "2", "‰"),
    ("提高到97%", GE, "97", "%"),
    ("提升至88.5%", GE, "88.5", "%"),
    ("缩短至7个工作日", LE, "7", "个工作日"),
    ("减少到3次", LE, "3", "次"),
    ("增加到40家", GE, "40", "家"),
    ("降至1.2天", LE, "1.2", "天"),
    ("增至600人次", GE, "600", "人次"),
    ("压缩至15万元", LE, "150000", "万元"),
    ("控制到8%以内", LE, "8", "%"),
    ("提高到92%以上", GE, "92", "%"),
    ("控制在6%以内", LE, "6", "%"),
    ("不低于70%", GE, "70", "%"),
    ("不高于2%", LE, "2", "%"),
    ("不超过10天", LE, "10", "天"),
    ("不少于8场", GE, "8", "场"),
    ("85%以上", GE, "85", "%"),
    ("5个工作日以内", LE, "5", "个工作日"),
    ("1%以下", LE, "1", "%"),
])
def test_level_to_reach_is_an_operator_written_in_words(text, op, amount, unit):
    v = parse_target_value(text)
    assert v.kind is ValueKind.QUANTITATIVE, v.problem
    assert (v.op, v.op_implied, v.unit) == (op, False, unit)
    assert (v.amount_yuan if unit == "万元" else v.amount) == D(amount)


def test_reach_words_against_change_and_plain_words():
    # a change is not a level
    v = parse_target_value("提高3%")
    assert (v.kind, v.change, v.amount) == (ValueKind.CHANGE, "up", D(3))
    # 达到 writes no operator
    v = parse_target_value("达到80%")
    assert (v.op, v.op_implied) == (EQ, True)
    # words stay words: no number follows the verb
    for word in ("提升到位", "落实到户", "降低到最低", "增加至", "提高"):
        assert parse_target_value(word).kind is ValueKind.QUALITATIVE, word
    # the verb and a suffix that disagree, or a second operator, are not read
    assert parse_target_value("提高到90%以下").problem == "conflicting operators"
    assert parse_target_value("降低到≥3%").kind is ValueKind.UNPARSEABLE
    v = parse_target_value("降低到**%")
    assert (v.kind, v.op) == (ValueKind.PLACEHOLDER, LE)


@SMALL
@given(st.sampled_from(["提高", "提升", "增加", "增长", "上升"]), st.sampled_from(["降低", "下降", "减少", "压缩", "缩短"]),
       st.sampled_from(["到", "至"]), st.decimals(min_value=0, max_value=1000, places=1),
       st.sampled_from(["%", "个", "天", "人"]))
def test_property_reach_up_is_ge_and_down_is_le(up, down, to, amount, unit):
    higher = parse_target_value(f"{up}{to}{amount}{unit}")
    lower = parse_target_value(f"{down}{to}{amount}{unit}")
    assert (higher.op, higher.amount, higher.unit) == (GE, amount, unit)
    assert (lower.op, lower.amount, lower.unit) == (LE, amount, unit)
    assert not higher.op_implied and not lower.op_implied


# --- 3. Chinese numerals ------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """0 … 99,999,999 written in Chinese numerals, the test's own writer (not the library's)."""
    if n == 0:
        return "零"

    def below_10000(k: int) -> str:
        out, zero = "", False
        for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = k // value % 10
            if digit == 0:
                zero = bool(out)
                continue
            out += ("零" if zero else "") + _DIGITS[digit] + name
            zero = False
        return out

    high, low = divmod(n, 10_000)
    text = (below_10000(high) + "万") if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + below_10000(low)
    return text


@pytest.mark.parametrize(("text", "op", "implied", "amount", "unit"), [
    ("≥四次", GE, False, "4", "次"),
    ("两场", EQ, True, "2", "场"),
    ("十八个月", EQ, True, "18", "个月"),
    ("三百户", EQ, True, "300", "户"),
    ("一千零五十人次", EQ, True, "1050", "人次"),
    ("百分之八十", EQ, True, "80", "%"),
    ("≥百分之97", GE, False, "97", "%"),
    ("百分之九十九点五", EQ, True, "99.5", "%"),
    ("百分之百", EQ, True, "100", "%"),
    ("不少于五篇", GE, False, "5", "篇"),
    ("七个工作日内", LE, False, "7", "个工作日"),
    ("六家以上", GE, False, "6", "家"),
    ("两千五百元", EQ, True, "2500", "元"),
    ("三万人", EQ, True, "30000", "人"),
    ("降低到百分之三", LE, False, "3", "%"),
    ("(新增)≥两个", GE, False, "2", "个"),
])
def test_chinese_numerals_are_read_as_numbers(text, op, implied, amount, unit):
    v = parse_target_value(text)
    assert v.kind is ValueKind.QUANTITATIVE, v.problem
    assert (v.op, v.op_implied, v.amount, v.unit, v.raw) == (op, implied, D(amount), unit, text)


def test_chinese_wan_scales_the_unit_or_the_number():
    v = parse_target_value("≤一百二十五万元")
    assert (v.amount, v.unit, v.amount_yuan) == (D(125), "万元", D(1_250_000))
    v = parse_target_value("一百二十五万天")  # 万 scales no duration: part of the number
    assert (v.amount, v.unit) == (D(1_250_000), "天")


def test_chinese_numerals_in_ranges_and_changes():
    v = parse_target_value("二至四周")
    assert (v.kind, v.amount, v.upper, v.unit) == (ValueKind.RANGE, D(2), D(4), "周")
    v = parse_target_value("较上年提高百分之五")
    assert (v.kind, v.change, v.amount, v.unit) == (ValueKind.CHANGE, "up", D(5), "%")


@pytest.mark.parametrize("word", [
    "一般", "统一", "一流", "一致", "进一步提高", "第三方", "十四五期间", "一年一次", "一户一档",
    "四个一", "两学一做", "三公经费", "零投诉", "十分满意", "一次性", "二期工程", "千家万户",
    "十二月", "三月底", "一季度", "三", "百姓满意", "一站式服务", "万无一失", "五星级",
])
def test_words_holding_numeral_characters_stay_words(word):
    v = parse_target_value(word)
    assert v.kind is not ValueKind.QUANTITATIVE and v.amount is None, (word, v)


@SMALL
@given(st.integers(0, 99_999_999), st.sampled_from(["≥", "≤", "", "不少于", "不超过"]),
       st.sampled_from(["个", "人次", "天", "篇", "元", "%", "小时"]))
def test_property_chinese_numeral_reads_as_its_arabic_twin(n, op, unit):
    chinese = parse_target_value(f"{op}{_chinese(n)}{unit}")
    arabic = parse_target_value(f"{op}{n}{unit}")
    assert chinese.kind is ValueKind.QUANTITATIVE, (_chinese(n), chinese.problem)
    # "五万个" keeps 万个 as written, like "5万个", and "五万元" is 5 万元: the amount (in 元 for
    # money) and the kind of unit are those of "50000个" and "50000元"
    def reading(v):
        amount = v.amount_yuan if v.unit_kind is UnitKind.MONEY else v.amount
        return v.kind, v.op, v.op_implied, amount, v.unit_kind, v.note, v.qualifier

    assert reading(chinese) == reading(arabic)


@SMALL
@given(st.integers(1, 9_999), st.sampled_from(["万元", "亿元", "万人", "万亩"]))
def test_property_a_final_wan_scales_the_unit_as_after_digits(n, unit):
    chinese = parse_target_value(f"≤{_chinese(n)}{unit}")
    arabic = parse_target_value(f"≤{n}{unit}")
    assert chinese.kind is ValueKind.QUANTITATIVE, (_chinese(n), chinese.problem)
    assert chinese.model_dump(exclude={"raw"}) == arabic.model_dump(exclude={"raw"})


def test_the_test_writer_of_numerals():
    assert [_chinese(n) for n in (0, 10, 105, 1010, 20_000, 30_005, 12_345_678)] == [
        "零", "一十", "一百零五", "一千零一十", "二万", "三万零五", "一千二百三十四万五千六百七十八"]


@SMALL
@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿点百分之≥个人元%", min_size=1, max_size=12))
def test_property_numeral_soup_never_breaks_the_parser(text):
    v = parse_target_value(text)
    assert not (v.problem or "").startswith("internal error"), (text, v.problem)


def test_regression_percent_numeral_with_two_points():
    # the smallest input that broke the decimal reading: a second 点 inside 百分之…
    # (it was an internal error; now the first reading, a word, is kept)
    assert parse_target_value("百分之二点五点").kind is ValueKind.QUALITATIVE
    assert parse_target_value("百分之二点五").amount == D("2.5")


@pytest.mark.parametrize(("cell", "operator", "unit", "op", "amount", "unit_read"), [
    ("四", "≥", "次", GE, "4", "次"),  # national form: 指标值 | 指标性质 | 计量单位
    ("二十", "", "天", EQ, "20", "天"),
    ("两", "≤", "个", LE, "2", "个"),
    ("九十五", "≥", "%", GE, "95", "%"),
    ("百分之八十", "≥", None, GE, "80", "%"),
])
def test_chinese_numeral_cells_compose_with_their_columns(cell, operator, unit, op, amount, unit_read):
    from g60rules.values import compose_target_value

    composed = compose_target_value(cell, operator, unit)
    v = composed.value
    assert (v.kind, v.op, v.amount, v.unit) == (ValueKind.QUANTITATIVE, op, D(amount), unit_read)
    assert composed.operator_conflict is None and composed.unit_conflict is None


def test_words_take_no_column_even_with_numeral_characters():
    from g60rules.values import compose_target_value

    for cell in ("一般", "统一", "三"):
        v = compose_target_value(cell, "", None).value
        assert v.kind is ValueKind.QUALITATIVE, cell
    assert compose_target_value("一流", "≥", "个").value.kind is ValueKind.QUALITATIVE
