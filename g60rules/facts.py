"""Facts: the normalised, flat records both rule engines read.

One :class:`Declaration` is one unit of screening (one engine session): a project with its indicator
rows, or a department. Each :class:`Fact` holds only the fields of :mod:`g60rules.schema`, with

* numbers (counts, percentages) as finite floats with ``|x| < 10^15``; money as whole 厘 (an int,
  元 × 1000, exact: :func:`g60rules.schema.money_units`) below 10^15 元; dates as ``YYYYMMDD`` floats;
* text NFC-normalised, control characters (line breaks included) as spaces, at most 60,000 UTF-8
  bytes, without lone surrogates;
* absent and null fields left out.

This is what keeps durable-rules exact (DURABLE-RULES.md: non-finite numbers crash it, mixed types
compare as strings, long strings compare by a prefix, nulls abort a batch). A value that cannot be
normalised is dropped and reported as a finding (G60-DATA-001) with its file and line — never
silently. Money in messages is shown from the exact Decimal, not from the float.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from g60rules import findings as fc
from g60rules import schema
from g60rules.dates import DateBound
from g60rules.findings import Finding
from g60rules.graph import DeclarationGraph
from g60rules.model import Source, place
from g60rules.values import format_yuan
from g60rules.rules.conditions import Match, MatchMemo, full_match, match_field

MAX_ABS = 1e15
MAX_TEXT_BYTES = 60_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Display(MutableMapping):
    """Field path → the text a message shows, rendered on first use.

    Only findings show values, and most facts have none: rendering every value of every fact
    (money with thousands separators, dates) was a quarter of screening time (issue 9).
    """

    __slots__ = ("_raw", "_text")

    def __init__(self) -> None:
        self._raw: dict[str, tuple[Any, schema.FieldType]] = {}
        self._text: dict[str, str] = {}

    def defer(self, key: str, raw: Any, ftype: schema.FieldType) -> None:
        """Show ``raw`` (a field value of type ``ftype``) under ``key`` when asked."""
        self._raw[key] = (raw, ftype)
        self._text.pop(key, None)

    def __getitem__(self, key: str) -> str:
        if key not in self._text:
            raw, ftype = self._raw[key]
            self._text[key] = _display(raw, ftype)
        return self._text[key]

    def __setitem__(self, key: str, text: str) -> None:
        self._text[key] = text
        self._raw.pop(key, None)

    def __delitem__(self, key: str) -> None:
        if key not in self._text and key not in self._raw:
            raise KeyError(key)
        self._text.pop(key, None)
        self._raw.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._text or key in self._raw

    def __iter__(self):
        yield from self._text
        yield from (k for k in self._raw if k not in self._text)

    def __len__(self) -> int:
        return len(self._text) + sum(1 for k in self._raw if k not in self._text)


@dataclass
class Fact:
    """One engine fact. ``values`` is what the engines see; ``display`` renders messages."""

    id: str
    type: str
    values: dict[str, float | str]
    display: Display
    file: str
    line: int
    line_of: Callable[[str], int] | None = None
    cell_of: Callable[[str | None], str | None] | None = None  # sheet › cell of a field (table files)
    table_rows: dict[str, int] = field(default_factory=dict)
    department: str | None = None
    project: str | None = None
    indicator: str | None = None
    row: int | None = None
    competent_department: str | None = None
    implementing_unit: str | None = None


@dataclass
class Declaration:
    """One engine session: the facts of one project (or one department) and its data findings."""

    file: str
    facts: list[Fact]
    findings: list[Finding] = field(default_factory=list)


def _display(value: Any, ftype: schema.FieldType) -> str:
    if isinstance(value, Decimal):
        if ftype is schema.MONEY:
            return format_yuan(value)
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)  # a DateBound shows the date as written: 2025年3月


def _normalise(value: Any, ftype: schema.FieldType) -> tuple[float | str | None, str | None]:
    """The engine value and, when the value had to be dropped or changed, the reason."""
    if isinstance(value, DateBound):
        value = value.date
    if isinstance(value, dt.date):
        return float(value.year * 10000 + value.month * 100 + value.day), None
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        if ftype.name == "money":
            try:
                units = schema.money_units(value)
            except ValueError as exc:
                return None, f"金额无法精确比较 / amount cannot be compared exactly: {value} ({exc})"
            if abs(units) >= MAX_ABS * schema.MONEY_SCALE:
                return None, f"|x| ≥ 10^15 元 / |x| ≥ 10^15 yuan: {value}"
            return units, None
        number = float(value)
        if not math.isfinite(number) or abs(number) >= MAX_ABS:
            return None, f"|x| ≥ 10^15 或非有限数 / |x| ≥ 10^15 or not finite: {value}"
        return number, None
    # Line breaks and other control characters become spaces: the two engines' patterns read a
    # line break differently (measured: "a.b" matches "a\nb" in Python, not in durable-rules).
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", str(value)))
    reason = None
    encoded = text.encode("utf-8", "replace")
    if len(encoded) > MAX_TEXT_BYTES:
        encoded = encoded[:MAX_TEXT_BYTES]
        reason = f"文本超过 {MAX_TEXT_BYTES} 字节，已截断 / text longer than {MAX_TEXT_BYTES} bytes was cut"
    clean = encoded.decode("utf-8", "ignore")
    if clean != text and reason is None:
        reason = "文本含无效字符，已替换 / text had invalid characters, replaced"
    return clean, reason


_SEEN: dict[tuple, tuple[float | str | None, str | None]] = {}


def _normalised(value: Any, ftype: schema.FieldType) -> tuple[float | str | None, str | None]:
    """:func:`_normalise`, remembered for short values: a project's fields recur on each of its
    indicator rows, and the same labels and amounts across a season. The value's type is part of
    the key (``True == 1 == Decimal(1)`` as dict keys), and so is the field's (an amount is held in
    厘 in a money field, as a plain number elsewhere); only values kept whole are remembered, so a
    reason always quotes its own value's text."""
    if isinstance(value, str) and len(value) > 256:
        return _normalise(value, ftype)
    key = (type(value), value, ftype.name)
    found = _SEEN.get(key)
    if found is None:
        if len(_SEEN) >= 20_000:
            _SEEN.clear()
        found = _normalise(value, ftype)
        if found[1] is None:
            _SEEN[key] = found
    return found


