"""Parsing and writing of 指标值 (indicator target values) and funds amounts.

Policy source: 财预〔2015〕88号 (CY-2015-88) requires performance targets to be quantified and
checkable.  This module only *reads* what a declaration says; whether a value is acceptable (vague
word, placeholder, lower bound above upper bound …) is decided by the rules.

Parsing rules (``parse_target_value`` never raises):

1. **Normalisation.**  ``raw`` keeps the text exactly as given.  For parsing, the text is put in
   Unicode NFC; full-width ASCII forms (U+FF01–U+FF5E: digits, ``％（）＞＜＝，．／～＊`` …) become
   ASCII, ``￥`` becomes ``¥``, the minus sign U+2212 becomes ``-``, the wave dash ``〜`` becomes
   ``~``, and *all* whitespace
   (including U+3000 and zero-width characters) is removed — PDF extraction puts spaces inside
   numbers ("2, 000, 000. 00", "85. 00"), so spaces never carry meaning.  A value wrapped as a whole
   in balanced parentheses ("(≥**%)") is unwrapped, and trailing 。，；、 are dropped; nothing
   left (blank text, "()") means EMPTY.  Only ASCII digits 0-9 (after the full-width mapping) count
   as digits.
2. **Operators** (prefix):  ``≥ ≧ ⩾ >= ≥= => ≫`` → GE; ``≤ ≦ ⩽ <= ≤= =< ≪`` → LE; ``= ==`` → EQ;
   ``>`` → GT; ``<`` → LT.  In these forms ``≪`` is a mis-typed ``≤`` ("≪800000.00(元)" is a cost
   ceiling), so by symmetry ``≫`` is read as ``≥``, never as "much greater/less than".  Word
   operators are read too: 不低于 不少于 不小于 大于等于 至少 → GE; 不高于 不超过 不多于 不大于
   小于等于 至多 最多 → LE; 等于 → EQ; 大于 高于 超过 → GT; 小于 低于 → LT; and the suffixes
   以上/及以上 → GE, 以下/及以下/以内/之内 → LE, and 内 right after a known unit ("3个工作日内") → LE.
   A number without any operator is EQ.  Two operators in a row ("≥≤5") or a prefix and a suffix
   that disagree are UNPARSEABLE.
3. **Numbers** are plain decimals: optional sign, digits, optional ``,``-thousands groups of three,
   optional fraction ("2,000,000.00").  No exponents ("1e5"), no inf/nan, at most 40 digits.  The
   written scale is kept (``Decimal("90.00")``).  Negative numbers are accepted ("≥-5(%)").
4. **Units** follow the number, bare or in parentheses (an unbalanced parenthesis is tolerated:
   "≥85(%").  Known units and their :class:`UnitKind`: 元 千元 万元 百万元 千万元 亿元 → MONEY;
   <money unit>/<noun> ("元/个", "万元/人次") → MONEY_PER_UNIT with ``unit_noun`` = noun;
   % ‰ 个百分点 百分点 → PERCENT; counters such as 篇 次 场 期 家 面 份 人 人次 个 项 台 套 册 本
   条 件 户 所 → COUNT; 天 日 工作日 个工作日 月 个月 年 周 小时 分钟 → DURATION; 米 公里 千米
   平方米 平方公里 亩 公顷 → LENGTH (length or area).  Any other unit made of CJK letters (at most
   8) is kept as written with UnitKind.OTHER — including 万-prefixed counts such as "万人次".
5. **Ranges** "80%-90%", "80-90(%)", "80~90%", "80至90%", "80到90%", "80—90%" → RANGE with
   ``amount`` = lower and ``upper`` = upper bound, ``op`` None.  Bounds are never swapped.  Both
   bounds may carry a unit; if they differ the value is UNPARSEABLE.  An operator before a range is
   UNPARSEABLE.
6. **Dates** "2024-12-31", "2024.12.31", "2024/12/31", "2024年12月31日" (日 may be 号 or
   missing) → DATE, op EQ
   unless an operator or a deadline word says otherwise: 前/之前/以前/内/之内/以内 → LE.
   Month forms "2024年12月", "2024年12月底(前)" and year-end forms "2024年底(前)", "2024年年底",
   "2024年末", "2024年内" → last day of that month/year, op LE.  A trailing 完成 is allowed.  Dates
   without a year ("12月底前", "12月31日", "年底前") are UNPARSEABLE ("date without a year"): the
   year is never guessed.  Impossible calendar dates ("2024-02-30") are UNPARSEABLE.  "YYYY-MM" is
   *not* a date (it reads as a range), and "2024.12" is a number.
7. **Placeholders**: a value with no digit but a placeholder token (``*``, ``**``, ``X``, ``XX``,
   ``xx``, ``×``, ``?``), or an operator with nothing or only a unit after it ("≧ %"), or a known
   unit alone ("(元)", "%", "个") → PLACEHOLDER, keeping ``op`` and ``unit`` when readable.
   A lone dash, slash or ellipsis ("-", "/", "——", "…") is a PLACEHOLDER too (a cell left
   "not applicable" still has no target).  Empty, whitespace-only or None → EMPTY.
8. **Qualitative**: text without digits made of CJK letters (plus list punctuation 、,;:·《》“”
   and parentheses), at most 40 characters → QUALITATIVE with ``word`` = the normalised text.
   Typical words: 完成 达成 达标 合理 可控 及时 提高 降低 提升 有效 良好 显著 逐步提高 稳步提升
   按时完成 是 否 优 良 中 差 符合 满足.  Whether a word is too vague is for the rules.
9. Anything else — letters, mixed garbage, "≥abc", "≥1.2.3(%)", Chinese numerals after an
   operator, text over 200 characters — is UNPARSEABLE with a short English ``problem``.

``parse_money`` reads funds amounts in 元 with the same number grammar (see its docstring).
No float is used anywhere: every amount is a :class:`decimal.Decimal`, and unit conversion is exact.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "GLYPHS",
    "Operator",
    "RenderStyle",
    "TargetValue",
    "UnitKind",
    "ValueKind",
    "format_yuan",
    "parse_money",
    "parse_target_value",
    "render_target_value",
    "unit_kind_of",
]


class ValueKind(StrEnum):
    """What a 指标值 turned out to be."""

    QUANTITATIVE = "quantitative"
    RANGE = "range"
    DATE = "date"
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
    PERCENT = "percent"
    COUNT = "count"
    DURATION = "duration"
    LENGTH = "length"
    OTHER = "other"


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------

# Multiplier from a money unit to 元.  万/亿 without 元 only count as money in parse_money: in a
# target value "≥10万" may be people or visits, so there it stays an OTHER unit.
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

_UNIT_KINDS: dict[str, UnitKind] = {}
for _u in _MONEY_FACTORS:
    _UNIT_KINDS[_u] = UnitKind.MONEY
for _u in ("%", "‰", "个百分点", "百分点"):
    _UNIT_KINDS[_u] = UnitKind.PERCENT
for _u in (
    "篇", "次", "场", "场次", "期", "家", "面", "份", "人", "人次", "名", "位", "个", "项", "台",
    "套", "册", "本", "条", "件", "户", "所", "种", "类", "批", "批次", "辆", "株", "棵", "头",
    "只", "张", "间", "座", "处", "部", "门", "节", "课时", "学时", "班", "届", "轮", "首", "幅",
    "块", "支", "村", "校", "篇次", "册次", "家次", "户次",
):
    _UNIT_KINDS[_u] = UnitKind.COUNT
for _u in ("天", "日", "工作日", "个工作日", "月", "个月", "年", "周", "小时", "分钟", "季度"):
    _UNIT_KINDS[_u] = UnitKind.DURATION
for _u in ("米", "公里", "千米", "平方米", "平方公里", "亩", "公顷"):
    _UNIT_KINDS[_u] = UnitKind.LENGTH
del _u

_UNIT_ALIASES = {"㎡": "平方米", "m²": "平方米", "km": "公里"}

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PER_UNIT_RE = re.compile(rf"(?P<money>{'|'.join(sorted(_MONEY_FACTORS, key=len, reverse=True))})"
                          rf"/(?P<noun>[{_CJK}][{_CJK}·]{{0,7}})")
_OTHER_UNIT_RE = re.compile(rf"[{_CJK}][{_CJK}·/]{{0,7}}")


def unit_kind_of(unit: str | None) -> UnitKind | None:
    """Family of a canonical unit text ("元/个" → MONEY_PER_UNIT); None for no unit."""
    if unit is None:
        return None
    kind = _UNIT_KINDS.get(unit)
    if kind is not None:
        return kind
    if _PER_UNIT_RE.fullmatch(unit):
        return UnitKind.MONEY_PER_UNIT
    return UnitKind.OTHER


def _money_factor(unit: str | None) -> Decimal | None:
    """元-multiplier of a money or per-unit money unit; None for other units."""
    if unit is None:
        return None
    if unit in _MONEY_FACTORS:
        return _MONEY_FACTORS[unit]
    m = _PER_UNIT_RE.fullmatch(unit)
    return _MONEY_FACTORS[m["money"]] if m else None


def _exact_mul(amount: Decimal, factor: Decimal) -> Decimal:
    """amount × factor with enough precision that the product is never rounded."""
    digits = len(amount.as_tuple().digits) + len(factor.as_tuple().digits) + 2
    with localcontext() as ctx:
        ctx.prec = max(28, digits)
        ctx.traps[Inexact] = True
        return amount * factor


# --------------------------------------------------------------------------------------------
# The value model
# --------------------------------------------------------------------------------------------


class TargetValue(BaseModel):
    """One parsed 指标值.

    Which fields are set depends on ``kind``:

    * QUANTITATIVE: ``op``, ``amount``, ``unit`` (None when the number had no unit);
    * RANGE: ``amount`` (lower bound), ``upper``, ``unit``; ``op`` is None;
    * DATE: ``op`` and ``date`` (a deadline "≤2024-12-31" has op LE);
    * QUALITATIVE: ``word``;
    * PLACEHOLDER: ``problem`` plus ``op``/``unit`` when they were readable;
    * UNPARSEABLE: ``problem``;  EMPTY: nothing.

    ``raw`` always holds the text exactly as given ("" for None).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw: str
    kind: ValueKind
    op: Operator | None = None
    amount: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    date: datetime.date | None = None
    word: str | None = None
    problem: str | None = None

    @property
    def unit_kind(self) -> UnitKind | None:
        """Family of ``unit``; None when there is no unit."""
        return unit_kind_of(self.unit)

    @property
    def unit_noun(self) -> str | None:
        """The counted noun: "个" for "元/个", "篇" for "篇"; None for other unit kinds."""
        kind = self.unit_kind
        if kind is UnitKind.MONEY_PER_UNIT:
            assert self.unit is not None
            return self.unit.split("/", 1)[1]
        if kind is UnitKind.COUNT:
            return self.unit
        return None

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

