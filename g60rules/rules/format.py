"""The schema of a ruleset file, as pydantic models (also exported as ``rulesets/schema.json``).

See ``docs/rulesets.md`` for the format in words. Every model forbids unknown keys, so a typo is
reported with its line rather than ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
LEAF_OPS = (*COMPARISONS, "in", "not_in", "matches", "contains_any", "contains_none", "exists", "missing")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Strict):
    """A text in both languages."""

    zh: str
    en: str


class ParamRef(_Strict):
    """``{param: NAME}``: a value from the rule's ``params``."""

    param: str


class WordTableRef(_Strict):
    """``{word_table: NAME}``: a list of words from the ruleset's ``word_tables``.

    A parameter of the same name in the rule's ``params`` (or an override's) wins over the table.
    """

    word_table: str


class WordTableEdit(_Strict):
    """A change to a word table a parent ruleset defines: words to ``add`` and words to ``remove``."""

    add: list[str] = []
    remove: list[str] = []


WordTable = Union[list[str], WordTableEdit]
WORD_TABLES_HELP = ("Named word lists shared by rules ({word_table: NAME} in a condition). A list defines or "
                    "replaces the table; {add: [...], remove: [...]} changes the table of a parent ruleset.")


class FieldRef(_Strict):
    """``{field: PATH}``: another field of the same fact."""

    field: str


Scalar = Union[bool, int, float, dt.date, str]
Operand = Union[ParamRef, FieldRef, Scalar, list[Scalar]]


class Leaf(_Strict):
    """``{field: PATH, OP: OPERAND}`` — exactly one operator."""

    field: str
    eq: Operand | None = None
    ne: Operand | None = None
    lt: Operand | None = None
    le: Operand | None = None
    gt: Operand | None = None
    ge: Operand | None = None
    in_: list[Scalar] | ParamRef | WordTableRef | None = Field(None, alias="in")
    not_in: list[Scalar] | ParamRef | WordTableRef | None = None
    matches: str | None = None
    contains_any: list[str] | ParamRef | WordTableRef | None = None
    contains_none: list[str] | ParamRef | WordTableRef | None = None
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


CONDITION_TAGS = ("all", "any", "not", "count", "leaf")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((tag for tag in CONDITION_TAGS[:4] if tag in value), "leaf")
    if isinstance(value, BaseModel):
        return {All: "all", AnyOf: "any", Not: "not", Count: "count"}.get(type(value), "leaf")
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


class PatternMatch(_Strict):
    """A table row matcher: the key field matches this pattern."""

    matches: str


class TableRow(_Strict):
    """One row: ``when`` the key equals a value (or is in a list, or matches a pattern), ``value``.

    A row without ``when`` is the default.
    """

    when: Union[PatternMatch, list[Scalar], Scalar, None] = None
    value: Union[int, float, str]


class TableSpec(_Strict):
    """A threshold that depends on a field of the declaration (DMN-style decision table)."""

    key: str
    hit: Literal["first", "unique"] = "first"
    rows: list[TableRow] = Field(min_length=1)


class Table(_Strict):
    table: TableSpec


ParamValue = Union[Table, list[Scalar], Scalar]


class Basis(_Strict):
    """Policy source key (docs/sources.md, e.g. CY-2015-88) and the clause."""

    source: str
    clause: str


class Example(_Strict):
    """A declaration fragment; the rule must fire on it (``fail``) or not (``pass``).

    A failing example may also state what the finding says: a ``message`` fragment (found in the
    Chinese or English message), the ``field`` it points at, the indicator ``row`` it is on, or how
    many findings (``count``).
    """

    name: str | None = None
    expect: Literal["pass", "fail"]
    declaration: dict[str, Any]
    message: str | None = None
    field: str | None = None
    row: int | None = None
    count: int | None = None


class Effective(_Strict):
    """Dates between which a rule runs (inclusive); either may be left out."""

    from_: dt.date | None = Field(None, alias="from")
    until: dt.date | None = None


class Rule(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    title: Text
    severity: Literal["error", "warning", "info"]
    state: Literal["enforce", "warn", "shadow"] = "enforce"
    effective: Effective | None = None
    basis: Basis
    applies_to: Literal["department", "project", "indicator"]
    field: str | None = None
    when: Condition
    params: dict[str, ParamValue] = {}
    message: Text
    examples: list[Example] = Field(min_length=2)
    why: Text | None = None


class Override(_Strict):
    """Changes to a parent's rule; ``enabled: false`` needs a ``reason``."""

    severity: Literal["error", "warning", "info"] | None = None
    state: Literal["enforce", "warn", "shadow"] | None = None
    effective: Effective | None = None
    params: dict[str, ParamValue] = {}
    examples: list[Example] | None = Field(None, min_length=2)
    enabled: bool = True
    reason: str | None = None


class LayoutSpec(_Strict):
    """One form layout: the fields it has (glossary keys), the unit a bare number in its funds block
    is in, and the funds field costs are checked against."""

    title: Text
    project: list[str]
    funds: list[str] = []
    funds_unit: Literal["元", "万元"] = "元"
    indicators: list[str]
    amount: str | None = None


class CategorySpec(_Strict):
    """A canonical category: its ``code``, the standard ``labels`` and the ``aliases`` read as it.

    Level 2 only: ``parent`` (the level-1 code it belongs to) and ``counts_as`` (a row with this
    level-2 category under ``parent`` is a row of that level-1 category: 产出指标›成本指标 → cost).
    """

    code: str
    labels: list[str] = []
    aliases: list[str] = []
    parent: str | None = None
    counts_as: str | None = None


class Categories(_Strict):
    """The category alias table; ``groups`` are 一级 labels whose categories sit one level down."""

    level1: list[CategorySpec] = []
    level2: list[CategorySpec] = []
    groups: list[str] = []


KnownValues = dict[str, list[str]]
KNOWN_VALUES_HELP = ("Values a text field of a project takes on the forms (key: field path, e.g. category); "
                     "lint warns on a threshold-table row or condition naming another value. "
                     "A child ruleset's lists add to its parent's.")


class RulesetFile(_Strict):
    """A whole ruleset file."""

    ruleset: str
    title: Text | None = None
    extends: str | None = None
    layouts: dict[str, LayoutSpec] = {}
    categories: Categories | None = None
    known_values: KnownValues = Field({}, description=KNOWN_VALUES_HELP)
    word_tables: dict[str, WordTable] = Field({}, description=WORD_TABLES_HELP)
    rules: list[Rule] = []
    overrides: dict[str, Override] = {}


class RulesetHead(_Strict):
    """A ruleset file with its rules and overrides not yet validated (each is, one by one)."""

    ruleset: str
    title: Text | None = None
    extends: str | None = None
    layouts: dict[str, LayoutSpec] = {}
    categories: Categories | None = None
    known_values: KnownValues = {}
    word_tables: dict[str, Any] = {}  # each table is checked on its own (compiler), for a message per table
    rules: list[Any] = []
    overrides: dict[str, Any] = {}


for _model in (CountSpec, All, AnyOf, Not, Count):
    _model.model_rebuild()


def json_schema() -> dict:
    """JSON Schema of a ruleset file, for editors (yaml-language-server) and other tools."""
    data = RulesetFile.model_json_schema(by_alias=True)
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "g60rules ruleset"
    return data
