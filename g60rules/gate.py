"""The CI gate: baselines, waivers, and screening only what a change touched.

* **Baseline** (``g60rules baseline create|update``, ``check --baseline FILE``): a JSON file of
  finding fingerprints. A baseline fingerprint is the SHA-256 of the rule id, the declaration
  (file path and project name), the indicator (三级 name, or row when it has none), the field the
  finding points at, the value of that field, and an occurrence number for otherwise identical
  findings — never the line, so moving lines keeps a finding baselined, and changing the value
  makes it new. ``check --baseline`` marks findings ``baselined`` or ``new``, lists baseline entries
  no longer found as ``fixed``, and fails only on new ones.
* **Waivers** in ``.g60rules-waivers.yaml``: rule, a path glob, optionally project / indicator /
  field, a required reason, who approved, an expiry date. Waived findings are counted and listed
  apart, never hidden. An expired waiver no longer applies and is reported (G60-WAIVER-001); a
  waiver that matched nothing, or whose path glob matches no file, is reported (G60-WAIVER-002).
  Inline, in a declaration file:
  ``# g60rules: waive RULE-ID -- reason`` on the finding's line or the line above it; an inline
  waiver without a reason is a finding (G60-WAIVER-003) and waives nothing.
  Waived findings never enter a baseline, and a finding matched by an expired waiver is new even
  when an older baseline holds it: an expired waiver brings its finding back. Nor does a finding
  that a file was not screened at all (unreadable, not a declaration, listed but missing): it is
  left out of a baseline and new even when an older baseline holds it.
* **Changed files**: :func:`changed_files` lists the declarations changed since a git ref (deleted
  and renamed ones included); the caller screens those plus the department files that list them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import hashlib
import json
import os
import re
import subprocess
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from g60rules.findings import MISSING_PROJECT_FILE, NOT_READ, FileCheck, Finding, Severity
from g60rules.intake.yaml_loader import expand_paths
from g60rules.rules.compiler import RulesetError, _Sink, read_yaml
from g60rules.safeio import MAX_BASELINE_BYTES, InputRefused, display_path, present, read_text

BASELINE_VERSION = 1
WAIVERS_FILE = ".g60rules-waivers.yaml"


class GateError(Exception):
    """A baseline or waiver file that cannot be used, or a git ref that cannot be read.

    ``str(error)`` is English; ``zh`` the same in Chinese.
    """

    def __init__(self, en: str, zh: str | None = None):
        super().__init__(en)
        self.zh = zh or en


# --- baseline ---------------------------------------------------------------------------------------

def _norm(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).strip() if text is not None else ""


def _identity(f: Finding) -> tuple[str, ...]:
    indicator = _norm(f.indicator) if f.indicator else (f"#row {f.row}" if f.row is not None else "")
    value = f.value if f.value is not None else ""
    return (f.rule_id, _norm(f.file).replace("\\", "/").removeprefix("./"), _norm(f.project), indicator,
            _norm(f.field), _norm(value))


def baseline_fingerprints(findings: list[Finding]) -> list[str]:
    """Fingerprints of ``findings`` in order (module docstring); identical ones numbered in file order."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, f in enumerate(findings):
        groups[_identity(f)].append(index)
    out = [""] * len(findings)
    for key, indexes in groups.items():
        for occurrence, index in enumerate(sorted(indexes, key=lambda i: (findings[i].line, findings[i].row or 0))):
            payload = json.dumps(["g60rules-baseline/1", *key, occurrence], ensure_ascii=False)
            out[index] = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
    return out


def baseline_document(findings: list[Finding]) -> dict:
    """The baseline file's content for ``findings`` (sorted, so it diffs well)."""
    entries = [
        {"fingerprint": fp, "rule_id": f.rule_id, "file": f.file, "project": f.project, "indicator": f.indicator,
         "field": f.field, "value": f.value, "message": f.message_zh}
        for f, fp in zip(findings, baseline_fingerprints(findings), strict=True)
    ]
    entries.sort(key=lambda e: (e["file"], e["rule_id"], e["fingerprint"]))
    return {"tool": "g60rules", "version": BASELINE_VERSION, "findings": entries}