# Longest glyph first so ">=" is not read as ">" followed by "=".
_GLYPH_OPS: tuple[tuple[str, Operator], ...] = (
    ("≥=", Operator.GE), (">=", Operator.GE), ("=>", Operator.GE),
    ("≤=", Operator.LE), ("<=", Operator.LE), ("=<", Operator.LE),
    ("==", Operator.EQ),
    ("≥", Operator.GE), ("≧", Operator.GE), ("⩾", Operator.GE), ("≫", Operator.GE),
    ("≤", Operator.LE), ("≦", Operator.LE), ("⩽", Operator.LE), ("≪", Operator.LE),
    ("=", Operator.EQ), (">", Operator.GT), ("<", Operator.LT),
)
_WORD_OPS: tuple[tuple[str, Operator], ...] = tuple(sorted(
    [
        ("不低于", Operator.GE), ("不少于", Operator.GE), ("不小于", Operator.GE),
        ("大于等于", Operator.GE), ("大于或等于", Operator.GE), ("至少", Operator.GE),
        ("不高于", Operator.LE), ("不超过", Operator.LE), ("不多于", Operator.LE),
        ("不大于", Operator.LE), ("小于等于", Operator.LE), ("小于或等于", Operator.LE),
        ("至多", Operator.LE), ("最多", Operator.LE), ("不晚于", Operator.LE),
        ("不迟于", Operator.LE),
        ("等于", Operator.EQ),
        ("大于", Operator.GT), ("高于", Operator.GT), ("超过", Operator.GT),
        ("小于", Operator.LT), ("低于", Operator.LT),
    ],
    key=lambda p: -len(p[0]),
))
_SUFFIX_OPS: tuple[tuple[str, Operator], ...] = (
    ("及以上", Operator.GE), ("以上", Operator.GE),
    ("及以下", Operator.LE), ("以下", Operator.LE), ("以内", Operator.LE), ("之内", Operator.LE),
)
_OP_CHARS = frozenset("≥≧⩾≫≤≦⩽≪=<>")

