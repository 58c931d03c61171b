"""Ruleset files (YAML): their schema, loading with line numbers, ``extends``, and compilation.

A ruleset file is data, never code: it is composed with PyYAML's safe loader, duplicate keys are
errors, and conditions use a small declarative vocabulary (no expression is evaluated)::

    ruleset: core
    extends: other.yaml            # optional; rules of the parent come first
    rules:
      - id: G60-SAT-001
        title: {zh: 满意度目标低于下限, en: Satisfaction target below the floor}
        severity: warning          # error | warning | info
        basis: {source: CY-2015-88, clause: 适当性}
        applies_to: indicator      # department | project | indicator
        field: value.amount        # optional: the field a finding points at
        when:
          all:
            - {field: level1_code, eq: satisfaction}
            - {field: value.unit_kind, eq: percent}
            - {field: value.amount, lt: {param: floor}}
        params: {floor: 85}
        message: {zh: "满意度目标 {value.raw} 低于 {param.floor}%", en: "…"}
        examples:
          - {expect: fail, declaration: {…project fragment…}}
          - {expect: pass, declaration: {…}}
    overrides:                     # optional; change a parent's rule without copying it
      G60-SAT-001: {params: {floor: 90}, severity: error}

Conditions: ``all`` / ``any`` / ``not`` over leaves ``{field: PATH, OP: OPERAND}`` with OP one of
``eq ne lt le gt ge in not_in matches exists missing``; OPERAND a literal, ``{param: NAME}`` or
``{field: OTHER_PATH}`` (another field of the same fact, e.g. ``project.funds.annual_request``).
``{count: {where: CONDITION}, OP: N}`` counts the children (a project's indicators, a department's
projects) for which CONDITION holds. Field paths and types: :mod:`g60rules.schema`.

A comparison on a field the fact does not have is false (also ``ne`` and ``not_in``); ``not`` is
pushed down to the leaves with that rule, so both engines see the same negation-free condition.
``matches`` is a full match with a restricted regular-expression syntax that both engines read
alike; it cannot be negated.

Errors: :class:`RulesetError` with file, line and what is wrong, for any problem at all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from . import schema
from .values import parse_money

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "rulesets"


class RulesetError(Exception):
    """A ruleset that cannot be used; ``file`` and ``line`` say where."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


# --- YAML with line numbers ---------------------------------------------------------------------

Path_ = tuple[Union[str, int], ...]


