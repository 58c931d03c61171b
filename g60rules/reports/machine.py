"""Machine-readable reports: SARIF, JUnit XML, GitHub Actions annotations, GitLab Code Quality, JSON Lines.

:func:`render` turns a :class:`~g60rules.engines.pool.ScreenResult` into one of :data:`FORMATS`; every
format ends with a newline (``jsonl`` with no findings is empty). Messages and descriptions are in
``lang`` (``zh`` default, ``en``). :func:`fingerprint` / :func:`fingerprints` give each finding an
identity that survives unrelated edits; SARIF and GitLab use it. (A baseline uses its own
fingerprint, :func:`g60rules.gate.baseline_fingerprints`, which adds the field's value: a changed
value must count as new there, while code scanning should keep tracking the same alert.)

Fingerprint (``g60rules/v1``), exactly: the SHA-256 of the UTF-8 JSON array
``["g60rules/v1", rule_id, path, project, indicator, field, occurrence]`` (``json.dumps`` with
``ensure_ascii=False`` and default separators), as the first 32 hex digits, where

- ``path`` is the finding's file with ``\\`` turned into ``/`` and a leading ``./`` removed;
- ``project`` is the project name, or ``""`` (department-level and file-level findings);
- ``indicator`` is the indicator's 三级 name, or ``"#row N"`` when the row has no name, or ``""``
  when the finding is not about one indicator row;
- ``field`` is the field the finding points at (the rule's ``field``/locate path), or ``""``;
- ``occurrence`` is 0 for the first finding with the same five values above, 1 for the next, …,
  counted in file order (line, then row, then message) — the stable discriminator for otherwise
  identical findings (G60-REL-004 on three rows of one name; two unknown keys in one file);
- every text is NFC-normalised and stripped.

Not in it: the line number (inserting lines above a finding keeps it) and the message (a value that
changes but still breaks the rule is the same problem). Renaming the project or the indicator, moving
the file or changing the rule id does change it.

SARIF object model: plain dicts, checked in the tests against the official OASIS SARIF 2.1.0 JSON
schema (tests/data/sarif-schema-2.1.0.json). The PyPI candidates were read and not used:
``sarif-om`` 1.0.4 (last release 2019) is attrs classes with no serialiser of its own, whose defaults
(``rank=-1.0``, ``ruleIndex=-1``, ``kind="fail"``) would leak into the output unless filtered by hand;
``sarif-pydantic`` 0.6.2 makes every property optional (so it validates little) and departs from the
spec where we need it (``invocation`` has no ``toolExecutionNotifications``; ``result.suppression``
for ``suppressions``). Neither adds correctness over dicts plus the schema test.

GitHub code scanning facts used here (docs.github.com, "SARIF support for code scanning" and
"SARIF results exceed limit"): at most 25,000 results per run and 10 MB per gzip-compressed upload,
so :func:`sarif` keeps the most severe results first and says what it dropped (``run.properties``
and a ``toolExecutionNotification``); ``partialFingerprints``: code scanning only reads
``primaryLocationLineHash``, and the upload action computes a line-content hash there when it is
missing, so our line-independent fingerprint is written under that key (and under ``g60rules/v1``
for other consumers); rule ``name`` ≤ 255 characters, ``shortDescription``/``fullDescription`` ≤
1024; ``help.text`` required, ``help.markdown`` shown instead when present; ``precision`` and
``problem.severity`` order the alerts.

JUnit: built with ``junitparser`` (maintained, statistics computed for us), one ``testsuite`` per
run, one ``testcase`` per screened file (clean files pass), one ``failure`` per finding; non-YAML
files that were not screened are ``skipped`` cases.

GitHub Actions: workflow commands, errors first (GitHub shows only the first 10 annotations of each
type per step), then a summary line. Escaping as the Actions toolkit does it: in the message ``%``,
``\\r``, ``\\n`` become ``%25``, ``%0D``, ``%0A``; in properties also ``:`` → ``%3A``, ``,`` → ``%2C``.

GitLab Code Quality (docs.gitlab.com, "Code Quality" report format): a JSON array of issues with
``description``, ``check_name``, ``fingerprint``, ``severity``, ``location.path`` and
``location.lines.begin``. Severity mapping: error → ``critical`` for the file checks that stop a
file from being screened at all (G60-FILE-001 unreadable, -002 YAML syntax, -006 not a declaration),
error → ``major`` otherwise, warning → ``minor``, info → ``info`` (``blocker`` is not used).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Sequence
from urllib.parse import quote

from g60rules import __version__
from g60rules.engines.pool import ScreenResult
from g60rules.sanitize import plain
from g60rules.findings import FILE_CHECKS, NOT_READ, FileCheck, Finding, Severity
from g60rules.reports.summary import counts, finding_dict, groups
from g60rules.reports.text import where
from g60rules.rules.compiler import CompiledRule, CompiledRuleset

FORMATS = ("sarif", "junit", "github", "gitlab", "jsonl")
LANGS = ("zh", "en")

FINGERPRINT_VERSION = "g60rules/v1"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_MAX_RESULTS = 25_000          # GitHub: results per run
SARIF_MAX_GZIP_BYTES = 10_000_000   # GitHub: 10 MB per gzip-compressed upload (decimal MB: the safe side)
SARIF_SRCROOT = "%SRCROOT%"

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
_GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
_CATEGORY = {"COMP": "completeness", "REL": "relevance", "APP": "appropriateness", "FEA": "feasibility",
             "FORM": "form", "FILE": "file", "DATA": "data", "ENGINE": "engine"}

_LABELS = {
    "zh": {
        "colon": "：", "stop": "。", "basis": "依据", "why": "理由", "scope": "检查对象",
        "level": "默认级别", "message": "报告内容",
        "builtin": "g60rules 内置的文件检查（在规则集之前运行，不属于任何规则集）",
        "scopes": {"project": "每个项目", "indicator": "每个指标行", "department": "每个部门",
                   None: "每个申报文件"},
        "severity": {"error": "错误", "warning": "警告", "info": "提示"},
        "row": "第{row}行",
        "summary": "g60rules：错误 {error} 个，警告 {warning} 个，提示 {info} 个，共 {files} 个文件",
        "apart": {"waived": "已豁免", "baselined": "基线中", "shadow": "影子规则"},
        "truncated": "结果超出 GitHub 代码扫描的上限（{limit}）：共 {total:,} 条，"
                     "按严重程度保留前 {kept:,} 条，省略 {dropped:,} 条"
                     "（错误 {error}、警告 {warning}、提示 {info}）；完整结果请用 --format json 或 jsonl",
        "limit_results": "每次运行最多 {n:,} 条结果",
        "limit_size": "gzip 压缩后最多 {n:,} 字节",
        "ignored": "未检查的文件（不是可读取的格式、隐藏文件或 Office 锁定文件）{n} 个：{names}",
        "not_checked": "不是可读取的格式、隐藏文件或 Office 锁定文件，未检查",
        "srcroot": "运行 g60rules 时的工作目录（通常为仓库根目录）",
    },
    "en": {
        "colon": ": ", "stop": ". ", "basis": "Basis", "why": "Why", "scope": "Checked on",
        "level": "Default level", "message": "Reports",
        "builtin": "Built-in file check of g60rules (runs before any ruleset; part of no ruleset)",
        "scopes": {"project": "each project", "indicator": "each indicator row", "department": "each department",
                   None: "each declaration file"},
        "severity": {"error": "error", "warning": "warning", "info": "info"},
        "row": "row {row}",
        "summary": "g60rules: {error} errors, {warning} warnings, {info} infos in {files} files",
        "apart": {"waived": "waived", "baselined": "baselined", "shadow": "shadow"},
        "truncated": "results exceed GitHub code scanning's limit ({limit}): {total:,} in all, "
                     "the {kept:,} most severe kept, {dropped:,} dropped "
                     "({error} errors, {warning} warnings, {info} infos); use --format json or jsonl for all of them",
        "limit_results": "at most {n:,} results per run",
        "limit_size": "at most {n:,} bytes gzip-compressed",
        "ignored": "{n} files not checked (not a format read, hidden, or an Office lock file): {names}",
        "not_checked": "not a format read, hidden, or an Office lock file; not checked",
        "srcroot": "the directory g60rules ran in (normally the repository root)",
    },
}


def render(fmt: str, result: ScreenResult, ruleset: CompiledRuleset, lang: str = "zh") -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`), ending with a newline. Raises ValueError."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    if fmt == "sarif":
        return json.dumps(sarif(result, ruleset, lang), ensure_ascii=False, indent=2) + "\n"
    if fmt == "junit":
        return junit(result, ruleset, lang)
    if fmt == "github":
        return github(result, lang)
    if fmt == "gitlab":
        return json.dumps(gitlab(result, lang), ensure_ascii=False, indent=2) + "\n"
    return jsonl(result, lang)


# --- fingerprints -----------------------------------------------------------------------------------

def _norm(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).strip() if text is not None else ""


def _path(file: str) -> str:
    path = _norm(file).replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _identity(f: Finding) -> tuple[str, str, str, str, str]:
    if f.indicator:
        indicator = _norm(f.indicator)
    elif f.row is not None:
        indicator = f"#row {f.row}"
    else:
        indicator = ""
    return (_norm(f.rule_id), _path(f.file), _norm(f.project), indicator, _norm(f.field))


def fingerprint(finding: Finding, occurrence: int = 0) -> str:
    """The finding's fingerprint (module docstring); ``occurrence`` tells identical findings apart.

    Use :func:`fingerprints` for a whole list: it counts the occurrences for you.
    """
    payload = [FINGERPRINT_VERSION, *_identity(finding), occurrence]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """Fingerprints of ``findings``, in the same order, with occurrences counted in file order."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, f in enumerate(findings):
        groups[_identity(f)].append(index)
    out = [""] * len(findings)
    for indexes in groups.values():
        ordered = sorted(indexes, key=lambda i: (findings[i].line, findings[i].row or 0, findings[i].message_en,
                                                 findings[i].message_zh))
        for occurrence, index in enumerate(ordered):
            out[index] = fingerprint(findings[index], occurrence)
    return out