_NUM = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_NUM_RE = re.compile(_NUM)
_MAX_DIGITS = 40
_RANGE_SEP = r"-|~|至|到|—{1,2}|–|―"
_UNIT_TAIL = r"\(?[^()0-9\-~至到—–―]*\)?"  # a lower-bound unit never holds a separator
_RANGE_RE = re.compile(
    rf"(?P<a>{_NUM})(?P<ua>{_UNIT_TAIL})(?:{_RANGE_SEP})(?P<b>{_NUM})(?P<ub>\(?[^()0-9]*\)?)")
_EXPONENT_RE = re.compile(r"[eE][+-]?[0-9]")
_PLACEHOLDER_RE = re.compile(r"(?P<ph>\*+|×+|[Xx]+|\?+)?(?P<tail>.*)")
_NOT_APPLICABLE_RE = re.compile(r"[-/—–―_.…]+")

_QUAL_PUNCT = "、,;:·《》“”‘’\"'()!"
_QUAL_RE = re.compile(rf"[{_CJK}{re.escape(_QUAL_PUNCT)}]+")
_MAX_WORD = 40

_DATE_TAIL = r"(?P<suffix>前|之前|以前|内|之内|以内)?(?P<done>完成)?"
_DATE_RE = re.compile(
    r"(?P<y>[0-9]{4})(?:"
    r"(?P<sep>[-./])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<m2>[0-9]{1,2})月(?:(?P<d2>[0-9]{1,2})[日号]?|(?P<mend>底|末|份))?"
    r"|年(?P<yend>底|末|内|年底|年末|度内))"
    + _DATE_TAIL
)
# "12月" alone is left to the number grammar (12 months); a day, 底/旬 or 前 makes it a date.
_YEARLESS_RE = re.compile(
    r"(?:[0-9]{1,2}月(?:(?:[0-9]{1,2}[日号]?|份|底|末|初|上旬|中旬|下旬)(?:前|之前|以前|内|之内|以内)?"
    r"|前|之前|以前)"
    r"|(?:本|当|今)?年度?(?:底|末|内)(?:前|之前|以前)?)"
    r"(?:完成)?"
)