def _to_python(node: yaml.Node, file: str, path: Path_, lines: dict[Path_, int]) -> Any:
    """Plain data from a composed node, recording each path's line; duplicate keys are errors."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise RulesetError(file, key_node.start_mark.line + 1, "keys must be plain text")
            key = str(key_node.value)
            if key in out:
                raise RulesetError(file, key_node.start_mark.line + 1,
                                   f"duplicate key '{key}' (first on line {lines[(*path, key)]})")
            out[key] = _to_python(value_node, file, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, file, (*path, i), lines) for i, item in enumerate(node.value)]
    return yaml.SafeLoader.construct_object(yaml.SafeLoader(""), node)  # a scalar: safe constructors only


def read_yaml(path: Path) -> tuple[Any, dict[Path_, int]]:
    """Load a YAML file safely; returns data and a map from key path to line. Raises RulesetError."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesetError(file, 1, f"cannot read: {exc}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulesetError(file, mark.line + 1 if mark else 1, f"YAML syntax: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise RulesetError(file, 1, f"YAML: {exc}") from None
    if root is None:
        raise RulesetError(file, 1, "empty ruleset file")
    lines: dict[Path_, int] = {}
    try:
        return _to_python(root, file, (), lines), lines
    except yaml.YAMLError as exc:
        raise RulesetError(file, getattr(getattr(exc, "problem_mark", None), "line", 0) + 1, str(exc)) from None


# --- schema (pydantic) ----------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Strict):
    """A text in both languages."""

    zh: str
    en: str


class ParamRef(_Strict):
    param: str


class FieldRef(_Strict):
    field: str


Scalar = Union[bool, int, float, dt.date, str]
Operand = Union[ParamRef, FieldRef, Scalar, list[Scalar]]
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
LEAF_OPS = (*COMPARISONS, "in", "not_in", "matches", "exists", "missing")


class Leaf(_Strict):
    """``{field: PATH, OP: OPERAND}`` — exactly one operator."""

    field: str
    eq: Operand | None = None
    ne: Operand | None = None
    lt: Operand | None = None
    le: Operand | None = None
    gt: Operand | None = None
    ge: Operand | None = None
    in_: list[Scalar] | ParamRef | None = Field(None, alias="in")
    not_in: list[Scalar] | ParamRef | None = None
    matches: str | None = None
    exists: bool | None = None
    missing: bool | None = None


class CountSpec(_Strict):
    where: "Condition | None" = None


class Count(_Strict):
    """``{count: {where: CONDITION}, OP: N}`` over a fact's children."""

    count: CountSpec
    eq: int | ParamRef | None = None
    ne: int | ParamRef | None = None
    lt: int | ParamRef | None = None
    le: int | ParamRef | None = None
    gt: int | ParamRef | None = None
    ge: int | ParamRef | None = None


class All(_Strict):
    all: list["Condition"]


class AnyOf(_Strict):
    any: list["Condition"]


class Not(_Strict):
    not_: "Condition" = Field(alias="not")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for tag in ("all", "any", "not", "count"):
            if tag in value:
                return tag
        return "leaf"
    return None


Condition = Annotated[
    Union[
        Annotated[All, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[Not, Tag("not")],
        Annotated[Count, Tag("count")],
        Annotated[Leaf, Tag("leaf")],
    ],
    Discriminator(_condition_tag),
]


class Basis(_Strict):
    """Policy source key from docs/CATALOGUE (e.g. CY-2015-88) and the clause."""

    source: str
    clause: str


class Example(_Strict):
    """A declaration fragment and whether the rule must pass or fail on it."""

    name: str | None = None
    expect: Literal["pass", "fail"]
    declaration: dict[str, Any]


class Rule(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    title: Text
    severity: Literal["error", "warning", "info"]
    basis: Basis
    applies_to: Literal["department", "project", "indicator"]
    field: str | None = None
    when: Condition
    params: dict[str, Scalar] = {}
    message: Text
    examples: list[Example] = Field(min_length=2)
    why: Text | None = None


class Override(_Strict):
    severity: Literal["error", "warning", "info"] | None = None
    params: dict[str, Scalar] = {}
    enabled: bool = True
    reason: str | None = None


class RulesetFile(_Strict):
    ruleset: str
    title: Text | None = None
    extends: str | None = None
    rules: list[Rule] = []
    overrides: dict[str, Override] = {}


for _model in (CountSpec, All, AnyOf, Not, Count):
    _model.model_rebuild()

KNOWN_SOURCES = ("ZF-2018-34", "CY-2015-88", "CY-2020-10", "CY-2021-101", "SH-2019-12", "SH-2023-16", "SH-FORM")


# --- compiled, negation-free conditions -----------------------------------------------------------

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
    field: str
    values: tuple[float | str, ...]
    negate: bool


@dataclass(frozen=True)
class Exists:
    field: str
    present: bool


@dataclass(frozen=True)
class Match:
    field: str
    pattern: str


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


Node = Union[Cmp, CmpField, InSet, Exists, Match, And, Or]


def negate(node: Node) -> Node:
    """Push a ``not`` down to the leaves; a comparison on a missing field is false either way."""
    if isinstance(node, Cmp):
        return Or((Exists(node.field, False), Cmp(node.field, INVERSE[node.op], node.value)))
    if isinstance(node, CmpField):
        return Or((Exists(node.field, False), Exists(node.other, False),
                   CmpField(node.field, INVERSE[node.op], node.other)))
    if isinstance(node, InSet):
        return Or((Exists(node.field, False), InSet(node.field, node.values, not node.negate)))
    if isinstance(node, Exists):
        return Exists(node.field, not node.present)
    if isinstance(node, And):
        return Or(tuple(negate(n) for n in node.items))
    if isinstance(node, Or):
        return And(tuple(negate(n) for n in node.items))
    raise _CompileError("'matches' cannot be negated: write the positive pattern instead")


def fields_of(node: Node) -> list[str]:
    """Field paths a condition reads, in order of appearance."""
    if isinstance(node, (And, Or)):
        return [f for n in node.items for f in fields_of(n)]
    if isinstance(node, CmpField):
        return [node.field, node.other]
    return [node.field]


@dataclass(frozen=True)
class CountField:
    """A computed field: how many children (``child_type`` facts) satisfy ``where``."""

    name: str
    child_type: str
    where: Node


@dataclass
class CompiledRule:
    """A rule ready for both engines: negation-free condition over one fact type."""

    id: str
    title: Text
    severity: str
    basis: Basis
    applies_to: str
    condition: Node
    params: dict[str, Any]
    message: Text
    locate: str | None
    examples: list[Example]
    origin: str
    line: int
    why: Text | None = None

    @property
    def basis_text(self) -> str:
        return f"{self.basis.source} {self.basis.clause}"


@dataclass
class CompiledRuleset:
    """All rules of a ruleset chain, plus the count fields their conditions need."""

    name: str
    files: list[str]
    rules: list[CompiledRule]
    counts: dict[str, CountField] = field(default_factory=dict)
    disabled: dict[str, str] = field(default_factory=dict)

    def rule(self, rule_id: str) -> CompiledRule:
        return next(r for r in self.rules if r.id == rule_id)


class _CompileError(Exception):
    """Raised inside compilation; turned into RulesetError with the line of the offending node."""

    def __init__(self, message: str, path: Path_ = ()):
        super().__init__(message)
        self.path = path


_SAFE_REGEX = re.compile(r"^(?:[^\\\[\](){}?*+|.^$]|\\[\\.()\[\]{}?*+|^$-]|[.*+?|()]|\[\^?(?:[^\\\]]|\\.)+\])*$")


def _check_regex(pattern: str) -> str:
    """Accept a subset both engines read alike: literals, . * + ? | ( ) and [classes]."""
    if not pattern:
        raise _CompileError("an empty pattern matches nothing (empty cells are missing); use 'missing: true'")
    if not _SAFE_REGEX.match(pattern) or "(?" in pattern:
        raise _CompileError(
            f"pattern '{pattern}' uses syntax outside the supported subset "
            "(literals, . * + ? | ( ) [..]; no \\d, {n}, anchors or groups with ?)")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise _CompileError(f"invalid pattern '{pattern}': {exc}") from None
    return unicodedata.normalize("NFC", pattern)


class _Compiler:
    def __init__(self, ruleset: CompiledRuleset):
        self.ruleset = ruleset

    def literal(self, value: Any, ftype: schema.FieldType, path_name: str) -> float | str:
        """A constant, converted to what the fact holds for a field of ``ftype``."""
        if isinstance(value, bool):
            raise _CompileError(f"'{path_name}' compares with true/false; use exists / missing")
        if ftype.name in ("number", "money"):
            if isinstance(value, (int, float)):
                return float(value)
            if ftype.name == "money" and isinstance(value, str):
                try:
                    return float(parse_money(value))
                except ValueError as exc:
                    raise _CompileError(f"'{value}' is not an amount of money: {exc}") from None
            raise _CompileError(f"'{path_name}' is a {ftype.name}; '{value}' is not a number")
        if ftype.name == "date":
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise _CompileError(f"'{value}' is not a calendar date") from None
            if isinstance(value, dt.date):
                return float(value.year * 10000 + value.month * 100 + value.day)
            raise _CompileError(f"'{path_name}' is a date; write it YYYY-MM-DD, not '{value}'")
        if not isinstance(value, str):
            raise _CompileError(f"'{path_name}' is text; quote '{value}'")
        value = unicodedata.normalize("NFC", value)
        if ftype.codes and value not in ftype.codes:
            raise _CompileError(f"'{value}' is not a value of '{path_name}'; allowed: {', '.join(ftype.codes)}")
        return value

    def field_type(self, fact: str, name: str) -> schema.FieldType:
        known = schema.FACTS[fact]
        if name not in known:
            close = [k for k in known if k.split(".")[-1] == name.split(".")[-1]]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise _CompileError(f"unknown field '{name}' for a {fact}{hint}")
        return known[name]

    def operand(self, value: Any, params: dict, ftype: schema.FieldType, name: str, fact: str,
                op: str) -> Cmp | CmpField:
        if isinstance(value, ParamRef):
            if value.param not in params:
                raise _CompileError(f"parameter '{value.param}' is not defined in the rule's params")
            return Cmp(name, op, self.literal(params[value.param], ftype, name))
        if isinstance(value, FieldRef):
            other = self.field_type(fact, value.field)
            if other.name != ftype.name:
                raise _CompileError(f"cannot compare '{name}' ({ftype.name}) with '{value.field}' ({other.name})")
            return CmpField(name, op, value.field)
        if isinstance(value, list):
            raise _CompileError(f"'{op}' takes one value; use 'in' for a list")
        return Cmp(name, op, self.literal(value, ftype, name))

    def condition(self, cond: Any, fact: str, params: dict, path: Path_) -> Node:
        try:
            return self._condition(cond, fact, params, path)
        except _CompileError as exc:
            if not exc.path:
                exc.path = path
            raise

    def _condition(self, cond: Any, fact: str, params: dict, path: Path_) -> Node:
        if isinstance(cond, All):
            return And(tuple(self.condition(c, fact, params, (*path, "all", i)) for i, c in enumerate(cond.all)))
        if isinstance(cond, AnyOf):
            return Or(tuple(self.condition(c, fact, params, (*path, "any", i)) for i, c in enumerate(cond.any)))
        if isinstance(cond, Not):
            return negate(self.condition(cond.not_, fact, params, (*path, "not")))
        if isinstance(cond, Count):
            return self.count(cond, fact, params, path)
        return self.leaf(cond, fact, params)

    def leaf(self, leaf: Leaf, fact: str, params: dict) -> Node:
        set_ops = [op for op in LEAF_OPS if getattr(leaf, "in_" if op == "in" else op) is not None]
        if len(set_ops) != 1:
            raise _CompileError(f"a condition on '{leaf.field}' needs exactly one operator of "
                                f"{', '.join(LEAF_OPS)}; found {len(set_ops) or 'none'}")
        op = set_ops[0]
        ftype = self.field_type(fact, leaf.field)
        value = getattr(leaf, "in_" if op == "in" else op)
        if op in ("exists", "missing"):
            return Exists(leaf.field, value if op == "exists" else not value)
        if op == "matches":
            if ftype.name not in ("text", "code"):
                raise _CompileError(f"'matches' needs a text field; '{leaf.field}' is {ftype.name}")
            return Match(leaf.field, _check_regex(value))
        if op in ("in", "not_in"):
            if isinstance(value, ParamRef):
                if value.param not in params or not isinstance(params[value.param], list):
                    raise _CompileError(f"parameter '{value.param}' must be a list in the rule's params")
                value = params[value.param]
            return InSet(leaf.field, tuple(self.literal(v, ftype, leaf.field) for v in value), op == "not_in")
        if op not in ("eq", "ne") and not ftype.ordered:
            raise _CompileError(f"'{op}' needs a number, money or date field; '{leaf.field}' is {ftype.name}")
        return self.operand(value, params, ftype, leaf.field, fact, op)

    def count(self, cond: Count, fact: str, params: dict, path: Path_) -> Node:
        child = schema.CHILDREN.get(fact)
        if child is None:
            raise _CompileError(f"a {fact} has no children to count")
        where = (self.condition(cond.count.where, child, params, (*path, "count", "where"))
                 if cond.count.where is not None else And(()))
        name = next((c.name for c in self.ruleset.counts.values() if c.child_type == child and c.where == where),
                    f"count.q{len(self.ruleset.counts)}")
        self.ruleset.counts[name] = CountField(name, child, where)
        ops = [op for op in COMPARISONS if getattr(cond, op) is not None]
        if len(ops) != 1:
            raise _CompileError(f"a count needs exactly one of {', '.join(COMPARISONS)}")
        value = getattr(cond, ops[0])
        if isinstance(value, ParamRef):
            if value.param not in params:
                raise _CompileError(f"parameter '{value.param}' is not defined in the rule's params")
            value = params[value.param]
        return Cmp(name, ops[0], self.literal(value, schema.NUMBER, "count"))


_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def render_message(template: str, values: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders by plain substitution (no format spec, no attribute access)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), "—"), template)


def _line(lines: dict[Path_, int], path: Path_) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _load_chain(path: Path, seen: tuple[Path, ...]) -> list[tuple[Path, RulesetFile, dict[Path_, int]]]:
    resolved = path.resolve()
    if resolved in seen:
        chain = " → ".join(str(p) for p in (*seen, resolved))
        raise RulesetError(str(path), 1, f"'extends' forms a cycle: {chain}")
    data, lines = read_yaml(path)
    try:
        parsed = RulesetFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise RulesetError(str(path), _line(lines, _strip_tags(err["loc"])), f"{where}: {err['msg']}") from None
    chain: list[tuple[Path, RulesetFile, dict[Path_, int]]] = []
    if parsed.extends:
        parent = (path.parent / parsed.extends)
        if not parent.is_file():
            raise RulesetError(str(path), _line(lines, ("extends",)), f"parent ruleset '{parsed.extends}' not found")
        chain = _load_chain(parent, (*seen, resolved))
    return [*chain, (path, parsed, lines)]


_UNION_TAGS = {"all", "any", "not", "count", "leaf"}


def _strip_tags(loc: tuple) -> Path_:
    """Drop pydantic's union-member names from an error location so it maps onto YAML keys."""
    out: list = []
    for i, part in enumerate(loc):
        if isinstance(part, str):
            if part in _UNION_TAGS and i > 0 and loc[i - 1] in ("when", "where") or (
                    part in _UNION_TAGS and out and isinstance(out[-1], int) and loc[i - 2] in ("all", "any")):
                continue
            if "[" in part or part in ("str", "int", "float", "bool", "ParamRef", "FieldRef"):
                continue
        out.append(part)
    return tuple(out)


def load_ruleset(path: Path) -> CompiledRuleset:
    """Load a ruleset and its ``extends`` chain and compile every rule. Raises RulesetError."""
    return _compile_chain(_load_chain(Path(path), ()))


def ruleset_from_data(data: dict, file: str = "<data>") -> CompiledRuleset:
    """Compile one ruleset given as plain data (no ``extends``). Raises RulesetError."""
    try:
        parsed = RulesetFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise RulesetError(file, 1, f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}") from None
    if parsed.extends:
        raise RulesetError(file, 1, "'extends' needs a ruleset file")
    return _compile_chain([(Path(file), parsed, {})])


def _compile_chain(chain: list[tuple[Path, RulesetFile, dict[Path_, int]]]) -> CompiledRuleset:
    compiled = CompiledRuleset(name=chain[-1][1].ruleset, files=[str(p) for p, _, _ in chain], rules=[])
    compiler = _Compiler(compiled)
    seen: dict[str, str] = {}
    raw_rules: list[tuple[Path, Rule, dict[Path_, int], int]] = []
    for file_path, parsed, lines in chain:
        for index, rule in enumerate(parsed.rules):
            line = _line(lines, ("rules", index))
            if rule.id in seen:
                raise RulesetError(str(file_path), line, f"rule id '{rule.id}' is already defined in {seen[rule.id]}")
            seen[rule.id] = f"{file_path}:{line}"
            raw_rules.append((file_path, rule, lines, index))
        for rule_id, override in parsed.overrides.items():
            target = next((i for i, r in enumerate(raw_rules) if r[1].id == rule_id), None)
            line = _line(lines, ("overrides", rule_id))
            if target is None:
                raise RulesetError(str(file_path), line, f"override of unknown rule '{rule_id}'")
            origin, rule, rule_lines, rule_index = raw_rules[target]
            unknown = set(override.params) - set(rule.params)
            if unknown:
                raise RulesetError(str(file_path), line, f"rule '{rule_id}' has no parameter {', '.join(sorted(unknown))}")
            if not override.enabled:
                if not override.reason:
                    raise RulesetError(str(file_path), line, f"disabling '{rule_id}' needs a reason")
                compiled.disabled[rule_id] = override.reason
            update = {"params": {**rule.params, **override.params}}
            if override.severity:
                update["severity"] = override.severity
            raw_rules[target] = (origin, rule.model_copy(update=update), rule_lines, rule_index)
    for file_path, rule, lines, index in raw_rules:
        if rule.id in compiled.disabled:
            continue
        base: Path_ = ("rules", index)
        try:
            compiled.rules.append(_compile_rule(compiler, rule, file_path, _line(lines, base)))
        except _CompileError as exc:
            raise RulesetError(str(file_path), _line(lines, (*base, *_strip_tags(exc.path))), str(exc)) from None
    return compiled


def _compile_rule(compiler: _Compiler, rule: Rule, file_path: Path, line: int) -> CompiledRule:
    if rule.basis.source not in KNOWN_SOURCES:
        raise _CompileError(f"basis source '{rule.basis.source}' is not in the catalogue "
                            f"({', '.join(KNOWN_SOURCES)})", ("basis", "source"))
    condition = compiler.condition(rule.when, rule.applies_to, rule.params, ("when",))
    known = schema.FACTS[rule.applies_to]
    for lang in ("zh", "en"):
        for name in placeholders(getattr(rule.message, lang)):
            if name.startswith("param."):
                if name[6:] not in rule.params:
                    raise _CompileError(f"message placeholder '{{{name}}}': no such parameter", ("message", lang))
            elif name not in known:
                raise _CompileError(f"message placeholder '{{{name}}}' is not a field of a {rule.applies_to}",
                                    ("message", lang))
    if rule.field is not None:
        compiler.field_type(rule.applies_to, rule.field)
    return CompiledRule(
        id=rule.id, title=rule.title, severity=rule.severity, basis=rule.basis, applies_to=rule.applies_to,
        condition=condition, params=dict(rule.params), message=rule.message,
        locate=rule.field or next(iter(f for f in fields_of(condition) if not f.startswith("count.")), None),
        examples=rule.examples, origin=str(file_path), line=line, why=rule.why,
    )


def default_ruleset_path() -> Path:
    """The bundled Shanghai ruleset (rulesets/shanghai.yaml)."""
    return BUNDLED_DIR / "shanghai.yaml"