@dataclass(frozen=True)
class _Table:
    """A threshold table with the index of its first ``default`` row (None: it has none)."""

    table: Any
    default: int | None


class FactPlan:
    """What building facts needs from one compiled ruleset, worked out once for all declarations.

    Per kind of fact: ``fields`` — (path, field type, type name) of the fields some rule, count,
    table or message reads (``used``; all of :mod:`g60rules.schema` when None), in schema order (an
    indicator would otherwise carry every project field); ``matches`` — (text field,
    :class:`MatchMemo` of that field's patterns, computed field names) per text field, and
    ``match_order`` — (computed field name, text field, position in its memo) in the order the
    rules name them; ``kind_tables`` — the threshold tables keyed by a field of this kind. The memos
    live as long as the plan, so a label met in one unit is matched once for the season.
    """

    def __init__(self, counts: dict | None = None, tables: dict | None = None,
                 used: dict[str, set[str]] | None = None, matches: dict[str, list[Match]] | None = None):
        self.counts = counts or {}
        self.tables = tables or {}
        self.fields = {kind: tuple((k, t, t.name) for k, t in known.items() if used is None or k in used[kind])
                       for kind, known in schema.FACTS.items()}
        self.names = {kind: frozenset(k for k, _, _ in fields) for kind, fields in self.fields.items()}
        # (indicator field, project field it repeats, type) of the project fields a rule reads on a row
        self.inherited = tuple((k, k[8:], t) for k, t, _ in self.fields["indicator"] if k.startswith("project."))
        self.matches: dict[str, tuple] = {}
        self.match_order: dict[str, tuple] = {}
        for kind, leaves in (matches or {}).items():
            by_field: dict[str, dict[str, str]] = {}  # text field → pattern → computed field
            order: dict[str, tuple[str, str]] = {}  # computed field → (text field, pattern)
            for leaf in leaves:
                name = match_field(leaf)
                by_field.setdefault(leaf.field, {})[leaf.pattern] = name
                order.setdefault(name, (leaf.field, leaf.pattern))
            self.matches[kind] = tuple((f, MatchMemo(tuple(names)), tuple(names.values()))
                                       for f, names in by_field.items())
            self.match_order[kind] = tuple((name, f, list(by_field[f]).index(pattern))
                                           for name, (f, pattern) in order.items())
        self.kind_tables = {kind: tuple(_Table(t, next((i for i, row in enumerate(t.rows) if row[0] == "default"),
                                                       None))
                                        for t in self.tables.values() if t.fact == kind)
                            for kind in schema.FACTS}


