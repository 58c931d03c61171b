"""Load declaration files (YAML) into the typed model, turning every problem into a finding.

Shapes: :func:`load_corpus` takes files and directories and returns a :class:`Corpus` — the
departments (each with its projects), the projects no department lists, the findings about the files
themselves, and the paths it did not read because they are not ``.yaml``/``.yml`` (reported, never
dropped in silence).

The YAML is composed with PyYAML's safe loader, so every value keeps its line. Scalars are kept as
their written text: money like ``2000000.00`` is never passed through float. A duplicate key is a
finding (G60-FILE-003), not a silent overwrite; unknown keys are findings (G60-FILE-004) that name the
field meant (a key close to one field only, such as 年度资金申请, is read as that field, so one typo
gives one finding, not a cascade of "not filled"); a value that
cannot be read (bad date, bad amount) is a finding (G60-FILE-005) and the field counts as missing.
Keys may be the English identifiers or the Chinese labels of :mod:`g60rules.model`.

Raises nothing for bad input; :class:`FileNotFoundError` only for a path the caller named that does
not exist (a usage error).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from g60rules import findings as fc
from g60rules.findings import Finding
from g60rules.intake import yaml_errors
from g60rules.model import (
    DEPARTMENT_FIELDS,
    FUNDS_FIELDS,
    INDICATOR_FIELDS,
    KIND_VALUES,
    PROJECT_FIELDS,
    Department,
    FieldKind,
    FieldSpec,
    Funds,
    Indicator,
    Project,
    Source,
)
from g60rules.values import parse_money, parse_target_value

DECLARATION_SUFFIXES = (".yaml", ".yml")
_LABELS = {spec.key: spec.label for specs in (PROJECT_FIELDS, FUNDS_FIELDS, INDICATOR_FIELDS, DEPARTMENT_FIELDS)
           for spec in specs}
# libyaml's loader keeps the same line marks and reads ~13× faster than the pure-Python one
# (bench/: parsing was 87% of screening time); the pure-Python loader is the fallback.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The same 指标值 texts ("≥90.00(%)", "完成") recur across a season; TargetValue is immutable.
_cached_target_value = functools.lru_cache(maxsize=4096)(parse_target_value)


def _target_value(text: str | None):
    return parse_target_value(text) if text is not None and len(text) > 200 else _cached_target_value(text)


@dataclass
class Corpus:
    """Everything read from the given paths."""

    departments: list[Department] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _FileLoader:
    """Converts one composed YAML document into model objects, collecting findings."""

    def __init__(self, display: str):
        self.display = display
        self.findings: list[Finding] = []

    def add(self, check: fc.FileCheck, line: int, **kw: Any) -> None:
        self.findings.append(check.finding(self.display, line, **kw))

    def mapping(self, node: yaml.Node, specs: tuple[FieldSpec, ...], where: str) -> tuple[dict, Source]:
        """Map a YAML mapping onto ``specs``: returns {key: node} and its Source with field lines."""
        source = Source(self.display, node.start_mark.line + 1)
        found: dict[str, yaml.Node] = {}
        if not isinstance(node, yaml.MappingNode):
            slip = yaml_errors.colon_slip(str(node.value), source.line) if isinstance(node, yaml.ScalarNode) else None
            reason = ((f"应为映射；{slip.zh}", f"expected a mapping; {slip.en}") if slip
                      else ("应为映射", "expected a mapping"))
            self.add(fc.BAD_VALUE, source.line, key=where, value=_preview(node), reason=reason)
            return found, source
        by_label = {label: spec.key for spec in specs for label in (spec.key, *spec.labels)}
        first_line: dict[str, int] = {}
        unknown: list[tuple[str | None, yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            raw_key = _nfc(str(key_node.value)).strip() if isinstance(key_node, yaml.ScalarNode) else None
            key = by_label.get(raw_key) if raw_key is not None else None
            if key is None:
                unknown.append((raw_key, key_node, value_node))
                continue
            if key in first_line:
                self.add(fc.DUPLICATE_KEY, line, key=raw_key, first=first_line[key])
                continue
            first_line[key] = line
            found[key] = value_node
            source.field_lines[key] = value_node.start_mark.line + 1
        # after the known keys, so a near miss is read only for a field the block does not give
        for raw_key, key_node, value_node in unknown:
            line = key_node.start_mark.line + 1
            close = suggest_keys(raw_key, specs) if raw_key is not None else []
            if close and close[0][1] and close[0][0] not in found:
                key, label = close[0][0], self.label(close[0][0])
                found[key] = value_node
                source.field_lines[key] = value_node.start_mark.line + 1
                hint = (f"是否想写“{label}”（{key}）？已按该字段读取，请改正",
                        f"did you mean '{key}' ({label})? read as that field; please correct it")
            elif close:
                names = [f"{self.label(k)}（{k}）" for k, _ in close]
                hint = (f"是否想写“{'”或“'.join(names)}”？", f"did you mean {' or '.join(names)}?")
            else:
                allowed = "、".join(f"{s.key}/{s.label}" for s in specs)
                hint = (f"可用字段：{allowed}", f"allowed: {allowed}")
            self.add(fc.UNKNOWN_KEY, line, key=raw_key if raw_key is not None else _preview(key_node),
                     where=where, hint=hint)
        return found, source

    def label(self, key: str) -> str:
        """The form's Chinese label of a field, for messages in Chinese."""
        return _LABELS.get(key, key)

    def scalar(self, nodes: dict, key: str, kind: FieldKind) -> Any:
        """Convert one field; None when absent, null, or invalid (the invalid case is a finding)."""
        node = nodes.get(key)
        if node is None:
            return None
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            self.add(fc.BAD_VALUE, line, key=(self.label(key), key), value=_preview(node),
                     reason=("应为单个值", "expected a single value"))
            return None
        if node.tag == "tag:yaml.org,2002:null":
            return None
        text = _nfc(str(node.value))
        try:
            return _convert(text, kind)
        except ValueError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], tuple) else str(exc)
            self.add(fc.BAD_VALUE, line, key=(self.label(key), key), value=text[:80], reason=reason)
            return None

    def project(self, root: yaml.Node) -> Project:
        nodes, source = self.mapping(root, PROJECT_FIELDS, ("项目", "project"))
        values: dict[str, Any] = {}
        for spec in PROJECT_FIELDS:
            if spec.kind not in (FieldKind.MAPPING, FieldKind.LIST) and spec.key != "kind":
                values[spec.key] = self.scalar(nodes, spec.key, spec.kind)
        funds = Funds(source=Source(self.display, source.line_of("funds")))
        if "funds" in nodes and nodes["funds"].tag != "tag:yaml.org,2002:null":
            fund_nodes, fund_source = self.mapping(nodes["funds"], FUNDS_FIELDS, ("项目资金", "funds"))
            funds = Funds(
                **{s.key: self.scalar(fund_nodes, s.key, s.kind) for s in FUNDS_FIELDS}, source=fund_source
            )
        indicators = []
        if "indicators" in nodes:
            rows = nodes["indicators"]
            if isinstance(rows, yaml.SequenceNode):
                for row_number, row_node in enumerate(rows.value, start=1):
                    indicators.append(self.indicator(row_node, row_number))
            elif rows.tag != "tag:yaml.org,2002:null":
                self.add(fc.BAD_VALUE, rows.start_mark.line + 1, key="indicators", value=_preview(rows),
                         reason=("应为指标行列表", "expected a list of indicator rows"))
        return Project(**values, funds=funds, indicators=indicators, source=source)

    def indicator(self, node: yaml.Node, row: int) -> Indicator:
        nodes, source = self.mapping(node, INDICATOR_FIELDS, (f"第 {row} 行指标", f"indicator row {row}"))
        texts = {s.key: self.scalar(nodes, s.key, s.kind) for s in INDICATOR_FIELDS}
        return Indicator(
            row=row,
            level1=texts["level1"],
            level2=texts["level2"],
            level3=texts["level3"],
            target_value=_target_value(texts["target_value"]),
            source=source,
        )

    def department(self, root: yaml.Node) -> Department:
        nodes, source = self.mapping(root, DEPARTMENT_FIELDS, ("部门", "department"))
        values = {
            s.key: self.scalar(nodes, s.key, s.kind)
            for s in DEPARTMENT_FIELDS
            if s.kind is not FieldKind.LIST and s.key != "kind"
        }
        files: list[str] = []
        inline: list[Project] = []
        listed = nodes.get("projects")
        if isinstance(listed, yaml.SequenceNode):
            for item in listed.value:
                if isinstance(item, yaml.MappingNode):
                    inline.append(self.project(item))
                elif isinstance(item, yaml.ScalarNode) and item.tag != "tag:yaml.org,2002:null":
                    files.append(str(item.value))
                    source.field_lines[f"projects[{len(files) - 1}]"] = item.start_mark.line + 1
                else:
                    self.add(fc.BAD_VALUE, item.start_mark.line + 1, key="projects", value=_preview(item),
                             reason=("应为项目文件路径", "expected a file path"))
        elif listed is not None and listed.tag != "tag:yaml.org,2002:null":
            self.add(fc.BAD_VALUE, listed.start_mark.line + 1, key="projects", value=_preview(listed),
                     reason=("应为项目文件路径列表", "expected a list of file paths"))
        return Department(**values, project_files=files, projects=inline, source=source)