_BASELINE_TEXT = ("rule_id", "file", "project", "indicator", "field", "value", "message")


def read_baseline(path: Path) -> dict[str, dict]:
    """Fingerprint → entry. Raises GateError for a missing or malformed file."""
    if not present(path):
        raise GateError(f"{display_path(path)}: no such baseline; write one with 'g60rules baseline create PATH…'",
                        f"{display_path(path)}: 基线文件不存在；请先用 g60rules baseline create PATH… 生成")
    try:
        data = json.loads(read_text(path, MAX_BASELINE_BYTES))
    except InputRefused as exc:
        raise GateError(f"{display_path(path)}: cannot read the baseline: {exc.en}",
                        f"{display_path(path)}: 无法读取基线文件：{exc.zh}") from None
    except json.JSONDecodeError as exc:  # the line and column where the JSON breaks (hand-edited files)
        raise GateError(f"{path}:{exc.lineno}:{exc.colno}: the baseline is not valid JSON: {exc.msg}",
                        f"{path}:{exc.lineno}:{exc.colno}: 基线文件不是有效的 JSON（{exc.msg}），"
                        "可用 g60rules baseline create --force 重新生成") from None
    except RecursionError:
        raise GateError(f"{display_path(path)}:1: cannot read the baseline: nested too deeply",
                        f"{display_path(path)}:1: 无法读取基线文件：嵌套层数过多") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("findings"), list):
        raise GateError(f"{path}: not a g60rules baseline (version {BASELINE_VERSION})",
                        f"{path}: 不是 g60rules 基线文件（版本 {BASELINE_VERSION}）")
    entries = data["findings"]
    bad = next((i for i, e in enumerate(entries) if not (isinstance(e, dict) and isinstance(e.get("fingerprint"), str))), None)
    if bad is not None:
        raise GateError(f"{path}: findings[{bad}] has no fingerprint", f"{path}: findings[{bad}] 缺少 fingerprint")
    for index, entry in enumerate(entries):
        wrong = next((k for k in _BASELINE_TEXT if not isinstance(entry.get(k), (str, type(None)))), None)
        if wrong is not None:
            kind = type(entry[wrong]).__name__
            raise GateError(f"{display_path(path)}: findings[{index}].{wrong} must be text, not {kind}",
                            f"{display_path(path)}: findings[{index}].{wrong} 应为文本，而不是 {kind}")
    return {e["fingerprint"]: e for e in entries}


# --- waivers ------------------------------------------------------------------------------------------

# text that must say something: surrounding spaces are dropped before the check
_Filled = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_ANY_PATHS = ("a.yaml", "x/y/z.yaml", "d/p.yaml")
WAIVER_HORIZON_DAYS = 365


class Waiver(BaseModel):
    """One entry of ``.g60rules-waivers.yaml``."""

    model_config = ConfigDict(extra="forbid")

    rule: _Filled
    files: _Filled = Field(description="path glob, e.g. declarations/g60-2024/02-*.yaml")
    project: Optional[str] = None
    indicator: Optional[str] = None
    field: Optional[str] = None
    reason: _Filled
    approved_by: _Filled
    expires: dt.date

    def waives_everything(self) -> bool:
        """Whether this waiver matches every finding of its rule in every file (``files: "**"``)."""
        return (self.project is None and self.indicator is None and self.field is None
                and all(fnmatch.fnmatchcase(p, self.files.removeprefix("./")) for p in _ANY_PATHS))


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waivers: list[Waiver] = []


@dataclass
class LoadedWaiver:
    waiver: Waiver
    file: str
    line: int
    used: int = 0

    def matches(self, f: Finding) -> bool:
        w = self.waiver
        path = f.file.replace("\\", "/").removeprefix("./")
        return (w.rule == f.rule_id and fnmatch.fnmatchcase(path, w.files.removeprefix("./"))
                and (w.project is None or w.project == f.project)
                and (w.indicator is None or w.indicator == f.indicator)
                and (w.field is None or w.field == f.field))


