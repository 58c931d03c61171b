"""``g60rules ruleset lint``: every problem of a ruleset, with file:line:column and a fix hint.

Beyond what loading finds (:func:`g60rules.rules.compiler.collect_problems`: YAML, duplicate keys, unknown
keys and operators, unknown fields, wrong types, parameters, patterns, placeholders, basis keys,
duplicate ids, ``extends`` cycles and missing parents, overrides), lint runs each rule's examples
and reports examples that do not load, rules that never fire or always fire on their own examples
(on the override or word-table change made after them, when there is one),
rules without both a passing and a failing example, threshold tables with overlapping or
uncovered rows, table rows or conditions naming a value their field never takes (the ruleset's
``known_values``), with the closest known value, word tables no rule reads (a warning), and the
edits the compiler notes (:attr:`CompiledRuleset.notes`): a rule parameter shadowing a word table and
examples on a disabled rule (warnings), a list replacing a parent's table with the words it drops and
``add`` of a word already there (notices).
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from collections import defaultdict
from pathlib import Path

from g60rules import schema
from g60rules.rules.compiler import (CompiledRule, CompiledRuleset, Problem, TableField, collect_problems,
                                     known_values_of, make_problem)
from g60rules.rules.conditions import And, Cmp, InSet, Node, Or, fields_of
from g60rules.rules.examples import run_examples


def _at(origin: str) -> tuple[str, tuple[int, int]]:
    file, _, line = origin.rpartition(":")
    return file, (int(line), 1)


def _stale_examples(rule: CompiledRule) -> tuple[str, int] | None:
    """Where a parameter was overridden while the examples were not (file, line), if so."""
    examples_file = rule.origins.get("examples", "").rpartition(":")[0]
    for key, origin in rule.origins.items():
        file, _, line = origin.rpartition(":")
        if key.startswith("params.") and file != examples_file:
            return file, int(line)
    return None


def example_problems(ruleset: CompiledRuleset) -> list[Problem]:
    """Problems found by running every rule's examples.

    When an override changed a rule's parameters but not its examples, the problem is put on the
    override, with a hint to give the override its own examples.
    """
    problems: list[Problem] = []
    outcomes = run_examples(ruleset)
    by_rule: dict[str, list] = {}
    for outcome in outcomes:
        by_rule.setdefault(outcome.rule.id, []).append(outcome)
        if outcome.ok:
            continue
        file, line, column = outcome.rule.example_at[outcome.index] if outcome.rule.example_at else (
            outcome.rule.origin, outcome.rule.line, 1)
        code = "RS-EXAMPLE-LOAD" if outcome.load_problems else "RS-EXAMPLE"
        zh, en = outcome.problem
        problems.append(_on_change(ruleset, outcome.rule, make_problem(code, file, (line, column), detail=en, detail_zh=zh)))
    for rule in ruleset.rules:
        problems.extend(_on_change(ruleset, rule, p) for p in _rule_problems(rule, by_rule.get(rule.id, [])))
    return problems


def _on_change(ruleset: CompiledRuleset, rule: CompiledRule, problem: Problem) -> Problem:
    """The problem on the override, or else on the word-table change, made after the rule's examples
    were written (a district's table edit that breaks a parent's example is the district's to fix)."""
    if _stale_examples(rule) is not None:
        return _on_override(rule, problem)
    examples_file = rule.origins.get("examples", "").rpartition(":")[0]
    for name in rule.word_tables:
        file, pos = _at(ruleset.word_tables[name].origins[-1])
        if file != examples_file:
            where = f"{problem.file}:{problem.line}"
            return replace(problem, file=file, line=pos[0], column=1,
                           hint_zh=f"此处修改了词表 {name}，{rule.id} 在 {where} 的示例因此不符：调整词表，"
                                   f"或在覆盖中为 {rule.id} 写 examples",
                           hint_en=f"the word table '{name}' is changed here and {rule.id}'s example at {where} no "
                                   f"longer holds: adjust the table, or give {rule.id} examples in an override")
    return problem


def _on_override(rule: CompiledRule, problem: Problem) -> Problem:
    stale = _stale_examples(rule)
    if stale is None:
        return problem
    where = f"{problem.file}:{problem.line}"
    return replace(problem, file=stale[0], line=stale[1], column=1,
                   hint_zh=f"此处覆盖了参数，但示例仍是 {where} 的旧示例：请在覆盖中写 examples（至少一个 pass、一个 fail）",
                   hint_en=f"the parameters are overridden here but the examples are still those at {where}: "
                           "give the override its own examples (a pass and a fail)")


def _rule_problems(rule: CompiledRule, outcomes: list) -> list[Problem]:
    out = []
    file, _, line = rule.origins.get("examples", f"{rule.origin}:{rule.line}").rpartition(":")
    pos = (int(line), 1)
    fails = [o for o in outcomes if o.expect == "fail" and not o.load_problems]
    passes = [o for o in outcomes if o.expect == "pass" and not o.load_problems]
    if fails and not any(o.findings for o in fails):
        out.append(make_problem("RS-NEVER", file, pos))
    if passes and all(o.findings for o in passes):
        out.append(make_problem("RS-ALWAYS", file, pos))
    kinds = {e.expect for e in rule.examples}
    for kind, zh in (("pass", "通过（pass）"), ("fail", "失败（fail）")):
        if kind not in kinds:
            out.append(make_problem("RS-COVERAGE", file, pos, missing=zh, missing_en=kind))
    return out


def table_problems(ruleset: CompiledRuleset) -> list[Problem]:
    """Overlapping rows (a unique table, or a row that can never apply) and uncovered values."""
    problems: list[Problem] = []
    for table in ruleset.tables.values():
        rule = ruleset.rule(table.name.split(".")[1])
        file, pos = _at(rule.origins.get(f"params.{table.name.split('.', 2)[2]}", f"{rule.origin}:{rule.line}"))
        problems.extend(_overlaps(table, file, pos))
        if not any(kind == "default" for kind, _, _ in table.rows):
            covered = {v for kind, m, _ in table.rows if kind in ("eq", "in") for v in (m if kind == "in" else (m,))}
            codes = schema.FACTS[table.fact][table.key].codes
            missing = [c for c in codes if c not in covered]
            if codes and not missing:
                continue
            values = "、".join(missing) if missing else f"{table.key} 的其他取值 / other values of {table.key}"
            problems.append(make_problem("RS-TABLE-UNCOVERED", file, pos, values=values))
    return problems


def word_table_problems(ruleset: CompiledRuleset) -> list[Problem]:
    """A word table no rule reads (every rule using it shadows it with a parameter, or none refers to
    it): a warning at the table's latest definition or change, since editing it changes nothing."""
    problems = []
    for name, table in ruleset.word_tables.items():
        # a parent's table left unread because a child disabled its rules is no problem of the parent
        if not ruleset.users(name) and _at(table.origins[-1])[0] == ruleset.files[-1]:
            file, pos = _at(table.origins[-1])
            problems.append(make_problem("RS-WORDTABLE-UNUSED", file, pos, name=name))
    return problems


def _unknown_value(value: object, known: tuple[str, ...], name: str, where: tuple[str, str], file: str,
                   pos: tuple[int, int]) -> Problem | None:
    if not known or not isinstance(value, str) or value in known:
        return None
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.4)
    return make_problem("RS-UNKNOWN-VALUE", file, pos, value=value, name=name, where=where[0], where_en=where[1],
                        allowed="、".join(known), suggest=f" (did you mean '{close[0]}'?)" if close else "",
                        suggest_zh=f"（是否想写“{close[0]}”？）" if close else "")


