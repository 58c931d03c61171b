"""Split a corpus into independent units of screening, so it can be read and screened piece by piece.

A **unit** is one department file with the project files it owns, or one file no department lists.
Everything a rule reads about a declaration lies inside its unit (a project reads its department's
header; a department's roll-ups read its projects), so units can be loaded and screened in any
order, in any process, on any machine, with the findings of :func:`load_corpus` plus screening the
whole corpus at once:

* :func:`scan` reads only what tells departments apart: a file's top-level ``kind`` (from libyaml's
  event stream, stopping there), and each department file in full for the project files it lists.
* :func:`plan` turns the scan into units. A listed project file belongs to the **last** department
  (in file order) that lists it — as when the whole corpus is loaded, a project listed twice takes
  the context of the last department — and counts in the roll-ups of every department listing it.
* :func:`load_unit` loads one unit: a :class:`Corpus` of its department (or project) with the
  findings of the files it owns, exactly those :func:`load_corpus` reports for them.

``Plan.files`` is the list of files read, in :func:`load_corpus`'s order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from g60rules import findings as fc
from g60rules.intake.yaml_loader import (
    _SAFE_LOADER,
    Corpus,
    _display,
    expand_paths,
    load_file,
)
from g60rules.model import KIND_VALUES, Department, Project


@dataclass(frozen=True)
class Listing:
    """A department file's project entries: ``targets`` those that name an existing file (path as
    listed, resolved); ``mentioned`` every entry, resolved (a deleted file changes the department)."""

    department: str
    targets: tuple[tuple[str, str], ...]
    mentioned: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    """What one worker loads and screens together.

    ``path``: the department file, or the single file of a unit without department.
    ``owned``: resolved paths of listed files whose findings and declarations this unit reports
    (the others listed count in the department's roll-ups only). ``listed``: resolved paths of
    every existing file the department lists, in order — everything its findings depend on.
    """

    path: str
    department: bool
    owned: frozenset[str] = frozenset()
    listed: tuple[str, ...] = ()


@dataclass
class Plan:
    """Units in file order, the files read (displayed), the paths ignored, and the listings."""

    units: list[Unit] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    listings: dict[str, Listing] = field(default_factory=dict)


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
    except (yaml.YAMLError, StopIteration):
        return True


def scan_file(path: Path, layouts=None) -> Listing | None:
    """The listing of ``path`` if it is a department file (as :func:`load_file` decides), else None.
    ``layouts``: the ruleset's form layouts, as for :func:`load_file`."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    kind = _top_level_kind(text)
    if kind is not True and kind != "department":
        return None
    department, _ = load_file(path, layouts)
    if not isinstance(department, Department):
        return None
    targets, mentioned = [], []
    for rel in department.project_files:
        target = path.parent / rel
        try:
            mentioned.append(str(target.resolve()))
        except (OSError, RuntimeError):  # a symlink loop: it is no file either
            continue
        if target.is_file():
            targets.append((str(target), mentioned[-1]))
    return Listing(str(path), tuple(targets), tuple(mentioned))


def scan(files: list[Path], layouts=None) -> list[Listing | None]:
    """:func:`scan_file` of each file."""
    return [scan_file(f, layouts) for f in files]


def plan(paths: list[Path], scanner=scan) -> Plan:
    """Units for ``paths``; ``scanner`` maps a list of files to their listings (it may run in parallel).

    Raises FileNotFoundError for a named path that does not exist.
    """
    files, ignored = expand_paths(paths)
    listings = scanner(files)
    result = Plan(ignored=ignored, files=[_display(f) for f in files])
    expanded = {str(f.resolve()) for f in files}
    departments = {str(f.resolve()) for f, listing in zip(files, listings, strict=True) if listing}
    owner: dict[str, str] = {}
    extra_seen: set[str] = set()
    for f, listing in zip(files, listings, strict=True):
        if listing is None:
            continue
        result.listings[listing.department] = listing
        for shown, resolved in listing.targets:
            if resolved not in departments:
                owner[resolved] = listing.department
            if resolved not in expanded and resolved not in extra_seen:
                extra_seen.add(resolved)
                result.files.append(_display(Path(shown)))
    owned: dict[str, set[str]] = {}
    for resolved, department in owner.items():
        owned.setdefault(department, set()).add(resolved)
    for f, listing in zip(files, listings, strict=True):
        key = str(f.resolve())
        if listing is not None:
            result.units.append(Unit(str(f), True, frozenset(owned.get(listing.department, ())),
                                     tuple(resolved for _, resolved in listing.targets)))
        elif key not in owner:
            result.units.append(Unit(str(f), False))
    return result


def load_unit(unit: Unit, layouts=None) -> Corpus:
    """Load one unit: its department (with every listed project) or its single file, and the findings
    of the files it owns. ``Corpus.files`` holds the displayed names of the files it reports on."""
    corpus = Corpus()
    obj, problems = load_file(Path(unit.path), layouts)
    corpus.findings.extend(problems)
    corpus.files.append(_display(Path(unit.path)))
    if not isinstance(obj, Department):  # (a department file changed since the scan reads as it is now)
        if isinstance(obj, Project):
            corpus.projects.append(obj)
        return corpus
    path = Path(unit.path)
    loaded: dict[str, Project | Department | None] = {}
    for index, rel in enumerate(obj.project_files):
        target = path.parent / rel
        line = obj.source.line_of(f"projects[{index}]")
        if not target.is_file():
            corpus.findings.append(fc.MISSING_PROJECT_FILE.finding(obj.source.file, line, path=rel))
            continue
        key = str(target.resolve())
        if key not in loaded:
            loaded[key], own_problems = load_file(target, layouts)
            if key in unit.owned:  # the others' findings are their owner's to report
                corpus.findings.extend(own_problems)
                corpus.files.append(_display(target))
        project = loaded[key]
        if isinstance(project, Project):
            obj.projects.append(project)
        elif isinstance(project, Department):
            corpus.findings.append(fc.NOT_A_DECLARATION.finding(
                obj.source.file, line, reason=(f"“{rel}” 不是项目申报", f"'{rel}' is not a project declaration")))
    corpus.departments.append(obj)
    return corpus


def owned_files(unit: Unit, listing: Listing | None) -> set[str]:
    """Displayed names of the files a unit reports on (what ``only`` filters compare with)."""
    names = {_display(Path(unit.path))}
    if listing is not None:
        names |= {_display(Path(shown)) for shown, resolved in listing.targets if resolved in unit.owned}
    return names


def chunks(units: list[Unit], listings: dict[str, Listing], files_per_chunk: int) -> list[list[Unit]]:
    """Consecutive units grouped so that each group reads about ``files_per_chunk`` files."""
    out: list[list[Unit]] = []
    current: list[Unit] = []
    size = 0
    for unit in units:
        current.append(unit)
        listing = listings.get(unit.path)
        size += 1 + (len(listing.targets) if listing else 0)
        if size >= files_per_chunk:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out