SURE_MATCH = 0.75  # a key this close to one field only (difflib ratio) is read as that field


def suggest_keys(raw: str, specs: tuple[FieldSpec, ...]) -> list[tuple[str, bool]]:
    """Fields a mistyped key may have meant, best first: (field key, whether it is a sure match).

    Compares with the English keys (case-insensitive) and the Chinese labels (difflib). A match is
    sure when its ratio is at least :data:`SURE_MATCH` and no other field comes as close, or when
    the key is part of the names of one field only (值 → 指标值), or holds one field's name only
    (项目名称（全称） → 项目名称).
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
    ranked = sorted((r, k) for k, r in scores.items() if r >= 0.5)[::-1][:3]
    sure = bool(ranked) and ranked[0][0] >= SURE_MATCH and (len(ranked) == 1 or ranked[1][0] < ranked[0][0])
    return [(k, sure and i == 0) for i, (_, k) in enumerate(ranked)]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _preview(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)[:80]
    return {yaml.MappingNode: "{…}", yaml.SequenceNode: "[…]"}.get(type(node), "?")


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$"),
)


def _convert(text: str, kind: FieldKind) -> Any:
    """Convert a scalar's written text; raises ValueError with a short bilingual reason."""
    stripped = text.strip()
    if kind is FieldKind.TEXT:
        return stripped or None
    if kind is FieldKind.TARGET_VALUE:
        return text
    if not stripped:
        return None
    if kind is FieldKind.DATE:
        compact = "".join(stripped.split())
        for form in _DATE_FORMS:
            match = form.match(compact)
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups()))
                except ValueError as exc:
                    raise ValueError(("日期不存在", f"no such date ({exc})")) from None
        raise ValueError(("日期应写作 YYYY-MM-DD", "a date is written YYYY-MM-DD"))
    if kind is FieldKind.INT:
        if not re.fullmatch(r"[0-9]{1,9}", stripped):
            raise ValueError(("应为非负整数", "expected a whole number"))
        return int(stripped)
    default_unit = "万元" if kind is FieldKind.MONEY_WAN else "元"
    try:
        return parse_money(stripped, default_unit=default_unit)
    except ValueError as exc:
        raise ValueError(("不是可识别的金额（例：2, 000, 000. 00、73.5万元）", str(exc))) from None


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _read(path: Path, loader: _FileLoader) -> str | None:
    """Read one file as UTF-8; every failure becomes a finding and returns None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        loader.add(fc.UNREADABLE, 1, reason=exc.strerror or type(exc).__name__)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        loader.add(fc.UNREADABLE, line, reason=("不是 UTF-8 编码", f"not UTF-8 (byte {exc.start})"))
        return None


def _compose(text: str, loader: _FileLoader) -> yaml.Node | None:
    """Compose one YAML document; a syntax error becomes a finding and returns None."""
    try:
        root = yaml.compose(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        problem = yaml_errors.explain(text, exc)
        loader.add(fc.YAML_SYNTAX, problem.line, reason=(problem.zh, problem.en))
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


def load_file(path: Path) -> tuple[Project | Department | None, list[Finding]]:
    """Load one declaration file. Returns the object (None when unusable) and the file's findings."""
    loader = _FileLoader(_display(path))
    text = _read(path, loader)
    if text is None:
        return None, loader.findings
    return load_text(text, loader.display, loader)