def value_problems(ruleset: CompiledRuleset) -> list[Problem]:
    """Table rows and conditions naming a value their field never takes (``known_values``).

    Such a row or comparison silently never applies: '特定目标' for '特定目标类'. The closest known
    value is suggested.
    """
    problems: list[Problem] = []
    for table in ruleset.tables.values():
        known = known_values_of(ruleset, table.fact, table.key)
        rule = ruleset.rule(table.name.split(".")[1])
        file, pos = _at(rule.origins.get(f"params.{table.name.split('.', 2)[2]}", f"{rule.origin}:{rule.line}"))
        param = table.name.split(".", 2)[2]
        for number, (kind, matcher, _) in enumerate(table.rows, start=1):
            row_file, row_pos = _at(rule.origins.get(f"params.{param}.rows.{number - 1}", f"{file}:{pos[0]}"))
            for value in sorted(_row_values(kind, matcher) or (), key=str):
                found = _unknown_value(value, known, table.key, (f"阈值表第 {number} 行", f"threshold table row {number}"),
                                       row_file, row_pos)
                if found:
                    problems.append(found)
    for rule in ruleset.rules:
        file, pos = rule.origin, (rule.line, 1)
        trees = [(rule.applies_to, rule.condition)]
        trees += [(c.child_type, c.where) for c in ruleset.counts.values() if c.name in fields_of(rule.condition)]
        for fact, tree in trees:
            for name, value in _compared(tree):
                found = _unknown_value(value, known_values_of(ruleset, fact, name), name,
                                       (f"规则 {rule.id} 的条件", f"the condition of {rule.id}"), file, pos)
                if found:
                    problems.append(found)
    return problems