def _take_operator(s: str) -> tuple[Operator | None, str]:
    for table in (_GLYPH_OPS, _WORD_OPS):
        for glyph, op in table:
            if s.startswith(glyph):
                return op, s[len(glyph):]
    return None, s


def _parse_number(text: str) -> tuple[Decimal | None, str | None]:
    """Decimal from a matched number string, or a problem."""
    digits = sum(ch.isdigit() for ch in text)
    if digits > _MAX_DIGITS:
        return None, f"number has more than {_MAX_DIGITS} digits"
    return Decimal(text.replace(",", "")), None


def _parse_unit(tail: str) -> tuple[str | None, Operator | None, str | None]:
    """(unit, operator implied by a trailing 内, problem) for the text after a number."""
    inner = tail
    if inner.startswith("("):
        inner = inner[1:]
    if inner.endswith(")"):
        inner = inner[:-1]
    if "(" in inner or ")" in inner:
        return None, None, f"unexpected {tail!r} after the number"
    if not inner:
        return None, None, None
    inner = _UNIT_ALIASES.get(inner, inner)
    if inner in _UNIT_KINDS or _PER_UNIT_RE.fullmatch(inner):
        return inner, None, None
    if inner.endswith("内") and inner[:-1] in _UNIT_KINDS:
        return inner[:-1], Operator.LE, None
    if _OTHER_UNIT_RE.fullmatch(inner) and not inner.endswith("/"):
        return inner, None, None
    if _EXPONENT_RE.match(inner):
        return None, None, "exponent notation is not accepted"
    return None, None, f"unrecognised unit {inner!r}"