def _by_severity(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first; within a severity by file and line."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key()))


def _message(f: Finding, lang: str) -> str:
    """Message, then the basis, as the text report writes it."""
    return f"{f.message(lang)} ({_LABELS[lang]['basis']}: {f.basis})" if f.basis else f.message(lang)


# --- SARIF --------------------------------------------------------------------------------------------

def _uri(file: str) -> str:
    """A URI reference for the file: relative paths stay relative (forward slashes, percent-encoded)."""
    path = _path(file)
    safe = "/-._~!$&'()*+,;=@"
    if path.startswith("/"):
        return "file://" + quote(path, safe=safe)
    if re.match(r"^[A-Za-z]:/", path):
        return "file:///" + path[:2] + quote(path[2:], safe=safe)
    return quote(path, safe=safe)


def _camel(title_en: str, fallback: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"['’]", "", title_en))  # "project's" → "Projects"
    name = "".join(w[0].upper() + w[1:] for w in words)
    return (name or re.sub(r"[^A-Za-z0-9]", "", fallback) or "Rule")[:255]


def _cut(text: str, limit: int = 1024) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")  # inline specials; no text here starts a line


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _category(rule_id: str) -> str:
    parts = rule_id.split("-")
    key = parts[1] if len(parts) > 2 else parts[0]
    return _CATEGORY.get(key, key.lower())


