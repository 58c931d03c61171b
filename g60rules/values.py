"""Parsing and writing of 指标值 (indicator target values) and funds amounts.

Policy source: 财预〔2015〕88号 (CY-2015-88) requires performance targets to be quantified and
checkable.  This module only *reads* what a declaration says; whether a value is acceptable (vague
word, placeholder, lower bound above upper bound …) is decided by the rules.

Parsing rules (``parse_target_value`` never raises):

1. **Normalisation.**  ``raw`` keeps the text exactly as given.  For parsing, the text is put in
   Unicode NFC; full-width ASCII forms (U+FF01–U+FF5E: digits, ``％（）＞＜＝，．／～＊`` …) become
   ASCII, ``￥`` becomes ``¥``, the minus sign U+2212 becomes ``-``, the wave dash ``〜`` becomes
   ``~``, the brackets ``[ ［ 【 〔 〖 ﹙`` (and their closing forms) become parentheses, and *all*
   whitespace (including U+3000 and zero-width characters) is removed — PDF extraction puts spaces
   inside numbers ("2, 000, 000. 00", "85. 00"), so spaces never carry meaning.  A value wrapped as
   a whole in balanced parentheses ("(≥**%)") is unwrapped, and trailing 。，；、 are dropped;
   nothing left (blank text, "()") means EMPTY.  Only ASCII digits 0-9 (after the full-width
   mapping) count as digits.
2. **Operators** (prefix):  ``≥ ≧ ⩾ >= ≥= ≧= => ≫ 》 》= ≮`` → GE; ``≤ ≦ ⩽ <= ≤= ≦= =< ≪ 《 《= ≯``
   → LE; ``= ==`` → EQ; ``> 〉 ﹥`` → GT; ``< 〈 ﹤`` → LT.  In these forms ``≪`` is a mis-typed
   ``≤`` ("≪800000.00(元)" is a cost ceiling), so by symmetry ``≫`` is read as ``≥``, never as
   "much greater/less than"; the CJK brackets 》《 are typed for ≥ ≤ the same way, except that an
   opening 《 or 〈 closed later in the text is a title mark ("《规划》编制完成" is a word).  Word
   operators are read too: 不低于 不少于 不小于 不得低于 不得少于 不应低于 大于等于 至少 → GE;
   不高于 不超过 不超出 不得高于 不得超过 不多于 不大于 小于等于 至多 最多 控制在 → LE; 等于 → EQ;
   大于 高于 超过 → GT; 小于 低于 → LT; a verb of change with 到/至 names the level to reach —
   提高 提升 增长 增加 上升 升 增 扩大 + 到/至 → GE ("提高到95%" is ≥95%), 降低 下降 减少 压缩
   缩短 缩减 压减 降 减 控制 + 到/至 → LE ("降至3%") — when a number, sign, masked digit or
   placeholder follows ("提升到位" stays a word); and the suffixes 以上/及以上 → GE,
   以下/及以下/以内/之内 → LE, and 内 right after a known unit ("3个工作日内") → LE.  A word
   and a sign written together state one bound twice ("控制在≤5%以内", "提高到≥95%", "降至≤3天",
   "不少于≥10个"): when they point the same way the stricter one is read ("不低于>95%" is >95);
   when they do not ("提高到≤95%", "提高到=95%") the value is UNPARSEABLE.  Word
   operators are written operators (``op_implied`` False).  A number without any operator is
   EQ with ``op_implied`` True (a rule can report the missing operator).  Two operators in a row
   ("≥≤5") or a prefix and a suffix that disagree are UNPARSEABLE.
3. **Numbers** are plain decimals: optional sign, digits, optional ``,``-thousands groups of three,
   optional fraction ("2,000,000.00").  No exponents ("1e5"), no inf/nan, at most 40 digits.  The
   written scale is kept (``Decimal("90.00")``).  Negative numbers are accepted ("≥-5(%)").
4. **Units** follow the number, bare or in parentheses (an unbalanced parenthesis is tolerated:
   "≥85(%").  Known units and their :class:`UnitKind`: 元 千元 万元 百万元 千万元 亿元 → MONEY;
   <money unit>/<noun>[/<period>] ("元/个", "万元/人次", "元/生/年", "元/人·年", "元/亩",
   "万元/月") → MONEY_PER_UNIT, with the noun in ``unit_per`` and a time word (年 年度 学年 学期
   季度 季 月 周 天 日) in ``unit_period``; <count unit>/<noun> ("人/次", "次/年") →
   COUNT_PER_UNIT; % ‰ 个百分点 百分点 (and the words 百分比 百分率) → PERCENT; counters such as
   篇 次 场 期 家 面 份 人 人次 个 项 台 套 册 本 条 件 户 所 → COUNT; 天 日 工作日 个工作日 月
   个月 年 周 小时 分钟 → DURATION; 米 公里 千米 平方米 平方公里 亩 公顷 → LENGTH (length or
   area).  万/亿 before a COUNT or LENGTH unit ("2万人", "1.5万亩", "3万平方米") scale the amount
   exactly (×10⁴, ×10⁸) and the unit keeps its kind; the written unit is kept in
   ``unit_written``.  A bare 万 stays an OTHER unit ("≥10万" may be people or visits) unless the
   row is a cost row (:func:`for_row`).  Any other unit made of CJK letters (at most 8) is kept as
   written with UnitKind.OTHER.
5. **Qualifiers and notes.**  Words before the number — 平均, 均, X均 (人均 户均 亩均 生均 …),
   每X ("每亩", "每生每年"), and 约 大约 约为 累计 合计 共计 总计 全年 达到 (which write no
   operator: "达到95%" is EQ with ``op_implied``) — are kept in ``qualifier``; the nouns of
   每X / X均 go under a plain money or count unit ("每亩300元" → 300 元/亩, "平均每生每年3300元"
   → 3300 元/生/年).  **Notes** are asides about the target, kept in ``note`` and never compared
   with anything (the previous year's figure in "≥60%(上年50%)" is not the target): a note in
   brackets of either width after the value ("≥95%(上年90%)", "≥95%（全年）"), after a comma
   ("≥95%，上年90%"), or before the value when it holds a CJK letter ("(新增)≥60%"; "(1)≥60%" is
   a list number), and a word after the unit that says the target is met ("100%达标",
   "5个工作日完成", and any word after %).  A value may carry several ("(新增)≥60%(上年50%)",
   "（试行）≤3天（去年5天）", "≥95%(全年)(含分院)"): ``note`` holds them in the order written,
   joined by ";".  What makes an aside a note is that it has **no bound of its own**: an aside with
   a comparison before an amount ("(上年≥50%)≥60%", "≥95%(不低于90%)"), an amount with a bound
   word ("≤3天(3天以内)") or an alternative ("≥60%(或50%)") is a second target, and the value is
   UNPARSEABLE ("a second target beside the value"), as are two values side by side
   ("≥60%或≥50%").  Words that prefix a note (上年, 去年, 原, 备注 …) are examples, not the
   rule.  A "note" that is itself a unit ("≥5(%)(元)", "(元)500") is a unit: UNPARSEABLE.
   A number after a word of change — 增长 增加 提高 提升 上升 (``change`` "up") or 下降 降低 减少
   压缩 缩短 ("down"), after 同比 环比 较上年 比上年 较去年 较基期 年均 平均 — is a CHANGE, not a
   level: "同比增长10%" and "提高5%" are never read as a rate of 10 % or 5 %.  A change says how
   far the level moves from a base the form does not give (and "提高5%" may mean 5 % of the base
   or 5 points), so it cannot be compared with a ceiling, a 100 % limit or another row; it is
   kept as what it is, with ``change`` and the amount, and level rules leave it alone.  With
   到/至 the verb names the level itself ("提高到95%" is ≥95%, see 2.).
6. **Ranges** "80%-90%", "80-90(%)", "80~90%", "80至90%", "80到90%", "80—90%" → RANGE with
   ``amount`` = lower and ``upper`` = upper bound, ``op`` None.  Bounds are never swapped.  Both
   bounds may carry a unit; if they differ the value is UNPARSEABLE ("10-20万人": the scale on the
   upper bound covers both).  An operator before a range is UNPARSEABLE.
7. **Dates** "2024-12-31", "2024.12.31", "2024/12/31", "2024年12月31日" (日 may be 号 or
   missing) → DATE with ``date_precision`` DAY, op EQ unless an operator or a deadline word says
   otherwise: 前/之前/以前/内/之内/以内 → LE.  Month forms "2024年12月", "2024年12月底(前)",
   "2025-12", "2025/12" → MONTH; year-end forms "2024年底(前)", "2024年年底", "2024年末",
   "2024年内" → YEAR; quarters "2024年第四季度", "2024年4季度", "2024Q4" → QUARTER; "2024年上半年"
   → HALF_YEAR; each is the last day of its period, op LE.  截至/截止 before a date make it a
   deadline (LE, written); 于/在 before a date are read past.  A trailing 完成 到位 完工
   竣工 办结 结束 验收 is allowed.  **Date ranges** "2020年1月--2020年11月", "2021年1月-12月",
   "2023.07-2024.01", "2024.1-2024.12", "2023.7～2024.1" (a dotted month with a year 1900–2199
   and a month 1–12; "2024.10" is October), "2022年1月1日至2022年6月30日", "2024年1-12月",
   "2019年—2021年", "2024-2025年", "2021年全年" and "2021年度" → DATE_RANGE: ``date`` is the
   first day of the start, ``date_end`` the last day of the end, each with its precision.
   Dates without a year ("12月底前", "12月底到位", "12月31日", "年底前") → YEARLESS_DATE with
   ``word`` and ``problem`` "date without a year" (op LE when a deadline word or 底/末 says so,
   implied for 底/末 alone): the year is never guessed, and never read as 12 months.
   Impossible calendar dates ("2024-02-30") are UNPARSEABLE.  "12月" alone is 12 months, and
   "2024.12" is a number (on a time row, a month: :func:`for_row`).
8. **Placeholders**: a value with no digit but a placeholder token (``*``, ``**``, ``X``, ``XX``,
   ``xx``, ``×``, ``?``), digits masked with ``*`` ("≤***000元", "≥*0%"), an operator with nothing
   or only a unit after it ("≧ %", "》 万元"), or a known unit alone ("(元)", "%", "万亩", "万人",
   "元/亩") → PLACEHOLDER, keeping ``op`` and ``unit`` when readable.  A lone dash, slash or
   ellipsis ("-", "/", "——", "…") is a PLACEHOLDER too (a cell left "not applicable" still has no
   target).  Empty, whitespace-only or None → EMPTY.
9. **Qualitative**: text without digits made of CJK letters (plus list punctuation 、,;:·《》〈〉“”
   and parentheses), at most 40 characters → QUALITATIVE with ``word`` = the normalised text.
   Typical words: 完成 达成 达标 合理 可控 及时 提高 降低 提升 有效 良好 显著 逐步提高 稳步提升
   按时完成 是 否 优 良 中 差 符合 满足.  Whether a word is too vague is for the rules.
10. **Chinese numerals.**  Text that reads as a word or not at all is read once more with its
    Chinese numerals in digits: positional numerals (一 … 九, 两, 零, 十 百 千 万 亿, decimals
    after 点: "≥三次", "两个", "十二个月", "一百零五人", "三点五天", "三至五年") and 百分之X /
    百分之百 / 百分百 as X % ("百分之九十", "百分之95").  A 万/亿 at the end of the numeral scales
    the unit as after digits ("五十万元" is 50 万元).  That reading is kept only when it is a
    number, range or change with a known unit (not OTHER) that is no month or quarter name, or
    with a written operator and no unit; so "一般", "统一", "一流", "第三方", "一年一次", "零投诉",
    "十四五期间", "二〇二四年", "十二月" (December), "一季度" (the first quarter) and a bare "三"
    stay what they were.  ``raw`` keeps the numerals as written.
11. Anything else — letters, mixed garbage, "≥abc", "≥1.2.3(%)", "≥十四五场", text over 200
    characters — is UNPARSEABLE with a short English ``problem``.

**The row decides** what the text alone cannot (:func:`for_row`, called by the graph with the
row's canonical level codes): on a cost row a bare 万/亿 is 万元/亿元 (``unit_from_row``); on a
time row a bare whole number 32874–73050 is an Excel day number (``date_serial``), "2024.12" a month
and "2024-2026" a range of years.  Other rows are never guessed.

``parse_money`` reads funds amounts in 元 with the same number grammar (see its docstring).
No float is used anywhere: every amount is a :class:`decimal.Decimal`, and unit conversion is exact.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext
from enum import StrEnum
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

__all__ = [
    "GLYPHS",
    "MEMO_SIZE",
    "MEMO_TEXT",
    "DatePrecision",
    "MoneyCell",
    "Operator",
    "RenderStyle",
    "RowFamily",
    "TargetValue",
    "UnitKind",
    "ValueKind",
    "arabic_numerals",
    "for_row",
    "format_yuan",
    "memo_text",
    "parse_money",
    "parse_money_cell",
    "parse_target_value",
    "render_target_value",
    "unit_kind_of",
]


class ValueKind(StrEnum):
    """What a 指标值 turned out to be."""

    QUANTITATIVE = "quantitative"
    CHANGE = "change"
    RANGE = "range"
    DATE = "date"
    DATE_RANGE = "date_range"
    YEARLESS_DATE = "yearless_date"
    QUALITATIVE = "qualitative"
    PLACEHOLDER = "placeholder"
    EMPTY = "empty"
    UNPARSEABLE = "unparseable"


class Operator(StrEnum):
    """Comparison written before a target number or date."""

    GE = "ge"
    LE = "le"
    EQ = "eq"
    GT = "gt"
    LT = "lt"


class UnitKind(StrEnum):
    """Family of a unit; see the module docstring for the members of each family."""

    MONEY = "money"
    MONEY_PER_UNIT = "money_per_unit"
    COUNT_PER_UNIT = "count_per_unit"
    PERCENT = "percent"
    COUNT = "count"
    DURATION = "duration"
    LENGTH = "length"
    OTHER = "other"


class DatePrecision(StrEnum):
    """How precisely a date was written: "2024-12-31" day, "2024年12月" month, "2024年第四季度"
    quarter, "2024年上半年" half year, "2024年底" year."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------

