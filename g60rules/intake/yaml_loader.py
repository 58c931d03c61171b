"""Load declaration files (YAML) into the typed model, turning every problem into a finding.

Shapes: :func:`load_corpus` takes files and directories and returns a :class:`Corpus` — the
departments (each with its projects), the projects no department lists, the findings about the files
themselves, and the paths it did not read because they are not ``.yaml``/``.yml`` (reported, never
dropped in silence).

The YAML is read from libyaml's events (PyYAML's safe loader composes the few documents with an
alias, anchor, tag, non-text key or syntax error, and names the problem), so every value keeps its
line. Scalars are kept as their written text: money like ``2000000.00`` is never passed through float. A duplicate key is a
finding (G60-FILE-003), not a silent overwrite; unknown keys are findings (G60-FILE-004) that name the
field meant (a key close to one field only, such as 年度资金申请, is read as that field, so one typo
gives one finding, not a cascade of "not filled"); a key near no field (项目负责人, 备注: a column
no rule reads) is an info notice (G60-FILE-013), ignored; a value that
cannot be read (bad date, bad amount) is a finding (G60-FILE-005) and the field counts as missing.
Keys may be the English identifiers or the Chinese labels of :mod:`g60rules.model`. The mapping is
handed to :mod:`g60rules.intake.build` as a Record of written texts with their lines, the same seam
the workbook and document readers use.

Raises nothing for bad input; :class:`FileNotFoundError` only for a path the caller named that does
not exist (a usage error).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from g60rules import findings as fc
from g60rules.findings import Finding
from g60rules.heap import young_collections_only
from g60rules.intake import build as intake_build
from g60rules.intake import yaml_errors
from g60rules.intake.build import (  # noqa: F401  (suggest_keys, SURE_MATCH: public here too)
    SURE_MATCH, Cell, Entry, Record, build_department, build_project, suggest_keys,
)
from g60rules.intake.tables import TABLE_SUFFIXES, UNSUPPORTED_SUFFIXES, read_table_file
from g60rules.layouts import Layouts
from g60rules.model import KIND_VALUES, PROJECT_FIELDS, Department, Location, Project
from g60rules.progress import SILENT, Progress
from g60rules.safeio import ALIAS_REASON, InputRefused, alias_line, display_path, read_text, resolved, walk_files
from g60rules.values import MEMO_SIZE, memo_text

YAML_SUFFIXES = (".yaml", ".yml")
# tables are read by g60rules.intake.tables; refused formats are picked up only to say so
DECLARATION_SUFFIXES = YAML_SUFFIXES + TABLE_SUFFIXES + UNSUPPORTED_SUFFIXES
# libyaml's loader keeps the same line marks and reads ~13× faster than the pure-Python one
# (bench/: parsing was 87% of screening time); the pure-Python loader is the fallback.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# (plain scalar text, implicit flags) → its tag: the resolver tries a list of patterns for each
# scalar, and a season repeats the same keys and words; bounded like the value memos (emptied when
# full: clear() is one step, so threads reading files at once never see it half changed)
_TAGS: dict[tuple[str, Any], str] = {}


class _SafeLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader; a scalar's implicit tag (null, int, str …) is resolved once per distinct short text."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers or not memo_text(value):
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_TAGS) >= MEMO_SIZE:
                _TAGS.clear()
            _TAGS[key] = tag
        return tag


_SAFE_LOADER = _SafeLoader
# documented in docs/limits.md; a real declaration has tens of rows
_ROW_KEYS = {label for spec in PROJECT_FIELDS if spec.key == "indicators" for label in (spec.key, *spec.labels)}


@dataclass
class Corpus:
    """Everything read from the given paths."""

    departments: list[Department] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    self_evaluations: int = 0  # 自评表 found among table files (reported, never screened)


class _FileLoader:
    """Turns one composed YAML document into :mod:`g60rules.intake.build` records, collecting findings."""

    def __init__(self, display: str):
        self.display = display
        self.findings: list[Finding] = []
        self._at: dict[int, Location] = {}  # one Location per line: a flow mapping's fields share it

    def add(self, check: fc.FileCheck, line: int, **kw: Any) -> None:
        self.findings.append(check.finding(self.display, line, **kw))

    def where(self, node: yaml.Node) -> Location:
        return self.where_line(node.start_mark.line + 1)

    def where_line(self, line: int) -> Location:
        """The one Location of a 1-based line of this file."""
        found = self._at.get(line)
        if found is None:
            found = self._at[line] = Location(self.display, line)
        return found

    def value(self, node: yaml.Node) -> Any:
        """A scalar's written text (None for null), a Record for a mapping, a list of Cells for a list."""
        if isinstance(node, yaml.MappingNode):
            return self.record(node)
        if isinstance(node, yaml.SequenceNode):
            return [Cell(self.value(item), self.where(item)) if isinstance(item, yaml.ScalarNode)
                    else self.value(item) for item in node.value]
        return None if node.tag == _NULL_TAG else _nfc(str(node.value))

    def record(self, node: yaml.MappingNode) -> Record:
        """The mapping's entries in file order; a key that is not plain text is a finding."""
        where, value = self.where, self.value
        record = Record(where(node))
        append = record.entries.append
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.add(fc.UNKNOWN_KEY, key_node.start_mark.line + 1, key=_preview(key_node),
                         where=("映射", "mapping"), hint=("字段名应为文本", "keys are text"))
                continue
            append(Entry(_nfc(str(key_node.value)).strip(), value(value_node), where(value_node), where(key_node)))
        return record