def load_text(text: str, display: str, loader: _FileLoader | None = None
              ) -> tuple[Project | Department | None, list[Finding]]:
    """Load one declaration from YAML text; ``display`` names it in findings."""
    loader = loader or _FileLoader(display)
    root = _compose(text, loader)
    if root is None:
        return None, loader.findings
    slip = yaml_errors.colon_slip(text) if isinstance(root, yaml.ScalarNode) else None
    if slip is not None:  # "类型：项目" on every line reads as one string, not as a mapping
        loader.add(fc.YAML_SYNTAX, slip.line, reason=(slip.zh, slip.en))
        return None, loader.findings
    kind = _kind_of(root, loader)
    obj: Project | Department | None = None
    if kind == "project":
        obj = loader.project(root)
    elif kind == "department":
        obj = loader.department(root)
    return obj, loader.findings


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to read (sorted, de-duplicated) and the paths skipped because of their suffix.

    Raises FileNotFoundError for a named path that does not exist.
    """
    files: list[Path] = []
    ignored: list[str] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):  # symlinked directories are not followed (loops)
                base = Path(root)
                # hidden directories (.git, .github) are listed once, not walked
                ignored.extend(_display(base / d) + "/" for d in sorted(dirs) if d.startswith("."))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    child = base / name
                    if not name.startswith(".") and child.suffix.lower() in DECLARATION_SUFFIXES:
                        files.append(child)  # a broken link too: reading it becomes a finding
                    else:
                        ignored.append(_display(child))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise FileNotFoundError(str(path))
    seen: set[Path] = set()
    unique = []
    for f in files:
        resolved = f.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(f)
    return unique, ignored


def load_corpus(paths: list[Path]) -> Corpus:
    """Load every declaration under ``paths``; see the module docstring."""
    files, ignored = expand_paths(paths)
    corpus = Corpus(ignored=ignored)
    loaded: dict[Path, Project | Department | None] = {}

    def load(path: Path) -> Project | Department | None:
        key = path.resolve()
        if key not in loaded:
            obj, problems = load_file(path)
            loaded[key] = obj
            corpus.findings.extend(problems)
            corpus.files.append(_display(path))
        return loaded[key]

    for path in files:
        load(path)
    claimed: set[Path] = set()
    for path in files:
        dept = loaded[path.resolve()]
        if not isinstance(dept, Department):
            continue
        for index, rel in enumerate(dept.project_files):
            target = (path.parent / rel)
            line = dept.source.line_of(f"projects[{index}]")
            if not target.is_file():
                corpus.findings.append(fc.MISSING_PROJECT_FILE.finding(dept.source.file, line, path=rel))
                continue
            project = load(target)
            if isinstance(project, Project):
                dept.projects.append(project)
                claimed.add(target.resolve())
            elif isinstance(project, Department) or project is None and not any(
                f.file == _display(target) for f in corpus.findings
            ):
                corpus.findings.append(fc.NOT_A_DECLARATION.finding(
                    dept.source.file, line, reason=(f"“{rel}” 不是项目申报", f"'{rel}' is not a project declaration")))
        corpus.departments.append(dept)
    for key, obj in loaded.items():
        if isinstance(obj, Project) and key not in claimed:
            corpus.projects.append(obj)
    return corpus