def _compared(node: Node) -> list[tuple[str, object]]:
    """(field, constant) for every equality and set comparison in a condition."""
    if isinstance(node, (And, Or)):
        return [pair for item in node.items for pair in _compared(item)]
    if isinstance(node, Cmp) and node.op in ("eq", "ne"):
        return [(node.field, node.value)]
    if isinstance(node, InSet):
        return [(node.field, v) for v in node.values]
    return []


def _row_values(kind: str, matcher) -> set | None:
    if kind == "eq":
        return {matcher}
    if kind == "in":
        return set(matcher)
    return None


def _overlaps(table: TableField, file: str, pos: tuple[int, int]) -> list[Problem]:
    """Overlapping rows, found through an index of values (linear in the rows, not quadratic)."""
    out = []
    defaults = [i for i, (kind, _, _) in enumerate(table.rows) if kind == "default"]
    for a, b in zip(defaults, defaults[1:]):
        out.append(make_problem("RS-TABLE-OVERLAP", file, pos, a=a + 1, b=b + 1, values="默认行 / default rows",
                                hint_zh="只保留一个默认行", hint_en="keep one default row"))
    rows_with: dict = defaultdict(list)  # a value (or ("matches", pattern)) → the rows holding it, in order
    common: dict[tuple[int, int], set] = defaultdict(set)
    for j, (kind, matcher, _) in enumerate(table.rows):
        values = _row_values(kind, matcher)
        keys = [("matches", matcher)] if kind == "matches" else [("value", v) for v in values or ()]
        for key in keys:
            for i in rows_with[key]:
                common[(i, j)].add(key[1])
            rows_with[key].append(j)
    for (i, j), shared in sorted(common.items()):
        (ki, mi, _), (kj, mj, _) = table.rows[i], table.rows[j]
        si, sj = _row_values(ki, mi), _row_values(kj, mj)
        dead = table.hit == "first" and sj is not None and si is not None and sj <= si
        if table.hit == "unique" or dead or ki == kj == "matches":
            values = "、".join(sorted(map(str, shared)))
            hint_zh = f"第 {j + 1} 行永远不会生效" if dead else "unique 表的行不能重叠"
            hint_en = f"row {j + 1} can never apply" if dead else "rows of a unique table must not overlap"
            out.append(make_problem("RS-TABLE-OVERLAP", file, pos, a=i + 1, b=j + 1, values=values,
                                    hint_zh=hint_zh, hint_en=hint_en))
    return out


def lint(path: Path) -> list[Problem]:
    """Every problem of the ruleset at ``path`` and its parents, sorted by file and position."""
    compiled, problems = collect_problems(path)
    if compiled is not None and compiled.rules:
        problems = [*problems, *compiled.notes, *example_problems(compiled), *table_problems(compiled), *value_problems(compiled),
                    *word_table_problems(compiled)]
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file, p.line, p.column, p.code))