def _combine(first: Operator | None, second: Operator | None) -> tuple[Operator | None, bool]:
    """Merge two operators written for one value; the flag is False when they disagree."""
    if first is None or second is None or first is second:
        return first or second, True
    return None, False


# --------------------------------------------------------------------------------------------
# parse_target_value
# --------------------------------------------------------------------------------------------


def parse_target_value(text: str | None) -> TargetValue:
    """Parse one 指标值 cell.  Never raises; see the module docstring for the rules.

    ``None`` and blank text give EMPTY.  An ``int`` or finite ``Decimal`` is read as its plain
    decimal text; any other non-text input gives UNPARSEABLE.
    """
    if text is None:
        return TargetValue(raw="", kind=ValueKind.EMPTY)
    if not isinstance(text, str):
        return _parse_non_text(text)
    try:
        return _parse(text)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; tests assert unused
        return TargetValue(raw=text, kind=ValueKind.UNPARSEABLE,
                           problem=f"internal error: {type(exc).__name__}")


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

    dated = _parse_date(raw, s)
    if dated is not None:
        return dated
    if not any("0" <= ch <= "9" for ch in s):
        return _parse_wordy(raw, s)
    return _parse_numeric(raw, s)


def _parse_date(raw: str, s: str) -> TargetValue | None:
    """DATE / UNPARSEABLE for date-like text, None when the text is not a date."""
    op, rest = _take_operator(s)
    m = _DATE_RE.fullmatch(rest)
    if m is None:
        if _YEARLESS_RE.fullmatch(rest):
            return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, op=op,
                               problem="date without a year")
        return None
    year = int(m["y"])
    default = Operator.EQ
    if m["sep"]:
        month, day = int(m["m"]), int(m["d"])
    elif m["m2"]:
        month = int(m["m2"])
        if m["d2"]:
            day = int(m["d2"])
        else:
            # A month written alone means "by the end of that month".
            day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 and year >= 1 else 0
            default = Operator.LE
    else:
        month, day, default = 12, 31, Operator.LE
    if m["suffix"]:
        # 前/内 say "by then": an explicit ≤ or < agrees, anything else contradicts it.
        if op not in (None, Operator.LE, Operator.LT):
            return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                               problem="operator contradicts the deadline word")
        default = Operator.LE
    try:
        when = datetime.date(year, month, day)
    except ValueError:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE,
                           problem=f"invalid calendar date {year:04d}-{month:02d}-{day:02d}")
    return TargetValue(raw=raw, kind=ValueKind.DATE, op=op or default, date=when)


