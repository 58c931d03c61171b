"""Reports of a screening run: text (grouped by file, then a summary) and JSON.

Both render a :class:`~g60rules.reports.summary.Report`. Findings fall in four groups, each shown
apart and none hidden: those that count (state ``enforce`` or ``warn``, not waived, not in the
baseline), waived ones (with the waiver's reason), baselined ones (counted), and those of rules in
``shadow`` state (a trial run). Entries of the baseline no longer found are listed as fixed. After
``check --compare`` each counted finding is marked new or still open, and the findings fixed since the
previous report are listed apart.

Text goes through rich with markup off: declaration content such as ``[2024]`` is printed as
written, never read as styling; every text from a declaration or ruleset goes through
:func:`g60rules.sanitize.plain` (no control character, no line break: nothing can start a line). Labels are Chinese by default, English with ``lang="en"``.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby
from pathlib import PurePath

from rich.console import Console
from rich.text import Text

from g60rules import __version__
from g60rules.engines.pool import ScreenResult
from g60rules.findings import MISSING_PROJECT_FILE, NOT_READ, OWN_OUTPUT, Finding, basis_document
from g60rules.reports.summary import Report, UnitCount, counts, finding_dict, groups
from g60rules.sanitize import plain

__all__ = ["counts", "groups", "where", "render_text", "to_json", "cache_note"]

_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示", "summary": "汇总", "row": "第{row}行",
           "files": "文件 {n} 个：项目申报 {p} 份，部门文件 {d} 份，无法读取 {u} 个", "missing": "部门文件列出但不存在的项目文件 {n} 个", "counts": "错误 {error} 个，警告 {warning} 个，提示 {info} 个",
           "by_rule": "按规则", "more_rules": "… 另有 {n} 条规则（完整列表：-o html= 或 -o xlsx=）", "ignored": "未检查的文件（不是可读取的格式、隐藏文件或 Office 锁定文件）{n} 个：{names}", "basis": "依据",
           "clean": "没有计入结果的问题", "engine": "引擎", "fallback": "回退到参考评估器的申报 {n} 份",
           "shadow": "影子规则（试运行，仅报告，不影响结果）：{n} 条",
           "waived": "已豁免（仍列出，不影响结果）：{n} 条", "reason": "理由",
           "baselined": "已在基线中（不影响结果）：{n} 条", "fixed": "基线中已修复：{n} 条",
           "reference_rules": "超出 durable-rules 限制、由参考评估器执行的规则：{ids}",
           "nothing": "{files}，0 份申报表：没有检查任何申报", "file_count": "{n} 个 {suffix} 文件",
           "no_files": "没有文件", "self_evaluations": "其中自评表 {n} 份（不是申报表，未检查）",
           "units": "主管部门 {c} 个，实施单位 {u} 个", "top_units": "错误最多的实施单位",
           "unattributed": "未注明实施单位的问题（文件级，不计入单位排名）：错误 {error} 个，警告 {warning} 个，提示 {info} 个",
           "unreadable": "无法读取的文件 {n} 个", "under": "（主管部门：{name}）",
           "change_new": "新", "change_open": "仍存在", "change_fixed": "已修复",
           "compared": "与上次报告 {path} 相比：新问题 {new} 个，仍存在 {open} 个，已修复 {fixed} 个",
           "resolved": "与上次报告相比已修复：{n} 条",
           "cache": "缓存 {path}：共 {total} 个单元（一个部门及其项目，或一个文件），{n} 个未改动，结果取自缓存，未重新筛查；"
                    "其余 {screened} 个已筛查并存入缓存（本次共 {files} 个文件）",
           "cache_none": "缓存 {path}：共 {total} 个单元（一个部门及其项目，或一个文件），均已筛查并存入缓存，没有取自缓存的结果"
                         "（本次共 {files} 个文件）",
           "cache_all": "缓存 {path}：共 {total} 个单元（一个部门及其项目，或一个文件），均未改动，结果取自缓存，未重新筛查"
                        "（本次共 {files} 个文件）",
           "cache_empty": "缓存 {path}：本次没有可筛查的单元（共 {files} 个文件）"},
    "en": {"error": "error", "warning": "warning", "info": "info", "summary": "Summary", "row": "row {row}",
           "files": "{n} files: {p} project declarations, {d} department files, {u} unreadable",
           "missing": "{n} project files listed by a department but missing",
           "counts": "{error} errors, {warning} warnings, {info} infos",
           "by_rule": "by rule", "more_rules": "… {n} more rules (all of them: -o html= or -o xlsx=)", "ignored": "{n} files not checked (not a format read, hidden, or an Office lock file): {names}", "basis": "basis",
           "clean": "no findings that count", "engine": "engine", "fallback": "{n} declarations re-checked by the reference evaluator",
           "shadow": "shadow rules (trial run, reported only, never fail): {n}",
           "waived": "waived (listed, never fail): {n}", "reason": "reason",
           "baselined": "in the baseline (never fail): {n}", "fixed": "fixed since the baseline: {n}",
           "reference_rules": "rules beyond durable-rules' limits, run on the reference evaluator: {ids}",
           "nothing": "{files}, 0 declarations: nothing was screened", "file_count": "{n} {suffix} files",
           "no_files": "no files", "self_evaluations": "{n} of them self-evaluation forms (not declarations, not screened)",
           "units": "{c} competent departments, {u} implementing units", "top_units": "units with most errors",
           "unattributed": "findings naming no implementing unit (file level, not ranked as a unit): "
                           "{error} errors, {warning} warnings, {info} infos",
           "unreadable": "{n} unreadable files", "under": " (competent department: {name})",
           "change_new": "new", "change_open": "still open", "change_fixed": "fixed",
           "compared": "against the previous report {path}: {new} new, {open} still open, {fixed} fixed",
           "resolved": "fixed since the previous report: {n}",
           "cache": "cache {path}: {total} units (a department with its projects, or one file), {n} unchanged, taken "
                    "from the cache, not screened again; the other {screened} screened and stored ({files} files in "
                    "this run)",
           "cache_none": "cache {path}: {total} units (a department with its projects, or one file), all screened and "
                         "stored, none taken from the cache ({files} files in this run)",
           "cache_all": "cache {path}: {total} units (a department with its projects, or one file), all unchanged, "
                        "taken from the cache, not screened again ({files} files in this run)",
           "cache_empty": "cache {path}: no unit to screen in this run ({files} files)"},
}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


TOP = 10  # rules and units listed in the text summary


def location(f: Finding) -> str:
    """Where a finding is: ``文件.yaml:12``, or ``文件.xlsx › 宣传推广 › C14`` for a table file."""
    return f"{f.file} › {f.cell}" if f.cell else f"{f.file}:{f.line}"


def where(f: Finding, lang: str, cell: bool = True) -> str:
    """Sheet › cell (table files; unless ``cell`` is False) › project › row「indicator」: a finding's
    one-line context."""
    parts = [p for p in ((f.cell if cell else None), f.project) if p]
    if f.row is not None:
        row = _LABELS[lang]["row"].format(row=f.row)
        parts.append(f"{row}「{f.indicator}」" if f.indicator else row)
    return plain(" › ".join(parts))


def nothing_screened(result: ScreenResult, lang: str) -> str | None:
    """When no declaration was screened, what was found instead ("5 个 .xlsx 文件，0 份申报表：…"),
    with the reason of each file that could not be screened; None when something was screened."""
    if result.declarations:
        return None
    labels = _LABELS[lang]
    sep = ", " if lang == "en" else "、"
    by_suffix = Counter(PurePath(name.rstrip("/")).suffix.lower() or "(—)" for name in [*result.files, *result.ignored])
    files = sep.join(labels["file_count"].format(n=n, suffix=suffix) for suffix, n in sorted(by_suffix.items())) \
        or labels["no_files"]
    lines = [labels["nothing"].format(files=files)]
    if result.self_evaluations:
        lines.append("  " + labels["self_evaluations"].format(n=result.self_evaluations))
    # one notice per folder, each with its number of files (G60-FILE-012)
    lines += ["  " + plain(f.message(lang)) for f in result.findings if f.rule_id == OWN_OUTPUT.rule_id]
    stopped = [f for f in result.findings if f.rule_id in NOT_READ]
    lines += [f"  {location(f)}: {f.message(lang)}" for f in stopped[:10]]
    if len(stopped) > 10:
        lines.append(f"  … (+{len(stopped) - 10})")
    return "\n".join(lines)


def _print_group(findings: list[Finding], lang: str, console: Console) -> None:
    labels = _LABELS[lang]
    for file, group in groupby(findings, key=lambda f: f.file):
        console.print(Text(plain(file), style="bold underline"))
        for f in group:
            line = Text(f"  {location(f)}  " if f.cell else f"  {f.line:>4}  ")
            line.append(f"{labels[f.severity.value]:<7}", style=_STYLE[f.severity.value])
            line.append(f" {plain(f.rule_id):<13} ", style="magenta")
            if f.change:
                line.append(f"[{labels['change_' + f.change]}] ", style="bold" if f.change == "new" else "dim")
            context = where(f, lang, cell=False)
            if context:
                line.append(f"[{context}] ", style="dim")
            line.append(plain(f.message(lang)))
            line.append(f"  ({labels['basis']}: {plain(basis_document(f.basis, lang))})", style="dim")
            if f.waiver:
                line.append(f"  [{labels['reason']}: {plain(f.waiver)}]", style="green")
            console.print(line)
        console.print()


def render_text(report: Report, console: Console) -> None:
    """Print counted findings grouped by file; then waived, shadow and fixed ones apart; then the summary.

    The engine, its fallbacks and the rules run beside it are shown only when ``report.verbose``.
    """
    lang, result, summary, verbose = report.lang, report.result, report.summary, report.verbose
    labels = _LABELS[lang]
    parts = report.parts
    counted = parts["counted"]
    _print_group(counted, lang, console)
    for key, findings in (("waived", parts["waived"]), ("shadow", parts["shadow"]), ("resolved", report.resolved)):
        if findings:
            console.print(Text(labels[key].format(n=len(findings)), style="bold dim"))
            _print_group(findings, lang, console)
    console.print(Text(labels["summary"], style="bold"))
    sep = "; " if lang == "en" else "；"
    console.print(Text("  " + labels["files"].format(n=summary.files, p=result.projects, d=result.departments,
                                                     u=len(result.unreadable))
                       + (f"{sep}{labels['engine']}: {result.engine}" if verbose else "")))
    missing = sum(f.rule_id == MISSING_PROJECT_FILE.rule_id for f in result.findings)
    if missing:  # not files of the season (the line above), yet not screened: said apart, as letters does
        console.print(Text("  " + labels["missing"].format(n=missing), style="bold red"))
    console.print(Text("  " + labels["units"].format(c=summary.competents, u=summary.units)))
    nothing = nothing_screened(result, lang)
    if nothing:
        console.print(Text("  " + nothing.replace("\n", "\n  "), style="bold red"))
    console.print(Text("  " + (labels["counts"].format(**summary.counts) if counted or nothing
                               else labels["clean"])))
    if summary.change:
        console.print(Text("  " + labels["compared"].format(path=report.compared_with, **summary.change)))
    for key in ("waived", "baselined", "shadow"):
        if summary.apart[key]:
            console.print(Text("  " + labels[key].format(n=summary.apart[key])))
    if result.fixed:
        console.print(Text("  " + labels["fixed"].format(n=len(result.fixed))))
    if summary.by_rule:
        console.print(Text(f"  {labels['by_rule']}:"))
        for rule in summary.by_rule[:TOP]:
            console.print(Text(f"    {rule.count:>6}  {plain(rule.rule_id):<13} {plain(rule.title)}"))
        if len(summary.by_rule) > TOP:
            console.print(Text("    " + labels["more_rules"].format(n=len(summary.by_rule) - TOP), style="dim"))
    worst = [u for u in summary.ranked if u.counts["error"]][:TOP]
    if worst:
        console.print(Text(f"  {labels['top_units']}:"))
        for unit in worst:
            above = "" if unit.competent == unit.unit else labels["under"].format(name=plain(unit.competent))
            console.print(Text(f"    {unit.counts['error']:>6}  {plain(unit.unit)}{above}"))
    if sum(summary.unattributed.values()):
        console.print(Text("  " + labels["unattributed"].format(**summary.unattributed)))
    if summary.unreadable:
        console.print(Text("  " + labels["unreadable"].format(n=summary.unreadable)))
    if result.fallbacks and verbose:
        console.print(Text("  " + labels["fallback"].format(n=len(result.fallbacks)), style="yellow"))
    if result.reference_rules and verbose:
        console.print(Text("  " + labels["reference_rules"].format(ids=plain(", ".join(result.reference_rules))),
                           style="yellow"))
    if result.ignored:
        names = plain(", ".join(result.ignored[:10])) + (" …" if len(result.ignored) > 10 else "")
        console.print(Text("  " + labels["ignored"].format(n=len(result.ignored), names=names), style="dim"))


def _unit_dict(unit: UnitCount) -> dict:
    names = {"competent_department": unit.competent, **({"implementing_unit": unit.unit} if unit.unit else {})}
    return {**names, **unit.counts, "projects": unit.projects}


def cache_note(report: Report) -> str | None:
    """With ``--cache``: how many units came from the cache (not screened again) and how many were
    screened, in the report's language — said plainly when all or none came from it; None without a
    cache."""
    if report.cache is None:
        return None
    result = report.result
    key = ("cache_empty" if not result.unit_count else "cache_none" if not result.cached
           else "cache_all" if result.cached == result.unit_count else "cache")
    return _LABELS[report.lang][key].format(path=report.cache, n=result.cached, total=result.unit_count,
                                                screened=result.unit_count - result.cached, files=len(result.files))


def to_json(report: Report) -> str:
    """The whole result as JSON (UTF-8, Chinese kept readable); every finding carries its status.

    ``summary.by_rule`` maps rule id → count (as before); ``summary.by_unit`` and
    ``summary.by_competent_department`` list counts per unit, most errors first. ``fixed`` lists what
    is fixed: with ``--compare`` the previous report's findings fixed since (``change`` "fixed", also
    listed as ``resolved``, counted in ``summary.change.fixed`` as the text counts 已修复), then with
    ``--baseline`` its entries no longer found (``summary.baseline_fixed``); ``summary.fixed`` counts
    both. With ``--compare``, ``compared_with`` names the previous report and each finding has
    ``change``. With ``--cache``, ``summary.cache`` gives its ``directory`` and
    ``units_from_cache`` (units whose files, ruleset and version were unchanged: not screened again).
    """
    result, summary, lang = report.result, report.summary, report.lang
    resolved = [finding_dict(f, lang) for f in report.resolved]
    data = {
        "tool": "g60rules",
        "version": __version__,
        "ruleset": report.ruleset.name,
        "engine": result.engine,
        "files": result.files,
        "declarations": result.declarations,
        "projects": result.projects,
        "departments": result.departments,
        "unreadable_files": result.unreadable,
        "ignored_files": result.ignored,
        "fallbacks": [{"file": file, "reason": reason} for file, reason in result.fallbacks],
        "rules_on_reference_evaluator": result.reference_rules,
        "summary": {**summary.counts, **summary.apart, "fixed": len(resolved) + len(result.fixed),
                    "baseline_fixed": len(result.fixed),
                    "by_rule": {r.rule_id: r.count for r in sorted(summary.by_rule, key=lambda r: r.rule_id)},
                    "units": summary.units, "competent_departments": summary.competents,
                    "by_unit": [_unit_dict(u) for u in summary.by_unit],
                    "by_competent_department": [_unit_dict(u) for u in summary.by_competent],
                    **({"change": summary.change} if summary.change else {}),
                    **({"cache": {"directory": report.cache, "units_from_cache": report.result.cached,
                                  "units_screened": report.result.unit_count - report.result.cached}}
                       if report.cache is not None else {})},
        "findings": [finding_dict(f, lang) for f in result.findings],
        "fixed": resolved + result.fixed,
    }
    if report.compared_with is not None:
        data["compared_with"] = report.compared_with
        data["resolved"] = resolved
    return json.dumps(data, ensure_ascii=False, indent=2)
