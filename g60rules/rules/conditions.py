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
from itertools import islice
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


@lru_cache(maxsize=4096)
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


MEMO_TEXT = 256
"""Longest text (characters) whose match results are remembered: labels and short values recur
across a season, long texts seldom do and would make a memo's memory unbounded."""


def _bounded_put(memo: dict, key, value, size: int) -> None:
    """Remember ``value`` under ``key``; a full memo first forgets its older half (insertion order)."""
    if len(memo) >= size:
        for old in list(islice(memo, max(1, size // 2))):
            del memo[old]
    memo[key] = value


_MATCHED: dict[tuple[str, str], bool] = {}
MATCHED_SIZE = 4096


def full_match(pattern: str, text: str) -> bool:
    """Whole-text match in linear time (RE2) in which ``.`` also matches a line break.

    Remembered by (pattern, text) for texts up to :data:`MEMO_TEXT` characters, at most
    :data:`MATCHED_SIZE` of them: the reference evaluator and the threshold tables match the same
    labels again and again.
    """
    if len(text) > MEMO_TEXT:
        return _regex(pattern).fullmatch(text) is not None
    key = (pattern, text)
    found = _MATCHED.get(key)
    if found is None:
        found = _regex(pattern).fullmatch(text) is not None
        _bounded_put(_MATCHED, key, found, MATCHED_SIZE)
    return found


class MatchMemo:
    """:func:`full_match` of a fixed tuple of ``patterns`` on one text at a time, remembered by text.

    Calling it with a text gives one bool per pattern, in order. A memo belongs to its patterns
    (a different tuple of patterns needs its own memo), holds at most ``size`` texts of up to
    :data:`MEMO_TEXT` characters, and forgets its older half when full.
    """

    __slots__ = ("patterns", "size", "_programs", "_seen")

    def __init__(self, patterns: tuple[str, ...], size: int = 8192):
        self.patterns = tuple(patterns)
        self.size = size
        self._programs = tuple(_regex(p) for p in self.patterns)
        self._seen: dict[str, tuple[bool, ...]] = {}

    def __call__(self, text: str) -> tuple[bool, ...]:
        found = self._seen.get(text)
        if found is None:
            found = tuple(program.fullmatch(text) is not None for program in self._programs)
            if len(text) <= MEMO_TEXT:
                _bounded_put(self._seen, text, found, self.size)
        return found

    def __len__(self) -> int:
        return len(self._seen)
