"""Rule documentation: ``docs/rules.md``, ``g60rules ruleset show`` and the text of ``explain``.

Every rule is documented in one fixed shape (as ruff documents its rules): what it checks, why
(basis), parameters, the word tables it reads, a failing and a passing example. The condition is
written out from the rule as staff wrote it, not from its compiled form. ``docs/rules.md`` lists each
word table of the ruleset once, with its words and the rules that read it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from g60rules.findings import basis_document
from g60rules.rules.format import All, AnyOf, Count, FieldRef, Leaf, Not, ParamRef, Table, WordTableRef
from g60rules.rules.compiler import CompiledRule, CompiledRuleset

_OPS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈", "not_in": "∉",
        "matches": "matches", "contains_any": "contains any of",
        "contains_none": "contains none of"}
_HEAD = {
    "zh": {"what": "检查什么", "why": "为什么", "params": "参数", "fail": "不通过的示例", "pass": "通过的示例",
           "applies": "适用于", "severity": "严重程度", "state": "状态", "effective": "生效期间", "basis": "依据",
           "none": "无", "when": "条件", "disabled": "已停用", "tables": "词表", "words": " 个词",
           "used_by": "使用的规则", "unused": "没有规则使用"},
    "en": {"what": "What it checks", "why": "Why", "params": "Parameters", "fail": "Failing example",
           "pass": "Passing example", "applies": "Applies to", "severity": "Severity", "state": "State",
           "effective": "Effective", "basis": "Basis", "none": "none", "when": "Condition", "disabled": "disabled",
           "tables": "Word tables", "words": " words", "used_by": "Used by", "unused": "no rule reads it"},
}


def _operand(value: Any) -> str:
    if isinstance(value, ParamRef):
        return f"param.{value.param}"
    if isinstance(value, WordTableRef):
        return f"word_table.{value.word_table}"
    if isinstance(value, FieldRef):
        return value.field
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def describe(cond: Any) -> str:
    """A rule's condition in one line, as written (``all`` → AND, ``any`` → OR)."""
    if isinstance(cond, All):
        return "(" + " AND ".join(describe(c) for c in cond.all) + ")" if len(cond.all) > 1 else describe(cond.all[0])
    if isinstance(cond, AnyOf):
        return "(" + " OR ".join(describe(c) for c in cond.any) + ")" if len(cond.any) > 1 else describe(cond.any[0])
    if isinstance(cond, Not):
        return f"NOT {describe(cond.not_)}"
    if isinstance(cond, Count):
        op = next(o for o in ("eq", "ne", "lt", "le", "gt", "ge") if getattr(cond, o) is not None)
        where = describe(cond.count.where) if cond.count.where is not None else "*"
        return f"count({where}) {_OPS[op]} {_operand(getattr(cond, op))}"
    leaf: Leaf = cond
    for op in ("exists", "missing"):
        if getattr(leaf, op) is not None:
            return f"{leaf.field} {op if getattr(leaf, op) else ('missing' if op == 'exists' else 'exists')}"
    for op in ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "matches", "contains_any", "contains_none"):
        value = getattr(leaf, "in_" if op == "in" else op)
        if value is not None:
            return f"{leaf.field} {_OPS[op]} {_operand(value)}"
    return leaf.field


def _param(value: Any) -> str:
    if isinstance(value, Table):
        rows = "; ".join(
            f"{'default' if row.when is None else getattr(row.when, 'matches', row.when)} → {row.value}"
            for row in value.table.rows)
        return f"table by {value.table.key} ({value.table.hit}): {rows}"
    return str(value)


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False).rstrip()


def _words(words: tuple[str, ...]) -> str:
    return "、".join(f"`{w}`" for w in words)


def rule_section(rule: CompiledRule, lang: str = "zh", level: int = 2,
                 ruleset: CompiledRuleset | None = None) -> str:
    """One rule's documentation in Markdown.

    The word tables the rule reads are linked to the ruleset's table section (``docs/rules.md``,
    level 2) or, for one rule on its own, listed with their words (``ruleset``'s tables).
    """
    h = _HEAD[lang]
    title = rule.title.en if lang == "en" else rule.title.zh
    lines = [f'<a id="{rule.id.lower()}"></a>', "", f"{'#' * level} {rule.id} — {title}", ""] if level == 2 else [
        f"{'#' * level} {rule.id} — {title}", ""]
    lines += [f"- {h['severity']}: `{rule.severity}`; {h['state']}: `{rule.state}`; {h['applies']}: `{rule.applies_to}`"]
    if rule.effective:
        lines.append(f"- {h['effective']}: {rule.effective.from_ or '…'} – {rule.effective.until or '…'}")
    lines += ["", f"**{h['what']}.** `{describe(rule.source.when)}`" if rule.source else "", ""]
    why = (rule.why.en if lang == "en" else rule.why.zh) if rule.why else ""
    lines += [f"**{h['why']}.** {h['basis']}: {basis_document(rule.basis_text, lang)} ({rule.basis.source})."
              + (f" {why}" if why else ""), ""]
    params = ", ".join(f"`{k}` = {_param(v)}" for k, v in rule.params.items()) or h["none"]
    lines += [f"**{h['params']}.** {params}", ""]
    if rule.word_tables:
        if level == 2 or ruleset is None:
            tables = ", ".join(f"[`{t}`](#word-table-{t.lower()})" for t in rule.word_tables)
        else:
            tables = "; ".join(f"`{t}` = {_words(ruleset.word_tables[t].words)}" for t in rule.word_tables)
        lines += [f"**{h['tables']}.** {tables}", ""]
    for kind in ("fail", "pass"):
        example = next((e for e in rule.examples if e.expect == kind), None)
        if example is not None:
            lines += [f"**{h[kind]}.**", "", "```yaml", _yaml(example.declaration), "```", ""]
    return "\n".join(lines)