_NULL_TAG = "tag:yaml.org,2002:null"
# the plain scalars the safe resolver reads as null (its null pattern: ~, null, Null, NULL, empty)
_NULL_TEXTS = frozenset(("", "~", "null", "Null", "NULL"))
# nesting the event reader follows before it hands the file to the composing path (a declaration
# nests four deep; the composing path reports a file nested too deeply)
_EVENT_DEPTH = 64


class _Unusual(Exception):
    """The document has something only the composing path reads (an alias, an anchor, a tag, a
    key that is not plain text, more than one document, a syntax error): it reads the file again."""


class _EventReader:
    """Builds the same Records as :meth:`_FileLoader.record` straight from libyaml's events, without
    composing nodes: a plain document (no alias, anchor, tag or non-text key) reads the same either
    way; anything else raises :class:`_Unusual` and the file is composed as before."""

    def __init__(self, text: str, loader: _FileLoader) -> None:
        self._parser = _BASE_LOADER(text)
        self._get = self._parser.get_event
        self._where = loader.where_line
        # the top-level pairs as written (raw key, value event kind, raw value, line): what the
        # kind and row-limit checks read before any record is built
        self.top: list[tuple[Any, type, Any, int]] = []

    def read(self) -> Record:
        """The root mapping's Record; raises :class:`_Unusual`."""
        get = self._get
        try:
            if type(get()) is not yaml.StreamStartEvent or type(get()) is not yaml.DocumentStartEvent:
                raise _Unusual
            start = get()
            if type(start) is not yaml.MappingStartEvent or start.anchor is not None or start.tag is not None:
                raise _Unusual
            record = self._mapping(start, 0)
            if type(get()) is not yaml.DocumentEndEvent or type(get()) is not yaml.StreamEndEvent:
                raise _Unusual
            return record
        except (yaml.YAMLError, RecursionError):
            raise _Unusual from None
        finally:
            self._parser.dispose()

    def _mapping(self, start: Any, depth: int) -> Record:
        get, where = self._get, self._where
        record = Record(where(start.start_mark.line + 1))
        append = record.entries.append
        top = self.top if depth == 0 else None
        while True:
            key = get()
            if type(key) is not yaml.ScalarEvent:
                if type(key) is yaml.MappingEndEvent:
                    return record
                raise _Unusual
            if key.anchor is not None or key.tag is not None:
                raise _Unusual
            event = get()
            value = self._value(event, depth)
            at = where(event.start_mark.line + 1)
            if top is not None:
                top.append((key.value, type(event), event.value if type(event) is yaml.ScalarEvent else value,
                            at.line))
            append(Entry(_nfc(key.value).strip(), value, at, where(key.start_mark.line + 1)))

    def _value(self, event: Any, depth: int) -> Any:
        kind = type(event)
        if event.anchor is not None or kind is yaml.AliasEvent or event.tag is not None or depth > _EVENT_DEPTH:
            raise _Unusual
        if kind is yaml.ScalarEvent:
            text = event.value
            return None if event.implicit[0] and text in _NULL_TEXTS else _nfc(text)
        if kind is yaml.MappingStartEvent:
            return self._mapping(event, depth + 1)
        if kind is not yaml.SequenceStartEvent:
            raise _Unusual
        get, where = self._get, self._where
        items: list[Any] = []
        while True:
            item = get()
            if type(item) is yaml.SequenceEndEvent:
                return items
            if type(item) is yaml.ScalarEvent:
                items.append(Cell(self._value(item, depth + 1), where(item.start_mark.line + 1)))
            else:
                items.append(self._value(item, depth + 1))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _preview(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)[:80]
    return {yaml.MappingNode: "{…}", yaml.SequenceNode: "[…]"}.get(type(node), "?")


def _display(path: Path) -> str:
    try:
        return display_path(os.path.relpath(path))
    except ValueError:
        return display_path(path)