class FactBuilder:
    """Turns graph nodes into facts for one compiled ruleset, adding its computed fields.

    ``counts`` (name → CountField) and ``tables`` (name → TableField) come from the compiled
    ruleset; ``evaluate`` is the reference evaluator, used to count children. ``matches`` (kind of
    fact → Match leaves) become computed fields (:func:`g60rules.rules.conditions.match_field`):
    1.0 when the pattern matches, 0.0 when not, absent when the text field is. ``plan``: a
    :class:`FactPlan` of the same ruleset, reused across graphs (then the other arguments but
    ``evaluate`` are not read).
    """

    def __init__(self, graph: DeclarationGraph, counts: dict | None = None, evaluate=None,
                 tables: dict | None = None, used: dict[str, set[str]] | None = None,
                 matches: dict[str, list[Match]] | None = None, plan: FactPlan | None = None):
        self.graph = graph
        self.plan = plan or FactPlan(counts, tables, used, matches)
        self.counts = self.plan.counts
        self._evaluate = evaluate
        self._built: dict[str, Declaration] = {}

    def _fact(self, fid: str, ftype: str, attrs: dict[str, Any], extra: list[tuple],
              problems: list[Finding], line_of, cell_of=None) -> Fact:
        """A fact of kind ``ftype`` from node attributes ``attrs`` and ``extra`` fields, already
        normalised (:meth:`_normalise_all`)."""
        values: dict[str, float | str] = {}
        display = Display()
        deferred = display._raw
        seen = _SEEN
        file = attrs["file"]
        for key, ftype_, tname in self.plan.fields[ftype]:
            raw = attrs.get(key)
            if raw is None:
                continue
            if type(raw) is str and len(raw) > 256:
                value, reason = _normalise(raw, ftype_)
            else:
                found = seen.get((type(raw), raw, tname))
                value, reason = found if found is not None else _normalised(raw, ftype_)
            deferred[key] = (raw, ftype_)
            if reason:
                problems.append(fc.DROPPED_VALUE.finding(file, line_of(key), key=key, reason=reason,
                                                         cell=cell_of(key) if cell_of else None))
            if value is not None:
                values[key] = value
        for key, raw, ftype_, value, reason in extra:
            deferred[key] = (raw, ftype_)
            if reason:
                problems.append(fc.DROPPED_VALUE.finding(file, line_of(key), key=key, reason=reason,
                                                         cell=cell_of(key) if cell_of else None))
            if value is not None:
                values[key] = value
        self._add_matches(ftype, values)
        fact = Fact(fid, ftype, values, display, file, attrs["line"], line_of, cell_of)
        self._add_tables(fact, problems)
        return fact

    def _normalise_all(self, ftype: str, extra: dict[str, tuple[Any, schema.FieldType]]) -> list[tuple]:
        """(path, raw, field type, engine value, reason) of the ``extra`` fields a ``ftype`` fact
        carries: inherited fields, normalised once for all the facts that inherit them."""
        known = self.plan.names[ftype]
        out = []
        for key, (raw, ftype_) in extra.items():
            if key in known and raw is not None:
                out.append((key, raw, ftype_, *_normalised(raw, ftype_)))
        return out

    def _add_matches(self, ftype: str, values: dict[str, float | str]) -> None:
        """The computed match fields, in the order the rules name them."""
        results = {}
        for text_field, memo, _ in self.plan.matches.get(ftype, ()):
            text = values.get(text_field)
            if isinstance(text, str):
                results[text_field] = memo(text)
        if results:
            for name, text_field, index in self.plan.match_order[ftype]:
                found = results.get(text_field)
                if found is not None:
                    values[name] = 1.0 if found[index] else 0.0

    def _add_tables(self, fact: Fact, problems: list[Finding]) -> None:
        """Look up each threshold table of this kind of fact by the fact's key field."""
        for entry in self.plan.kind_tables[fact.type]:
            table = entry.table
            key = fact.values.get(table.key)
            hits = [i for i, (kind, matcher, _) in enumerate(table.rows)
                    if key is not None and kind != "default" and _row_matches(kind, matcher, key)]
            if table.hit == "unique" and len(hits) > 1:
                problems.append(fc.TABLE_AMBIGUOUS.finding(
                    fact.file, fact.line_of(table.key) if fact.line_of else fact.line,
                    rule=table.name.split(".")[1], key=table.key, value=fact.display.get(table.key, ""),
                    rows=", ".join(str(i + 1) for i in hits)))
                continue
            chosen = hits[0] if hits else entry.default
            if chosen is not None:
                fact.values[table.name] = table.rows[chosen][2]
                fact.display[table.name] = table.displays[chosen]
                fact.table_rows[table.name] = chosen

    def declarations(self) -> list[Declaration]:
        """One declaration per department node and per project node, in file order."""
        out: list[Declaration] = []
        g = self.graph.g
        for node, attrs in g.nodes(data=True):
            if attrs["node_type"] == "department":
                out.append(self.department(node))
            elif attrs["node_type"] == "project":
                out.append(self.project(node))
        return out

    def department(self, node: str) -> Declaration:
        attrs = self.graph.g.nodes[node]
        problems: list[Finding] = []
        source = self.graph.sources.get(node)
        line_of = _liner(source, attrs, {"rollup.": "declared_total"})
        dept = self._fact("f0", "department", attrs, [], problems, line_of,
                          _placer(source, {"rollup.": "declared_total"}))
        dept.department = attrs.get("name")
        if self.counts:
            children = [self.project(p).facts[0] for p in self.graph.projects(node)]
            self._add_counts(dept, "project", children)
        return Declaration(attrs["file"], [dept], problems)

    def project(self, node: str) -> Declaration:
        # a department's counts need its projects' facts first: build each project once
        if node in self._built:
            return self._built[node]
        self._built[node] = declaration = self._project(node)
        return declaration

    def _project(self, node: str) -> Declaration:
        g = self.graph.g
        attrs = g.nodes[node]
        problems: list[Finding] = []
        source = self.graph.sources.get(node)
        dept_node = attrs.get("department_node")
        dept_attrs = g.nodes[dept_node] if dept_node else {}
        department = dept_attrs.get("name")
        extra = self._normalise_all("project", {
            f"department.{k}": (dept_attrs[k], schema.PROJECT[f"department.{k}"])
            for k in schema.DEPARTMENT if not k.startswith("rollup.") and k in dept_attrs})
        prefixes = {"budget_gap": "budget_arrangement", "target.": "annual_target", "plan.": "plan_end"}
        project = self._fact("f0", "project", attrs, extra, problems, _liner(source, attrs, prefixes),
                             _placer(source, prefixes))
        project.department, project.project = department, attrs.get("name")
        # the note written beside an amount ("其中上级资金220万元") is for messages only: no rule
        # compares it, so it is display and never an engine value
        notes = {k: v for k, v in attrs.items() if k.startswith("funds.") and k.endswith(".note")}
        project.display.update(notes)
        units = attrs.get("competent_department"), attrs.get("implementing_unit")
        project.competent_department, project.implementing_unit = units
        inherited = self._normalise_all("indicator", {k: (attrs[own], t) for k, own, t in self.plan.inherited
                                                      if own in attrs})
        project_notes = {f"project.{k}": v for k, v in notes.items()}
        indicators: list[Fact] = []
        prefixes = _INDICATOR_PREFIXES
        for index, ind_node in enumerate(self.graph.indicators(node), start=1):
            ind_attrs = g.nodes[ind_node]
            ind_source = self.graph.sources.get(ind_node)
            fact = self._fact(f"f{index}", "indicator", ind_attrs, inherited, problems,
                              _liner(ind_source, ind_attrs, prefixes), _placer(ind_source, prefixes))
            fact.department, fact.project = department, attrs.get("name")
            if project_notes:
                fact.display.update(project_notes)
            fact.competent_department, fact.implementing_unit = units
            fact.indicator, fact.row = ind_attrs.get("level3"), ind_attrs["row"]
            indicators.append(fact)
        if self.counts:
            self._add_counts(project, "indicator", indicators)
        return Declaration(attrs["file"], [project, *indicators], problems)

    def _add_counts(self, parent: Fact, child_type: str, children: list[Fact]) -> None:
        for name, count in self.counts.items():
            if count.child_type == child_type:
                n = sum(1 for c in children if self._evaluate(count.where, c.values))
                parent.values[name] = float(n)
                parent.display[name] = str(n)


