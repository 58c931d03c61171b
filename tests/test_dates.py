"""Dates with their written precision (g60rules.dates): examples and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules.dates import DateBound, PartialDate, Precision, parse_partial_date


@pytest.mark.parametrize("text, expected", [
    ("2020年1月", PartialDate(2020, 1)),
    ("2023.07", PartialDate(2023, 7)),
    ("202001", PartialDate(2020, 1)),
    ("2022年", PartialDate(2022)),
    ("2022", PartialDate(2022)),
    ("2023-07", PartialDate(2023, 7)),
    ("2023/7", PartialDate(2023, 7)),
    ("2024年3月5日", PartialDate(2024, 3, 5)),
    ("2024年3月5号", PartialDate(2024, 3, 5)),
    ("2024年 3 月 5 日", PartialDate(2024, 3, 5)),
    ("２０２４．０３", PartialDate(2024, 3)),
    ("20240305", PartialDate(2024, 3, 5)),
    ("2024-03-05", PartialDate(2024, 3, 5)),
    ("2024.3.5", PartialDate(2024, 3, 5)),
])
def test_written_forms(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "202013", "2024年13月", "明年", "24年3月", "2024-03-05-01",
                                  "", "3月", "1800年", "2024年3月5日前"])
def test_refused_forms(text):
    with pytest.raises(ValueError) as info:
        parse_partial_date(text)
    zh, en = info.value.args[0]
    assert zh and en


def test_a_month_is_compared_as_the_month_never_an_invented_day():
    month = PartialDate(2025, 2)
    assert month.precision is Precision.MONTH and str(month) == "2025年2月"
    assert DateBound(month, "start").date == dt.date(2025, 2, 1)
    assert DateBound(month, "end").date == dt.date(2025, 2, 28)
    assert DateBound(PartialDate(2024, 2), "end").date == dt.date(2024, 2, 29)
    assert DateBound(PartialDate(2024), "end").date == dt.date(2024, 12, 31)
    assert str(DateBound(PartialDate(2024), "end")) == "2024年"


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))


@settings(max_examples=80)
@given(dates, st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}/{m:02d}/{d:02d}",
                               "{y}{m:02d}{d:02d}"]))
def test_every_day_form_reads_back_the_day(day, form):
    assert parse_partial_date(form.format(y=day.year, m=day.month, d=day.day)) == PartialDate.of(day)


@settings(max_examples=80)
@given(dates, st.sampled_from(["{y}-{m:02d}", "{y}年{m}月", "{y}.{m:02d}", "{y}{m:02d}", "{y}/{m}"]))
def test_every_month_form_keeps_month_precision(day, form):
    written = parse_partial_date(form.format(y=day.year, m=day.month))
    assert written == PartialDate(day.year, day.month) and written.precision is Precision.MONTH
    assert written.first() <= day <= written.last()
    assert written.first().day == 1 and (written.last() + dt.timedelta(days=1)).day == 1


@settings(max_examples=80)
@given(st.text(max_size=12))
def test_any_text_is_a_date_or_a_bilingual_refusal(text):
    try:
        written = parse_partial_date(text)
    except ValueError as exc:
        assert isinstance(exc.args[0], tuple) and len(exc.args[0]) == 2
    else:
        assert written.first() <= written.last()
        assert parse_partial_date(str(written)) == written
