"""The seam every reader uses: a plain mapping of cells in, the typed model and its findings out.

A reader (YAML, workbook, Word, CSV) only finds cells and their labels; this module decides what
they mean, so every file type gives the same model and the same findings for the same content.

Input shapes:

* a :class:`Record` — the fields of one mapping in file order, each an :class:`Entry` (key as
  written: English identifier or a Chinese label of :mod:`g60rules.model`; the value; where the
  value is; where the key/label is), plus the mapping's own :class:`~g60rules.model.Location`;
* or simply a ``dict`` (key → value) with ``locations`` (key → Location) beside it
  (:func:`to_record`).

A value is a scalar cell — ``str`` (as written), ``int``/``Decimal`` (a number typed as a number;
money in the field's unit: 元, 万元 where the glossary says so, and for the funds block the unit of
the form's layout — 元 on ``shanghai-2024``, 万元 on the others), ``datetime.date``
(a date cell; an Excel serial the reader already turned into a date), ``None`` (empty) or
:data:`UNREADABLE` (the cell is there but could not be read) — a nested :class:`Record` (``funds``,
an indicator row, an inline project) or a list of these (``indicators``, ``projects``,
``unreadable``); a list item may be a :class:`Cell` to carry its own location.

:func:`build_project` and :func:`build_department` return ``(object, findings)``; they never raise
for bad input: a key close to a field (a typo, G60-FILE-004; a sure one is read as the field), a
column no rule reads (项目负责人, 备注: G60-FILE-013, info, ignored), a field given twice (G60-FILE-003, e.g. ``name`` and
``项目名称``) and a value that cannot be read (G60-FILE-005, the field then counts as missing) are
findings located at the cell. Keys are compared without whitespace ("项 目 名 称" is 项目名称).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from g60rules import findings as fc
from g60rules.intake import yaml_errors
from g60rules.intake.grid import one_line_break
from g60rules.dates import PartialDate, parse_partial_date
from g60rules.findings import Finding
from g60rules.layouts import Layouts
from g60rules.model import (
    DEFAULT_FORM, DEPARTMENT_FIELDS, FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS, Department, FieldKind,
    FieldSpec, Funds, Indicator, Location, Project, Source, place,
)
from g60rules.rules.compiler import bundled_layouts
from g60rules.values import (
    MEMO_SIZE, compose_target_value, memo_text, parse_money, parse_money_cell, parse_target_value,
)


class _Unreadable:
    """Marker for a cell that is present but could not be read (distinct from an empty cell)."""

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE = _Unreadable()


@dataclass(frozen=True, slots=True)
class Cell:
    """A list item with its own location (a file path under ``projects``, a key under ``unreadable``)."""

    value: Any
    location: Location


@dataclass(frozen=True, slots=True)
class Entry:
    """One field of a mapping: key as written, value, where the value is, where the key is."""

    key: str
    value: Any
    location: Location
    key_location: Location | None = None


@dataclass
class Record:
    """The fields of one mapping in file order, and where the mapping is."""

    location: Location
    entries: list[Entry] = field(default_factory=list)


def to_record(mapping: Mapping[str, Any], location: Location,
              locations: Mapping[str, Location] | None = None) -> Record:
    """A Record from a dict; ``locations`` gives each key's cell (default: the mapping's location).

    Nested dicts become Records at their field's location; so do dicts inside lists.
    """
    locations = locations or {}
    entries = []
    for key, value in mapping.items():
        where = locations.get(key, location)
        entries.append(Entry(key, _nest(value, where), where))
    return Record(location, entries)


def _nest(value: Any, where: Location) -> Any:
    if isinstance(value, Mapping):
        return to_record(value, where)
    if isinstance(value, (list, tuple)):
        return [_nest(item, where) for item in value]
    return value


_LABELS = {spec.key: spec.label for specs in (PROJECT_FIELDS, FUNDS_FIELDS, INDICATOR_FIELDS, DEPARTMENT_FIELDS)
           for spec in specs}
# indicator rows per project (docs/limits.md): memory grows ~10 KB per row
MAX_ROWS = 2_000


def rows_over_limit(record: Record) -> Entry | None:
    """The indicator-row entry of a project ``record`` when it holds more than :data:`MAX_ROWS` rows."""
    row_keys = {_key_text(k) for spec in PROJECT_FIELDS if spec.key == "indicators" for k in (spec.key, *spec.labels)}
    for entry in record.entries:
        if (isinstance(entry.key, str) and _key_text(entry.key) in row_keys
                and isinstance(entry.value, (list, tuple)) and len(entry.value) > MAX_ROWS):
            return entry
    return None


def too_many_rows(entry: Entry) -> Finding:
    """G60-LIMIT-001 at the indicator rows of a project over :data:`MAX_ROWS`: it is not screened."""
    at = entry.location
    return fc.TOO_MANY_ROWS.finding(at.file, at.line_or_row, cell=place(at), rows=len(entry.value), limit=MAX_ROWS)


_SCALAR_KINDS = (FieldKind.TEXT, FieldKind.DATE, FieldKind.MONEY_YUAN, FieldKind.MONEY_WAN, FieldKind.MONEY_FORM,
                 FieldKind.INT, FieldKind.DECIMAL, FieldKind.TARGET_VALUE)
DIRECTIONS = {"正向": "positive", "正向指标": "positive", "反向": "negative", "反向指标": "negative",
              "positive": "positive", "negative": "negative"}
QUALITATIVE = {"定性": True, "定性指标": True, "定量": False, "定量指标": False,
               "qualitative": True, "quantitative": False}


_ROW_SCALARS = tuple(s for s in INDICATOR_FIELDS if s.kind in _SCALAR_KINDS)
SURE_MATCH = 0.75  # a key this close to one field only (difflib ratio) is read as that field
# a key this close to a field (difflib ratio) is a typo of it: one character wrong in a four-character
# label (项目名秤) is 0.75, in a six-character one 0.83; a label sharing only a common word (项目负责人
# and 项目期 share 项目: 0.5) is another field of the form, not a typo
NEAR_MISS = 0.7


def suggest_keys(raw: str, specs: tuple[FieldSpec, ...]) -> list[tuple[str, bool]]:
    """Fields a mistyped key may have meant, best first: (field key, whether it is a sure match).

    Compares with the English keys (case-insensitive) and the Chinese labels (difflib). A match is
    sure when its ratio is at least :data:`SURE_MATCH` and no other field comes as close, or when
    the key is part of the names of one field only (值 → 指标值), or holds one field's name only
    (项目名称（全称） → 项目名称). A field is named only when the key is at least :data:`NEAR_MISS`
    close to it or part of (or holds) its name; an empty list means no field is near.
    """
    key = raw.lower()
    scores: dict[str, float] = {}
    within: set[str] = set()
    for spec in specs:
        for name in (spec.key.lower(), *spec.labels):
            scores[spec.key] = max(scores.get(spec.key, 0.0), difflib.SequenceMatcher(None, key, name).ratio())
            if key and (key in name or name in key):
                within.add(spec.key)
    if len(within) == 1:
        scores[next(iter(within))] = 1.0
    ranked = sorted((r, k) for k, r in scores.items() if r >= NEAR_MISS or k in within)[::-1][:3]
    sure = bool(ranked) and ranked[0][0] >= SURE_MATCH and (len(ranked) == 1 or ranked[1][0] < ranked[0][0])
    return [(k, sure and i == 0) for i, (_, k) in enumerate(ranked)]


def _key_text(text: str) -> str:
    """A key or code word as compared: NFC, no whitespace (a short text is read once)."""
    return _key_memo(text) if memo_text(text) else _compare_text(text)


def _compare_text(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


_key_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_compare_text)


_BY_LABEL: dict[tuple[int, bool], dict[str, str]] = {}


def _by_label(specs: tuple[FieldSpec, ...], scalars_only: bool = False) -> dict[str, str]:
    """Every key and label of a table (as compared) → its key; built once per table (the tables are
    module constants, so their identity is the cache key: hashing them costs more than the lookup)."""
    found = _BY_LABEL.get((id(specs), scalars_only))
    if found is None:
        found = _BY_LABEL[(id(specs), scalars_only)] = {
            _key_text(label): spec.key for spec in specs for label in (spec.key, *spec.labels)
            if not scalars_only or spec.kind in _SCALAR_KINDS}
    return found


class _Builder:
    """Builds model objects from Records, collecting findings."""

    def __init__(self, layouts: Layouts | None) -> None:
        self.findings: list[Finding] = []
        self.layouts = layouts or bundled_layouts()
        self.funds_unit = "元"

    def add(self, check: fc.FileCheck, at: Location, **kw: Any) -> None:
        self.findings.append(check.finding(at.file, at.line_or_row, cell=place(at), **kw))

    def fields(self, record: Record, specs: tuple[FieldSpec, ...], where: tuple[str, str]
               ) -> tuple[dict[str, Entry], Source]:
        """Map a Record onto ``specs``: {key: entry} and a Source with each field's line and location."""
        loc = record.location
        source = Source(loc.file, loc.line_or_row, location=loc)
        by_label = _by_label(specs)
        found: dict[str, Entry] = {}
        first: dict[str, Location] = {}
        unknown: list[Entry] = []
        for entry in record.entries:
            key_loc = entry.key_location or entry.location
            raw = str(entry.key)
            # most keys are written as compared (no space, NFC): those need no normalising
            key = by_label.get(raw) or by_label.get(_key_text(raw))
            if key is None:
                unknown.append(entry)
                continue
            if key in first:
                self.add(fc.DUPLICATE_KEY, key_loc, key=str(entry.key), first=first[key].line_or_row)
                continue
            first[key] = key_loc
            self._take(found, source, key, entry)
        # after the known keys, so a near miss is read only for a field the mapping does not give
        for entry in unknown:
            raw = str(entry.key)
            close = suggest_keys(_key_text(raw), specs)
            if close and close[0][1] and close[0][0] not in found:
                key, label = close[0][0], _LABELS.get(close[0][0], close[0][0])
                self._take(found, source, key, entry)
                hint = (f"是否想写“{label}”（{key}）？已按该字段读取，请改正",
                        f"did you mean '{key}' ({label})? read as that field; please correct it")
            elif close:
                names = [f"{_LABELS.get(k, k)}（{k}）" for k, _ in close]
                hint = (f"是否想写“{'”或“'.join(names)}”？", f"did you mean {' or '.join(names)}?")
            elif specs is not FUNDS_FIELDS:
                # a column of the form the rules do not read (项目负责人, 联系电话, 备注): no value is
                # lost to a rule and there is nothing to correct
                self.add(fc.UNUSED_KEY, entry.key_location or entry.location, key=raw, where=where)
                continue
            else:
                # an amount the funds block cannot place would be left out of its sums: the unit says
                # which source it is
                allowed = "、".join(f"{s.key}/{s.label}" for s in specs)
                hint = (f"可用字段：{allowed}", f"allowed: {allowed}")
            self.add(fc.UNKNOWN_KEY, entry.key_location or entry.location, key=raw, where=where, hint=hint)
        return found, source

    @staticmethod
    def _take(found: dict[str, Entry], source: Source, key: str, entry: Entry) -> None:
        found[key] = entry
        source.field_lines[key] = entry.location.line_or_row
        source.locations[key] = entry.location

    def scalar(self, entries: dict[str, Entry], spec: FieldSpec, unreadable: list[str]) -> Any:
        """Convert one field; None when absent, empty, unreadable or invalid (invalid is a finding)."""
        entry = entries.get(spec.key)
        if entry is None or entry.value is None:
            return None
        value = entry.value
        if value is UNREADABLE:
            if spec.key not in unreadable:
                unreadable.append(spec.key)
            return None
        if isinstance(value, (Record, list, tuple, Cell)):
            self.add(fc.BAD_VALUE, entry.location, key=_field_label(spec), value=_preview(value),
                     reason=("应为单个值", "expected a single value"))
            return None
        try:
            return _convert_memo(value, spec.kind, self.funds_unit)
        except ValueError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], tuple) else str(exc)
            self.add(fc.BAD_VALUE, entry.location, key=_field_label(spec), value=str(value)[:80], reason=reason)
            return None

    def keys(self, entries: dict[str, Entry], specs: tuple[FieldSpec, ...]) -> list[str]:
        """The ``unreadable`` list: field keys (or labels) of the same table, as keys."""
        entry = entries.get("unreadable")
        if entry is None or entry.value is None:
            return []
        items = entry.value if isinstance(entry.value, (list, tuple)) else [entry.value]
        by_label = _by_label(specs, scalars_only=True)
        out: list[str] = []
        for item in items:
            where = item.location if isinstance(item, Cell) else entry.location
            text = item.value if isinstance(item, Cell) else item
            key = by_label.get(_key_text(str(text))) if isinstance(text, (str, int)) else None
            if key is None:
                allowed = "、".join(s.key for s in specs if s.kind in _SCALAR_KINDS)
                self.add(fc.BAD_VALUE, where, key=("无法识别", "unreadable"), value=_preview(text),
                         reason=(f"应为本表的字段名：{allowed}", f"expected a field of this table: {allowed}"))
            elif key not in out:
                out.append(key)
        return out

    def project(self, record: Record) -> Project:
        entries, source = self.fields(record, PROJECT_FIELDS, ("项目", "project"))
        unreadable = self.keys(entries, PROJECT_FIELDS)
        values: dict[str, Any] = {}
        for spec in PROJECT_FIELDS:
            if spec.kind in _SCALAR_KINDS and spec.key != "kind":
                values[spec.key] = self.scalar(entries, spec, unreadable)
        values["form"] = values["form"] or DEFAULT_FORM
        # a bare number in the funds block is in the form's unit; an unknown form is reported later
        # (G60-FORM-004) and read as the default form
        layout = self.layouts.layout(values["form"]) or self.layouts.layout(DEFAULT_FORM)
        self.funds_unit = layout.funds_unit if layout else "元"
        funds = Funds(source=Source(source.file, source.line_of("funds"), location=source.location_of("funds")))
        funds_entry = entries.get("funds")
        if funds_entry is not None and funds_entry.value is not None:
            if isinstance(funds_entry.value, Record):
                fund_entries, fund_source = self.fields(funds_entry.value, FUNDS_FIELDS, ("项目资金", "funds"))
                fund_unreadable = self.keys(fund_entries, FUNDS_FIELDS)
                amounts = {s.key: self.scalar(fund_entries, s, fund_unreadable)
                           for s in FUNDS_FIELDS if s.kind in _SCALAR_KINDS}
                notes = {key: note for key, amount in amounts.items() if amount is not None
                         and (note := _money_note(fund_entries[key].value, self.funds_unit)) is not None}
                funds = Funds(**amounts, notes=notes, unreadable=fund_unreadable, source=fund_source)
            elif funds_entry.value is UNREADABLE:
                unreadable.append("funds")
            else:
                self.add(fc.BAD_VALUE, funds_entry.location, key=("项目资金", "funds"),
                         value=_preview(funds_entry.value), reason=_not_a_mapping(funds_entry.value, funds_entry.location))
        indicators: list[Indicator] = []
        rows_entry = entries.get("indicators")
        if rows_entry is not None and rows_entry.value is not None:
            if isinstance(rows_entry.value, (list, tuple)):
                for number, row in enumerate(rows_entry.value, start=1):
                    indicators.append(self.indicator(row, number, rows_entry.location))
            else:
                self.add(fc.BAD_VALUE, rows_entry.location, key="indicators", value=_preview(rows_entry.value),
                         reason=("应为指标行列表", "expected a list of indicator rows"))
        return Project(**values, funds=funds, indicators=indicators, unreadable=unreadable, source=source)

    def indicator(self, row: Any, number: int, where: Location) -> Indicator:
        label = (f"第 {number} 行指标", f"indicator row {number}")
        if isinstance(row, Record):
            entries, source = self.fields(row, INDICATOR_FIELDS, label)
        else:
            loc = row.location if isinstance(row, Cell) else where
            self.add(fc.BAD_VALUE, loc, key=label, value=_preview(row),
                     reason=_not_a_mapping(row.value if isinstance(row, Cell) else row, loc))
            entries, source = {}, Source(loc.file, loc.line_or_row, location=loc)
        unreadable = self.keys(entries, INDICATOR_FIELDS)
        # a row fills a few of its columns: an absent one is None without a call
        cells = {s.key: self.scalar(entries, s, unreadable) if s.key in entries else None for s in _ROW_SCALARS}
        direction = _code(cells["direction"], DIRECTIONS)
        qualitative = _code(cells["qualitative"], QUALITATIVE)
        operator = cells["operator"]
        # the operator column of the national form also holds 正向/反向 and 定性
        if operator is not None and _key_text(operator) in DIRECTIONS:
            direction = direction or DIRECTIONS[_key_text(operator)]
            operator = None
        elif operator is not None and _key_text(operator) in QUALITATIVE:
            qualitative = QUALITATIVE[_key_text(operator)] if qualitative is None else qualitative
            operator = None
        for key, decoded in (("direction", direction), ("qualitative", qualitative)):
            if cells[key] is not None and decoded is None:
                self.add(fc.BAD_VALUE, source.location_of(key), key=(_LABELS[key], key), value=cells[key][:80],
                         reason=("应为 正向/反向" if key == "direction" else "应为 定性/定量",
                                 "expected 正向/反向" if key == "direction" else "expected 定性/定量"))
        composed = compose_target_value(cells["target_value"], operator, cells["unit"])
        return Indicator(
            row=number, level1=cells["level1"], level2=cells["level2"], level3=cells["level3"],
            target_value=composed.value, value_cell=cells["target_value"], unit=cells["unit"],
            operator=cells["operator"], conflicting_unit=composed.unit_conflict,
            conflicting_operator=composed.operator_conflict,
            direction=direction, qualitative=qualitative, weight=cells["weight"],
            # mid- and long-term values share the row's operator and unit columns
            midterm_target=compose_target_value(cells["midterm_target"], operator, cells["unit"]).value
            if cells["midterm_target"] else None,
            longterm_target=compose_target_value(cells["longterm_target"], operator, cells["unit"]).value
            if cells["longterm_target"] else None,
            standard=cells["standard"], explanation=cells["explanation"], unreadable=unreadable, source=source,
        )

    def department(self, record: Record) -> Department:
        entries, source = self.fields(record, DEPARTMENT_FIELDS, ("部门", "department"))
        values = {s.key: self.scalar(entries, s, []) for s in DEPARTMENT_FIELDS
                  if s.kind in _SCALAR_KINDS and s.key != "kind"}
        files: list[str] = []
        inline: list[Project] = []
        listed = entries.get("projects")
        if listed is not None and isinstance(listed.value, (list, tuple)):
            for item in listed.value:
                where = item.location if isinstance(item, Cell) else listed.location
                text = item.value if isinstance(item, Cell) else item
                if isinstance(text, Record) and rows_over_limit(text) is not None:
                    self.findings.append(too_many_rows(rows_over_limit(text)))
                elif isinstance(text, Record):
                    inline.append(self.project(text))
                elif isinstance(text, str) and text.strip():
                    files.append(text.strip())
                    source.field_lines[f"projects[{len(files) - 1}]"] = where.line_or_row
                    source.locations[f"projects[{len(files) - 1}]"] = where
                else:
                    self.add(fc.BAD_VALUE, where, key="projects", value=_preview(text),
                             reason=("应为项目文件路径", "expected a file path"))
        elif listed is not None and listed.value is not None:
            self.add(fc.BAD_VALUE, listed.location, key="projects", value=_preview(listed.value),
                     reason=("应为项目文件路径列表", "expected a list of file paths"))
        return Department(**values, project_files=files, projects=inline, source=source)