def _descriptor(rule_id: str, title_zh: str, title_en: str, severity: str, basis_source: str, basis_clause: str,
                applies_to: str | None, why_zh: str | None, why_en: str | None, template_zh: str,
                template_en: str, lang: str, builtin: bool) -> dict:
    labels = _LABELS[lang]
    title = title_en if lang == "en" else title_zh
    why = why_en if lang == "en" else why_zh
    template = template_en if lang == "en" else template_zh
    basis = f"{basis_source} {basis_clause}".strip()
    scope = labels["builtin"] if builtin else labels["scopes"].get(applies_to, applies_to)
    level = labels["severity"][severity]
    colon, stop = labels["colon"], labels["stop"]
    lines = [title, f"{labels['scope']}{colon}{scope}", f"{labels['basis']}{colon}{basis}"]
    if why:
        lines.append(f"{labels['why']}{colon}{why}")
    lines += [f"{labels['message']}{colon}{template}", f"{labels['level']}{colon}{level}"]
    markdown = [f"**{_md(title)}**", "",
                f"- {labels['scope']}{colon}{_md(scope)}",
                f"- {labels['basis']}{colon}`{basis_source}` {_md(basis_clause)}".rstrip()]
    if why:
        markdown.append(f"- {labels['why']}{colon}{_md(why)}")
    markdown += [f"- {labels['message']}{colon}{_md(template)}", f"- {labels['level']}{colon}{level}"]
    full = (f"{title}{stop}{labels['basis']}{colon}{basis}{stop}" + (why or "")).strip()
    tags = [_category(rule_id), basis_source, applies_to, "file-check" if builtin else None]
    return {
        "id": rule_id,
        "name": _camel(title_en, rule_id),
        "shortDescription": {"text": _cut(title or rule_id)},
        "fullDescription": {"text": _cut(full), "markdown": _cut(_md(full))},
        "help": {"text": "\n".join(lines), "markdown": "\n".join(markdown)},
        "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
        "properties": {
            "tags": list(dict.fromkeys(t for t in tags if t)),
            "basis": {"source": basis_source, "clause": basis_clause},
            "basisText": basis,
            "appliesTo": applies_to or "file",
            "precision": "high",
            "problem.severity": _PROBLEM_SEVERITY[severity],
        },
    }


