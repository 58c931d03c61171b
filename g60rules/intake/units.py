"""Split a corpus into independent units of reading and screening: the one loader behind both
:func:`g60rules.intake.yaml_loader.load_corpus` (every unit, in this process) and the streamed check
(:mod:`g60rules.engines.stream`: units in worker processes, or on a Dask cluster).

A **unit** is one department file with the project files it owns, or one file no department owns: a
project or broken YAML file, or a workbook / Word / CSV file (which may hold several projects, and
is never split). Everything a rule reads about a declaration lies inside its unit (a project reads its
department's header; a department's roll-ups read its projects), so units can be loaded and screened
in any order, in any process, on any machine.

* :func:`scan` reads what tells departments apart: a YAML file's top-level ``kind`` (from libyaml's
  event stream, stopping there), and each department file in full for its ``projects`` entries.
* :func:`plan` expands the paths (:func:`~g60rules.safeio.walk_files`, once: its
  findings are the plan's) and decides every ``projects`` entry exactly as loading the whole corpus
  in one pass would: an entry outside its department's folder (G60-PATH-001), a missing file, a file
  already claimed by an earlier listing (G60-PATH-002, naming the first), a file that is no project.
  A listed project file belongs to the **first** listing; its unit is that department's.
* :func:`load_unit` loads one unit into a :class:`~g60rules.intake.yaml_loader.Corpus` with every
  check :func:`~g60rules.intake.yaml_loader.load_file` and the table readers apply (size and row
  limits, refused formats, 自评表, hidden sheets, unreadable files).

Deciding an entry may need to know what a file is when the unit does not load it itself: a file
listed more than once, a department file listed as a project, a workbook listed as a project. The
planner reads those few files (rare in practice; the normal single listing costs nothing extra).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

import yaml

from g60rules import findings as fc
from g60rules.findings import Finding
from g60rules.intake.yaml_loader import (
    _SAFE_LOADER, DECLARATION_SUFFIXES, YAML_SUFFIXES, Corpus, _display, _load_table, load_file,
)
from g60rules.layouts import Layouts
from g60rules.model import KIND_VALUES, Department, Project
from g60rules.progress import SILENT, Progress
from g60rules.safeio import InputRefused, present, read_text, resolved_name, shown, walk_files

# what the planner decided for one ``projects`` entry of a department (see Unit.entries)
OUTSIDE, MISSING, TWICE, LOAD, NOT_PROJECT, NOTHING = "outside", "missing", "twice", "load", "not", "nothing"


@dataclass(frozen=True)
class Listing:
    """A department file as the scan read it: its displayed name and each ``projects`` entry with
    its line. ``mentioned``: every entry's resolved path (a deleted or renamed file changes the
    department, for ``--changed-since``; empty unless the scan was asked for them)."""

    department: str
    entries: tuple[tuple[str, int], ...]
    mentioned: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    """What one worker loads (and screens) together.

    ``path``: the department file, or the single file of the unit. ``department``: whether it is a
    department unit. ``entries``: for a department, one ``(action, path, first)`` per ``projects``
    entry — ``load`` the file at ``path`` here (this unit owns it), or report it ``outside`` the
    folder, ``missing``, listed ``twice`` (``first`` = "file:line" of the first listing), ``not`` a
    project, or ``nothing`` (the file's own findings say why it is no project, elsewhere).
    ``mentioned``: every entry's resolved path (only when planned for ``--changed-since``).
    """

    path: str
    department: bool = False
    entries: tuple[tuple[str, str | None, str | None], ...] = ()
    mentioned: tuple[str, ...] = ()

    def reads(self) -> list[str]:
        """The files this unit reads, its own first."""
        return [self.path, *(path for action, path, _ in self.entries if action == LOAD)]


@dataclass
class Plan:
    """Units (department and single-file units in file order, then workbooks only a department
    names), the files read (displayed, in the order loading the whole corpus reads them), the paths
    ignored, and the findings of expanding the paths (directories that could not be listed)."""

    units: list[Unit] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _top_level_kind(text: str) -> str | None | bool:
    """The kind named by the first top-level ``kind``/``类型`` key, read from libyaml's events.

    Returns the kind ("project", "department") or None when there is none, and True when only
    composing the whole file can tell (an alias in a key, a YAML error: :func:`load_file` decides).
    """
    try:
        events = yaml.parse(text, Loader=_SAFE_LOADER)
        if not isinstance(next(events), yaml.StreamStartEvent):
            return True
        first = next(events)
        if isinstance(first, yaml.StreamEndEvent):
            return None
        if not isinstance(next(events), yaml.MappingStartEvent):
            return None
        while True:
            key = next(events)
            if isinstance(key, yaml.MappingEndEvent):
                return None
            if not isinstance(key, yaml.ScalarEvent):
                return True
            if key.value in ("kind", "类型"):
                value = next(events)
                if not isinstance(value, yaml.ScalarEvent):
                    return True
                return KIND_VALUES.get(str(value.value).strip())
            depth = 0
            while True:  # skip the value
                event = next(events)
                if isinstance(event, yaml.AliasEvent) and depth == 0:
                    break
                if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    depth += 1
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    depth -= 1
                if depth == 0:
                    break
    except (yaml.YAMLError, StopIteration, RecursionError):
        return True


def scan_file(path: str, layouts: Layouts | None = None, mentioned: bool = False) -> Listing | None:
    """The listing of ``path`` if it is a department file (as :func:`load_file` decides), else None.
    ``mentioned``: also resolve every entry (only ``--changed-since`` needs them)."""
    if _suffix(path) not in YAML_SUFFIXES:
        return None
    try:
        text = read_text(path)
    except InputRefused:
        return None
    kind = _top_level_kind(text)
    if kind is not True and kind != "department":
        return None
    department, _ = load_file(Path(path), layouts)
    if not isinstance(department, Department):
        return None
    entries = tuple((rel, department.source.line_of(f"projects[{index}]"))
                    for index, rel in enumerate(department.project_files))
    folder = os.path.dirname(path)
    named = tuple(resolved_name(os.path.join(folder, rel)) for rel, _ in entries) if mentioned else ()
    return Listing(department.source.file, entries, named)


def scan(files: list[str], layouts: Layouts | None = None, mentioned: bool = False) -> list[Listing | None]:
    """:func:`scan_file` of each file."""
    return [scan_file(f, layouts, mentioned) for f in files]


def _suffix(path: str) -> str:
    return PurePath(path).suffix.lower()


def _what_is(path: str, layouts: Layouts | None) -> tuple[str, set[str]]:
    """What loading ``path`` gives ("project", "department" or "none") and the files its findings name."""
    if _suffix(path) not in YAML_SUFFIXES:
        scratch = Corpus()
        _load_table(Path(path), scratch, layouts)  # reading and building its projects: both name the file
        return "none", {f.file for f in scratch.findings}
    obj, found = load_file(Path(path), layouts)
    kind = "project" if isinstance(obj, Project) else "department" if isinstance(obj, Department) else "none"
    return kind, {f.file for f in found}


def _shown(path: str) -> str:
    """:func:`_display`, sharing the string when it names the file as walked (the usual relative path)."""
    text = shown(path)
    return path if text == path else text


def plan(paths: list[Path], layouts: Layouts | None = None, scanner=None, mentioned: bool = False) -> Plan:
    """Units for ``paths``; ``scanner(files, mentioned)`` maps a list of files (str) to their
    listings (default :func:`scan`; it may run in worker processes). ``mentioned``: keep each
    department unit's resolved entries (for ``--changed-since``). Raises FileNotFoundError for a
    named path that does not exist.

    Flat in memory (a season has 100,000 files): files are strings (a Path object costs ten times
    its name), a file is known by the name the walk gave it (shared by every map, no second string)
    and only a file the walk did not give by its resolved name, and resolved names are built when
    needed and dropped.
    """
    files, ignored, problems = walk_files(paths, DECLARATION_SUFFIXES)
    listings = scanner(files, mentioned) if scanner is not None else scan(files, layouts, mentioned)
    result = Plan(ignored=ignored, findings=problems, files=[_shown(f) for f in files])
    walked = {f: f for f in files}  # a dict gives back the very string: entries share it
    by_key: dict[str, str] | None = None  # resolved → walked name; built only for an entry spelt otherwise

    def walked_as(target: str, key: str) -> str | None:
        nonlocal by_key
        if target in walked:  # the usual entry: the very name the walk gave
            return walked[target]
        if by_key is None:
            by_key = {resolved_name(f): f for f in files}
        return by_key.get(key)

    departments = {f for f, listing in zip(files, listings, strict=True) if listing}
    # every entry that names an existing file inside its department's folder, in loading order: the
    # file (its walked name, else its resolved name), None for the others
    valid: list[list[str | None]] = []
    seen: set[str] = set()
    repeated: set[str] = set()
    canonical: dict[str, str] = {}  # a file not walked → the name it is first loaded through (names it in findings)
    for f, listing in zip(files, listings, strict=True):
        row: list[str | None] = []
        folder = os.path.dirname(f)
        inside = resolved_name(folder or ".") if listing else ""
        for rel, _ in listing.entries if listing else ():
            target = _joined(folder, rel)
            key = resolved_name(target)
            if not _within(key, inside) or not present(target):
                row.append(None)
                continue
            name = walked_as(target, key)
            if name is None:
                canonical.setdefault(key, target)
                name = key
            row.append(name)
            if name in seen:
                repeated.add(name)
            seen.add(name)
        valid.append(row)

    def is_yaml(name: str) -> bool:  # as loading decides: by the name the file is first read through
        return _suffix(canonical.get(name, name)) in YAML_SUFFIXES

    # what a file is decides its later listings, when the first listing's unit is not the one loading
    # it (a department file, a workbook) or when it is listed again
    known: dict[str, tuple[str, set[str]]] = {}
    for name in seen:
        if name in departments:
            known[name] = ("department", set())
        elif name in repeated or not is_yaml(name):
            known[name] = _what_is(canonical.get(name, name), layouts)
    del seen, repeated, by_key
    added: set[str] = set()  # files read only because a department lists them
    owned: set[str] = set()
    claimed: dict[str, tuple[str, int]] = {}
    tables: list[str] = []
    for f, listing, row in zip(files, listings, valid, strict=True):
        if listing is None:
            continue
        folder = os.path.dirname(f)
        entries = []
        for (rel, line), name in zip(listing.entries, row, strict=True):
            if name is None:
                outside = not _within(resolved_name(_joined(folder, rel)), resolved_name(folder or "."))
                entries.append((OUTSIDE if outside else MISSING, None, None))
                continue
            if name in claimed:
                entries.append((TWICE, None, "%s:%d" % claimed[name]))
                continue
            if name not in walked and name not in added:
                added.add(name)
                result.files.append(_shown(_joined(folder, rel)))
                if not is_yaml(name):
                    tables.append(_joined(folder, rel))
            kind, noted = known.get(name, ("", set()))
            if is_yaml(name) and kind != "department" and name not in owned:
                owned.add(name)  # the first listing loads it
                entries.append((LOAD, canonical.get(name, name), None))
            elif kind == "department" or kind == "none" and shown(_joined(folder, rel)) not in noted:
                entries.append((NOT_PROJECT, None, None))
            else:
                entries.append((NOTHING, None, None))
            if kind == "project":
                claimed[name] = (listing.department, line)
        result.units.append(Unit(f, True, tuple(entries), listing.mentioned if mentioned else ()))
    del valid, claimed, known, added
    for f, listing in zip(files, listings, strict=True):
        if listing is None and f not in owned:
            result.units.append(Unit(f))
    result.units.extend(Unit(t) for t in tables)
    return result


def _within(key: str, folder: str) -> bool:
    """Whether the resolved name ``key`` lies in the resolved ``folder`` (``Path.is_relative_to``;
    case as the system compares names)."""
    try:
        return os.path.commonpath([key, folder]) == folder
    except ValueError:  # another drive (Windows)
        return False


def _joined(folder: str, rel: str) -> str:
    """``str(Path(folder) / rel)``: the name a department's entry gives its file."""
    return str(PurePath(folder, rel))


def load_unit(unit: Unit, layouts: Layouts | None = None) -> Corpus:
    """Load one unit: its department (with the projects it owns) or its single file, and the findings
    of every file it reads. ``Corpus.files`` holds the displayed names of those files. The findings of
    a listed file that gives no project, and those on the department's listing, carry the
    department's name (its 主管部门 in every report)."""
    corpus = Corpus()
    path = Path(unit.path)
    corpus.files.append(_display(path))
    if path.suffix.lower() not in YAML_SUFFIXES:
        _load_table(path, corpus, layouts)
        return corpus
    obj, problems = load_file(path, layouts)
    corpus.findings.extend(problems)
    if not unit.department or not isinstance(obj, Department):
        if isinstance(obj, Project):
            corpus.projects.append(obj)
        return corpus
    extra: list[Finding] = []
    for index, (rel, (action, target, first)) in enumerate(zip(obj.project_files, unit.entries)):
        line = obj.source.line_of(f"projects[{index}]")
        if action == OUTSIDE:
            extra.append(fc.OUTSIDE_TREE.finding(obj.source.file, line, path=rel))
        elif action == MISSING:
            extra.append(fc.MISSING_PROJECT_FILE.finding(obj.source.file, line, path=rel))
        elif action == TWICE:
            extra.append(fc.LISTED_TWICE.finding(obj.source.file, line, path=rel, first=first))
        elif action == NOT_PROJECT:
            extra.append(_not_a_project(obj, line, rel))
        elif action == LOAD:
            project, found = load_file(Path(target), layouts)
            if not isinstance(project, Project):  # unreadable, yet listed: the department's, for its letter
                found = [f if f.department else replace(f, department=obj.name) for f in found]
            corpus.findings.extend(found)
            corpus.files.append(_display(Path(target)))
            if isinstance(project, Project):
                obj.projects.append(project)
            elif isinstance(project, Department) or not any(f.file == _display(path.parent / rel) for f in found):
                extra.append(_not_a_project(obj, line, rel))
    # the department file's own findings on its listing (missing, outside, twice, not a project) are
    # the department's too: its letter tells it, never （未注明）
    corpus.findings.extend(f if f.department else replace(f, department=obj.name) for f in extra)
    corpus.departments.append(obj)
    return corpus


def _not_a_project(department: Department, line: int, rel: str) -> Finding:
    return fc.NOT_A_DECLARATION.finding(
        department.source.file, line, reason=(f"“{rel}” 不是项目申报", f"'{rel}' is not a project declaration"))


def load_units(units: list[Unit], layouts: Layouts | None = None, progress: Progress = SILENT) -> Corpus:
    """Load ``units`` into one corpus, in the order loading the whole corpus in one pass gives:
    departments in file order; projects from workbooks first, then the YAML projects no department
    owns. Reports each file read (stage ``read``)."""
    corpus = Corpus()
    lone: list[Project] = []
    for unit in units:
        part = load_unit(unit, layouts)
        corpus.departments.extend(part.departments)
        (corpus.projects if Path(unit.path).suffix.lower() not in YAML_SUFFIXES else lone).extend(part.projects)
        corpus.findings.extend(part.findings)
        corpus.self_evaluations += part.self_evaluations
        progress.advance("read", len(part.files))
    corpus.projects.extend(lone)
    return corpus


def chunks(units: list[Unit], files_per_chunk: int) -> list[list[Unit]]:
    """Consecutive units grouped so that each group reads about ``files_per_chunk`` files."""
    out: list[list[Unit]] = []
    current: list[Unit] = []
    size = 0
    for unit in units:
        current.append(unit)
        size += len(unit.reads())
        if size >= files_per_chunk:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out