def read_waivers(path: Path) -> list[LoadedWaiver]:
    """Waivers with their lines. Raises GateError (with file:line) for a file that cannot be used."""
    try:
        if not read_text(path).strip():
            return []  # an empty waivers file waives nothing
        read = read_yaml(path, _Sink(strict=True))
    except InputRefused as exc:
        raise GateError(f"{display_path(path)}: cannot read the waivers file: {exc.en}",
                        f"{display_path(path)}: 无法读取豁免文件：{exc.zh}") from None
    except RulesetError as exc:
        raise GateError(exc.problem.text("en"), exc.problem.text("zh")) from None
    data, marks = read if read else ({}, {})
    if isinstance(data, dict) and data.get("waivers") is None and "waivers" in data:
        data = {**data, "waivers": []}
    try:
        parsed = WaiverFile.model_validate(data or {})
    except ValidationError as exc:
        errors = exc.errors()
        # a mistyped key also makes the key meant "missing": report the typo, which explains both
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(err["loc"])
        while loc and loc not in marks:
            loc = loc[:-1]
        line = marks.get(loc, (1, 1))[0]
        where = f"{path}:{line}: {'.'.join(map(str, err['loc']))}"
        known = Waiver.model_fields if len(err["loc"]) > 2 else WaiverFile.model_fields
        close = difflib.get_close_matches(str(err["loc"][-1]), list(known), n=1, cutoff=0.6)
        if err["type"] == "extra_forbidden" and close:
            raise GateError(f"{where}: unknown key; did you mean '{close[0]}'?",
                            f"{where}：未知字段；是否想写“{close[0]}”？") from None
        zh = "缺少必填字段" if err["type"] == "missing" else f"豁免条目无效（{err['msg']}）"
        raise GateError(f"{where}: {err['msg']}", f"{where}：{zh}") from None
    return [LoadedWaiver(w, str(path), marks.get(("waivers", i), (1, 1))[0]) for i, w in enumerate(parsed.waivers)]


_INLINE = re.compile(r"#\s*g60rules:\s*waive\s+(?P<rules>[A-Z0-9-]+(?:\s*,\s*[A-Z0-9-]+)*)\s*(?:(?:--|—|:)\s*(?P<reason>.*))?$")


@dataclass
class InlineWaiver:
    rules: tuple[str, ...]
    reason: str
    file: str
    line: int
    used: int = 0


def inline_waivers(file: str) -> list[InlineWaiver]:
    """``# g60rules: waive RULE -- reason`` comments in a declaration file (unreadable file: none)."""
    try:
        lines = read_text(file).splitlines()
    except InputRefused:
        return []
    out = []
    for number, text in enumerate(lines, start=1):
        if "g60rules:" not in text:
            continue
        match = _INLINE.search(text)
        if match:
            rules = tuple(r.strip() for r in match.group("rules").split(","))
            out.append(InlineWaiver(rules, (match.group("reason") or "").strip(), file, number))
    return out


EXPIRED = FileCheck("G60-WAIVER-001", Severity.WARNING, "豁免已过期", "Waiver expired",
                    "规则 {rule} 对“{files}”的豁免已于 {expires} 过期，不再适用（批准人：{by}）",
                    "the waiver of {rule} for '{files}' expired on {expires} and no longer applies (approved by {by})")
UNUSED = FileCheck("G60-WAIVER-002", Severity.WARNING, "豁免未匹配任何结果", "Unused waiver",
                   "规则 {rule} 的豁免（{files}）{why}", "the waiver of {rule} ({files}) {why}")
_NO_FINDING = ("没有匹配任何结果，可以删除", "matched no finding and can be removed")
_NO_FILE = ("的路径不匹配任何文件（路径是否写错？路径相对于仓库根目录，例如 declarations/2024/*.yaml）",
            "matches no file (a typo? paths are relative to the repository root, e.g. declarations/2024/*.yaml)")