def _with_state(descriptor: dict, state: object) -> dict:
    if isinstance(state, str) and state:
        descriptor["properties"]["state"] = state
    return descriptor


def _rule_descriptor(rule: CompiledRule, lang: str) -> dict:
    descriptor = _descriptor(rule.id, rule.title.zh, rule.title.en, rule.severity, rule.basis.source,
                             rule.basis.clause, rule.applies_to, rule.why.zh if rule.why else None,
                             rule.why.en if rule.why else None, rule.message.zh, rule.message.en, lang, builtin=False)
    return _with_state(descriptor, getattr(rule, "state", None))  # enforce/… where the ruleset has states


def _check_descriptor(check: FileCheck, lang: str) -> dict:
    return _descriptor(check.rule_id, check.title_zh, check.title_en, check.severity.value, "g60rules", "",
                       None, None, None, check.zh, check.en, lang, builtin=True)


def _finding_descriptor(f: Finding, lang: str) -> dict:
    """For a finding whose rule is in neither the ruleset nor the built-in checks."""
    source, _, clause = f.basis.partition(" ")
    return _descriptor(f.rule_id, f.title_zh or f.rule_id, f.title_en or f.rule_id, f.severity.value,
                       source or "g60rules", clause, None, None, None, f.title_zh, f.title_en, lang, builtin=False)


def sarif_rules(ruleset: CompiledRuleset, findings: Sequence[Finding], lang: str) -> list[dict]:
    """Every rule of the ruleset, then the built-in checks (and any other rule) that occur in ``findings``."""
    rules = [_rule_descriptor(r, lang) for r in ruleset.rules]
    known = {r.id for r in ruleset.rules}
    occurring = {f.rule_id for f in findings}
    for check in FILE_CHECKS:
        if check.rule_id in occurring and check.rule_id not in known:
            rules.append(_check_descriptor(check, lang))
            known.add(check.rule_id)
    for f in findings:
        if f.rule_id not in known:
            rules.append(_finding_descriptor(f, lang))
            known.add(f.rule_id)
    return rules


def _sarif_result(f: Finding, fp: str, index: int, lang: str, baseline_used: bool = False) -> dict:
    context = {k: v for k, v in (("department", f.department), ("project", f.project), ("indicator", f.indicator),
                                 ("row", f.row), ("field", f.field)) if v is not None}
    return {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": _SARIF_LEVEL[f.severity.value],
        "message": {"text": f.message(lang) or f.title(lang) or f.rule_id},
        "locations": [_sarif_location(f)],
        "partialFingerprints": {"primaryLocationLineHash": fp, FINGERPRINT_VERSION: fp},
        "properties": {**context, "basis": f.basis, "severity": f.severity.value, "state": f.state,
                       "status": f.status},
        **_suppression(f, baseline_used),
    }


def _sarif_location(f: Finding) -> dict:
    """The file and line; for a workbook / Word / CSV cell also a logical location naming it."""
    out: dict = {"physicalLocation": {
        "artifactLocation": {"uri": _uri(f.file), "uriBaseId": SARIF_SRCROOT},
        "region": {"startLine": max(1, int(f.line))},
    }}
    if f.cell:
        out["logicalLocations"] = [{"name": f.cell.rsplit(" › ", 1)[-1], "fullyQualifiedName": f"{f.file} › {f.cell}",
                                    "kind": "element"}]
    return out