def _parse_wordy(raw: str, s: str) -> TargetValue:
    """Text without digits: placeholder, qualitative word or garbage."""
    def placeholder(op: Operator | None, unit: str | None, problem: str) -> TargetValue:
        return TargetValue(raw=raw, kind=ValueKind.PLACEHOLDER, op=op, unit=unit, problem=problem)

    if _NOT_APPLICABLE_RE.fullmatch(s):
        return placeholder(None, None, f"{s!r} instead of a target value")
    op, rest = _take_operator(s)
    glyph_op = op is not None and not s[0].isalpha()
    if rest[:1] in _OP_CHARS:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem="two operators in a row")
    if rest.startswith("(") and rest.endswith(")") and _balanced(rest[1:-1]):
        rest = rest[1:-1]
    m = _PLACEHOLDER_RE.fullmatch(rest)
    assert m is not None  # the pattern accepts any text
    ph, tail = m["ph"], m["tail"]
    unit, _, unit_problem = _parse_unit(tail)
    known_unit = unit is not None and (unit in _UNIT_KINDS or _PER_UNIT_RE.fullmatch(unit))
    if unit_problem is None:
        if ph:
            return placeholder(op, unit, f"placeholder {ph!r} instead of a number")
        if op is not None and (not tail or known_unit or tail.startswith("(")):
            what = "operator and unit" if unit else "operator"
            return placeholder(op, unit, f"{what} without a number")
        if op is None and known_unit:
            # A known unit alone ("(元)", "%", "个") is a form whose number was never filled in.
            return placeholder(None, unit, "unit without a number")
    if not glyph_op and _QUAL_RE.fullmatch(s) and any(_is_cjk(ch) for ch in s):
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
    """Text with digits: a quantity or a range."""
    def bad(problem: str) -> TargetValue:
        return TargetValue(raw=raw, kind=ValueKind.UNPARSEABLE, problem=problem)

    op, rest = _take_operator(s)
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

    rm = _RANGE_RE.fullmatch(rest)
    if rm is not None:
        if op is not None:
            return bad("operator before a range")
        low, problem = _parse_number(rm["a"])
        high, problem2 = _parse_number(rm["b"])
        if low is None or high is None:
            return bad(problem or problem2 or "bad number")
        ua, _, pa = _parse_unit(rm["ua"])
        ub, _, pb = _parse_unit(rm["ub"])
        if pa or pb:
            return bad(pa or pb or "bad unit")
        if ua is not None and ub is not None and ua != ub:
            return bad(f"range bounds have different units {ua!r} and {ub!r}")
        return TargetValue(raw=raw, kind=ValueKind.RANGE, amount=low, upper=high, unit=ub or ua)

    nm = _NUM_RE.match(rest)
    if nm is None:
        return bad("no number where one was expected")
    amount, problem = _parse_number(nm[0])
    if amount is None:
        return bad(problem or "bad number")
    tail = rest[nm.end():]
    if tail[:1] in (".", ","):
        return bad(f"malformed number near {rest[: nm.end() + 3]!r}")
    unit, unit_op, problem = _parse_unit(tail)
    if problem:
        return bad(problem)
    op, ok = _combine(op, unit_op)
    if not ok:
        return bad("conflicting operators")
    return TargetValue(raw=raw, kind=ValueKind.QUANTITATIVE, op=op or Operator.EQ,
                       amount=amount, unit=unit)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