def _field_label(spec: FieldSpec) -> tuple[str, str]:
    return _LABELS.get(spec.key, spec.key), spec.key


def _not_a_mapping(value: Any, at: Location) -> tuple[str, str]:
    """Why a value is not the mapping expected; names a colon slip ("项目资金总额：100") if there is one."""
    slip = yaml_errors.colon_slip(value, at.line_or_row) if isinstance(value, str) else None
    return (f"应为映射；{slip.zh}", f"expected a mapping; {slip.en}") if slip else ("应为映射", "expected a mapping")


def _code(text: str | None, table: dict) -> Any:
    return None if text is None else table.get(_key_text(text))


def _preview(value: Any) -> str:
    if isinstance(value, Record):
        return "{…}"
    if isinstance(value, (list, tuple)):
        return "[…]"
    if isinstance(value, Cell):
        return _preview(value.value)
    return str(value)[:80]


def _decimal_text(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def convert(value: Any, kind: FieldKind, funds_unit: str = "元") -> Any:
    """Convert one scalar cell (text as written, a typed number, or a date) to the field's kind;
    ``funds_unit`` (元 or 万元) is what a bare number in a MONEY_FORM field means.

    Raises ValueError with a (Chinese, English) reason.
    """
    if isinstance(value, bool) or isinstance(value, float):
        # a float is binary noise for money and counts: readers hand numbers over as Decimal
        value = str(value).lower() if isinstance(value, bool) else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        value = value.date()
    if kind is FieldKind.DATE:
        if isinstance(value, dt.date):
            return PartialDate.of(value)
        text = _decimal_text(value) if isinstance(value, (Decimal, int)) else unicodedata.normalize("NFC", str(value))
        return parse_partial_date(text) if text.strip() else None
    if isinstance(value, dt.date):
        if kind in (FieldKind.TEXT, FieldKind.TARGET_VALUE):
            return value.isoformat()
        raise ValueError(("应为数值，而不是日期", "expected a number, not a date"))
    if isinstance(value, (Decimal, int)):
        return _number(value, kind, funds_unit)
    text = one_line_break(unicodedata.normalize("NFC", str(value)))
    stripped = text.strip()
    if kind is FieldKind.TEXT:
        return stripped or None
    if kind is FieldKind.TARGET_VALUE:
        return text if stripped else None
    if not stripped:
        return None
    if kind is FieldKind.INT:
        if not (stripped.isascii() and stripped.isdigit() and len(stripped) <= 9):
            raise ValueError(("应为非负整数", "expected a whole number"))
        return int(stripped)
    if kind is FieldKind.DECIMAL:
        number = stripped.removesuffix("%").removesuffix("分").strip()
        try:
            parsed = Decimal(number)
        except InvalidOperation:
            raise ValueError(("应为数值（例：10、10%、10分）", "expected a number (10, 10%, 10分)")) from None
        if not parsed.is_finite():
            raise ValueError(("应为数值", "expected a finite number"))
        return parsed
    try:
        return parse_money(stripped, default_unit=_unit(kind, funds_unit))
    except ValueError as exc:
        raise ValueError(("不是可识别的金额（例：2, 000, 000. 00、73.5万元）", str(exc))) from None


# (text as written, field kind, funds unit) → the converted cell: a season repeats the same
# category names, units, amounts and dates. Only exact ``str`` keys (memo_text) and only results
# (str, int, Decimal, frozen PartialDate, None: immutable, so shared safely); a refused text raises
# again each time. Emptied when full (clear() is one step, safe with threads loading at once).
_CONVERTED: dict[tuple[str, FieldKind, str], Any] = {}


def _convert_memo(value: Any, kind: FieldKind, funds_unit: str) -> Any:
    """:func:`convert`, remembered per distinct short text; raises what it raises."""
    if not memo_text(value):
        return convert(value, kind, funds_unit)
    key = (value, kind, funds_unit)
    try:
        return _CONVERTED[key]
    except KeyError:
        pass
    result = convert(value, kind, funds_unit)
    if len(_CONVERTED) >= MEMO_SIZE:
        _CONVERTED.clear()
    _CONVERTED[key] = result
    return result


def _money_note(value: Any, funds_unit: str) -> str | None:
    """The note written beside a funds amount that was read ("500万元(其中上级资金220万元)" →
    "其中上级资金220万元"); None for a number cell or a cell without a note."""
    if not isinstance(value, str):
        return None
    return parse_money_cell(unicodedata.normalize("NFC", value).strip(), default_unit=funds_unit).note


def _unit(kind: FieldKind, funds_unit: str) -> str:
    return {FieldKind.MONEY_WAN: "万元", FieldKind.MONEY_FORM: funds_unit}.get(kind, "元")


def _number(value: Decimal | int, kind: FieldKind, funds_unit: str) -> Any:
    """A number typed as a number: exact, in the field's unit (万元 fields × 10 000)."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(("应为有限数值", "expected a finite number"))
    if kind is FieldKind.INT:
        if value != int(value) or value < 0:
            raise ValueError(("应为非负整数", "expected a whole number"))
        return int(value)
    if kind in (FieldKind.TEXT, FieldKind.TARGET_VALUE):
        return _decimal_text(value)
    if kind is FieldKind.DECIMAL:
        return Decimal(value)
    return parse_money(_decimal_text(value), default_unit=_unit(kind, funds_unit))


def build_project(data: Record | Mapping[str, Any], location: Location | None = None,
                  locations: Mapping[str, Location] | None = None,
                  layouts: Layouts | None = None) -> tuple[Project, list[Finding]]:
    """A :class:`Project` and the findings about its cells. ``data``: a Record, or a dict with
    ``location`` (of the mapping; required for a dict) and ``locations`` (per key). ``layouts``:
    the ruleset's (default: the bundled core ruleset's) — the form's layout gives the funds unit."""
    builder = _Builder(layouts)
    record = data if isinstance(data, Record) else to_record(data, _need(location), locations)
    project = builder.project(record)
    # a file may hold several projects (one per sheet): each cell finding names its own project and
    # units, so it is never counted under another project of the same file
    return project, [replace(f, project=f.project or project.name,
                             competent_department=project.competent_department,
                             implementing_unit=project.implementing_unit) for f in builder.findings]


def build_department(data: Record | Mapping[str, Any], location: Location | None = None,
                     locations: Mapping[str, Location] | None = None,
                     layouts: Layouts | None = None) -> tuple[Department, list[Finding]]:
    """A :class:`Department` (with its inline projects) and the findings about its cells."""
    builder = _Builder(layouts)
    record = data if isinstance(data, Record) else to_record(data, _need(location), locations)
    return builder.department(record), builder.findings


def _need(location: Location | None) -> Location:
    if location is None:
        raise TypeError("a plain mapping needs its location")
    return location