def _suppression(f: Finding, baseline_used: bool = False) -> dict:
    """Waived and shadow-rule results are suppressed (never hidden); baselined ones are 'unchanged'."""
    out: dict = {}
    if f.status == "waived":
        kind = "inSource" if f.waiver_source == "inline" else "external"
        out["suppressions"] = [{"kind": kind, "status": "accepted", "justification": f.waiver or ""}]
    elif f.state == "shadow":
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": "shadow rule (trial run)"}]
    if f.status == "baselined":
        out["baselineState"] = "unchanged"
    elif baseline_used:
        out["baselineState"] = "new"
    return out


def _fits(log: dict, limit: int) -> bool:
    """Whether the log, gzip-compressed as the upload compresses it, is at most ``limit`` bytes."""
    data = json.dumps(log, ensure_ascii=False, indent=2).encode("utf-8")
    if len(data) + len(data) // 1000 + 64 <= limit:
        return True  # gzip's worst case (stored blocks) cannot grow it past the limit: skip compressing
    return len(gzip.compress(data, compresslevel=6, mtime=0)) <= limit


def sarif(result: ScreenResult, ruleset: CompiledRuleset, lang: str = "zh", *,
          max_results: int = SARIF_MAX_RESULTS, max_gzip_bytes: int | None = None) -> dict:
    """The SARIF 2.1.0 log as a dict: one run, most severe results first, cut to GitHub's limits.

    ``max_gzip_bytes`` defaults to :data:`SARIF_MAX_GZIP_BYTES`; both limits are parameters only so
    that the cutting can be tested with small numbers.
    """
    limit_bytes = SARIF_MAX_GZIP_BYTES if max_gzip_bytes is None else max_gzip_bytes
    labels = _LABELS[lang]
    findings = result.findings
    prints = fingerprints(findings)
    order = sorted(range(len(findings)), key=lambda i: (-findings[i].severity.rank, findings[i].sort_key()))
    ordered = [findings[i] for i in order]
    rules = sarif_rules(ruleset, findings, lang)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [_sarif_result(findings[i], prints[i], index[findings[i].rule_id], lang, result.baseline_used)
               for i in order]

    def build(kept: int, reason: str | None) -> dict:
        notes = []
        if result.ignored:
            names = ", ".join(result.ignored[:10]) + (" …" if len(result.ignored) > 10 else "")
            notes.append({"level": "note", "message": {"text": labels["ignored"].format(n=len(result.ignored),
                                                                                         names=names)}})
        props = {"ruleset": ruleset.name, "engine": result.engine, "files": len(result.files),
                 "declarations": result.declarations, "ignoredFiles": result.ignored,
                 "findings": len(ordered), "reported": kept, "dropped": len(ordered) - kept}
        if reason:
            dropped = Counter(f.severity.value for f in ordered[kept:])
            by_severity = {s: dropped.get(s, 0) for s in ("error", "warning", "info")}
            text = labels["truncated"].format(limit=reason, total=len(ordered), kept=kept,
                                              dropped=len(ordered) - kept, **by_severity)
            notes.append({"level": "warning", "message": {"text": text}})
            props["truncated"] = {"reason": reason, "droppedBySeverity": by_severity, "note": text}
        invocation: dict = {"executionSuccessful": True}
        if notes:
            invocation["toolExecutionNotifications"] = notes
        return {
            "$schema": SARIF_SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "g60rules", "version": __version__, "semanticVersion": __version__,
                                    "rules": rules}},
                "invocations": [invocation],
                "originalUriBaseIds": {SARIF_SRCROOT: {"description": {"text": labels["srcroot"]}}},
                "results": results[:kept],
                "properties": {"g60rules": props},
            }],
        }

    kept = min(len(results), max_results)
    reason = labels["limit_results"].format(n=max_results) if kept < len(results) else None
    log = build(kept, reason)
    if _fits(log, limit_bytes):
        return log
    # Too big even so: the largest count of most severe results that fits, by bisection.
    reason = labels["limit_size"].format(n=limit_bytes)
    low, high = 0, kept - 1
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(build(middle, reason), limit_bytes):
            low = middle
        else:
            high = middle - 1
    return build(low, reason)


# --- JUnit XML ------------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can carry: characters it forbids (control characters) become U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text)


