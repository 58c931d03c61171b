"""``g60rules explain RULE [DECLARATION…]``: what a rule does, and why it fired (or not) here.

With declarations, each place the rule applies (a project, an indicator row, a department) is shown;
where the rule fires, first in plain words (the finding's message with its values, the conditions
that held, the policy document), then with every comparison of the compiled condition: the field, its value in the declaration, what it
was compared with, and the result — enough to answer a department that disputes a finding.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from g60rules.rules.conditions import And, Cmp, CmpField, Exists, InSet, Match, Node, Or
from g60rules.engines.pool import _finding, declarations_for, locate_field
from g60rules.findings import basis_document
from g60rules.facts import Fact
from g60rules.graph import build_graph
from g60rules.intake.yaml_loader import load_corpus
from g60rules.engines.reference import evaluate
from g60rules.rules.docs import rule_section
from g60rules.rules.compiler import CompiledRule, CompiledRuleset
from g60rules.sanitize import plain
from g60rules.schema import MONEY_SCALE
from g60rules.values import format_yuan

_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
_PLAIN = {"zh": {"eq": "等于", "ne": "不等于", "lt": "小于", "le": "不大于", "gt": "大于", "ge": "不小于"},
          "en": {"eq": "equals", "ne": "differs from", "lt": "is below", "le": "is at most", "gt": "is above",
                 "ge": "is at least"}}
_WORDS = {"zh": {"true": "成立", "false": "不成立", "missing": "（缺失）", "fires": "触发", "silent": "不触发",
                 "why": "为什么触发：", "because": "因为：", "basis": "依据：", "trace": "逐项核对：",
                 "row": "第 {row} 行", "table": "阈值表 {name}：按 {key} = {value} 取第 {row} 行 → {result}",
                 "none": "没有适用的对象"},
          "en": {"true": "true", "false": "false", "missing": "(missing)", "fires": "FIRES", "silent": "does not fire",
                 "why": "Why it fired:", "because": "because:", "basis": "basis:", "trace": "condition by condition:",
                 "row": "row {row}", "table": "table {name}: {key} = {value} selects row {row} → {result}",
                 "none": "nothing this rule applies to"}}


def _value(fact: Fact, name: str, words: dict) -> str:
    if name not in fact.values:
        return words["missing"]
    return plain(fact.display.get(name, str(fact.values[name])))


def _constant(value: float | int | str) -> str:
    """A compiled constant as written: money (whole 厘, an int) in 元, 90.0 as 90."""
    if isinstance(value, int):
        return format_yuan(Decimal(value) / MONEY_SCALE)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return plain(value)


def trace(node: Node, fact: Fact, lang: str, depth: int = 0) -> list[str]:
    """Lines describing how each part of ``node`` evaluates on ``fact``."""
    words = _WORDS[lang]
    pad = "  " * depth
    result = words["true"] if evaluate(node, fact.values) else words["false"]
    if isinstance(node, (And, Or)):
        lines = [f"{pad}{'ALL' if isinstance(node, And) else 'ANY'} → {result}"]
        for item in node.items:
            lines += trace(item, fact, lang, depth + 1)
        return lines
    if isinstance(node, Exists):
        what = "exists" if node.present else "missing"
        return [f"{pad}{node.field} {what}  [{_value(fact, node.field, words)}] → {result}"]
    left = f"{node.field} [{_value(fact, node.field, words)}]"
    if isinstance(node, Cmp):
        return [f"{pad}{left} {_SYMBOL[node.op]} {_constant(node.value)} → {result}"]
    if isinstance(node, CmpField):
        return [f"{pad}{left} {_SYMBOL[node.op]} {node.other} [{_value(fact, node.other, words)}] → {result}"]
    if isinstance(node, InSet):
        return [f"{pad}{left} {'∉' if node.negate else '∈'} [{', '.join(_constant(v) for v in node.values)}] → {result}"]
    if isinstance(node, Match):
        return [f"{pad}{left} {'does not match' if node.negate else 'matches'} {node.pattern!r} → {result}"]
    raise TypeError(node)


def reasons(node: Node, fact: Fact, lang: str) -> list[str]:
    """The conditions that made ``node`` true on ``fact``, each in plain words with its values."""
    if isinstance(node, And):
        return [r for item in node.items for r in reasons(item, fact, lang)]
    if isinstance(node, Or):
        first = next((item for item in node.items if evaluate(item, fact.values)), None)
        return reasons(first, fact, lang) if first is not None else []
    words, plain = _WORDS[lang], _PLAIN[lang]
    value = _value(fact, node.field, words)
    zh = lang != "en"
    if isinstance(node, Exists):
        if node.present:
            return [f"{node.field} = {value}"]
        return [f"{node.field} 未填写" if zh else f"{node.field} is not given"]
    if isinstance(node, Cmp):
        right = str(int(node.value)) if isinstance(node.value, float) and node.value.is_integer() else str(node.value)
        return [f"{node.field}（{value}）{plain[node.op]} {right}" if zh else f"{node.field} ({value}) {plain[node.op]} {right}"]
    if isinstance(node, CmpField):
        other = _value(fact, node.other, words)
        return [f"{node.field}（{value}）{plain[node.op]} {node.other}（{other}）" if zh
                else f"{node.field} ({value}) {plain[node.op]} {node.other} ({other})"]
    if isinstance(node, InSet):
        listed = "、".join(str(v) for v in node.values)
        if node.negate:
            return [f"{node.field}（{value}）不在 {listed} 之中" if zh else f"{node.field} ({value}) is not one of {listed}"]
        return [f"{node.field}（{value}）属于 {listed}" if zh else f"{node.field} ({value}) is one of {listed}"]
    if node.negate:
        return [f"{node.field}（{value}）不符合模式 {node.pattern}" if zh
                else f"{node.field} ({value}) does not match {node.pattern}"]
    return [f"{node.field}（{value}）符合模式 {node.pattern}" if zh else f"{node.field} ({value}) matches {node.pattern}"]


def explain_rule(ruleset: CompiledRuleset, rule_id: str, lang: str = "zh") -> str:
    """The rule's documentation (title, why, basis, params, examples). Raises KeyError."""
    return rule_section(ruleset.rule(rule_id), lang, level=1, ruleset=ruleset)


