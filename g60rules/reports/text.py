"""Reports of a screening run: text (grouped by file, then a summary) and JSON.

Findings fall in four groups, each shown apart and none hidden: those that count (state ``enforce``
or ``warn``, not waived, not in the baseline), waived ones (with the waiver's reason), baselined ones
(counted), and those of rules in ``shadow`` state (a trial run). Entries of the baseline no longer
found are listed as fixed.

Text goes through rich with markup off: declaration content such as ``[2024]`` is printed as
written, never read as styling. Labels are Chinese by default, English with ``lang="en"``.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby

from rich.console import Console
from rich.text import Text

from g60rules import __version__
from g60rules.engines.pool import ScreenResult
from g60rules.findings import Finding, basis_document

_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示", "summary": "汇总", "row": "第{row}行",
           "files": "文件 {n} 个：项目申报 {p} 份，部门文件 {d} 份，无法读取 {u} 个", "counts": "错误 {error} 个，警告 {warning} 个，提示 {info} 个",
           "by_rule": "按规则", "ignored": "未检查的文件（非 YAML 或隐藏）{n} 个：{names}", "basis": "依据",
           "clean": "没有计入结果的问题", "engine": "引擎", "fallback": "回退到参考评估器的申报 {n} 份",
           "shadow": "影子规则（试运行，仅报告，不影响结果）：{n} 条",
           "waived": "已豁免（仍列出，不影响结果）：{n} 条", "reason": "理由",
           "baselined": "已在基线中（不影响结果）：{n} 条", "fixed": "基线中已修复：{n} 条",
           "reference_rules": "超出 durable-rules 限制、由参考评估器执行的规则：{ids}"},
    "en": {"error": "error", "warning": "warning", "info": "info", "summary": "Summary", "row": "row {row}",
           "files": "{n} files: {p} project declarations, {d} department files, {u} unreadable",
           "counts": "{error} errors, {warning} warnings, {info} infos",
           "by_rule": "by rule", "ignored": "{n} files not checked (not YAML, or hidden): {names}", "basis": "basis",
           "clean": "no findings that count", "engine": "engine", "fallback": "{n} declarations re-checked by the reference evaluator",
           "shadow": "shadow rules (trial run, reported only, never fail): {n}",
           "waived": "waived (listed, never fail): {n}", "reason": "reason",
           "baselined": "in the baseline (never fail): {n}", "fixed": "fixed since the baseline: {n}",
           "reference_rules": "rules beyond durable-rules' limits, run on the reference evaluator: {ids}"},
}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def counts(findings: list[Finding]) -> dict[str, int]:
    found = Counter(f.severity.value for f in findings)
    return {s: found.get(s, 0) for s in ("error", "warning", "info")}


def groups(findings: list[Finding]) -> dict[str, list[Finding]]:
    """``counted``, ``waived``, ``baselined`` and ``shadow`` findings (module docstring)."""
    out: dict[str, list[Finding]] = {"counted": [], "waived": [], "baselined": [], "shadow": []}
    for f in findings:
        key = "shadow" if f.state == "shadow" else ("counted" if f.status == "new" else f.status)
        out[key].append(f)
    return out


def where(f: Finding, lang: str) -> str:
    """Project › row「indicator」, for a finding's one-line context."""
    parts = [p for p in (f.project,) if p]
    if f.row is not None:
        row = _LABELS[lang]["row"].format(row=f.row)
        parts.append(f"{row}「{f.indicator}」" if f.indicator else row)
    return " › ".join(parts)


def _print_group(findings: list[Finding], lang: str, console: Console) -> None:
    labels = _LABELS[lang]
    for file, group in groupby(findings, key=lambda f: f.file):
        console.print(Text(file, style="bold underline"))
        for f in group:
            line = Text(f"  {f.line:>4}  ")
            line.append(f"{labels[f.severity.value]:<7}", style=_STYLE[f.severity.value])
            line.append(f" {f.rule_id:<13} ", style="magenta")
            context = where(f, lang)
            if context:
                line.append(f"[{context}] ", style="dim")
            line.append(f.message(lang))
            line.append(f"  ({labels['basis']}: {basis_document(f.basis, lang)})", style="dim")
            if f.waiver:
                line.append(f"  [{labels['reason']}: {f.waiver}]", style="green")
            console.print(line)
        console.print()


def render_text(result: ScreenResult, lang: str, console: Console, verbose: bool = False) -> None:
    """Print counted findings grouped by file; then waived, baselined and shadow ones apart; then the summary.

    The engine, its fallbacks and the rules run beside it are shown only when ``verbose``.
    """
    labels = _LABELS[lang]
    parts = groups(result.findings)
    counted = parts["counted"]
    _print_group(counted, lang, console)
    for key in ("waived", "shadow"):
        if parts[key]:
            console.print(Text(labels[key].format(n=len(parts[key])), style="bold dim"))
            _print_group(parts[key], lang, console)
    console.print(Text(labels["summary"], style="bold"))
    sep = "; " if lang == "en" else "；"
    console.print(Text("  " + labels["files"].format(n=len(result.files), p=result.projects, d=result.departments,
                                                     u=len(result.unreadable))
                       + (f"{sep}{labels['engine']}: {result.engine}" if verbose else "")))
    console.print(Text("  " + (labels["counts"].format(**counts(counted)) if counted else labels["clean"])))
    for key in ("waived", "baselined", "shadow"):
        if parts[key]:
            console.print(Text("  " + labels[key].format(n=len(parts[key]))))
    if result.fixed:
        console.print(Text("  " + labels["fixed"].format(n=len(result.fixed))))
    if counted:
        by_rule = Counter(f.rule_id for f in counted)
        text = ", ".join(f"{rule} ×{n}" for rule, n in sorted(by_rule.items()))
        console.print(Text(f"  {labels['by_rule']}: {text}"))
    if result.fallbacks and verbose:
        console.print(Text("  " + labels["fallback"].format(n=len(result.fallbacks)), style="yellow"))
    if result.reference_rules and verbose:
        console.print(Text("  " + labels["reference_rules"].format(ids=", ".join(result.reference_rules)),
                           style="yellow"))
    if result.ignored:
        names = ", ".join(result.ignored[:10]) + (" …" if len(result.ignored) > 10 else "")
        console.print(Text("  " + labels["ignored"].format(n=len(result.ignored), names=names), style="dim"))


def to_json(result: ScreenResult, lang: str, ruleset: str) -> str:
    """The whole result as JSON (UTF-8, Chinese kept readable); every finding carries its status."""
    parts = groups(result.findings)
    by_rule = Counter(f.rule_id for f in parts["counted"])
    data = {
        "tool": "g60rules",
        "version": __version__,
        "ruleset": ruleset,
        "engine": result.engine,
        "files": result.files,
        "declarations": result.declarations,
        "projects": result.projects,
        "departments": result.departments,
        "unreadable_files": result.unreadable,
        "ignored_files": result.ignored,
        "fallbacks": [{"file": file, "reason": reason} for file, reason in result.fallbacks],
        "rules_on_reference_evaluator": result.reference_rules,
        "summary": {**counts(parts["counted"]), "waived": len(parts["waived"]), "baselined": len(parts["baselined"]),
                    "shadow": len(parts["shadow"]), "fixed": len(result.fixed),
                    "by_rule": dict(sorted(by_rule.items()))},
        "findings": [f.to_dict(lang) for f in result.findings],
        "fixed": result.fixed,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