# Multiplier from a money unit to 元.  万/亿 without 元 only count as money in parse_money and on a
# cost row (see for_row): elsewhere "≥10万" may be people or visits, so it stays an OTHER unit.
_MONEY_FACTORS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10_000),
    "百万元": Decimal(1_000_000),
    "千万元": Decimal(10_000_000),
    "亿元": Decimal(100_000_000),
}
_MONEY_FACTORS_LOOSE: dict[str, Decimal] = {
    **_MONEY_FACTORS,
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
}
# 万/亿 written before a counted unit ("2万人", "1.5万亩") scale the amount.
_SCALES: dict[str, Decimal] = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}

_UNIT_KINDS: dict[str, UnitKind] = {}
for _u in _MONEY_FACTORS:
    _UNIT_KINDS[_u] = UnitKind.MONEY
for _u in ("%", "‰", "个百分点", "百分点"):
    _UNIT_KINDS[_u] = UnitKind.PERCENT
for _u in (
    "篇", "次", "场", "场次", "期", "家", "面", "份", "人", "人次", "名", "位", "个", "项", "台",
    "套", "册", "本", "条", "件", "户", "所", "种", "类", "批", "批次", "辆", "株", "棵", "头",
    "只", "张", "间", "座", "处", "部", "门", "节", "课时", "学时", "班", "届", "轮", "首", "幅",
    "块", "支", "村", "校", "篇次", "册次", "家次", "户次", "生", "例", "对", "组", "宗", "起",
):
    _UNIT_KINDS[_u] = UnitKind.COUNT
for _u in ("天", "日", "工作日", "个工作日", "月", "个月", "年", "周", "小时", "分钟", "季度"):
    _UNIT_KINDS[_u] = UnitKind.DURATION
for _u in ("米", "公里", "千米", "平方米", "平方公里", "亩", "公顷", "延米", "立方米"):
    _UNIT_KINDS[_u] = UnitKind.LENGTH
del _u

# Written forms read as another unit; the form as written is kept in ``unit_written``.
_UNIT_ALIASES = {
    "㎡": "平方米", "m²": "平方米", "m2": "平方米", "M2": "平方米", "平米": "平方米", "km": "公里",
    "㎞": "公里", "KM": "公里", "km²": "平方公里", "km2": "平方公里", "㎢": "平方公里", "m": "米",
    "百分比": "%", "百分率": "%",
}
# A time word after "/" makes a per-period unit: 元/人/年 is per person and per year.
_PERIODS = frozenset({"年", "年度", "学年", "学期", "季度", "季", "月", "周", "天", "日"})

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NOUN_RE = re.compile(rf"[{_CJK}][{_CJK}·]{{0,7}}")
_OTHER_UNIT_RE = re.compile(rf"[{_CJK}][{_CJK}·/]{{0,7}}")


@dataclass(frozen=True)
class _Compound:
    """A per-unit unit split up: "元/生/年" → base 元, per 生, period 年."""

    base: str
    per: str | None
    period: str | None


def _compound(unit: str) -> _Compound | None:
    """Split <money or count unit>/<noun>[/<period>] ("元/个", "万元/人次", "元/人/年", "元/人·年",
    "元/月", "人/次"); None when ``unit`` is not of that shape."""
    base, sep, rest = unit.partition("/")
    if not sep or _UNIT_KINDS.get(base) not in (UnitKind.MONEY, UnitKind.COUNT):
        return None
    parts = rest.replace(".", "·").split("/")  # "元/人.年" is typed for "元/人·年"
    if len(parts) == 1 and "·" in parts[0]:
        head, _, tail = parts[0].rpartition("·")
        if tail in _PERIODS and head:
            parts = [head, tail]  # "人·年" is per person and year
    if len(parts) > 2 or not all(_NOUN_RE.fullmatch(p) for p in parts):
        return None
    periods = [p for p in parts if p in _PERIODS]
    nouns = [p for p in parts if p not in _PERIODS]
    if len(periods) > 1 or len(nouns) > 1:
        return None
    return _Compound(base, nouns[0] if nouns else None, periods[0] if periods else None)


def _scaled(unit: str) -> tuple[Decimal, str] | None:
    """(scale, counted unit) for 万/亿 before a count or area/length unit ("万人" → 10000, "人")."""
    scale = _SCALES.get(unit[:1])
    rest = _UNIT_ALIASES.get(unit[1:], unit[1:])
    if scale is None or _UNIT_KINDS.get(rest) not in (UnitKind.COUNT, UnitKind.LENGTH):
        return None
    return scale, rest


def unit_kind_of(unit: str | None) -> UnitKind | None:
    """Family of a canonical unit text ("元/个" → MONEY_PER_UNIT, "人/次" → COUNT_PER_UNIT); None
    for no unit."""
    if unit is None:
        return None
    kind = _UNIT_KINDS.get(unit)
    if kind is not None:
        return kind
    compound = _compound(unit)
    if compound is not None:
        return (UnitKind.MONEY_PER_UNIT if compound.base in _MONEY_FACTORS
                else UnitKind.COUNT_PER_UNIT)
    return UnitKind.OTHER


def _money_factor(unit: str | None) -> Decimal | None:
    """元-multiplier of a money or per-unit money unit; None for other units."""
    if unit is None:
        return None
    if unit in _MONEY_FACTORS:
        return _MONEY_FACTORS[unit]
    compound = _compound(unit)
    return _MONEY_FACTORS.get(compound.base) if compound else None


def _exact_mul(amount: Decimal, factor: Decimal) -> Decimal:
    """amount × factor with enough precision that the product is never rounded."""
    digits = len(amount.as_tuple().digits) + len(factor.as_tuple().digits) + 2
    with localcontext() as ctx:
        ctx.prec = max(28, digits)
        ctx.traps[Inexact] = True
        return amount * factor


def _scale_up(amount: Decimal, scale: Decimal) -> Decimal:
    """amount × 万/亿 without a trailing-zero tail or an exponent: 1.5万 → 15000, 1.23456万 →
    12345.6 (exact: only the decimal point moves)."""
    shifted = amount.scaleb(len(str(scale)) - 1)
    if shifted.as_tuple().exponent > 0:
        with localcontext() as ctx:
            ctx.prec = max(28, len(shifted.as_tuple().digits) + 12)
            shifted = shifted.quantize(Decimal(1))
    return shifted


def _exact_div(amount: Decimal, factor: Decimal) -> Decimal:
    """amount ÷ factor for a power-of-ten factor: exact, never rounded."""
    with localcontext() as ctx:
        ctx.prec = max(28, len(amount.as_tuple().digits) + 12)
        ctx.traps[Inexact] = True
        return amount / factor


# --------------------------------------------------------------------------------------------
# The value model
# --------------------------------------------------------------------------------------------


