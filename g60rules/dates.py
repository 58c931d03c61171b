"""Dates with the precision they were written in (year, month or day).

Forms write plan dates as "2024-03-05", "2024年3月5日", but also "2020年1月", "2023.07", "202001"
or only "2022年". :class:`PartialDate` keeps what was written — a month is a month, never an
invented day. A rule compares a partial date as the span it names: as a start date it counts from
its first day, as an end date up to its last day (:class:`DateBound`), so "2025年3月 … 2025.11"
reads as 2025-03-01 … 2025-11-30 and a deadline "≤2025-11-30" lies inside the plan.

:func:`parse_partial_date` reads the written forms (whitespace and full-width digits allowed):

* day: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD``, ``YYYY年M月D日`` (日 may be 号 or left
  out), ``YYYYMMDD``;
* month: ``YYYY-MM``, ``YYYY/MM``, ``YYYY.MM``, ``YYYY年M月``, ``YYYYMM``;
* year: ``YYYY年``, ``YYYY``.

Anything else, and impossible dates ("2024-02-30", "202013"), raise :class:`ValueError` whose first
argument is a (Chinese, English) reason. Years outside 1900–2199 are refused (a typo, not a plan).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    """How much of a date was written."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True)
class PartialDate:
    """A date as written: ``year``, ``month`` (None for a year), ``day`` (None for a year or month).

    Raises ValueError (a (zh, en) reason) for a month or day that does not exist.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.month is None and self.day is not None:
            raise ValueError(("有日无月", "a day without a month"))
        if not 1900 <= self.year <= 2199:
            raise ValueError(("年份不合理", f"year {self.year} is outside 1900–2199"))
        try:
            dt.date(self.year, self.month or 1, self.day or 1)
        except ValueError as exc:
            raise ValueError(("日期不存在", f"no such date ({exc})")) from None

    @classmethod
    def of(cls, date: dt.date) -> "PartialDate":
        """A full date (a ``datetime`` keeps only its date)."""
        return cls(date.year, date.month, date.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        return Precision.MONTH if self.month is not None else Precision.YEAR

    def first(self) -> dt.date:
        """The first day of the span (the date itself at day precision)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last(self) -> dt.date:
        """The last day of the span (the date itself at day precision)."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        if self.precision is Precision.DAY:
            return self.first().isoformat()
        if self.precision is Precision.MONTH:
            return f"{self.year}年{self.month}月"
        return f"{self.year}年"


@dataclass(frozen=True)
class DateBound:
    """A partial date used as a start (``side`` "start": its first day) or an end ("end": its last day)."""

    written: PartialDate
    side: str

    @property
    def date(self) -> dt.date:
        return self.written.first() if self.side == "start" else self.written.last()

    def __str__(self) -> str:
        return str(self.written)


_SEP = r"[-/.]"
_FORMS: tuple[tuple[re.Pattern, int], ...] = (
    (re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})"), 3),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"), 3),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), 3),
    (re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})"), 2),
    (re.compile(r"(\d{4})年(\d{1,2})月"), 2),
    (re.compile(r"(\d{4})(\d{2})"), 2),
    (re.compile(r"(\d{4})年?"), 1),
)


def parse_partial_date(text: str) -> PartialDate:
    """Read a written date at its precision; see the module docstring. Raises ValueError((zh, en))."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    for pattern, parts in _FORMS:
        match = pattern.fullmatch(compact)
        if match:
            numbers = [int(g) for g in match.groups()]
            return PartialDate(*numbers, *([None] * (3 - parts)))
    raise ValueError(("日期应写作 2024-03-05、2024年3月 或 2024年 等形式",
                      "write a date as 2024-03-05, 2024年3月 or 2024年"))