EVERYTHING = FileCheck("G60-WAIVER-011", Severity.WARNING, "豁免范围过宽", "Waiver covers everything",
                       "规则 {rule} 的豁免（{files}）未限定项目、指标或字段，匹配所有文件：该规则实际上被停用",
                       "the waiver of {rule} ({files}) names no project, indicator or field and matches every file: "
                       "the rule is in effect switched off")
FAR_EXPIRY = FileCheck("G60-WAIVER-012", Severity.WARNING, "豁免期限过长", "Waiver expires too far ahead",
                       "规则 {rule} 对“{files}”的豁免到 {expires} 才过期，超过 {days} 天；请缩短期限，到期再审",
                       "the waiver of {rule} for '{files}' runs until {expires}, more than {days} days ahead; "
                       "shorten it and review it then")
NO_REASON = FileCheck("G60-WAIVER-003", Severity.ERROR, "行内豁免缺少理由", "Inline waiver without a reason",
                      "行内豁免 {rules} 没有写明理由（格式：# g60rules: waive 规则编号 -- 理由），未生效",
                      "the inline waiver of {rules} gives no reason (write: # g60rules: waive RULE -- reason); it waives nothing")


# --- applying the gate --------------------------------------------------------------------------------

@dataclass
class GateOutcome:
    """Findings with their status set, plus what the gate itself reports."""

    findings: list[Finding]
    fixed: list[dict] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    baseline_used: bool = False


# A file that could not be read, is not a declaration, or is listed by its department but missing was
# not screened at all: baselined, it would stay unscreened in silence, and so would every later
# breakage of that file (the fingerprint does not hold the message).
UNSCREENED = NOT_READ | {MISSING_PROJECT_FILE.rule_id}


def apply_gate(findings: list[Finding], baseline: Optional[dict[str, dict]], waivers: list[LoadedWaiver],
               today: dt.date, files: list[str], tree: Optional[list[str]] = None,
               horizon_days: int = WAIVER_HORIZON_DAYS) -> GateOutcome:
    """Mark each finding ``waived``, ``baselined`` or ``new``; report expired/unused waivers and fixed entries.

    ``files``: the files this run screened; ``tree``: every file under the paths given (screened or
    not, any suffix). A waiver that waived nothing is reported when its pattern matches a screened
    file, or when it matches no file of the tree at all (a typo would otherwise go unnoticed).
    Also warned about (they still apply): a waiver that matches every file with no narrower key,
    and one that expires more than ``horizon_days`` after ``today``.
    """
    notes: list[Finding] = []
    active, expired = [], []
    for w in waivers:
        if w.waiver.waives_everything():
            notes.append(EVERYTHING.finding(w.file, w.line, rule=w.waiver.rule, files=w.waiver.files))
        if (w.waiver.expires - today).days > horizon_days:
            notes.append(FAR_EXPIRY.finding(w.file, w.line, rule=w.waiver.rule, files=w.waiver.files,
                                            expires=w.waiver.expires.isoformat(), days=horizon_days))
        if w.waiver.expires < today:
            expired.append(w)
            notes.append(EXPIRED.finding(w.file, w.line, rule=w.waiver.rule, files=w.waiver.files,
                                         expires=w.waiver.expires.isoformat(), by=w.waiver.approved_by))
        else:
            active.append(w)
    inline: dict[str, list[InlineWaiver]] = {}
    for file in dict.fromkeys(f.file for f in findings if not f.rule_id.startswith("G60-FILE")):
        inline[file] = inline_waivers(file)
        for iw in inline[file]:
            if not iw.reason:
                notes.append(NO_REASON.finding(file, iw.line, rules=", ".join(iw.rules)))
    prints = baseline_fingerprints(findings)
    out = []
    seen_prints = set()
    for f, fp in zip(findings, prints, strict=True):
        status, waiver, source = "new", None, None
        for iw in inline.get(f.file, []):
            if iw.reason and f.rule_id in iw.rules and f.line in (iw.line, iw.line + 1):
                iw.used += 1
                status, waiver, source = "waived", f"{iw.reason} ({f.file}:{iw.line})", "inline"
                break
        if status == "new":
            for w in active:
                if w.matches(f):
                    w.used += 1
                    status, waiver, source = "waived", f"{w.waiver.reason} — {w.waiver.approved_by}, {w.file}:{w.line}", "file"
                    break
        # a finding under an expired waiver fails again, even if an older baseline absorbed it
        if (status == "new" and baseline is not None and fp in baseline and f.rule_id not in UNSCREENED
                and not any(w.matches(f) for w in expired)):
            status = "baselined"
        seen_prints.add(fp)
        out.append(replace(f, status=status, waiver=waiver, waiver_source=source))
    screened_paths = [_slashed(f) for f in files]
    tree_paths = [_slashed(f) for f in (tree if tree is not None else files)]
    for w in active:
        if w.used:
            continue
        pattern = w.waiver.files.removeprefix("./")
        # a waiver for files this run did not screen (--changed-since, pre-commit) is not "unused"
        if any(fnmatch.fnmatchcase(p, pattern) for p in screened_paths):
            notes.append(UNUSED.finding(w.file, w.line, rule=w.waiver.rule, files=w.waiver.files, why=_NO_FINDING))
        elif not any(fnmatch.fnmatchcase(p, pattern) for p in tree_paths):
            notes.append(UNUSED.finding(w.file, w.line, rule=w.waiver.rule, files=w.waiver.files, why=_NO_FILE))
    for iws in inline.values():
        for iw in iws:
            if iw.reason and not iw.used:
                notes.append(UNUSED.finding(iw.file, iw.line, rule=", ".join(iw.rules), files=iw.file,
                                            why=_NO_FINDING))
    screened = set(files)
    fixed = [e for fp, e in (baseline or {}).items() if fp not in seen_prints and e.get("file") in screened]
    return GateOutcome(out + notes, fixed, notes, baseline is not None)