def _read(path: Path, loader: _FileLoader) -> str | None:
    """Read one regular file of bounded size as UTF-8 (:mod:`g60rules.safeio`); a refusal is a finding."""
    try:
        return read_text(path)
    except InputRefused as exc:
        loader.add(fc.UNREADABLE, exc.line, reason=exc.reason)
        return None


def _compose(text: str, loader: _FileLoader) -> yaml.Node | None:
    """Compose one YAML document; a syntax error becomes a finding and returns None."""
    try:
        root = yaml.compose(text, Loader=_SAFE_LOADER)
        # an alias is written "*name": without a "*" the walk for one has nothing to find
        alias = alias_line(root, text) if "*" in text else None
    except RecursionError:
        loader.add(fc.YAML_SYNTAX, 1, reason=("嵌套层数过多", "nested too deeply"))
        return None
    except yaml.YAMLError as exc:
        problem = yaml_errors.explain(text, exc)
        loader.add(fc.YAML_SYNTAX, problem.line, reason=(problem.zh, problem.en))
        return None
    if alias is not None:
        loader.add(fc.YAML_SYNTAX, alias, reason=ALIAS_REASON)
        return None
    if root is None:
        loader.add(fc.NOT_A_DECLARATION, 1, reason=("文件为空", "the file is empty"))
    return root


def _kind_of(root: yaml.Node, loader: _FileLoader) -> str | None:
    if not isinstance(root, yaml.MappingNode):
        loader.add(fc.NOT_A_DECLARATION, root.start_mark.line + 1, reason=("顶层应为映射", "the top level must be a mapping"))
        return None
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value in ("kind", "类型"):
            kind = KIND_VALUES.get(str(value_node.value).strip()) if isinstance(value_node, yaml.ScalarNode) else None
            if kind is None:
                loader.add(fc.NOT_A_DECLARATION, value_node.start_mark.line + 1,
                           reason=(f"类型应为 项目/project 或 部门/department，而不是“{_preview(value_node)}”",
                                   f"kind must be project (项目) or department (部门), not '{_preview(value_node)}'"))
            return kind
    loader.add(fc.NOT_A_DECLARATION, root.start_mark.line + 1,
               reason=("缺少“类型”（类型: 项目 或 部门）", "no 'kind' key (kind: project or department)"))
    return None


def load_file(path: Path, layouts: Layouts | None = None) -> tuple[Project | Department | None, list[Finding]]:
    """Load one declaration file. Returns the object (None when unusable) and the file's findings.

    ``layouts``: the ruleset's form layouts (default: the bundled ones); a form's layout says what
    a bare number in the funds block means (元 or 万元).
    """
    loader = _FileLoader(_display(path))
    text = _read(path, loader)
    if text is None:
        return None, loader.findings
    with young_collections_only():
        return load_text(text, loader.display, loader, layouts)


def load_text(text: str, display: str, loader: _FileLoader | None = None, layouts: Layouts | None = None
              ) -> tuple[Project | Department | None, list[Finding]]:
    """Load one declaration from YAML text; ``display`` names it in findings."""
    loader = loader or _FileLoader(display)
    try:
        record, top = _read_events(text, loader)
    except _Unusual:
        return _load_composed(text, loader, layouts)
    kind = _top_kind(top, record.location.line or 1, loader)
    if kind == "project" and _top_too_many_rows(top, loader):
        return None, loader.findings
    if kind is None:
        return None, loader.findings
    obj, found = (build_project if kind == "project" else build_department)(record, layouts=layouts)
    loader.findings.extend(found)
    return obj, loader.findings


def _read_events(text: str, loader: _FileLoader) -> tuple[Record, list[tuple[Any, type, Any, int]]]:
    """The root Record and its top-level pairs, read from events; raises :class:`_Unusual`.

    Needs no "*" check of its own: an alias event is unusual."""
    reader = _EventReader(text, loader)
    return reader.read(), reader.top


def _top_kind(top: list[tuple[Any, type, Any, int]], line: int, loader: _FileLoader) -> str | None:
    """:func:`_kind_of` on the top-level pairs as written."""
    for key, kind_of_value, value, at in top:
        if key in ("kind", "类型"):
            scalar = kind_of_value is yaml.ScalarEvent
            kind = KIND_VALUES.get(str(value).strip()) if scalar else None
            if kind is None:
                preview = str(value)[:80] if scalar else ("{…}" if kind_of_value is yaml.MappingStartEvent else "[…]")
                loader.add(fc.NOT_A_DECLARATION, at,
                           reason=(f"类型应为 项目/project 或 部门/department，而不是“{preview}”",
                                   f"kind must be project (项目) or department (部门), not '{preview}'"))
            return kind
    loader.add(fc.NOT_A_DECLARATION, line,
               reason=("缺少“类型”（类型: 项目 或 部门）", "no 'kind' key (kind: project or department)"))
    return None


