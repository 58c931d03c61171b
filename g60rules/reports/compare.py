"""Re-screening after corrections: which findings are new, still open, or fixed since a previous report.

``check --compare PREVIOUS.json`` reads a JSON report written earlier by ``check --format json`` (or
``-o json=PATH``) and marks each counted finding of this run ``change="new"`` or ``"open"``; the
counted findings of the previous report that this run no longer has at all are returned as
``change="fixed"``. A finding that is now waived or baselined is neither open nor fixed.

Identity of a finding across the two runs (units resubmit, often into a new folder, and edit lines):
rule id, 主管部门 and 实施单位 as every report names them (:func:`~g60rules.reports.summary.attribution`:
a project of a department filing without a 主管部门 of its own, and the filing itself, are under the
department's name — the JSON report writes them so, the run holds them blank), department, project, indicator (三级 name, or ``#row N`` when it has
none), field — and the file path only for a finding with no project (a file that could not be read),
without the folder all of a run's files lie in.
Not the line, not the message: a value changed but still wrong is the same problem, still open. Two
findings with the same identity are told apart by their order in the file (occurrence 0, 1, …).
Renaming a project makes its findings new and the old ones fixed.

The notice of g60rules' own reports and letters found among the submissions (G60-FILE-012) is not a
problem of the season: it is never marked new, open or fixed (letters written into the season
between two runs are not 675 new problems).
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import defaultdict
from dataclasses import fields, replace
from pathlib import Path, PurePosixPath

from g60rules.findings import OWN_OUTPUT, Finding, Severity
from g60rules.reports.summary import attribution, groups
from g60rules.safeio import os_reason

_FIELDS = {f.name for f in fields(Finding)}
_REQUIRED = ("rule_id", "severity", "file", "line", "message_zh", "message_en")


class CompareError(ValueError):
    """The previous report cannot be read; the message names the file and what is wrong.

    ``str(error)`` is English; ``zh`` the same in Chinese.
    """

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.zh = zh


def _norm(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).strip() if text is not None else ""


def _path(f: Finding) -> str:
    return _norm(f.file).replace("\\", "/").removeprefix("./")


def _root(files: list[str]) -> str:
    """The folder every file of a run lies in (``round1/``), so a resubmission elsewhere matches."""
    folders = [PurePosixPath(_norm(f).replace("\\", "/").removeprefix("./")).parent for f in files]
    if not folders:
        return ""
    root = str(PurePosixPath(os.path.commonpath(folders))) if len({p.is_absolute() for p in folders}) == 1 else ""
    return "" if root in ("", ".") else root.rstrip("/") + "/"


def identity(f: Finding, root: str = "") -> tuple[str, ...]:
    """What makes two findings of two runs the same problem (module docstring); ``root`` is the run's
    common folder, left out of the path."""
    indicator = _norm(f.indicator) if f.indicator else (f"#row {f.row}" if f.row is not None else "")
    path = "" if f.project else _path(f).removeprefix(root)
    competent, unit = attribution(f)
    return (_norm(f.rule_id), _norm(competent), _norm(unit), _norm(f.department),
            _norm(f.project), indicator, _norm(f.field), path)


def _keyed(findings: list[Finding], files: list[str] | None) -> dict[tuple, Finding]:
    by_identity: dict[tuple, list[Finding]] = defaultdict(list)
    root = _root(files if files is not None else [f.file for f in findings])
    for f in findings:
        by_identity[identity(f, root)].append(f)
    out = {}
    for key, same in by_identity.items():
        for occurrence, f in enumerate(sorted(same, key=lambda f: (f.line, f.row or 0, f.message_zh))):
            out[(*key, occurrence)] = f
    return out


def read_previous(path: Path) -> list[Finding]:
    """The counted findings of a JSON report. Raises CompareError."""
    return read_previous_run(path)[0]


def read_previous_run(path: Path) -> tuple[list[Finding], list[str] | None]:
    """The counted findings of a JSON report and the files it read (None when it lists none).
    Raises CompareError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CompareError(f"{path}: no such file", f"{path}：文件不存在") from None
    except UnicodeDecodeError:
        raise CompareError(f"{path}: not a JSON report of g60rules (not UTF-8 text)",
                           f"{path}：不是 g60rules 的 JSON 报告（不是 UTF-8 文本）") from None
    except json.JSONDecodeError as exc:
        raise CompareError(f"{path}: not a JSON report of g60rules (not JSON: line {exc.lineno}, column {exc.colno})",
                           f"{path}：不是 g60rules 的 JSON 报告（不是 JSON：第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except OSError as exc:
        zh, en = os_reason(exc)
        raise CompareError(f"{path}: cannot be read ({en})", f"{path}：无法读取（{zh}）") from None
    if not isinstance(data, dict) or data.get("tool") != "g60rules" or not isinstance(data.get("findings"), list):
        raise CompareError(f"{path}: not a JSON report of g60rules (write one with --format json)",
                           f"{path}：不是 g60rules 的 JSON 报告（请用 --format json 写出）")
    out = []
    for index, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or any(k not in item for k in _REQUIRED):
            raise CompareError(f"{path}: finding {index + 1} lacks one of {', '.join(_REQUIRED)}",
                               f"{path}：第 {index + 1} 条问题缺少 {'、'.join(_REQUIRED)} 之一")
        try:
            values = {k: v for k, v in item.items() if k in _FIELDS}
            values["severity"] = Severity(values["severity"])
            out.append(Finding(**values))
        except (ValueError, TypeError) as exc:
            raise CompareError(f"{path}: finding {index + 1}: {exc}", f"{path}：第 {index + 1} 条问题：{exc}") from None
    files = data.get("files")
    files = [str(f) for f in files] if isinstance(files, list) and files else None
    return [replace(f, change=None) for f in groups(out)["counted"]], files


def compare(current: list[Finding], previous: list[Finding], current_files: list[str] | None = None,
            previous_files: list[str] | None = None) -> tuple[list[Finding], list[Finding]]:
    """(``current`` with counted findings marked new/open, previous findings now fixed). ``*_files``:
    the files each run read (default: those its findings name), whose common folder is left out."""
    before = _keyed([f for f in previous if f.rule_id != OWN_OUTPUT.rule_id], previous_files)
    counted = {id(f) for f in groups(current)["counted"] if f.rule_id != OWN_OUTPUT.rule_id}
    now = _keyed(current, current_files)
    open_keys = {key for key, f in now.items() if id(f) in counted and key in before}
    marked = {id(f): ("open" if key in open_keys else "new") for key, f in now.items() if id(f) in counted}
    out = [replace(f, change=marked[id(f)]) if id(f) in marked else f for f in current]
    fixed = [replace(f, change="fixed", status="new") for key, f in before.items() if key not in now]
    return out, sorted(fixed, key=Finding.sort_key)