GLYPHS: dict[Operator, tuple[str, ...]] = {
    Operator.GE: ("≥", "≧", ">=", "≥=", "＞=", "≫", "⩾"),
    Operator.LE: ("≤", "≦", "≪", "<=", "≤=", "⩽"),
    Operator.EQ: ("=", "＝"),
    Operator.GT: (">", "＞"),
    Operator.LT: ("<", "＜"),
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


def _render_date(when: datetime.date, style: RenderStyle) -> str:
    y, m, d = when.year, when.month, when.day
    text = {
        "iso": f"{y:04d}-{m:02d}-{d:02d}",
        "dot": f"{y:04d}.{m:02d}.{d:02d}",
        "slash": f"{y:04d}/{m:02d}/{d:02d}",
        "cjk": f"{y:04d}年{m}月{d}日",
    }[style.date_format]
    return _digits(text, style)


def render_target_value(v: TargetValue, style: RenderStyle) -> str:
    """Write ``v`` the way a real form would, in ``style``.

    QUANTITATIVE → "≥90.00(%)"; RANGE → "80-90(%)"; DATE → "≤2024-12-31"; QUALITATIVE → the word;
    PLACEHOLDER → "≥**(%)"; EMPTY → ""; UNPARSEABLE → ``raw`` unchanged.  Parsing the result gives
    back the same kind, op, amount(s), unit and date.  Raises ValueError when a field the kind needs
    is missing (e.g. a RANGE without ``upper``).
    """
    kind = v.kind
    if kind is ValueKind.QUANTITATIVE:
        if v.amount is None:
            raise ValueError("a QUANTITATIVE value needs an amount")
        return style.glyph(v.op) + _render_number(v.amount, style) + _render_unit(v.unit, style)
    if kind is ValueKind.RANGE:
        if v.amount is None or v.upper is None:
            raise ValueError("a RANGE value needs amount and upper")
        low = _render_number(v.amount, style)
        if style.range_unit_both:
            low += _render_unit(v.unit, style)
        return low + style.range_sep + _render_number(v.upper, style) + _render_unit(v.unit, style)
    if kind is ValueKind.DATE:
        if v.date is None:
            raise ValueError("a DATE value needs a date")
        if style.deadline_words and v.op is Operator.LE:
            return _render_date(v.date, style) + "前"
        return style.glyph(v.op) + _render_date(v.date, style)
    if kind is ValueKind.QUALITATIVE:
        if not v.word:
            raise ValueError("a QUALITATIVE value needs a word")
        return v.word
    if kind is ValueKind.PLACEHOLDER:
        token = style.placeholder
        # "≧ %" (no token) is only readable with an operator and a known unit or none at all.
        if not token and (v.op is None or unit_kind_of(v.unit) is UnitKind.OTHER):
            token = "**"
        # Without a number, an omitted "=" could not be read back, so EQ is always written.
        return style.glyph(v.op, keep_eq=True) + token + _render_unit(v.unit, style)
    if kind is ValueKind.EMPTY:
        return ""
    return v.raw


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------

_MONEY_RE = re.compile(rf"(?P<num>{_NUM})(?P<unit>.*)")


def parse_money(text: str | int | Decimal | None, default_unit: str = "元") -> Decimal | None:
    """Amount in 元 from a funds cell: "2, 000, 000. 00" → 2000000.00, "503.50万元" → 5035000.00,
    "73.5万" → 735000.0, "1.2亿元" → 120000000.0, "¥1,000" → 1000.

    Units: 元 千元 万元 百万元 千万元 亿元, and 万/亿 alone; a bare number (and any ``int`` or
    ``Decimal`` input) is in ``default_unit``.  Conversion is exact Decimal arithmetic.  Full-width
    digits and spaces inside the number are accepted; negative amounts are returned as written.

    Returns None for None or blank text.  Raises ValueError (with a short reason) for anything else
    that is not an amount: "abc", "1e5", "12..3", "nan", an unknown unit, a float or bool, or an
    unknown ``default_unit``.
    """
    factor = _MONEY_FACTORS_LOOSE.get(default_unit)
    if factor is None:
        raise ValueError(f"unknown money unit {default_unit!r}")
    if text is None:
        return None
    if isinstance(text, bool) or not isinstance(text, (str, int, Decimal)):
        raise ValueError(f"not an amount: {type(text).__name__} (pass text, int or Decimal)")
    if isinstance(text, int):
        return _exact_mul(Decimal(text), factor)
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValueError("not a finite amount")
        return _exact_mul(text, factor)
    s = _unwrap(_normalise(text))
    if not s:
        return None
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


def compose_target_value(cell: str | None, operator: str | None = None, unit: str | None = None
                         ) -> tuple[TargetValue, str | None]:
    """One target value from the 指标值 cell and, when the form has them, its operator column
    (≥ ≤ = > < or a word operator) and unit column. Returns the value and the unit the cell itself
    wrote when it differs from the unit column (None otherwise) — a conflict the rules report.

    The cell decides what it states itself: an operator or unit written in the cell is kept; the
    columns fill what the cell leaves out, and only for a cell that starts with a number (a date,
    a word such as 完成 or a placeholder takes no unit). ``raw`` of the result is the composed
    text ("≥90(%)"), so messages show what was read; the caller keeps the cells as written.
    """
    if not (operator and operator.strip()) and not (unit and unit.strip()):
        return parse_target_value(cell), None
    alone = parse_target_value(cell)
    if cell is None or alone.kind in (ValueKind.EMPTY, ValueKind.QUALITATIVE, ValueKind.UNPARSEABLE):
        return alone, None
    text = _normalise(cell)
    column_unit = _column_unit(unit) if unit and unit.strip() else None
    conflict = None
    if column_unit and alone.unit and alone.unit != column_unit:
        conflict = alone.unit
    starts_with_number = bool(text) and (text[0].isdigit() or text[0] in "+-.")
    composed = text
    if column_unit and alone.unit is None and starts_with_number and alone.kind is not ValueKind.DATE:
        composed = f"{composed}({column_unit})"
    if operator and operator.strip() and starts_with_number:
        composed = "".join(operator.split()) + composed
    if composed == text:
        return alone, conflict
    return parse_target_value(composed), conflict