def _top_too_many_rows(top: list[tuple[Any, type, Any, int]], loader: _FileLoader) -> bool:
    """:func:`_too_many_rows` on the top-level pairs as written."""
    limit = intake_build.MAX_ROWS
    for key, kind_of_value, value, at in top:
        if (kind_of_value is yaml.SequenceStartEvent and _nfc(key).strip() in _ROW_KEYS
                and len(value) > limit):
            loader.add(fc.TOO_MANY_ROWS, at, rows=len(value), limit=limit)
            return True
    return False


def _load_composed(text: str, loader: _FileLoader, layouts: Layouts | None
                   ) -> tuple[Project | Department | None, list[Finding]]:
    """The composing path: every document :class:`_EventReader` leaves to it (aliases, anchors,
    tags, syntax errors, a top level that is not a mapping …) with the checks that name them."""
    root = _compose(text, loader)
    if root is None:
        return None, loader.findings
    slip = yaml_errors.colon_slip(text) if isinstance(root, yaml.ScalarNode) else None
    if slip is not None:  # "类型：项目" on every line reads as one string, not as a mapping
        loader.add(fc.YAML_SYNTAX, slip.line, reason=(slip.zh, slip.en))
        return None, loader.findings
    kind = _kind_of(root, loader)
    obj: Project | Department | None = None
    if kind == "project" and _too_many_rows(root, loader):
        return None, loader.findings
    if kind == "project":
        obj, found = build_project(loader.record(root), layouts=layouts)
        loader.findings.extend(found)
    elif kind == "department":
        obj, found = build_department(loader.record(root), layouts=layouts)
        loader.findings.extend(found)
    return obj, loader.findings


def _too_many_rows(root: yaml.MappingNode, loader: _FileLoader) -> bool:
    """Refuse a project over ``build.MAX_ROWS`` indicator rows before building it (memory grows ~10 KB per row)."""
    limit = intake_build.MAX_ROWS
    for key_node, value_node in root.value:
        if (isinstance(key_node, yaml.ScalarNode) and _nfc(str(key_node.value)).strip() in _ROW_KEYS
                and isinstance(value_node, yaml.SequenceNode) and len(value_node.value) > limit):
            loader.add(fc.TOO_MANY_ROWS, value_node.start_mark.line + 1, rows=len(value_node.value), limit=limit)
            return True
    return False


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[str], list[Finding]]:
    """:func:`g60rules.safeio.walk_files` for declaration files, as Path objects (few files only:
    the planner of a season keeps the strings)."""
    files, ignored, problems = walk_files(paths, DECLARATION_SUFFIXES)
    return [Path(f) for f in files], ignored, problems


def _inside(target: Path, folder: Path, resolve: Callable[[Path], Path] = resolved) -> bool:
    return resolve(target).is_relative_to(resolve(folder))


def _load_table(path: Path, corpus: Corpus, layouts: Layouts | None) -> None:
    """Read a workbook / Word / CSV file (or refuse its format) into the corpus."""
    reading = read_table_file(path, _display(path))
    corpus.findings.extend(reading.findings)
    corpus.self_evaluations += reading.self_evaluations
    for raw in reading.declarations:
        over = intake_build.rows_over_limit(raw.record)
        if over is not None:  # the same row limit as a YAML project: a finding at the rows, not screened
            corpus.findings.append(intake_build.too_many_rows(over))
            continue
        project, problems = build_project(raw.record, layouts=layouts)
        corpus.projects.append(project)
        corpus.findings.extend(problems)


def load_corpus(paths: list[Path], layouts: Layouts | None = None, progress: Progress = SILENT) -> Corpus:
    """Load every declaration under ``paths``; see the module docstring and :func:`load_file`.
    Reports stage ``read``.

    A department's ``projects`` entries are paths relative to the department file and must stay
    inside its folder (symbolic links resolved): an entry outside it is a finding (G60-PATH-001)
    and is not read. A project file listed twice — by one department or by two — belongs to the
    first listing; every further listing is a finding (G60-PATH-002), so it is never counted twice.
    Full garbage collections wait until the corpus is read (:mod:`g60rules.heap`).

    This is :mod:`g60rules.intake.units` run in this process: the plan, then every unit — the very
    loader the streamed check runs in its workers, so both read the same.
    """
    from g60rules.intake.units import load_units, plan  # units builds on this module's readers

    with young_collections_only():
        layout = plan(paths, layouts)
        progress.start("read", len(layout.files))
        corpus = load_units(layout.units, layouts, progress)
    corpus.findings[:0] = layout.findings
    return replace(corpus, files=layout.files, ignored=layout.ignored)
