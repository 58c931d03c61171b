"""The reference evaluator: pure Python, the same compiled conditions as the durable-rules backend.

Semantics (shared with :mod:`g60rules.engines.durable`, proved equal by the differential tests):
a comparison, ``in``/``not_in`` or ``matches`` on a field the fact lacks is false; numbers are floats,
text is compared as text (``contains_none``: present and not matched); ``matches`` is a full match in which ``.`` also matches a line break (as in
durable-rules). Each rule fires at most once per fact.
"""

from __future__ import annotations

import operator

from g60rules.facts import Declaration
from g60rules.rules.conditions import And, Cmp, CmpField, Exists, InSet, Match, Node, Or, full_match
from g60rules.rules.compiler import CompiledRuleset

_OPS = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
        "ge": operator.ge}


def evaluate(node: Node, values: dict) -> bool:
    """Whether ``node`` holds for a fact's ``values`` (a dict of field path → float | str)."""
    if isinstance(node, And):
        return all(evaluate(n, values) for n in node.items)
    if isinstance(node, Or):
        return any(evaluate(n, values) for n in node.items)
    if isinstance(node, Exists):
        return (node.field in values) == node.present
    if node.field not in values:
        return False
    left = values[node.field]
    if isinstance(node, Cmp):
        return _OPS[node.op](left, node.value)
    if isinstance(node, CmpField):
        return node.other in values and _OPS[node.op](left, values[node.other])
    if isinstance(node, InSet):
        return (left in node.values) != node.negate
    if isinstance(node, Match):
        return isinstance(left, str) and full_match(node.pattern, left) != node.negate
    raise TypeError(f"unknown condition node {node!r}")


def run_reference(ruleset: CompiledRuleset, declaration: Declaration,
                  indices: list[int] | None = None) -> set[tuple[int, str]]:
    """(rule index, fact id) for every rule (all, or those in ``indices``) that fires on a fact."""
    hits: set[tuple[int, str]] = set()
    for index in range(len(ruleset.rules)) if indices is None else indices:
        rule = ruleset.rules[index]
        for fact in declaration.facts:
            if fact.type == rule.applies_to and evaluate(rule.condition, fact.values):
                hits.add((index, fact.id))
    return hits


def first_true_field(node: Node, values: dict) -> str | None:
    """The field of the first leaf that makes ``node`` hold on these values (None if it does not)."""
    if isinstance(node, (And, Or)):
        for item in node.items:
            if evaluate(item, values):
                return first_true_field(item, values)
            if isinstance(node, And):
                return None
        return None
    return node.field if evaluate(node, values) else None


def holding_fields(node: Node, values: dict) -> list[str]:
    """The fields of every leaf that holds inside a branch that makes ``node`` hold ([] if it does not)."""
    if isinstance(node, (And, Or)):
        if not evaluate(node, values):
            return []
        return [f for item in node.items for f in holding_fields(item, values)]
    return [node.field] if evaluate(node, values) else []
