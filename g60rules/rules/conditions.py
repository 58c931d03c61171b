"""Compiled conditions: negation-free trees that both engines evaluate.

A rule's ``when`` compiles to these nodes (:mod:`g60rules.rules.compiler`). ``not`` is pushed down to the
leaves when compiling, under one rule shared by both engines: a comparison on a field the fact does
not have is false. So ``not (x < 5)`` becomes ``x missing or x ≥ 5``, and ``not (x matches P)``
becomes ``x missing or x does not match P`` (a :class:`Match` with ``negate``).

Every ``matches`` is evaluated in Python by RE2 (``google-re2``), a linear-time engine, whichever
engine runs the rule: durable-rules reads a boolean computed field instead (:func:`match_field`).
Its own matcher reads backslashes literally and matches JSON-escaped text (DURABLE-RULES.md), and
Python's ``re`` backtracks without a time bound (``(a+)+b``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

import re2

INVERSE = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "le": "gt", "gt": "le"}


@dataclass(frozen=True)
class Cmp:
    """``field OP value`` where value is a float or str constant."""

    field: str
    op: str
    value: float | str


@dataclass(frozen=True)
class CmpField:
    """``field OP other`` — two fields of the same fact."""

    field: str
    op: str
    other: str


@dataclass(frozen=True)
class InSet:
    """``field in values`` (``negate``: not in); false when the field is missing."""

    field: str
    values: tuple[float | str, ...]
    negate: bool


@dataclass(frozen=True)
class Exists:
    field: str
    present: bool


@dataclass(frozen=True)
class Match:
    """Whole-text pattern match (restricted syntax; see :func:`g60rules.rules.compiler.check_pattern`).

    ``negate``: the text does NOT match (``contains_none``); false, like a match, when the field is
    missing. Both polarities read the same computed field (:func:`match_field`).
    """

    field: str
    pattern: str
    negate: bool = False


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


Node = Union[Cmp, CmpField, InSet, Exists, Match, And, Or]


def negate(node: Node) -> Node:
    """The negation of ``node``, pushed down to the leaves."""
    if isinstance(node, Cmp):
        return Or((Exists(node.field, False), Cmp(node.field, INVERSE[node.op], node.value)))
    if isinstance(node, CmpField):
        return Or((Exists(node.field, False), Exists(node.other, False),
                   CmpField(node.field, INVERSE[node.op], node.other)))
    if isinstance(node, InSet):
        return Or((Exists(node.field, False), InSet(node.field, node.values, not node.negate)))
    if isinstance(node, Match):
        return Or((Exists(node.field, False), Match(node.field, node.pattern, not node.negate)))
    if isinstance(node, Exists):
        return Exists(node.field, not node.present)
    if isinstance(node, And):
        return Or(tuple(negate(n) for n in node.items))
    if isinstance(node, Or):
        return And(tuple(negate(n) for n in node.items))
    raise TypeError(f"unknown condition node {node!r}")


def fields_of(node: Node) -> list[str]:
    """Field paths a condition reads, in order of appearance."""
    if isinstance(node, (And, Or)):
        return [f for n in node.items for f in fields_of(n)]
    if isinstance(node, CmpField):
        return [node.field, node.other]
    return [node.field]


def match_field(node: Match) -> str:
    """Name of the computed field (1.0 matched, 0.0 not) that carries ``node``'s result to durable-rules
    (the same field for ``negate`` or not)."""
    digest = hashlib.sha256(f"{node.field}\0{node.pattern}".encode("utf-8")).hexdigest()[:16]
    return f"matched.{digest}"


def matches_of(node: Node) -> list[Match]:
    """Every ``matches`` leaf of a condition."""
    if isinstance(node, (And, Or)):
        return [m for n in node.items for m in matches_of(n)]
    return [node] if isinstance(node, Match) else []


def compile_regex(pattern: str):
    """The RE2 program of a pattern (``.`` matches a line break too). Raises re2.error."""
    return _regex(pattern)


@lru_cache(maxsize=1024)
def _regex(pattern: str):
    options = re2.Options()
    options.dot_nl = True
    return re2.compile(pattern, options)


def full_match(pattern: str, text: str) -> bool:
    """Whole-text match in linear time (RE2) in which ``.`` also matches a line break."""
    return _regex(pattern).fullmatch(text) is not None