def rules_markdown(ruleset: CompiledRuleset, lang: str = "zh") -> str:
    """``docs/rules.md``: one section per rule of ``ruleset``, in order; the rules an override disabled
    are listed after the index, one line each with the reason and the file disabling them."""
    title = "规则说明" if lang != "en" else "Rules"
    head = [f"# {title}: {ruleset.name}", "",
            f"Generated by `g60rules rules --format md` from {', '.join(Path(f).name for f in ruleset.files)}; "
            "do not edit by hand.", ""]
    head += [f"- [{r.id}](#{r.id.lower()}) {r.title.en if lang == 'en' else r.title.zh}" for r in ruleset.rules]
    if ruleset.disabled:
        # a district's reader must see what no longer runs, and why; file names only (no line numbers to go stale)
        head += ["", "## " + ("已停用的规则" if lang != "en" else "Disabled rules"), ""]
        head += [f"- {rule_id}: {reason} ({Path(where.rpartition(':')[0]).name})"
                 for rule_id, (reason, where) in ruleset.disabled.items()]
    return ("\n".join(head) + "\n\n" + word_tables_markdown(ruleset, lang)
            + "\n".join(rule_section(r, lang) for r in ruleset.rules))


def word_tables_markdown(ruleset: CompiledRuleset, lang: str = "zh") -> str:
    """Each word table once: the files defining (and changing) it, its words, the rules that read it."""
    if not ruleset.word_tables:
        return ""
    h = _HEAD[lang]
    lines = [f"## {h['tables']}", ""]
    for name, table in ruleset.word_tables.items():
        # file names only: a line number here would make the page stale whenever lines above it move
        where = " → ".join(dict.fromkeys(Path(o.rpartition(":")[0]).name for o in table.origins))
        users = ", ".join(f"[{r}](#{r.lower()})" for r in ruleset.users(name)) or h["unused"]
        lines += [f'<a id="word-table-{name.lower()}"></a>', "", f"### {name}", "",
                  f"- {where}; {len(table.words)}{h['words']}", f"- {h['used_by']}: {users}", "",
                  _words(table.words), ""]
    return "\n".join(lines) + "\n"


def show_text(ruleset: CompiledRuleset, lang: str = "zh") -> str:
    """The effective ruleset, each value with the file and line it comes from."""
    h = _HEAD[lang]
    lines = [f"ruleset {ruleset.name}: " + " → ".join(ruleset.files), ""]
    for name, table in ruleset.word_tables.items():
        lines.append(f"word_tables.{name} = [{', '.join(table.words)}]    [{' → '.join(table.origins)}]")
        lines.append(f"    {h['used_by']}: {', '.join(ruleset.users(name)) or h['unused']}")
    if ruleset.word_tables:
        lines.append("")
    for rule in ruleset.rules:
        o = rule.origins
        title = rule.title.en if lang == "en" else rule.title.zh
        lines.append(f"{rule.id}  {title}    [{o.get('rule')}]")
        lines.append(f"    severity {rule.severity:<8} [{o.get('severity')}]")
        lines.append(f"    state    {rule.state:<8} [{o.get('state')}]")
        if rule.effective:
            lines.append(f"    effective {rule.effective.from_ or '…'} – {rule.effective.until or '…'} [{o.get('effective')}]")
        for name, value in rule.params.items():
            lines.append(f"    params.{name} = {_param(value)}    [{o.get('params.' + name)}]")
        lines.append(f"    examples {len(rule.examples)}        [{o.get('examples')}]")
    for rule_id, (reason, where) in ruleset.disabled.items():
        lines.append(f"{rule_id}  {h['disabled']}: {reason}    [{where}]")
    return "\n".join(lines) + "\n"