class TargetValue(BaseModel):
    """One parsed 指标值.

    Which fields are set depends on ``kind``:

    * QUANTITATIVE: ``op``, ``amount``, ``unit`` (None when the number had no unit);
    * CHANGE: a change, not a level ("同比增长10%", "较上年提高2个百分点", "下降≥5%"): ``op``,
      ``amount``, ``unit`` as for QUANTITATIVE, ``change`` "up" or "down", and the words in
      ``qualifier``;
    * RANGE: ``amount`` (lower bound), ``upper``, ``unit``; ``op`` is None;
    * DATE: ``op``, ``date`` and ``date_precision`` (a deadline "≤2024-12-31" has op LE; a month
      "2024年12月" is its last day with precision MONTH); ``date_serial`` when the date was an
      Excel day number on a time row (see :func:`for_row`);
    * DATE_RANGE: ``date`` (first day of the start) and ``date_end`` (last day of the end), each
      with its precision; ``op`` is None;
    * YEARLESS_DATE: a deadline without a year ("12月底前", "年底前"): ``word`` (the text),
      ``op`` when a deadline word gives one, and ``problem``; the year is never guessed;
    * QUALITATIVE: ``word``;
    * PLACEHOLDER: ``problem`` plus ``op``/``unit`` when they were readable;
    * UNPARSEABLE: ``problem``;  EMPTY: nothing.

    Attributes on any kind that has them:

    * ``op_implied``: True when no operator was written and the reader supplied ``op`` (a bare
      "85%" is EQ, a month "2024年12月" is LE) — a rule can report the missing operator;
    * ``unit_written``: the unit as written when ``unit`` differs ("2万人" → unit 人, written
      万人; "≥120百分比" → %, written 百分比; "每亩300元" → 元/亩, written 元);
    * ``unit_from_row``: True when the row decided the unit (a bare 万 on a cost row is 万元);
    * ``qualifier``: words before the number ("平均", "每亩", "人均", "平均每生每年");
    * ``note``: words after the value ("≥95%(上年90%)" → "上年90%", "100%达标" → "达标").

    ``raw`` always holds the text exactly as given ("" for None).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw: str
    kind: ValueKind
    op: Operator | None = None
    op_implied: bool = False
    amount: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    unit_written: str | None = None
    unit_from_row: bool = False
    date: datetime.date | None = None
    date_precision: DatePrecision | None = None
    date_end: datetime.date | None = None
    date_end_precision: DatePrecision | None = None
    date_serial: int | None = None
    word: str | None = None
    qualifier: str | None = None
    change: Literal["up", "down"] | None = None
    note: str | None = None
    problem: str | None = None

    @property
    def unit_kind(self) -> UnitKind | None:
        """Family of ``unit``; None when there is no unit."""
        return unit_kind_of(self.unit)

    @property
    def unit_noun(self) -> str | None:
        """What one unit of the value counts, for pairing unit costs with quantities: "个" for
        "元/个" and for "个", "生" for "元/生/年", "亩" for "元/亩" and for "亩", "月" for "元/月"
        (per period only: see :attr:`unit_period`); None for percentages, durations, money,
        count-per-unit and other units."""
        kind = self.unit_kind
        if kind is UnitKind.MONEY_PER_UNIT:
            return self.unit_per or self.unit_period
        if kind in (UnitKind.COUNT, UnitKind.LENGTH):
            return self.unit
        return None

    @property
    def unit_per(self) -> str | None:
        """Noun after "/" in a per-unit unit, periods left out ("元/人/年" → "人"; "人/次" → "次")."""
        compound = _compound(self.unit) if self.unit else None
        return compound.per if compound else None

    @property
    def unit_period(self) -> str | None:
        """Time word after "/" in a per-unit unit ("元/人/年" → "年", "≤40万元/月" → "月")."""
        compound = _compound(self.unit) if self.unit else None
        return compound.period if compound else None

    @property
    def amount_yuan(self) -> Decimal | None:
        """``amount`` in 元 (exact: 20 万元 → 200000) for money units; a per-unit amount stays per
        unit ("≤2万元/个" → 20000 元 per 个).  None when there is no amount or no money unit."""
        return self._yuan(self.amount)

    @property
    def upper_yuan(self) -> Decimal | None:
        """``upper`` of a RANGE in 元, like :attr:`amount_yuan`."""
        return self._yuan(self.upper)

    def _yuan(self, value: Decimal | None) -> Decimal | None:
        factor = _money_factor(self.unit)
        if value is None or factor is None:
            return None
        return _exact_mul(value, factor)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_TRANSLATE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII block
_TRANSLATE.update({
    0xFFE5: "¥",  # full-width yen
    0x2212: "-",  # minus sign
    0x301C: "~",  # wave dash
    0xFE6A: "%",  # small percent sign
    **{ord(ch): "·" for ch in "・•‧∙⋅"},  # middle-dot look-alikes ("元/人•年")
    # Other brackets typed round a unit ("≥85【%】", "〔元〕", "［个］") are parentheses.
    **{ord(ch): "(" for ch in "[［【〔〖﹙"},
    **{ord(ch): ")" for ch in "]］】〕〗﹚"},
})
# Zero-width characters survive str.split(); they are dropped like spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_MAX_TEXT = 200
_TRAILING_PUNCT = "。,;、"


def _normalise(text: str) -> str:
    """NFC, full-width → ASCII, and every space removed (spaces carry no meaning in these forms)."""
    # NFC (not NFKC): NFKC would also turn "²" or "①" into digits and invent numbers.
    text = unicodedata.normalize("NFC", text)
    return "".join(text.translate(_TRANSLATE).translate(_INVISIBLE).split())


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _unwrap(s: str) -> str:
    """Drop trailing list punctuation and parentheses that wrap the whole value."""
    while True:
        before = s
        s = s.rstrip(_TRAILING_PUNCT)
        if len(s) >= 2 and s[0] == "(" and s[-1] == ")" and _balanced(s[1:-1]):
            s = s[1:-1]
        if s == before:
            return s


# --------------------------------------------------------------------------------------------
# Grammar pieces
# --------------------------------------------------------------------------------------------

# Longest glyph first so ">=" is not read as ">" followed by "=".  The CJK brackets 》《〉〈 and
# the negated signs ≯ (not above) ≮ (not below) are typed for ≥ ≤ > < in real forms.
_GLYPH_OPS: tuple[tuple[str, Operator], ...] = (
    ("≥=", Operator.GE), (">=", Operator.GE), ("=>", Operator.GE), ("≧=", Operator.GE),
    ("》=", Operator.GE),
    ("≤=", Operator.LE), ("<=", Operator.LE), ("=<", Operator.LE), ("≦=", Operator.LE),
    ("《=", Operator.LE),
    ("==", Operator.EQ),
    ("≥", Operator.GE), ("≧", Operator.GE), ("⩾", Operator.GE), ("≫", Operator.GE),
    ("》", Operator.GE), ("≮", Operator.GE),
    ("≤", Operator.LE), ("≦", Operator.LE), ("⩽", Operator.LE), ("≪", Operator.LE),
    ("《", Operator.LE), ("≯", Operator.LE),
    ("=", Operator.EQ), (">", Operator.GT), ("<", Operator.LT),
    ("〉", Operator.GT), ("〈", Operator.LT), ("﹥", Operator.GT), ("﹤", Operator.LT),
)
# An opening bracket that is closed later is a title mark ("《规划》编制完成"), not an operator.
_TITLE_CLOSE = {"《": "》", "〈": "〉"}
_REACH_UP = ("提高", "提升", "增长", "增加", "上升", "升", "增", "扩大")
_REACH_DOWN = ("降低", "下降", "减少", "压缩", "缩短", "缩减", "压减", "降", "减", "控制")
_WORD_OPS: tuple[tuple[str, Operator], ...] = tuple(sorted(
    [
        ("不低于", Operator.GE), ("不少于", Operator.GE), ("不小于", Operator.GE),
        ("不得低于", Operator.GE), ("不得少于", Operator.GE), ("不应低于", Operator.GE),
        ("大于等于", Operator.GE), ("大于或等于", Operator.GE), ("至少", Operator.GE),
        ("不高于", Operator.LE), ("不超过", Operator.LE), ("不多于", Operator.LE),
        ("不得高于", Operator.LE), ("不得超过", Operator.LE), ("不超出", Operator.LE),
        ("不大于", Operator.LE), ("小于等于", Operator.LE), ("小于或等于", Operator.LE),
        ("至多", Operator.LE), ("最多", Operator.LE), ("不晚于", Operator.LE),
        ("不迟于", Operator.LE), ("控制在", Operator.LE),
        ("等于", Operator.EQ),
        ("大于", Operator.GT), ("高于", Operator.GT), ("超过", Operator.GT),
        ("小于", Operator.LT), ("低于", Operator.LT),
        # A verb of change with 到/至 names the level to reach, not a change: "提高到95%" is ≥95%,
        # "降低至5%" ≤5% (a change is "提高5%", see _CHANGE_RE).
        *((verb + to, Operator.GE) for verb in _REACH_UP for to in ("到", "至")),
        *((verb + to, Operator.LE) for verb in _REACH_DOWN for to in ("到", "至")),
    ],
    key=lambda p: -len(p[0]),
))
_REACH_OPS = frozenset(verb + to for verb in (*_REACH_UP, *_REACH_DOWN) for to in ("到", "至"))
# A level to reach starts with a number, a sign, a masked digit or a placeholder.
_REACH_NEXT_RE = re.compile(r"[0-9+\-.*Xx×?(]")
_SUFFIX_OPS: tuple[tuple[str, Operator], ...] = (
    ("及以上", Operator.GE), ("以上", Operator.GE),
    ("及以下", Operator.LE), ("以下", Operator.LE), ("以内", Operator.LE), ("之内", Operator.LE),
)
_OP_CHARS = frozenset("≥≧⩾≫≤≦⩽≪=<>》〉≯≮﹥﹤")

_NUM = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_NUM_RE = re.compile(_NUM)
_MAX_DIGITS = 40
_RANGE_SEP = r"-|~|至|到|—{1,2}|–|―"
_UNIT_TAIL = r"\(?[^()0-9\-~至到—–―]*\)?"  # a lower-bound unit never holds a separator
_RANGE_RE = re.compile(
    rf"(?P<a>{_NUM})(?P<ua>{_UNIT_TAIL})(?:{_RANGE_SEP})(?P<b>{_NUM})(?P<ub>\(?[^()0-9]*\)?)")
_EXPONENT_RE = re.compile(r"[eE][+-]?[0-9]")
_PLACEHOLDER_RE = re.compile(r"(?P<ph>\*+(?:\.\*+)?|×+|[Xx]+|\?+)?(?P<tail>.*)")
# Digits partly masked with "*" ("***000", "1**.5"): the number was not given.
_MASKED_RE = re.compile(r"(?P<ph>[0-9*]*\*[0-9*]*(?:\.[0-9*]+)?)(?P<tail>.*)")
_NOT_APPLICABLE_RE = re.compile(r"[-/—–―_.…]+")

_QUAL_PUNCT = "、,;:·《》〈〉“”‘’\"'()!"
_QUAL_RE = re.compile(rf"[{_CJK}{re.escape(_QUAL_PUNCT)}]+")
_MAX_WORD = 40

# Words before a number that say how it is counted: 平均, 人均/户均/亩均 (per person …), 每亩 …,
# and words that add nothing to the comparison (约, 累计, 达到 …: the operator stays unwritten).
_LEAD_WORDS = ("平均", "均", "大约", "约为", "约", "累计", "合计", "共计", "总计", "全年", "达到")
_PER_HEAD_RE = re.compile(rf"(?P<noun>[{_CJK}])均")
_EACH_RE = re.compile(rf"每(?P<noun>[{_CJK}]{{1,4}}?)"
                      rf"(?=每|[+-]?[0-9]|[*(《〈]|[{re.escape(''.join(_OP_CHARS))}]|"
                      + "|".join(w for w, _ in _WORD_OPS) + ")")
# Words after the unit that say the target is to be met, read as a note ("100%达标").
_DONE_WORDS = ("达标", "完成", "到位", "合格", "达成", "覆盖", "全覆盖", "左右", "办结", "完工",
               "竣工", "发放到位", "验收")
_MAX_NOTE = 60
# A change rather than a level: "同比增长10%", "较上年提高2个百分点", "年均下降≥5%".
_CHANGE_RE = re.compile(
    r"(?P<words>(?:同比|环比|较上年|比上年|较上一年|较去年|比去年|较基期|年均|平均)*"
    r"(?P<verb>增长|增加|提高|提升|上升|下降|降低|减少|压缩|缩短))(?P<rest>.+)")
_CHANGE_UP = frozenset({"增长", "增加", "提高", "提升", "上升"})

_DONE_TAIL = r"(?P<done>完成|到位|完工|竣工|办结|结束|验收)?"
_DATE_TAIL = r"(?P<suffix>前|之前|以前|内|之内|以内)?" + _DONE_TAIL
_DATE_RE = re.compile(
    r"(?P<y>[0-9]{4})(?:"
    r"(?P<sep>[-./])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|(?P<msep>[-/])(?P<m3>[0-9]{1,2})"
    r"|年(?P<m2>[0-9]{1,2})月(?:(?P<d2>[0-9]{1,2})[日号]?|(?P<mend>底|末|份))?"
    r"|年(?P<yend>底|末|内|年底|年末|度内)"
    r"|年?(?:第?(?P<q>[1-4一二三四])季度|[Qq](?P<q2>[1-4]))(?:底|末)?"
    r"|年(?P<half>上|下)半年(?:底|末)?)"
    + _DATE_TAIL
)
_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
# Words before a date: 截至/截止 ("by") make it a deadline; 于/在 ("at") say nothing more.
_DATE_PREFIXES: tuple[tuple[str, Operator | None], ...] = (
    ("截至到", Operator.LE), ("截止到", Operator.LE), ("截至", Operator.LE), ("截止", Operator.LE),
    ("于", None), ("在", None),
)
# "12月" alone is left to the number grammar (12 months); a day, 底/旬 or 前 makes it a date.
_YEARLESS_RE = re.compile(
    r"(?:[0-9]{1,2}月(?:(?:[0-9]{1,2}[日号]?|份|底|末|初|上旬|中旬|下旬)"
    r"(?P<s1>前|之前|以前|内|之内|以内)?"
    r"|(?P<s2>前|之前|以前))"
    r"|(?:本|当|今)?年度?(?:底|末|内)(?P<s3>前|之前|以前)?)"
    + _DONE_TAIL
)
# One end of a date range ("2020年1月", "2023.07", "2021-03-31", "2021年"); the end may leave out
# the year ("2021年1月-12月").
_BOUND = (r"(?P<{p}y>[0-9]{{4}})"
          r"(?:(?P<{p}sep>[-./])(?P<{p}m>[0-9]{{1,2}})(?:(?P={p}sep)(?P<{p}d>[0-9]{{1,2}}))?"
          r"|年(?:(?P<{p}m2>[0-9]{{1,2}})月(?:(?P<{p}d2>[0-9]{{1,2}})[日号]?|底|末|份)?)?)")
_YEARLESS_END = r"(?P<ym>[0-9]{1,2})月(?:(?P<yd>[0-9]{1,2})[日号]?|底|末|份)?"
_SPAN_SEP = r"(?:-{1,2}|~|至|到|—{1,2}|–|―)"
_DATE_RANGE_RE = re.compile(
    _BOUND.format(p="s") + rf"{_SPAN_SEP}(?:{_BOUND.format(p='e')}|{_YEARLESS_END})"
    + _DONE_TAIL)
_WHOLE_YEAR_RE = re.compile(r"(?P<y>[0-9]{4})年(?:全年|全年度|度全年|度)" + _DONE_TAIL)
# "2024年1-12月", "2024年3至6月份": months of one year; "2024-2025年": years.
_MONTH_SPAN_RE = re.compile(rf"(?P<y>[0-9]{{4}})年(?P<a>[0-9]{{1,2}}){_SPAN_SEP}(?P<b>[0-9]{{1,2}})月份?"
                            + _DONE_TAIL)
_YEAR_SPAN_RE = re.compile(rf"(?P<a>[0-9]{{4}}){_SPAN_SEP}(?P<b>[0-9]{{4}})年度?" + _DONE_TAIL)
_MIN_YEAR, _MAX_YEAR = 1900, 2199
_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel day 1 is 1900-01-01 (after its 1900 leap bug)
# Day numbers read as dates on a time row: 1990-01-01 … 2099-12-31 (32874 … 73050); "12000" on a
# time row is not a plausible deadline and stays a number.
_SERIAL_RANGE = ((datetime.date(1990, 1, 1) - _EXCEL_EPOCH).days,
                 (datetime.date(2099, 12, 31) - _EXCEL_EPOCH).days)


def _take_glyph(s: str) -> tuple[Operator | None, str]:
    """A sign operator at the start of ``s`` (≥, 》, <= …), not a title mark; (None, s) otherwise."""
    for glyph, op in _GLYPH_OPS:
        if s.startswith(glyph):
            closing = _TITLE_CLOSE.get(glyph[0])
            if closing is not None and closing in s:
                return None, s
            return op, s[len(glyph):]
    return None, s


# A word operator and a sign written together ("控制在≤5%", "提高到≥95%", "不低于≥90%") state
# one bound twice; both hold when the value meets the stricter one, so ≥ with > is >.  Signs
# pointing the other way ("提高到≤95%") or "=" beside a bound do not make one operator.
_TIGHTER: dict[frozenset[Operator], Operator] = {
    frozenset({Operator.GE, Operator.GT}): Operator.GT,
    frozenset({Operator.LE, Operator.LT}): Operator.LT,
}


def _take_operator(s: str) -> tuple[Operator | None, str]:
    """The operator written at the start of ``s`` and the text after it: a sign, a word, or a word
    followed by a sign that agrees with it (see :data:`_TIGHTER`).  A word and a sign that
    disagree are left for the caller to reject ("two operators in a row")."""
    op, rest = _take_glyph(s)
    if op is not None:
        return op, rest
    for word, op in _WORD_OPS:
        if s.startswith(word):
            rest = s[len(word):]
            sign, after = _take_glyph(rest)
            if word in _REACH_OPS and sign is None and not _REACH_NEXT_RE.match(rest):
                return None, s  # "提升到位", "落实到户" are words, not "≥ 位"
            if sign is None:
                return op, rest
            if sign is op:
                return op, after
            tighter = _TIGHTER.get(frozenset({op, sign}))
            return (tighter, after) if tighter is not None else (op, rest)
    return None, s


def _take_qualifier(s: str) -> tuple[str | None, list[str], str]:
    """(qualifier as written, nouns it counts per, rest) for 平均/人均/每亩… before a number or an
    operator; (None, [], s) when there is none."""
    rest, nouns = s, []
    while True:
        m = _EACH_RE.match(rest)
        if m is not None:
            nouns.append(m["noun"])
            rest = rest[m.end():]
            continue
        m = _PER_HEAD_RE.match(rest)
        if m is not None and m["noun"] != "平":
            nouns.append(m["noun"])
            rest = rest[m.end():]
            continue
        for word in _LEAD_WORDS:
            if rest.startswith(word):
                rest = rest[len(word):]
                break
        else:
            break
    unsigned = rest[1:] if rest[:1] in ("-", "+") else rest
    if rest == s or not unsigned or not (unsigned[0].isdigit() or rest[0] in _OP_CHARS
                                         or rest[0] == "*" or _take_operator(rest)[0] is not None):
        return None, [], s
    return s[: len(s) - len(rest)], nouns, rest


def _parse_number(text: str) -> tuple[Decimal | None, str | None]:
    """Decimal from a matched number string, or a problem."""
    digits = sum(ch.isdigit() for ch in text)
    if digits > _MAX_DIGITS:
        return None, f"number has more than {_MAX_DIGITS} digits"
    return Decimal(text.replace(",", "")), None


@dataclass(frozen=True)
class _Unit:
    """The text after a number, read: canonical unit, the unit as written when it differs, the
    scale 万/亿 put on the number, an operator from a trailing 内, a trailing word, or a problem."""

    unit: str | None = None
    written: str | None = None
    scale: Decimal | None = None
    op: Operator | None = None
    note: str | None = None
    problem: str | None = None


def _known_unit(text: str) -> _Unit | None:
    """A unit text that is not OTHER, read; None otherwise."""
    canonical = _UNIT_ALIASES.get(text, text)
    if canonical in _UNIT_KINDS or _compound(canonical):
        return _Unit(canonical, text if canonical != text else None)
    scaled = _scaled(canonical)
    if scaled is not None:
        return _Unit(scaled[1], text, scaled[0])
    return None


def _parse_unit(tail: str) -> _Unit:
    """Read the text after a number: "(%)", "元/个", "万人", "个工作日内", "%达标" …"""
    inner = tail
    if inner.startswith("("):
        inner = inner[1:]
    if inner.endswith(")"):
        inner = inner[:-1]
    if "(" in inner or ")" in inner:
        return _Unit(problem=f"unexpected {tail!r} after the number")
    if not inner:
        return _Unit()
    known = _known_unit(inner)
    if known is not None:
        return known
    if inner.endswith("内") and inner[:-1] in _UNIT_KINDS:
        return _Unit(inner[:-1], op=Operator.LE)
    for cut in range(len(inner) - 1, 0, -1):
        head, word = inner[:cut], inner[cut:]
        known = _known_unit(head)
        if known is None:
            continue
        # After "%" no unit can follow, so any word is a note; after a CJK unit only a word that
        # says "to be met" is, else "台套" would be read as 台 + 套.
        if word in _DONE_WORDS or (not _is_cjk(head[-1]) and _QUAL_RE.fullmatch(word)
                                   and len(word) <= 10):
            return _Unit(known.unit, known.written, known.scale, note=word)
    if _OTHER_UNIT_RE.fullmatch(inner) and not inner.endswith("/"):
        return _Unit(inner)
    if _EXPONENT_RE.match(inner):
        return _Unit(problem="exponent notation is not accepted")
    return _Unit(problem=f"unrecognised unit {inner!r}")


def _combine(first: Operator | None, second: Operator | None) -> tuple[Operator | None, bool]:
    """Merge two operators written for one value; the flag is False when they disagree."""
    if first is None or second is None or first is second:
        return first or second, True
    return None, False


def _per_unit(unit: _Unit, nouns: list[str]) -> _Unit:
    """Put the nouns of a qualifier ("每亩", "人均", "每生每年") under a plain money or count unit:
    元 with 每亩 → 元/亩, 元 with 每生每年 → 元/生/年.  Other units are left as written."""
    if not nouns or unit.unit is None or _UNIT_KINDS.get(unit.unit) not in (
            UnitKind.MONEY, UnitKind.COUNT) or unit.scale is not None:
        return unit
    periods = [n for n in nouns if n in _PERIODS]
    others = [n for n in nouns if n not in _PERIODS]
    if len(periods) > 1 or len(others) > 1 or others == [unit.unit]:
        return unit
    composed = "/".join([unit.unit, *others, *periods])
    if _compound(composed) is None:
        return unit
    return _Unit(composed, unit.written or unit.unit, None, unit.op, unit.note, unit.problem)


# --------------------------------------------------------------------------------------------
# parse_target_value
# --------------------------------------------------------------------------------------------


class RowFamily(StrEnum):
    """What a row is, as far as reading its value goes (from the canonical level codes)."""

    COST = "cost"
    TIMELINESS = "timeliness"


# Distinct texts read once per process: a season repeats "≥90%", "完成", "100%" thousands of times.
# The results are frozen (TargetValue, Composition, MoneyCell hold only str, Decimal, date and
# enums), so sharing one between declarations shares nothing mutable. Memory stays bounded: at most
# MEMO_SIZE entries, each for texts of at most MEMO_TEXT characters (longer ones are read each time).
MEMO_SIZE = 4096
MEMO_TEXT = 256


def memo_text(text: object) -> bool:
    """Whether ``text`` may key a memo: exactly ``str`` (``Decimal("1") == 1 == True`` would share
    one entry between different inputs) and at most :data:`MEMO_TEXT` characters."""
    return type(text) is str and len(text) <= MEMO_TEXT


def parse_target_value(text: str | None, row: RowFamily | None = None) -> TargetValue:
    """Parse one 指标值 cell.  Never raises; see the module docstring for the rules.

    ``None`` and blank text give EMPTY.  An ``int`` or finite ``Decimal`` is read as its plain
    decimal text; any other non-text input gives UNPARSEABLE.  ``row`` applies :func:`for_row`.
    Text is read once per distinct (text, row) and the frozen result reused (:data:`MEMO_SIZE`).
    """
    if memo_text(text) and (row is None or type(row) is RowFamily):
        return _parse_memo(text, row)
    return _parse_target_value(text, row)


def _parse_target_value(text: str | None, row: RowFamily | None = None) -> TargetValue:
    if text is None:
        return TargetValue(raw="", kind=ValueKind.EMPTY)
    if not isinstance(text, str):
        return for_row(_parse_non_text(text), row)
    try:
        return for_row(_parse(text), row)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; tests assert unused
        return TargetValue(raw=text, kind=ValueKind.UNPARSEABLE,
                           problem=f"internal error: {type(exc).__name__}")


_parse_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_parse_target_value)


def for_row(value: TargetValue, row: RowFamily | None) -> TargetValue:
    """The reading of ``value`` that only the row can decide; ``value`` itself for other rows.

    * COST row (canonical level1 ``cost``): a bare 万/亿 ("≤60万", "≤**万", "5万/个") is 万元/亿元,
      with ``unit_from_row`` set and the written unit kept in ``unit_written``.
    * TIMELINESS row (canonical level2 ``timeliness``): a bare whole number between 32874 and 73050
      is an Excel day number (1990-01-01 … 2099-12-31; "45657" → 2024-12-31, ``date_serial`` =
      45657); "2024.12" (year, dot, two-digit month) is that month; "2024-2025" without a unit is
      a range of years.
    """
    if row is RowFamily.COST:
        return _on_cost_row(value)
    if row is RowFamily.TIMELINESS:
        return _on_time_row(value)
    return value


def _on_cost_row(value: TargetValue) -> TargetValue:
    unit = value.unit
    if value.kind not in (ValueKind.QUANTITATIVE, ValueKind.CHANGE, ValueKind.RANGE,
                          ValueKind.PLACEHOLDER) or not unit:
        return value
    head, sep, rest = unit.partition("/")
    if head not in ("万", "亿"):
        return value
    money = head + "元" + sep + rest
    if unit_kind_of(money) not in (UnitKind.MONEY, UnitKind.MONEY_PER_UNIT):
        return value
    return value.model_copy(update={"unit": money, "unit_written": value.unit_written or unit,
                                    "unit_from_row": True})


def _on_time_row(value: TargetValue) -> TargetValue:
    amount = value.amount
    if value.unit is not None or value.qualifier or amount is None:
        return value
    if value.kind is ValueKind.QUANTITATIVE and value.unit_written is None:
        sign, digits, exponent = amount.as_tuple()
        if not sign and exponent == 0 and _SERIAL_RANGE[0] <= amount <= _SERIAL_RANGE[1]:
            when = _EXCEL_EPOCH + datetime.timedelta(days=int(amount))
            return value.model_copy(update={
                "kind": ValueKind.DATE, "amount": None, "date": when,
                "date_precision": DatePrecision.DAY, "date_serial": int(amount)})
        if not sign and exponent == -2:
            year, month = divmod(int(amount * 100), 100)
            if _MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12:
                op = Operator.LE if value.op_implied else value.op
                return value.model_copy(update={
                    "kind": ValueKind.DATE, "amount": None, "op": op,
                    "date": _month_end(year, month), "date_precision": DatePrecision.MONTH})
    if value.kind is ValueKind.RANGE and value.upper is not None:
        years = []
        for bound in (amount, value.upper):
            sign, digits, exponent = bound.as_tuple()
            if sign or exponent != 0 or not _MIN_YEAR <= int(bound) <= _MAX_YEAR:
                return value
            years.append(int(bound))
        return value.model_copy(update={
            "kind": ValueKind.DATE_RANGE, "amount": None, "upper": None,
            "date": datetime.date(years[0], 1, 1), "date_precision": DatePrecision.YEAR,
            "date_end": datetime.date(years[1], 12, 31), "date_end_precision": DatePrecision.YEAR})
    return value


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _parse_non_text(value: object) -> TargetValue:
    if isinstance(value, Decimal) and value.is_finite():
        return parse_target_value(format(value, "f"))
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_target_value(str(value))
    try:
        raw = str(value)
    except Exception:  # noqa: BLE001 - a hostile __str__ must not break the "never raises" contract
        raw = ""
    return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                       problem=f"not text: {type(value).__name__}")


def _parse(raw: str) -> TargetValue:
    def bad(problem: str) -> TargetValue:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem=problem)

    s = _normalise(raw)
    if not s:
        return TargetValue(raw=raw, kind=ValueKind.EMPTY)
    if len(s) > _MAX_TEXT:
        return bad(f"text too long for a target value ({len(s)} characters)")
    s = _unwrap(s)
    if not s or s == "()":
        return TargetValue(raw=raw, kind=ValueKind.EMPTY)
    value = _read(raw, s)
    if value.kind in (ValueKind.QUALITATIVE, ValueKind.UNPARSEABLE):
        for run_re in _CN_RUN_RES:
            arabic = _arabic_numerals(s, run_re)
            if arabic is not None:
                numeric = _read(raw, arabic)
                if _numeral_reading(numeric):
                    return numeric
    return value


def _read(raw: str, s: str) -> TargetValue:
    """``s`` (normalised, unwrapped) read as a value, with a note split off where one is written."""
    value = _parse_text(raw, s)
    if value.kind is ValueKind.UNPARSEABLE:
        noted = _split_note(raw, s)
        if noted is not None:
            return noted
    elif value.kind in (ValueKind.RANGE, ValueKind.QUANTITATIVE) and value.unit and _known_unit(value.unit) is None:
        # "2023.07-2024.01(新增)": a word that is no unit after what reads as a date is a note, not
        # the unit of a number range
        noted = _split_note(raw, s)
        if noted is not None and noted.kind in (ValueKind.DATE, ValueKind.DATE_RANGE):
            return noted
    return value


# Chinese numerals ("≥三次", "两个", "十二个月", "百分之九十"): a run of numeral characters,
# optionally with 点 and decimal digits, is written in Arabic digits; cn2an reads the whole part in
# its strict mode (positional numerals only: "二〇二四", "十四五" and "三万五" are not numbers).
if importlib.util.find_spec("cn2an") is None:
    # cn2an is imported on first use (it costs ~0.2 s to import); a missing install must stop here,
    # not turn every Chinese numeral into an "unreadable value" finding.
    raise ImportError("g60rules 需要 cn2an 读取中文数字（请运行 pip install -e .）/ "
                      "g60rules needs cn2an to read Chinese numerals (run pip install -e .)")
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_DIGIT_VALUES = dict(zip(_CN_DIGITS, "001223456789"))
_CN_LEADS = frozenset(_CN_DIGITS + "十百千")
# A 万/亿 that ends the run is first left to scale the unit, as after digits ("五十万元" →
# "50万元"), then read as part of the number ("一百二十五万天" → "1250000天").
_CN_RUN_RES = (
    re.compile(rf"[{_CN_DIGITS}十百千万亿]*[{_CN_DIGITS}十百千](?:点[{_CN_DIGITS}]+)?"),
    re.compile(rf"[{_CN_DIGITS}十百千万亿]+(?:点[{_CN_DIGITS}]+)?"),
)
_CN_PERCENT_RE = re.compile(rf"百分之(?P<n>{_NUM}|[{_CN_DIGITS}十百千点]+)")
# A numeral before these is a name, not an amount: "十二月" is December, "一季度" the first quarter.
_CN_NOT_AMOUNT_UNITS = frozenset({"月", "季度"})
_NUMERAL_KINDS = (ValueKind.QUANTITATIVE, ValueKind.RANGE, ValueKind.CHANGE)


def _cn_number(run: str) -> str | None:
    """Arabic digits for one run of Chinese numerals ("一百零五" → "105", "三点五" → "3.5",
    "两千" → "2000"); None when the run is not a number on its own ("十四五", "二〇二四", "百")."""
    import cn2an  # imported on first use: only Chinese numerals need it

    whole, _, fraction = run.partition("点")
    if any(ch not in _CN_DIGIT_VALUES for ch in fraction):
        return None
    try:
        # strict mode refuses 两, which is 2 before a unit or a power of ten ("两个", "两千")
        number = cn2an.cn2an(whole.replace("两", "二"), "strict")
    except ValueError:
        return None
    if not isinstance(number, int):
        return None
    # the decimals are read digit by digit, so no float is involved
    return f"{number}.{''.join(_CN_DIGIT_VALUES[ch] for ch in fraction)}" if fraction else str(number)


def _arabic_numerals(s: str, run_re: re.Pattern[str]) -> str | None:
    """``s`` with Chinese numerals (runs of ``run_re``) written in Arabic digits ("百分之九十" →
    "90%", "≥三次" → "≥3次"); None when nothing changed."""
    text = "100%" + s[4:] if s.startswith("百分之百") else s
    text = "100%" + text[3:] if text.startswith("百分百") else text

    def percent(m: re.Match[str]) -> str:
        number = m["n"] if m["n"][0].isdigit() else _cn_number(m["n"])
        return m[0] if number is None else number + "%"

    text = _CN_PERCENT_RE.sub(percent, text)
    text = run_re.sub(lambda m: _cn_number(m[0]) or m[0], text)
    return None if text == s else text


def arabic_numerals(text: str) -> str:
    """``text`` with each run of Chinese numerals written in Arabic digits, read as a 指标值's
    numerals are ("三年" → "3年", "两年" → "2年", "十二个月" → "12个月"); runs that are no number on
    their own ("十四五", "二〇二四") stay as written."""
    return _arabic_numerals(text, _CN_RUN_RES[1]) or text


def _numeral_reading(value: TargetValue) -> bool:
    """Whether a value read after writing Chinese numerals in digits is an amount: a number, range
    or change with a known unit that is no month or quarter name, or with a written operator and no
    unit.  "一般", "统一", "一流", "十二月", "一季度", "零投诉" stay words."""
    if value.kind not in _NUMERAL_KINDS:
        return False
    if value.unit is None:
        return value.op is not None and not value.op_implied
    written = value.unit_written or value.unit
    return value.unit_kind is not UnitKind.OTHER and written not in _CN_NOT_AMOUNT_UNITS


_NOTED_KINDS = (ValueKind.QUANTITATIVE, ValueKind.CHANGE, ValueKind.RANGE, ValueKind.DATE, ValueKind.DATE_RANGE,
                ValueKind.YEARLESS_DATE, ValueKind.PLACEHOLDER)


# A note is an aside about the target — in brackets of either width before or after the value
# (normalisation makes （）【】〔〕 parentheses) or after a comma — never a second target: it holds no
# bound of its own.  A comparison sign or word before an amount ("上年≥50%", "不低于90%", "至少3个"),
# an amount with a bound word after it ("3天以内", "1个以上") or an alternative ("或50%") makes the
# text a second target, and the value is not read.  Bound words without an amount ("县级以上",
# "不低于上年") and amounts without a bound ("上年50%", "2023年为40家") are notes.
_NOTE_SEP = ";"
_TITLE_RE = re.compile(r"《[^《》]*》|〈[^〈〉]*〉")
_NOTE_OPS = "|".join(re.escape(w) for w in sorted(
    {g for g, _ in _GLYPH_OPS} | {w for w, _ in _WORD_OPS}, key=len, reverse=True))
_NOTE_AMOUNT = rf"(?:[+-]?[0-9*]|[{_CN_DIGITS}十百千]|百分之)"
_NOTE_BOUND_RE = re.compile(
    rf"(?:{_NOTE_OPS}){_NOTE_AMOUNT}"
    r"|[0-9][^0-9();,:、]{0,6}?(?:以上|以下|以内|之内)"
    rf"|^或|或者?(?:{_NOTE_OPS})?{_NOTE_AMOUNT}")
_SECOND_TARGET = "a second target beside the value"


def _second_target(text: str) -> bool:
    """Whether an aside holds a bound of its own (:data:`_NOTE_BOUND_RE`; a title in 《》 is read
    past)."""
    return _NOTE_BOUND_RE.search(_TITLE_RE.sub("", text)) is not None


def _split_note(raw: str, s: str) -> TargetValue | None:
    """A value with notes around it: in parentheses after it ("≥95%(上年90%)", "≥60%(新增)"),
    after a comma, semicolon or colon ("≥95%，上年90%"), in parentheses before it ("(新增)≥60%",
    "(上年90%)≥95%"), or several of these ("(新增)≥60%(上年50%)", "≥95%(全年)(含分院)").  The
    value is the part the notes leave; its ``note`` holds the notes in the order written, joined
    by ";".  None when the text is not of that shape: a "note" that is a unit ("≥5(%)(元)",
    "(万元)≤30"), or a leading aside without a CJK letter ("(1)≥60%": a list number).  UNPARSEABLE
    when an aside holds a bound of its own ("≥60%(≥50%)", "(上年≥50%)≥60%") or an alternative
    ("≥60%(或50%)"): a second target.
    """
    if s.startswith("("):
        close = _closing(s)
        if close is not None and close < len(s) - 1:
            note, head = s[1:close], s[close + 1:]
            if any(_is_cjk(ch) for ch in note):
                return _noted(raw, head, note, leading=True)
    comma = _comma_note(s)
    if comma is not None:
        head, note = comma
    elif s.endswith(")"):
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(s[i], 0)
            if depth == 0:
                break
        else:
            return None
        head, note = s[:i], s[i + 1:-1]
    else:
        return None
    return _noted(raw, head, note)


def _comma_note(s: str) -> tuple[str, str] | None:
    """(value, note) split at the first comma, semicolon or colon outside parentheses that a CJK
    letter follows ("≥95%,上年90%"; a comma before digits is a thousands separator); None when
    there is none."""
    depth = 0
    for i, ch in enumerate(s):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and ch in ",;:" and i > 0 and i + 1 < len(s) and _is_cjk(s[i + 1]):
            return s[:i], s[i + 1:]
    return None


def _closing(s: str) -> int | None:
    """Index of the parenthesis that closes the one at ``s[0]``; None when it is never closed."""
    depth = 0
    for i, ch in enumerate(s):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i
    return None


def _noted(raw: str, head: str, note: str, leading: bool = False) -> TargetValue | None:
    """``head`` read as a value (itself perhaps with notes: :func:`_read`) that carries ``note``,
    before its own notes with ``leading``.  None when ``head`` is no value or ``note`` is empty,
    over 60 characters or a unit ("(元)", "(万人)"); UNPARSEABLE when ``note`` holds a bound of its
    own (:func:`_second_target`).  ``head`` is shorter than the text it came from, so the reading
    ends."""
    if not head or not note or len(note) > _MAX_NOTE or _known_unit(note) is not None:
        return None
    value = _read(raw, head)
    if value.kind is ValueKind.UNPARSEABLE and (value.problem or "").startswith(_SECOND_TARGET):
        return value
    if value.kind not in _NOTED_KINDS:
        return None
    if _second_target(note):
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem=f"{_SECOND_TARGET}: {note!r}")
    notes = (note, value.note) if leading else (value.note, note)
    return value.model_copy(update={"note": _NOTE_SEP.join(n for n in notes if n)})


def _parse_text(raw: str, s: str) -> TargetValue:
    dated = _parse_date(raw, s)
    if dated is not None:
        return dated
    if not any("0" <= ch <= "9" for ch in s):
        return _parse_wordy(raw, s)
    return _parse_numeric(raw, s)


def _parse_date(raw: str, s: str) -> TargetValue | None:
    """DATE / DATE_RANGE / YEARLESS_DATE / UNPARSEABLE for date-like text, None when the text is
    not a date."""
    op, rest = _take_operator(s)
    for word, word_op in _DATE_PREFIXES:
        if rest.startswith(word) and rest[len(word):len(word) + 1].isdigit():
            if op is not None:
                return None
            rest, op = rest[len(word):], word_op
            break
    ranged = _parse_date_range(raw, rest)
    if ranged is not None:
        if op is not None:
            return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem="operator before a range")
        return ranged
    m = _DATE_RE.fullmatch(rest)
    if m is None:
        y = _YEARLESS_RE.fullmatch(rest)
        if y is not None:
            written = y["s1"] or y["s2"] or y["s3"]
            if written and op not in (None, Operator.LE, Operator.LT):
                return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                                   problem="operator contradicts the deadline word")
            # 前 writes the deadline; 月底/年末 alone imply it, as in "2024年12月底"
            implied = op is None and not written and ("底" in rest or "末" in rest)
            return TargetValue(raw=raw, kind=ValueKind.YEARLESS_DATE,
                               op=op or (Operator.LE if written or implied else None),
                               op_implied=implied, word=s, problem="date without a year")
        return None
    year = int(m["y"])
    default, precision = Operator.EQ, DatePrecision.DAY
    if m["sep"]:
        month, day = int(m["m"]), int(m["d"])
    elif m["msep"]:
        month = int(m["m3"])
        if not (_MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12):
            return None  # "2000-5000" … is a range of numbers
        day, default, precision = calendar.monthrange(year, month)[1], Operator.LE, DatePrecision.MONTH
    elif m["m2"]:
        month = int(m["m2"])
        if m["d2"]:
            day = int(m["d2"])
        else:
            # A month written alone means "by the end of that month".
            day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 and year >= 1 else 0
            default, precision = Operator.LE, DatePrecision.MONTH
    elif m["q"] or m["q2"]:
        month = _QUARTERS[m["q"] or m["q2"]] * 3
        day = calendar.monthrange(year, month)[1] if year >= 1 else 0
        default, precision = Operator.LE, DatePrecision.QUARTER
    elif m["half"]:
        month, day = (6, 30) if m["half"] == "上" else (12, 31)
        default, precision = Operator.LE, DatePrecision.HALF_YEAR
    else:
        month, day, default, precision = 12, 31, Operator.LE, DatePrecision.YEAR
    if m["suffix"]:
        # 前/内 say "by then": an explicit ≤ or < agrees, anything else contradicts it.
        if op not in (None, Operator.LE, Operator.LT):
            return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                               problem="operator contradicts the deadline word")
        op = op or Operator.LE
    try:
        when = datetime.date(year, month, day)
    except ValueError:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                           problem=f"invalid calendar date {year:04d}-{month:02d}-{day:02d}")
    return TargetValue(raw=raw, kind=ValueKind.DATE, op=op or default, op_implied=op is None,
                       date=when, date_precision=precision)


def _bound(year: str, month: str | None, day: str | None, end: bool
           ) -> tuple[datetime.date, DatePrecision] | str:
    """One end of a date range: its first (start) or last (end) day, with its precision; or a
    problem."""
    y = int(year)
    try:
        if day is not None:
            return datetime.date(y, int(month or 0), int(day)), DatePrecision.DAY
        if month is not None:
            m = int(month)
            first = datetime.date(y, m, 1)
            return (_month_end(y, m) if end else first), DatePrecision.MONTH
        return datetime.date(y, 12, 31) if end else datetime.date(y, 1, 1), DatePrecision.YEAR
    except ValueError:
        return f"invalid calendar date in {year}-{month or ''}-{day or ''}"


def _parse_date_range(raw: str, s: str) -> TargetValue | None:
    """DATE_RANGE for "2020年1月--2020年11月", "2021年1月-12月", "2023.07-2024.01", "2021年全年";
    None when the text is not a date range."""
    whole = _WHOLE_YEAR_RE.fullmatch(s)
    if whole is not None:
        year = int(whole["y"])
        return TargetValue(raw=raw, kind=ValueKind.DATE_RANGE,
                           date=datetime.date(year, 1, 1), date_precision=DatePrecision.YEAR,
                           date_end=datetime.date(year, 12, 31),
                           date_end_precision=DatePrecision.YEAR)
    span = _MONTH_SPAN_RE.fullmatch(s)
    if span is not None:
        start = _bound(span["y"], span["a"], None, end=False)
        end = _bound(span["y"], span["b"], None, end=True)
        if isinstance(start, str) or isinstance(end, str):
            return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                               problem=start if isinstance(start, str) else str(end))
        return TargetValue(raw=raw, kind=ValueKind.DATE_RANGE, date=start[0], date_precision=start[1],
                           date_end=end[0], date_end_precision=end[1])
    span = _YEAR_SPAN_RE.fullmatch(s)
    if span is not None and all(_MIN_YEAR <= int(span[k]) <= _MAX_YEAR for k in ("a", "b")):
        return TargetValue(raw=raw, kind=ValueKind.DATE_RANGE,
                           date=datetime.date(int(span["a"]), 1, 1), date_precision=DatePrecision.YEAR,
                           date_end=datetime.date(int(span["b"]), 12, 31),
                           date_end_precision=DatePrecision.YEAR)
    m = _DATE_RANGE_RE.fullmatch(s)
    if m is None:
        return None
    for p in ("s", "e"):
        # A dotted month ("2023.07", "2024.1") is a month only as one end of a range, and only with
        # a plausible year and month; else the text is a range of numbers ("1000.5-1000.9").
        # Within a range "2024.1" is January and "2024.10" October: the month is read as written
        # text, never as the number 2024.1.
        if m[f"{p}sep"] == "." and m[f"{p}d"] is None and len(m[f"{p}m"]) == 1 and not (
                _MIN_YEAR <= int(m[f"{p}y"]) <= _MAX_YEAR and 1 <= int(m[f"{p}m"]) <= 12):
            return None
    if m["sy"] is not None and m["ssep"] is None and m["sm2"] is None and m["ey"] is None:
        return None  # "2021年-12月" is not a range
    start = _bound(m["sy"], m["sm"] or m["sm2"], m["sd"] or m["sd2"], end=False)
    if m["ey"] is not None:
        end = _bound(m["ey"], m["em"] if m["esep"] else m["em2"],
                     m["ed"] if m["esep"] else m["ed2"], end=True)
    else:
        end = _bound(m["sy"], m["ym"], m["yd"], end=True)
    for side in (start, end):
        if isinstance(side, str):
            return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem=side)
    assert not isinstance(start, str) and not isinstance(end, str)
    if m["ssep"] and m["sd"] is None and m["ey"] is None:
        return None  # "2024-12-5" is not a range
    return TargetValue(raw=raw, kind=ValueKind.DATE_RANGE, date=start[0], date_precision=start[1],
                       date_end=end[0], date_end_precision=end[1])


def _parse_wordy(raw: str, s: str) -> TargetValue:
    """Text without digits: placeholder, qualitative word or garbage."""
    def placeholder(op: Operator | None, unit: _Unit, problem: str) -> TargetValue:
        return TargetValue(raw=raw, kind=ValueKind.PLACEHOLDER, op=op, unit=unit.unit,
                           unit_written=unit.written, qualifier=qualifier, note=unit.note,
                           problem=problem)

    qualifier, nouns, body = _take_qualifier(s)
    if _NOT_APPLICABLE_RE.fullmatch(s):
        return placeholder(None, _Unit(), f"{s!r} instead of a target value")
    op, rest = _take_operator(body)
    glyph_op = op is not None and not body[0].isalpha()
    if rest[:1] in _OP_CHARS:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem="two operators in a row")
    if rest.startswith("(") and rest.endswith(")") and _balanced(rest[1:-1]):
        rest = rest[1:-1]
    m = _PLACEHOLDER_RE.fullmatch(rest)
    assert m is not None  # the pattern accepts any text
    ph, tail = m["ph"], m["tail"]
    unit = _per_unit(_parse_unit(tail), nouns)
    known_unit = unit.unit is not None and unit_kind_of(unit.unit) is not UnitKind.OTHER
    if unit.problem is None:
        if ph:
            return placeholder(op, unit, f"placeholder {ph!r} instead of a number")
        if op is not None and (not tail or known_unit or tail.startswith("(")):
            what = "operator and unit" if unit.unit else "operator"
            return placeholder(op, unit, f"{what} without a number")
        if op is None and known_unit and unit.note is None and qualifier is None:
            # A known unit alone ("(元)", "%", "万亩") is a form whose number was never filled in.
            return placeholder(None, unit, "unit without a number")
    if not glyph_op and qualifier is None and _QUAL_RE.fullmatch(s) and any(_is_cjk(ch) for ch in s):
        if len(s) > _MAX_WORD:
            return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                               problem=f"text too long for a qualitative target ({len(s)} characters)")
        return TargetValue(raw=raw, kind=ValueKind.QUALITATIVE, word=s)
    if glyph_op:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                           problem="operator followed by text that is not a number")
    if s.lower() in ("inf", "infinity", "+inf", "-inf", "nan", "-nan", "+nan"):
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem="not a finite number")
    return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                       problem="not a number, date or recognised word")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _parse_numeric(raw: str, s: str) -> TargetValue:
    """Text with digits: a quantity, a range or a masked number."""
    def bad(problem: str) -> TargetValue:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem=problem)

    change = _CHANGE_RE.fullmatch(s)
    if change is not None:
        level = _parse_numeric(raw, change["rest"])
        if level.kind is ValueKind.QUANTITATIVE and level.qualifier is None:
            return level.model_copy(update={
                "kind": ValueKind.CHANGE, "qualifier": change["words"],
                "change": "up" if change["verb"] in _CHANGE_UP else "down"})
    qualifier, nouns, body = _take_qualifier(s)
    op, rest = _take_operator(body)
    if qualifier is None and op is not None:
        qualifier, nouns, rest = _take_qualifier(rest)
        if qualifier is None:
            rest = _take_operator(body)[1]
    if rest[:1] in _OP_CHARS:
        return bad("two operators in a row")
    suffix_op = None
    for word, sop in _SUFFIX_OPS:
        if rest.endswith(word):
            rest, suffix_op = rest[: -len(word)], sop
            break
    if rest.startswith("(") and rest.endswith(")") and _balanced(rest[1:-1]):
        rest = rest[1:-1]  # "≥(85%)"
    op, ok = _combine(op, suffix_op)
    if not ok:
        return bad("conflicting operators")

    masked = _MASKED_RE.fullmatch(rest)
    if masked is not None:
        unit = _per_unit(_parse_unit(masked["tail"]), nouns)
        if unit.problem is None:
            op, ok = _combine(op, unit.op)
            if ok:
                return TargetValue(raw=raw, kind=ValueKind.PLACEHOLDER, op=op, unit=unit.unit,
                                   unit_written=unit.written, qualifier=qualifier,
                                   note=unit.note,
                                   problem=f"masked digits {masked['ph']!r} instead of a number")

    rm = _RANGE_RE.fullmatch(rest)
    if rm is not None:
        if op is not None:
            return bad("operator before a range")
        low, problem = _parse_number(rm["a"])
        high, problem2 = _parse_number(rm["b"])
        if low is None or high is None:
            return bad(problem or problem2 or "bad number")
        ua, ub = _parse_unit(rm["ua"]), _parse_unit(rm["ub"])
        if ua.problem or ub.problem:
            return bad(ua.problem or ub.problem or "bad unit")
        if ua.op or ub.op or ua.note:
            return bad("unexpected word inside a range")
        ua, ub = _per_unit(ua, nouns), _per_unit(ub, nouns)
        # "10-20万人" and "1万-2万人": the scale written on the upper bound covers both.
        if ua.unit is not None and ua.unit in _SCALES and ub.scale == _SCALES[ua.unit]:
            ua = ub
        if ua.unit is not None and ub.unit is not None and (
                (ua.unit, ua.written) != (ub.unit, ub.written)):
            return bad(f"range bounds have different units {ua.unit!r} and {ub.unit!r}")
        if ub.scale is not None:
            low, high = _scale_up(low, ub.scale), _scale_up(high, ub.scale)
        unit = ub if ub.unit is not None else ua
        return TargetValue(raw=raw, kind=ValueKind.RANGE, amount=low, upper=high, unit=unit.unit,
                           unit_written=unit.written, qualifier=qualifier, note=ub.note)

    nm = _NUM_RE.match(rest)
    if nm is None:
        return bad("no number where one was expected")
    amount, problem = _parse_number(nm[0])
    if amount is None:
        return bad(problem or "bad number")
    tail = rest[nm.end():]
    if tail[:1] in (".", ","):
        return bad(f"malformed number near {rest[: nm.end() + 3]!r}")
    unit = _parse_unit(tail)
    if unit.problem:
        return bad(unit.problem)
    unit = _per_unit(unit, nouns)
    op, ok = _combine(op, unit.op)
    if not ok:
        return bad("conflicting operators")
    if unit.scale is not None:
        amount = _scale_up(amount, unit.scale)
    return TargetValue(raw=raw, kind=ValueKind.QUANTITATIVE, op=op or Operator.EQ,
                       op_implied=op is None, amount=amount, unit=unit.unit,
                       unit_written=unit.written, qualifier=qualifier, note=unit.note)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

GLYPHS: dict[Operator, tuple[str, ...]] = {
    Operator.GE: ("≥", "≧", ">=", "≥=", "＞=", "≫", "⩾", "》", "≮"),
    Operator.LE: ("≤", "≦", "≪", "<=", "≤=", "⩽", "《", "≯"),
    Operator.EQ: ("=", "＝"),
    Operator.GT: (">", "＞", "〉"),
    Operator.LT: ("<", "＜", "〈"),
}
"""Operator glyphs seen in real forms, by operator; the first is the canonical one.  ``≫`` is a
GE glyph here (it is read as ≥), not a GT one."""

_FULLWIDTH = str.maketrans("0123456789.,%-", "０１２３４５６７８９．，％－")


@dataclass(frozen=True)
class RenderStyle:
    """How to write a value, covering the variants found in real forms.

    * ``ge``/``le``/``eq``/``gt``/``lt``: operator glyph, one of :data:`GLYPHS` for that operator;
      ``omit_eq`` leaves EQ unwritten ("1.00(场)"); ``space_after_op`` writes "≥ 85".
    * ``parens``: unit as "(元)" (``"half"``), "（元）" (``"full"``) or "元" (``"none"``);
      ``space_before_unit`` writes "85 (%)".
    * ``fullwidth_digits``: "８５．００％"; ``spaced_number``: "2, 000. 00" (PDF extraction);
      ``thousands``: "2,000,000"; ``decimals``: ``"asis"`` keeps the written scale, ``"two"`` pads
      to at least two places ("1.00"), ``"trim"`` drops trailing zeros ("1") — never rounding.
    * ``range_sep``: "-", "~", "至", "到", "—"; ``range_unit_both`` writes "80%-90%" instead of
      "80-90(%)".
    * ``date_format``: ``"iso"`` 2024-12-31, ``"dot"`` 2024.12.31, ``"slash"`` 2024/12/31,
      ``"cjk"`` 2024年12月31日; ``deadline_words`` writes an LE date as "2024年12月31日前".
    * ``placeholder``: token written for a PLACEHOLDER's missing number.

    Raises ValueError on a glyph or option outside these variants.
    """

    ge: str = "≥"
    le: str = "≤"
    eq: str = "="
    gt: str = ">"
    lt: str = "<"
    omit_eq: bool = False
    space_after_op: bool = False
    parens: Literal["half", "full", "none"] = "half"
    space_before_unit: bool = False
    fullwidth_digits: bool = False
    spaced_number: bool = False
    thousands: bool = False
    decimals: Literal["asis", "two", "trim"] = "asis"
    range_sep: Literal["-", "~", "至", "到", "—"] = "-"
    range_unit_both: bool = False
    date_format: Literal["iso", "dot", "slash", "cjk"] = "iso"
    deadline_words: bool = False
    placeholder: Literal["**", "*", "XX", "xx", "X", "×", ""] = "**"

    def __post_init__(self) -> None:
        for op in Operator:
            glyph = getattr(self, op.value)
            if glyph not in GLYPHS[op]:
                raise ValueError(f"{glyph!r} is not a {op.name} glyph; use one of {GLYPHS[op]}")
        choices = {
            "parens": ("half", "full", "none"),
            "decimals": ("asis", "two", "trim"),
            "range_sep": ("-", "~", "至", "到", "—"),
            "date_format": ("iso", "dot", "slash", "cjk"),
            "placeholder": ("**", "*", "XX", "xx", "X", "×", ""),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}")

    def glyph(self, op: Operator | None, *, keep_eq: bool = False) -> str:
        """Written operator ("" for None, or for EQ with ``omit_eq`` unless ``keep_eq``)."""
        if op is None or (op is Operator.EQ and self.omit_eq and not keep_eq):
            return ""
        return getattr(self, op.value) + (" " if self.space_after_op else "")


def _render_number(amount: Decimal, style: RenderStyle) -> str:
    text = format(amount, "f")  # exact: no precision given, so no rounding
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    if style.decimals == "two":
        frac = frac.ljust(2, "0")
    elif style.decimals == "trim":
        frac = frac.rstrip("0")
    if style.thousands:
        head = len(whole) % 3 or 3
        whole = ",".join([whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)])
    out = sign + whole + ("." + frac if frac else "")
    if style.spaced_number:
        out = out.replace(",", ", ").replace(".", ". ")
    return _digits(out, style)


def _digits(text: str, style: RenderStyle) -> str:
    return text.translate(_FULLWIDTH) if style.fullwidth_digits else text


def _render_unit(unit: str | None, style: RenderStyle) -> str:
    if not unit:
        return ""
    if unit == "%" and style.fullwidth_digits:
        unit = "％"
    wrapped = {"half": f"({unit})", "full": f"（{unit}）", "none": unit}[style.parens]
    return (" " if style.space_before_unit else "") + wrapped


def _render_date(when: datetime.date, style: RenderStyle,
                 precision: DatePrecision | None = None, *, single: bool = True) -> str:
    """A date at its precision; a month alone in "dot" style is written "2024年12月" because
    "2024.12" reads as a number unless it is one end of a range (``single`` False)."""
    y, m, d = when.year, when.month, when.day
    if precision is DatePrecision.YEAR:
        text = f"{y:04d}年"
    elif precision is DatePrecision.QUARTER:
        text = f"{y:04d}年第{(m + 2) // 3}季度"
    elif precision is DatePrecision.HALF_YEAR:
        text = f"{y:04d}年{'上' if m <= 6 else '下'}半年"
    elif precision is DatePrecision.MONTH:
        fmt = style.date_format
        if (fmt == "dot" and single) or not _MIN_YEAR <= y <= _MAX_YEAR:
            fmt = "cjk"  # "0005-12" would read as a range of numbers
        text = {
            "iso": f"{y:04d}-{m:02d}",
            "dot": f"{y:04d}.{m:02d}",
            "slash": f"{y:04d}/{m:02d}",
            "cjk": f"{y:04d}年{m}月",
        }[fmt]
    else:
        text = {
            "iso": f"{y:04d}-{m:02d}-{d:02d}",
            "dot": f"{y:04d}.{m:02d}.{d:02d}",
            "slash": f"{y:04d}/{m:02d}/{d:02d}",
            "cjk": f"{y:04d}年{m}月{d}日",
        }[style.date_format]
    return _digits(text, style)


def _render_note(note: str | None, style: RenderStyle) -> str:
    if not note:
        return ""
    return f"（{note}）" if style.parens == "full" else f"({note})"


def _written(v: TargetValue, amount: Decimal) -> tuple[Decimal, str | None]:
    """The number and unit as they were written: 20000 人 written 万人 → 2, 万人."""
    if v.unit_written is None:
        return amount, v.unit
    known = _known_unit(v.unit_written)
    if known is not None and known.scale is not None:
        return _exact_div(amount, known.scale), v.unit_written
    return amount, v.unit_written


def _render_op(v: TargetValue, style: RenderStyle, *, keep_eq: bool = False) -> str:
    if v.op_implied and v.op is Operator.EQ and not keep_eq:
        return ""
    return style.glyph(v.op, keep_eq=keep_eq)


def render_target_value(v: TargetValue, style: RenderStyle) -> str:
    """Write ``v`` the way a real form would, in ``style``.

    QUANTITATIVE → "≥90.00(%)"; RANGE → "80-90(%)"; DATE → "≤2024-12-31"; DATE_RANGE →
    "2020年1月-2020年11月"; YEARLESS_DATE and QUALITATIVE → the word; PLACEHOLDER → "≥**(%)";
    EMPTY → ""; UNPARSEABLE → ``raw`` unchanged.  The qualifier goes first, the note last in
    parentheses, a scaled unit is written as it was ("2万人").  Parsing the result gives back the
    same value (``raw`` and a placeholder's ``problem`` aside; a note after a number without a unit
    would read as the unit).  Raises ValueError when a field the kind needs is missing (e.g. a
    RANGE without ``upper``).
    """
    kind = v.kind
    qualifier, note = v.qualifier or "", _render_note(v.note, style)
    if kind in (ValueKind.QUANTITATIVE, ValueKind.CHANGE):
        if v.amount is None:
            raise ValueError(f"a {kind.name} value needs an amount")
        amount, unit = _written(v, v.amount)
        return (qualifier + _render_op(v, style) + _render_number(amount, style)
                + _render_unit(unit, style) + note)
    if kind is ValueKind.RANGE:
        if v.amount is None or v.upper is None:
            raise ValueError("a RANGE value needs amount and upper")
        low_amount, unit = _written(v, v.amount)
        high_amount, _ = _written(v, v.upper)
        low = _render_number(low_amount, style)
        if style.range_unit_both:
            low += _render_unit(unit, style)
        return (qualifier + low + style.range_sep + _render_number(high_amount, style)
                + _render_unit(unit, style) + note)
    if kind is ValueKind.DATE:
        if v.date is None:
            raise ValueError("a DATE value needs a date")
        if v.date_serial is not None:
            return _render_op(v, style) + str(v.date_serial) + note
        text = _render_date(v.date, style, v.date_precision)
        if v.date_precision is DatePrecision.YEAR:
            text += "底"
        if v.op_implied:
            return text + note
        if style.deadline_words and v.op is Operator.LE:
            return text + "前" + note
        return style.glyph(v.op, keep_eq=True) + text + note
    if kind is ValueKind.DATE_RANGE:
        if v.date is None or v.date_end is None:
            raise ValueError("a DATE_RANGE value needs date and date_end")
        if (v.date_precision is v.date_end_precision is DatePrecision.YEAR
                and v.date.year == v.date_end.year):
            return _digits(f"{v.date.year:04d}年全年", style) + note
        return (_render_date(v.date, style, v.date_precision, single=False) + style.range_sep
                + _render_date(v.date_end, style, v.date_end_precision, single=False) + note)
    if kind in (ValueKind.QUALITATIVE, ValueKind.YEARLESS_DATE):
        if not v.word:
            raise ValueError(f"a {kind.name} value needs a word")
        return v.word + (note if kind is ValueKind.YEARLESS_DATE else "")
    if kind is ValueKind.PLACEHOLDER:
        token = style.placeholder
        # "≧ %" (no token) is only readable with an operator and a known unit or none at all.
        if not token and (v.op is None or unit_kind_of(v.unit) is UnitKind.OTHER
                          or v.unit_written is not None):
            token = "**"
        # Without a number, an omitted "=" could not be read back, so EQ is always written.
        unit = v.unit_written or v.unit
        return qualifier + style.glyph(v.op, keep_eq=True) + token + _render_unit(unit, style) + note
    if kind is ValueKind.EMPTY:
        return ""
    return v.raw


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------

_MONEY_RE = re.compile(rf"(?P<num>{_NUM})(?P<unit>.*)")
# "500万元，其中上级资金220万元", "300万元;含结转50万": a note after a comma or semicolon.
_MONEY_NOTE_WORDS = re.compile(r"其中|含|不含|包括|包含|另|注")
_MONEY_NOTE_RE = re.compile(rf"(?P<head>.+?)[,;:](?P<note>(?:{_MONEY_NOTE_WORDS.pattern}).*)")


@dataclass(frozen=True)
class MoneyCell:
    """A funds cell read: ``amount`` in 元 (exact Decimal; None for a blank cell) and the note
    written after it ("其中上级资金220万元"), or None."""

    amount: Decimal | None
    note: str | None = None


def parse_money(text: str | int | Decimal | None, default_unit: str = "元") -> Decimal | None:
    """Amount in 元 from a funds cell: "2, 000, 000. 00" → 2000000.00, "503.50万元" → 5035000.00,
    "73.5万" → 735000.0, "1.2亿元" → 120000000.0, "¥1,000" → 1000; a note after the amount
    ("500万元(其中上级资金220万元)", "300万元，含结转50万") is left out (:func:`parse_money_cell`
    keeps it).

    Units: 元 千元 万元 百万元 千万元 亿元, and 万/亿 alone; a bare number (and any ``int`` or
    ``Decimal`` input) is in ``default_unit``.  Conversion is exact Decimal arithmetic.  Full-width
    digits and spaces inside the number are accepted; negative amounts are returned as written.

    Returns None for None or blank text.  Raises ValueError (with a short reason) for anything else
    that is not an amount: "abc", "1e5", "12..3", "nan", an unknown unit, a float or bool, or an
    unknown ``default_unit``.
    """
    return parse_money_cell(text, default_unit).amount


def parse_money_cell(text: str | int | Decimal | None, default_unit: str = "元") -> MoneyCell:
    """Like :func:`parse_money`, keeping a note written after the amount: a note in parentheses
    ("500万元(其中上级资金220万元)" → 5000000 元, note "其中上级资金220万元"; the note starts with
    其中/含/不含/包括/包含/另/注 or holds figures) or after a comma or semicolon that starts with one
    of those words ("300万元，含结转50万").  A unit in parentheses ("503.50（万元）") is a unit, and
    "5(美元)" is not an amount in 元.  Raises ValueError like parse_money; the
    note never rescues an amount that cannot be read. Text is read once per distinct
    (text, unit) (:data:`MEMO_SIZE`); a refused text is read again each time (it raises)."""
    if memo_text(text) and memo_text(default_unit):
        return _money_memo(text, default_unit)
    return _parse_money_cell(text, default_unit)


def _parse_money_cell(text: str | int | Decimal | None, default_unit: str = "元") -> MoneyCell:
    factor = _MONEY_FACTORS_LOOSE.get(default_unit)
    if factor is None:
        raise ValueError(f"unknown money unit {default_unit!r}")
    if text is None:
        return MoneyCell(None)
    if isinstance(text, bool) or not isinstance(text, (str, int, Decimal)):
        raise ValueError(f"not an amount: {type(text).__name__} (pass text, int or Decimal)")
    if isinstance(text, int):
        return MoneyCell(_exact_mul(Decimal(text), factor))
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValueError("not a finite amount")
        return MoneyCell(_exact_mul(text, factor))
    s = _unwrap(_normalise(text))
    if not s:
        return MoneyCell(None)
    try:
        return MoneyCell(_money_amount(s, factor, text))
    except ValueError:
        head, note = _money_note(s)
        if note is None:
            raise
        return MoneyCell(_money_amount(head, factor, text), note)


_money_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_parse_money_cell)


def _money_note(s: str) -> tuple[str, str | None]:
    """(amount text, note) for a funds cell with a note; (s, None) when there is none."""
    m = _MONEY_NOTE_RE.fullmatch(s)
    if m is not None:
        return m["head"], m["note"]
    if s.endswith(")"):
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(s[i], 0)
            if depth == 0:
                note = s[i + 1:-1]
                # a note says what the amount holds ("其中…", "含…", or figures): "5(美元)" is
                # another currency, never 5 元
                if i > 0 and any(_is_cjk(ch) for ch in note) and (
                        _MONEY_NOTE_WORDS.match(note) or any(ch.isdigit() for ch in note)):
                    return s[:i], note
                break
    return s, None


def _money_amount(s: str, factor: Decimal, text: str) -> Decimal:
    s = s.removeprefix("¥")
    m = _MONEY_RE.fullmatch(s)
    if m is None:
        raise ValueError(f"not an amount: {_clip(text)}")
    amount, problem = _parse_number(m["num"])
    if amount is None:
        raise ValueError(problem or "bad number")
    unit = m["unit"]
    if unit[:1] in (".", ","):
        raise ValueError(f"malformed number in {_clip(text)}")
    if _EXPONENT_RE.match(unit):
        raise ValueError("exponent notation is not accepted")
    if unit.startswith("(") and unit.endswith(")"):
        unit = unit[1:-1]
    if unit:
        unit_factor = _MONEY_FACTORS_LOOSE.get(unit)
        if unit_factor is None:
            raise ValueError(f"unrecognised money unit in {_clip(text)}")
        factor = unit_factor
    return _exact_mul(amount, factor)


def _clip(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:30] + "…")


def format_yuan(amount: Decimal) -> str:
    """Amount in 元 written with thousands separators and two decimals (half-up): "800,000.00".

    Raises ValueError for NaN, infinity, or an input that is not a Decimal or int."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise ValueError(f"not an amount: {type(amount).__name__} (pass Decimal or int)")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError("not a finite amount")
    with localcontext() as ctx:
        ctx.prec = max(28, amount.adjusted() + 4)
        rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return format(rounded, ",.2f")