def junit(result: ScreenResult, ruleset: CompiledRuleset, lang: str = "zh") -> str:
    """JUnit XML: a test case per screened file, a failure per finding, a skipped case per unread file."""
    # imported here: junitparser loads lxml, and screening workers forked from the CLI never write XML
    from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in groups(result.findings)["counted"]:
        by_file[f.file].append(f)
    files = list(dict.fromkeys([*result.files, *by_file]))
    classname = _xml(f"g60rules.{ruleset.name}")
    cases = []
    for file in files:
        case = TestCase(_xml(file), classname)
        failures = []
        for f in sorted(by_file.get(file, []), key=Finding.sort_key):
            context = where(f, lang)
            failure = Failure(_xml(f"{f.rule_id}: {f.message(lang)}"), _xml(f.severity.value))
            failure.text = _xml("\n".join(line for line in (
                f"{f.file}:{f.line}: {f.severity.value} {f.rule_id} {f.title(lang)}",
                f"[{context}]" if context else "",
                f.message(lang),
                f"{_LABELS[lang]['basis']}: {f.basis}") if line))
            failures.append(failure)
        if failures:
            case.result = failures
        cases.append(case)
    for file in result.ignored:
        case = TestCase(_xml(file), classname)
        case.result = [Skipped(_xml(_LABELS[lang]["not_checked"]))]
        cases.append(case)
    suite = TestSuite(_xml(f"g60rules ({ruleset.name})"))
    suite.add_testcases(cases)
    report = JUnitXml("g60rules")
    report.add_testsuite(suite)
    report.update_statistics()
    root = ET.fromstring(report.tostring())  # re-read to indent: junitparser may have built it with lxml
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- GitHub Actions ---------------------------------------------------------------------------------------

def _gh_data(text: str) -> str:
    # As the Actions toolkit escapes command data (actions/toolkit, packages/core/src/command.ts);
    # other control characters (ESC, BEL…) are shown as escapes, never sent to the log raw.
    text = "".join(part if part in ("\r", "\n") else plain(part) for part in re.split(r"(\r|\n)", text))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(result: ScreenResult, lang: str = "zh") -> str:
    """``::error``/``::warning``/``::notice`` workflow commands, most severe first, then a summary line."""
    lines = []
    parts = groups(result.findings)
    for f in _by_severity(parts["counted"]):
        props = [f"file={_gh_property(_path(f.file))}", f"line={max(1, int(f.line))}",
                 f"title={_gh_property(f'{f.rule_id} {f.title(lang)}'.strip())}"]
        context = where(f, lang)
        text = f"[{context}] {_message(f, lang)}" if context else _message(f, lang)
        lines.append(f"::{_GITHUB_COMMAND[f.severity.value]} {','.join(props)}::{_gh_data(text)}")
    summary = _LABELS[lang]["summary"].format(files=len(result.files), **counts(parts["counted"]))
    names = _LABELS[lang]["apart"]
    sep, (left, right) = ("，", "（）") if lang == "zh" else (", ", "()")
    apart = sep.join(f"{names[key]} {len(parts[key])}" for key in ("waived", "baselined", "shadow") if parts[key])
    lines.append(summary + (f"{left}{apart}{right}" if apart else ""))
    return "\n".join(lines) + "\n"


# --- GitLab Code Quality ----------------------------------------------------------------------------------

def gitlab_severity(f: Finding) -> str:
    """GitLab severity of a finding (mapping in the module docstring)."""
    if f.severity is Severity.ERROR and f.rule_id in NOT_READ:
        return "critical"
    return _GITLAB_SEVERITY[f.severity.value]


def gitlab(result: ScreenResult, lang: str = "zh") -> list[dict]:
    """GitLab Code Quality issues (a list, one per finding)."""
    counted = groups(result.findings)["counted"]
    prints = fingerprints(counted)
    issues = []
    for f, fp in zip(counted, prints, strict=True):
        context = where(f, lang)
        issues.append({
            "type": "issue",
            "check_name": f.rule_id,
            "description": f"{f.rule_id} {f'[{context}] ' if context else ''}{_message(f, lang)}",
            "severity": gitlab_severity(f),
            "fingerprint": fp,
            "location": {"path": _path(f.file), "lines": {"begin": max(1, int(f.line))}},
        })
    return issues


# --- JSON Lines ---------------------------------------------------------------------------------------------

def jsonl(result: ScreenResult, lang: str = "zh") -> str:
    """One finding per line (the fields of :meth:`Finding.to_dict`, units as
    :func:`~g60rules.reports.summary.finding_dict` names them), UTF-8; empty when there is none."""
    return "".join(json.dumps(finding_dict(f, lang), ensure_ascii=False) + "\n" for f in result.findings)