def tree_files(paths: list[Path]) -> list[str]:
    """Every file under ``paths`` as the reports name them (relative to the working directory)."""
    files, ignored, _ = expand_paths(paths)
    out = []
    for f in files:
        try:
            out.append(os.path.relpath(f))
        except ValueError:  # another drive (Windows)
            out.append(str(f))
    return out + ignored


def _slashed(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


# --- changed files ------------------------------------------------------------------------------------

def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Files added, copied, modified, deleted or renamed since ``ref``, and untracked files (resolved).

    A renamed file counts under its old and its new name, a deleted one under its old name: a
    department that lists either must be screened again. Raises GateError.
    """
    def git(*args: str, where: Path = cwd) -> str:
        done = subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise GateError(done.stderr.strip() or f"git {' '.join(args)} failed")
        return done.stdout

    if not ref or ref.startswith("-"):
        raise GateError(f"--changed-since: '{ref}' is not a git revision", f"--changed-since：“{ref}”不是 git 版本")
    top = Path(git("rev-parse", "--show-toplevel").strip())
    if subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=top,
                      capture_output=True, check=False).returncode != 0:
        raise GateError(f"--changed-since: '{ref}' is not a revision of this repository "
                        "(in CI, fetch the history: actions/checkout with fetch-depth: 0)",
                        f"--changed-since：“{ref}”不是本仓库的 git 版本"
                        "（CI 中请取得完整历史：actions/checkout 设 fetch-depth: 0）")
    # -z: names as they are (no quoting of non-ASCII); --no-renames: a rename is its deletion and addition
    names = git("diff", "-z", "--name-only", "--no-renames", "--diff-filter=ACDMR", ref, "--", where=top).split("\0")
    names += git("ls-files", "-z", "--others", "--exclude-standard", where=top).split("\0")
    return {(top / name).resolve() for name in names if name}

