"""``--cache DIR``: a unit whose files, ruleset and tool version are unchanged is not screened again.

The key of a unit (:class:`g60rules.intake.units.Unit`) is a SHA-256 over the tool version, the
ruleset (:func:`ruleset_key`: the content of every file of its chain and the rules in effect), the
engine, the working directory (findings name files relative to it), the unit as planned (its paths
and what was decided for each ``projects`` entry), which files are reported on, and the **content**
of every file the unit reads — a department's roll-ups read its projects, so changing one project
re-screens the department and that project; nothing else.

Entries are JSON (never pickle: a cache directory is not trusted to hold code), written atomically,
with a checksum. An entry that cannot be read, does not match its key or checksum, or holds
anything but well-formed findings is ignored, and the unit is screened again and the entry rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from g60rules import __version__
from g60rules.findings import Finding, Severity
from g60rules.intake.units import Unit
from g60rules.rules.compiler import CompiledRuleset

FORMAT = 4
_FIELDS = {f.name: f for f in fields(Finding)}
_INT_FIELDS = {"line", "row"}


def ruleset_key(ruleset: CompiledRuleset) -> str:
    """SHA-256 of the ruleset chain's files and of the ids and states of the rules in effect."""
    digest = hashlib.sha256()
    for name in ruleset.files:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(Path(name).read_bytes())
        except OSError:
            digest.update(b"\1unreadable")
        digest.update(b"\0")
    digest.update(json.dumps([(r.id, r.state, r.severity) for r in ruleset.rules]).encode("utf-8"))
    return digest.hexdigest()


def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


class UnitCache:
    """Cached unit results under ``directory`` for one ruleset and engine."""

    def __init__(self, directory: Path, ruleset: CompiledRuleset, engine: str):
        self.directory = Path(directory)
        self.base = json.dumps([FORMAT, __version__, ruleset_key(ruleset), engine, os.getcwd()])

    def key(self, unit: Unit, only: set[str] | None = None) -> str:
        """The key of ``unit`` when reporting on ``only`` (None: every file)."""
        digest = hashlib.sha256(self.base.encode("utf-8", "surrogateescape"))
        parts = [unit.path, unit.department, [list(e) for e in unit.entries],
                 sorted(only) if only is not None else None, [_file_digest(p) for p in unit.reads()]]
        digest.update(json.dumps(parts, ensure_ascii=False).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        """The stored result for ``key``, or None when absent or not exactly well-formed."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            body = entry["body"]
            if entry["key"] != key or entry["sha256"] != _checksum(body):
                return None
            return _checked(body)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, result) -> None:
        """Store a :class:`~g60rules.engines.stream.UnitResult`; a cache that cannot be written is
        skipped (the run does not need it)."""
        body = {"findings": [_plain(f) for f in result.findings], "declarations": result.declarations,
                "files_read": result.files_read, "fallbacks": [list(x) for x in result.fallbacks],
                "projects": result.projects, "unreadable": list(result.unreadable),
                "units": [[file, [list(pair) for pair in pairs]] for file, pairs in result.units.items()],
                "self_evaluations": result.self_evaluations}
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                             suffix=".tmp") as handle:
                json.dump({"key": key, "sha256": _checksum(body), "body": body}, handle, ensure_ascii=False)
            os.replace(handle.name, path)
        except OSError:
            try:
                os.unlink(handle.name)
            except (OSError, UnboundLocalError):
                pass


def _plain(finding: Finding) -> dict:
    data = asdict(finding)
    data["severity"] = finding.severity.value
    return data


def _checksum(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _checked(body: dict) -> dict:
    """The body with findings rebuilt; raises ValueError/TypeError/KeyError on anything unexpected."""
    findings = []
    for item in body["findings"]:
        if set(item) != set(_FIELDS):
            raise ValueError("finding fields")
        for name, value in item.items():
            if name in _INT_FIELDS:
                ok = isinstance(value, int) and not isinstance(value, bool) or (value is None and name == "row")
            else:
                ok = isinstance(value, str) or (value is None and _FIELDS[name].default is None)
            if not ok:
                raise TypeError(name)
        findings.append(Finding(**{**item, "severity": Severity(item["severity"])}))
    counts = (body["declarations"], body["files_read"], body["projects"], body["self_evaluations"])
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts):
        raise TypeError("counts")
    fallbacks = [(str(a), str(b)) for a, b in body["fallbacks"]]
    unreadable = body["unreadable"]
    if not isinstance(unreadable, list) or not all(isinstance(f, str) for f in unreadable):
        raise TypeError("unreadable")
    units = {}
    for file, pairs in body["units"]:
        if not isinstance(file, str) or not all(v is None or isinstance(v, str) for pair in pairs for v in pair):
            raise TypeError("units")
        units[file] = tuple((competent, implementing) for competent, implementing in pairs)
    return {"findings": findings, "declarations": counts[0], "files_read": counts[1], "fallbacks": fallbacks,
            "projects": counts[2], "unreadable": unreadable, "units": units, "self_evaluations": counts[3]}
