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
    DatePrecision, Operator, RenderStyle, RowFamily, ValueKind, parse_target_value, render_target_value,
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
    # a note on both sides: one note per value, so not read
    assert parse_target_value("(新增)≥70%(上年65%)").kind is ValueKind.UNPARSEABLE
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