def explain_on(ruleset: CompiledRuleset, rule: CompiledRule, paths: list[Path], lang: str = "zh") -> str:
    """For every fact of the rule's kind in ``paths``: the trace of its condition and the verdict."""
    words = _WORDS[lang]
    corpus = load_corpus(paths, ruleset.layouts)
    declarations = declarations_for(build_graph(corpus.departments, corpus.projects, ruleset.layouts), ruleset)
    out: list[str] = []
    for declaration in declarations:
        for fact in declaration.facts:
            if fact.type != rule.applies_to:
                continue
            fired = evaluate(rule.condition, fact.values)
            locate = locate_field(rule, fact) if fired else rule.locate
            where = f"{plain(fact.file)}:{fact.line_of(locate) if locate else fact.line}"
            subject = plain(" › ".join(p for p in (fact.project or fact.department,
                                                    words["row"].format(row=fact.row) if fact.row else None,
                                                    fact.indicator) if p))
            out.append(f"{where}  {subject}  → {words['fires'] if fired else words['silent']}")
            if fired:  # in plain words first: the message with its values, the conditions met, the basis
                out.append(f"  {words['why']} {_finding(rule, fact).message(lang)}")
                out.append(f"  {words['because']} " + ("；" if lang != "en" else "; ").join(
                    reasons(rule.condition, fact, lang)))
                out.append(f"  {words['basis']} {basis_document(rule.basis_text, lang)}")
                out.append(f"  {words['trace']}")
            for name, row in fact.table_rows.items():
                if name.startswith(f"table.{rule.id}."):
                    table = ruleset.tables[name]
                    out.append("  " + words["table"].format(name=name.split(".", 2)[2], key=table.key,
                                                            value=_value(fact, table.key, words), row=row + 1,
                                                            result=fact.display[name]))
            out += ["  " + line for line in trace(rule.condition, fact, lang)]
            out.append("")
    return "\n".join(out) if out else words["none"] + "\n"