# --------------------------------------------------------------------------------------------
# Composing separate columns (national form: 指标值 | 计量单位 | 指标性质)
# --------------------------------------------------------------------------------------------


def _column_unit(unit: str) -> str | None:
    """A unit column's unit as the parser names it ("（%）" → "%"); None when nothing is left."""
    parsed = parse_target_value(f"1({unit.strip().strip('()（）')})")
    if parsed.kind is ValueKind.QUANTITATIVE and parsed.unit:
        return parsed.unit
    text = "".join(unit.split()).strip("()（）")
    return text or None


class Composition(NamedTuple):
    """A composed target value and what the 指标值 cell wrote against its columns (None: nothing)."""

    value: TargetValue
    unit_conflict: str | None  # the unit the cell wrote, when the unit column says another
    operator_conflict: str | None  # the operator (code: ge, le …) the cell wrote, when the column says another


def _column_operator(operator: str) -> Operator | None:
    return parse_target_value(f"{''.join(operator.split())}1").op


def _compose_numerals(alone: TargetValue, cell: str | None, operator: str | None, unit: str | None
                      ) -> Composition:
    """A cell of Chinese numerals alone ("三", "十五") with its columns ("≥", "次"): the number they
    compose ("≥三(次)" is ≥3 次); ``alone`` for anything else (a word takes no column)."""
    text = _normalise(cell) if cell is not None else ""
    if alone.kind is not ValueKind.QUALITATIVE or not text or not _CN_RUN_RES[1].fullmatch(text):
        return Composition(alone, None, None)
    column_unit = _column_unit(unit) if unit and unit.strip() else None
    composed = ("".join(operator.split()) if operator else "") + text + (f"({column_unit})" if column_unit else "")
    value = parse_target_value(composed)
    if value.kind is ValueKind.QUANTITATIVE:
        return Composition(value, None, None)
    return Composition(alone, None, None)