_INDICATOR_PREFIXES = {"value.": "target_value", "level1": "level1", "level2": "level2", "dup.": "level3",
                       "match.": "target_value", "period.": "target_value", "name.": "level3",
                       "annual.": "target_value"}


def _field_key(source: Source, key: str, prefixes: dict[str, str]) -> str:
    """The Source key a fact field is read from (its own field, else the mapping)."""
    for prefix, field_key in prefixes.items():
        if key.startswith(prefix):
            return field_key
    key = key.removeprefix("cell.")  # a cell's state points at the cell
    key = {"funds.project_gap": "funds.total", "funds.annual_gap": "funds.annual_request"}.get(key, key)
    if key.startswith("funds.") and key not in source.field_lines:
        key = "funds"
    return key


def _liner(source: Source | None, attrs: dict, prefixes: dict[str, str]):
    """Map a fact field to its line: the field's own line, else the mapping's line."""

    def line_of(key: str) -> int:
        if source is None:
            return attrs["line"]
        return source.line_of(_field_key(source, key, prefixes))

    return line_of


def _placer(source: Source | None, prefixes: dict[str, str]):
    """Map a fact field (None: the mapping) to its sheet › cell, or None for a line-based file."""

    def cell_of(key: str | None) -> str | None:
        if source is None or source.location is None:
            return None
        return place(source.location_of(_field_key(source, key, prefixes)) if key else source.location)

    return cell_of


def _row_matches(kind: str, matcher: Any, key: float | str) -> bool:
    if kind == "eq":
        return key == matcher
    if kind == "in":
        return key in matcher
    return isinstance(key, str) and full_match(matcher, key)