def compose_target_value(cell: str | None, operator: str | None = None, unit: str | None = None) -> Composition:
    """One target value from the 指标值 cell and, when the form has them, its operator column
    (≥ ≤ = > < or a word operator) and unit column, with the conflicts between them.

    The cell decides what it states itself: an operator or unit written in the cell is kept, and
    one that differs from its column is returned as a conflict (the rules report it). The columns
    fill what the cell leaves out — the unit only for a number or a range, the operator only for a
    cell that starts with a number (digits or Chinese numerals: "三" with "≥" and "次" is ≥3 次)
    or a date (a word such as 完成 or 一般, or a placeholder, takes neither).  Notes around the value
    ("(新增)60(上年50%)") stay its notes: the columns compose with the value they leave.
    ``raw`` of the result is the composed text ("≥90(%)"), so messages show what was read; the
    caller keeps the cells as written. Text cells are composed once per distinct triple
    (:data:`MEMO_SIZE`).
    """
    if all(part is None or memo_text(part) for part in (cell, operator, unit)):
        return _compose_memo(cell, operator, unit)
    return _compose_target_value(cell, operator, unit)


def _compose_target_value(cell: str | None, operator: str | None, unit: str | None) -> Composition:
    has_operator = bool(operator and operator.strip())
    if not has_operator and not (unit and unit.strip()):
        return Composition(parse_target_value(cell), None, None)
    alone = parse_target_value(cell)
    if cell is None or alone.kind not in (ValueKind.QUANTITATIVE, ValueKind.RANGE, ValueKind.DATE):
        return _compose_numerals(alone, cell, operator, unit)
    # the columns belong to the value, not to its notes: compose the text the notes leave
    text = _without_notes(_unwrap(_normalise(cell))) if alone.note else _normalise(cell)
    column_unit = _column_unit(unit) if unit and unit.strip() else None
    unit_conflict = alone.unit if column_unit and alone.unit and alone.unit != column_unit else None
    # a cell that starts with a number (digits or a Chinese numeral, "百分之九十") wrote no operator
    written_op = not (text[0].isdigit() or text[0] in "+-." or (alone.op_implied and text[0] in _CN_LEADS))
    column_op = _column_operator(operator) if has_operator else None
    op_conflict = None
    if written_op and column_op is not None and alone.op is not None and alone.op is not column_op:
        op_conflict = alone.op.value
    composed = text
    if column_unit and alone.unit is None and alone.kind is not ValueKind.DATE:
        composed = f"{composed}({column_unit})"
    if has_operator and not written_op:
        composed = "".join(operator.split()) + composed
    if composed == text:
        return Composition(alone, unit_conflict, op_conflict)
    value = parse_target_value(composed)
    if alone.note and value.kind is alone.kind:
        value = value.model_copy(update={"note": alone.note})
    return Composition(value, unit_conflict, op_conflict)


def _without_notes(s: str) -> str:
    """``s`` (normalised) without the notes around its value (see :func:`_split_note`): leading
    asides with a CJK letter, trailing asides that are no unit, and what follows a comma before a
    CJK letter.  "(新增)60(上年50%)" → "60"; "60(%)(上年50%)" → "60(%)"."""
    while s.startswith("("):
        close = _closing(s)
        if close is None or close == len(s) - 1 or not any(_is_cjk(ch) for ch in s[1:close]):
            break
        s = s[close + 1:]
    while True:
        comma = _comma_note(s)
        if comma is not None:
            s = comma[0]
            continue
        if not s.endswith(")"):
            return s
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(s[i], 0)
            if depth == 0:
                break
        if i == 0 or depth != 0 or _known_unit(s[i + 1:-1]) is not None:
            return s
        s = s[:i]


_compose_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_compose_target_value)
