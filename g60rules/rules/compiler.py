"""Ruleset files: loading with line and column, ``extends`` and ``overrides``, and compilation.

A ruleset file is data, never code: it is composed with PyYAML's safe loader, a key written twice
is an error, and conditions use the small declarative vocabulary of :mod:`g60rules.rules.format`
(format in words: ``docs/rulesets.md``). Compilation checks every field path against the fact
schema (:mod:`g60rules.schema`), every value against the field's type, every parameter, pattern and
message placeholder, and produces negation-free conditions (:mod:`g60rules.rules.conditions`) that both
engines evaluate.

:func:`load_ruleset` stops at the first problem with :class:`RulesetError` (file, line, column, what
is wrong, a hint; Chinese and English). :func:`collect_problems` goes on and returns every problem it
can find — this is what ``g60rules ruleset lint`` reports.

Computed fields: a ``count`` over children and a threshold ``table`` parameter become fields the
fact builder computes before either engine runs (``count.q<N>``, ``table.<RULE>.<PARAM>``).

Word tables: ``word_tables`` lists shared by rules are merged along the chain (a child's list replaces
a parent's, ``add``/``remove`` change it) and a ``{word_table: NAME}`` operand is replaced by the words
when a rule compiles, so both engines see the same literal condition (:func:`_word_tables`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

import re2
import yaml
from pydantic import BaseModel, ValidationError

from g60rules import schema
from g60rules.findings import SOURCE_DOCUMENTS
from g60rules.layouts import Layout, Layouts, Level1, Level2, category_key
from g60rules.model import DEFAULT_FORM, FUNDS_FIELDS, INDICATOR_FIELDS, LEVEL1, LEVEL2, LEVEL2_EXTRA, PROJECT_FIELDS
from g60rules.safeio import ALIAS_REASON, InputRefused, alias_line, display_path, present, read_text, resolved
from g60rules.rules.conditions import (
    And, Cmp, CmpField, Exists, InSet, Match, Node, Or, compile_regex, fields_of, matches_of, negate,
)
from g60rules.rules.format import (
    COMPARISONS, CONDITION_TAGS, LEAF_OPS, All, AnyOf, Basis, Count, Effective, Example, FieldRef, Leaf, Not,
    Override, ParamRef, PatternMatch, Rule, RulesetHead, Table, Text, WordTableEdit, WordTableRef,
)
from g60rules.graph import GAP_FIRST
from g60rules.intake import yaml_errors
from g60rules.values import parse_money

def _bundled_dir() -> Path:
    """rulesets/ of a source checkout, else the copy installed with the package."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "rulesets"
    return checkout if (checkout / "shanghai.yaml").is_file() else package / "rulesets"


BUNDLED_DIR = _bundled_dir()
KNOWN_SOURCES = tuple(SOURCE_DOCUMENTS)

Path_ = tuple[Union[str, int], ...]

# --- problems -------------------------------------------------------------------------------------

# code: (zh, en, hint zh, hint en); placeholders are filled from the problem's details.
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "RS-READ": ("无法读取规则文件：{detail_zh}", "cannot read the ruleset: {detail}", "", ""),
    "RS-YAML": ("YAML 语法错误：{detail_zh}", "YAML syntax error: {detail}",
                "检查缩进、引号和括号是否成对", "check indentation, quotes and brackets"),
    "RS-EMPTY": ("规则文件为空", "the ruleset file is empty", "至少写出 ruleset: 名称", "write at least 'ruleset: NAME'"),
    "RS-TAG": ("不允许的 YAML 标签：{detail}", "YAML tag not allowed: {detail}",
               "规则文件只含普通数据，删除 !! 标签", "rulesets hold plain data; remove the !! tag"),
    "RS-DUPKEY": ("字段“{key}”重复（首次在第 {first} 行）", "duplicate key '{key}' (first on line {first})",
                  "删除其中一个；重复字段不会覆盖", "delete one of them; duplicates never overwrite"),
    "RS-KEY": ("未知字段“{key}”", "unknown key '{key}'", "{suggest_zh}可用字段：{allowed}",
               "{suggest}allowed keys: {allowed}"),
    "RS-OP": ("未知运算符“{key}”", "unknown operator '{key}'", "{suggest_zh}可用运算符：{allowed}",
              "{suggest}operators: {allowed}"),
    "RS-REQUIRED": ("缺少必填字段“{key}”", "required key '{key}' is missing", "", ""),
    "RS-VALUE": ("“{where}”的值无效：{detail}", "invalid value at '{where}': {detail}", "", ""),
    "RS-FIELD": ("“{fact}”没有字段“{name}”", "unknown field '{name}' for a {fact}",
                 "{suggest_zh}字段列表见 docs/glossary.md", "{suggest}fields are listed in docs/glossary.md"),
    "RS-TYPE": ("{detail_zh}", "{detail}", "", ""),
    "RS-OPCOUNT": ("条件“{name}”应恰有一个运算符，实际 {found} 个", "a condition on '{name}' needs exactly one operator; found {found}",
                   "可用运算符：{allowed}", "operators: {allowed}"),
    "RS-PARAM": ("参数“{name}”未在本规则 params 中定义", "parameter '{name}' is not defined in the rule's params",
                 "在 params 下增加 {name}", "add {name} under params"),
    "RS-PATTERN": ("匹配模式“{pattern}”不可用：{detail_zh}", "pattern '{pattern}' cannot be used: {detail}",
                   "只用字面字符、. * + ? | ( ) 和 [...]", "use literals, . * + ? | ( ) and [...] only"),
    "RS-COUNT": ("{fact} 没有可计数的下级", "a {fact} has no children to count",
                 "count 只用于 project（指标）和 department（项目）", "count works on a project (indicators) or department (projects)"),
    "RS-PLACEHOLDER": ("消息占位符“{{{name}}}”不是本规则可用的字段或参数", "message placeholder '{{{name}}}' is not a field or parameter of this rule",
                       "可用：{{字段}} 或 {{param.参数}}", "use {{field}} or {{param.NAME}}"),
    "RS-BASIS": ("依据来源“{source}”不在政策目录中", "basis source '{source}' is not in the catalogue",
                 "可用来源：{allowed}（见 docs/sources.md）", "known sources: {allowed} (docs/sources.md)"),
    "RS-DUPID": ("规则编号“{rule}”已在 {where} 定义", "rule id '{rule}' is already defined at {where}",
                 "规则编号一经发布不可重复使用；另起新编号", "ids are never reused; choose a new id"),
    "RS-CYCLE": ("extends 形成循环：{chain}", "'extends' forms a cycle: {chain}", "", ""),
    "RS-PARENT": ("上级规则文件“{name}”不存在", "parent ruleset '{name}' not found",
                  "路径相对于本文件", "the path is relative to this file"),
    "RS-OUTSIDE": ("上级规则文件“{name}”不在允许的位置", "parent ruleset '{name}' is outside the allowed places",
                   "extends 只能指向 .yaml 文件，位于自带规则目录、本规则文件所在文件夹或当前目录之下",
                   "extends names a .yaml file under the bundled rulesets, this ruleset's folder or the working directory"),
    "RS-OVERRIDE": ("覆盖的规则“{rule}”不存在", "override of unknown rule '{rule}'",
                    "检查编号，或用 ruleset show 查看生效的规则", "check the id; 'ruleset show' lists the effective rules"),
    "RS-OVERPARAM": ("规则“{rule}”没有参数 {name}", "rule '{rule}' has no parameter {name}",
                     "该规则的参数：{allowed}", "its parameters: {allowed}"),
    "RS-REASON": ("停用规则“{rule}”必须写明 reason", "disabling '{rule}' needs a reason",
                  "增加 reason: …", "add reason: …"),
    "RS-EXAMPLE-LOAD": ("示例无法作为申报文件读取：{detail}", "the example does not load as a declaration: {detail}", "", ""),
    "RS-EXAMPLE": ("示例不符：{detail_zh}", "example mismatch: {detail}", "", ""),
    "RS-NEVER": ("规则在自己的失败示例上从不触发", "the rule never fires on its own failing examples",
                 "条件可能永不成立，或示例需要更新", "the condition may never hold, or the examples need updating"),
    "RS-ALWAYS": ("规则在自己的通过示例上全部触发", "the rule fires on every one of its passing examples",
                  "条件可能恒为真，或示例需要更新", "the condition may always hold, or the examples need updating"),
    "RS-COVERAGE": ("规则缺少{missing}示例", "the rule has no {missing_en} example",
                    "每条规则至少一个 pass 和一个 fail 示例", "every rule needs a pass and a fail example"),
    "RS-TABLE-OVERLAP": ("阈值表第 {a} 行与第 {b} 行的条件重叠（{values}）", "threshold table rows {a} and {b} overlap ({values})",
                         "{hint_zh}", "{hint_en}"),
    "RS-LAYOUT": ("{detail_zh}", "{detail}", "表式与类别表的格式见 docs/rulesets.md", "layouts and categories: docs/rulesets.md"),
    "RS-TABLE-UNCOVERED": ("阈值表没有覆盖：{values}", "the threshold table does not cover: {values}",
                           "增加一行不带 when 的默认行", "add a default row without 'when'"),
    "RS-UNKNOWN-VALUE": ("{where}的“{value}”不是“{name}”的已知取值，永远不会匹配{suggest_zh}",
                         "'{value}' in {where_en} is not a known value of '{name}' and never matches{suggest}",
                         "已知取值：{allowed}（见规则集的 known_values）",
                         "known values: {allowed} (the ruleset's known_values)"),
    "RS-WORDTABLE": ("词表“{name}”未定义", "word table '{name}' is not defined",
                     "{suggest_zh}在规则集的 word_tables 下定义它；已有词表：{allowed}",
                     "{suggest}define it under the ruleset's word_tables; tables: {allowed}"),
    "RS-WORDTABLE-EMPTY": ("词表“{name}”为空", "word table '{name}' is empty",
                           "词表至少要有一个词；不再需要的词表连同引用它的条件一起删除",
                           "a table needs at least one word; delete an unneeded table with the conditions using it"),
    "RS-WORDTABLE-EDIT": ("{detail_zh}", "{detail}", "见 docs/rulesets.md“词表”一节", "see docs/rulesets.md, word tables"),
    "RS-WORDTABLE-UNUSED": ("词表“{name}”没有规则使用", "no rule uses the word table '{name}'",
                            "在条件中以 {{word_table: {name}}} 引用它，或删除该词表",
                            "refer to it in a condition as {{word_table: {name}}}, or delete it"),
}

WARNINGS = {"RS-TABLE-UNCOVERED", "RS-UNKNOWN-VALUE", "RS-WORDTABLE-UNUSED"}


@dataclass(frozen=True)
class Problem:
    """One problem in a ruleset file: where, what (zh, en) and a hint."""

    file: str
    line: int
    column: int
    code: str
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""

    @property
    def level(self) -> str:
        return "warning" if self.code in WARNINGS else "error"

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def hint(self, lang: str) -> str:
        return self.hint_en if lang == "en" else self.hint_zh

    def text(self, lang: str = "zh") -> str:
        hint = self.hint(lang)
        sep = "；" if lang != "en" else "; "
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message(lang)}" + (
            f"{sep}{'提示' if lang != 'en' else 'hint'}: {hint}" if hint else "")


def make_problem(code: str, file: str, pos: tuple[int, int], **details: Any) -> Problem:
    zh, en, hint_zh, hint_en = MESSAGES[code]
    values = {k: str(v) for k, v in details.items()}
    values.setdefault("detail_zh", values.get("detail", ""))
    fill = _SafeFormat(values)
    return Problem(file, pos[0], pos[1], code, zh.format_map(fill), en.format_map(fill),
                   hint_zh.format_map(fill), hint_en.format_map(fill))


class _SafeFormat(dict):
    def __missing__(self, key: str) -> str:
        return ""


class RulesetError(Exception):
    """A ruleset that cannot be used; ``problem`` says where and what."""

    def __init__(self, problem: Problem):
        super().__init__(problem.text("en"))
        self.problem = problem
        self.file = problem.file
        self.line = problem.line
        self.message = problem.en


class _Sink:
    """Where problems go: raised at once (``strict``), or collected."""

    def __init__(self, strict: bool):
        self.strict = strict
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        if self.strict:
            raise RulesetError(problem)


class _CompileError(Exception):
    """Raised inside compilation with a problem code; the caller adds file and position."""

    def __init__(self, code: str, path: Path_ = (), **details: Any):
        super().__init__(code)
        self.code = code
        self.path = path
        self.details = details
        self.param: str | None = None  # the parameter whose value is wrong, if that is the problem


# --- YAML with positions --------------------------------------------------------------------------

Marks = dict[Path_, tuple[int, int]]


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _to_python(node: yaml.Node, file: str, path: Path_, marks: Marks, sink: _Sink) -> Any:
    """Plain data from a composed node, recording each path's position; duplicate keys are problems."""
    marks.setdefault(path, _pos(node))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                sink.add(make_problem("RS-KEY", file, _pos(key_node), key="{…}", allowed="plain text keys"))
                continue
            key = str(key_node.value)
            if key in out:
                sink.add(make_problem("RS-DUPKEY", file, _pos(key_node), key=key, first=marks[(*path, key)][0]))
                continue
            marks[(*path, key)] = _pos(key_node)
            out[key] = _to_python(value_node, file, (*path, key), marks, sink)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, file, (*path, i), marks, sink) for i, item in enumerate(node.value)]
    try:
        return yaml.SafeLoader.construct_object(yaml.SafeLoader(""), node)  # safe constructors only
    except yaml.YAMLError:
        sink.add(make_problem("RS-TAG", file, _pos(node), detail=node.tag))
    except ValueError as exc:  # e.g. a timestamp such as 2025-13-01
        sink.add(make_problem("RS-VALUE", file, _pos(node), where=".".join(map(str, path)),
                              detail=f"'{node.value}': {exc}"))
    return None


def read_yaml(path: Path, sink: _Sink) -> tuple[Any, Marks] | None:
    """Load a YAML file safely: its data and the position of every key path, or None."""
    file = display_path(path)
    try:
        text = read_text(path)
    except InputRefused as exc:
        sink.add(make_problem("RS-READ", file, (exc.line, 1), detail=exc.en, detail_zh=exc.zh))
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        alias = alias_line(root, text)
    except yaml.YAMLError as exc:
        problem = yaml_errors.explain(text, exc)
        sink.add(make_problem("RS-YAML", file, (problem.line, problem.column), detail=problem.en,
                              detail_zh=problem.zh))
        return None
    except RecursionError:
        sink.add(make_problem("RS-YAML", file, (1, 1), detail="nested too deeply", detail_zh="嵌套层数过多"))
        return None
    if alias is not None:
        sink.add(make_problem("RS-YAML", file, (alias, 1), detail=ALIAS_REASON[1], detail_zh=ALIAS_REASON[0]))
        return None
    if root is None:
        sink.add(make_problem("RS-EMPTY", file, (1, 1)))
        return None
    slip = yaml_errors.colon_slip(text) if isinstance(root, yaml.ScalarNode) else yaml_errors.nested_slip(root)
    if slip is not None:  # "ruleset：t" on every line (or "add:[x]" below a key) reads as a string, not a mapping
        sink.add(make_problem("RS-YAML", file, (slip.line, slip.column), detail=slip.en, detail_zh=slip.zh))
        return None
    marks: Marks = {}
    return _to_python(root, file, (), marks, sink), marks


def _row_origins(marks: Marks, param: Path_, name: str, file: str) -> dict[str, str]:
    """``params.NAME.rows.I`` → "file:line" of each threshold-table row, so lint names the row's line."""
    head = (*param, "table", "rows")
    return {f"params.{name}.rows.{key[-1]}": f"{file}:{line}" for key, (line, _) in marks.items()
            if len(key) == len(head) + 1 and key[:len(head)] == head}


def _mark(marks: Marks, path: Path_) -> tuple[int, int]:
    while path and path not in marks:
        path = path[:-1]
    return marks.get(path, (1, 1))


_MEMBER_NAMES = {"str", "int", "float", "bool", "date", "ParamRef", "FieldRef", "PatternMatch", "Table",
                 "WordTableRef", "WordTableEdit",
                 "none", "function-after", "lax-or-strict"}


def _clean_loc(loc: tuple, marks: Marks | None = None, base: Path_ = ()) -> Path_:
    """Drop pydantic's union-member names from an error location so it maps onto YAML keys.

    A part that is a key written in the file at that place is kept, even when it looks like a
    member name (a key such as ``a[1]``).
    """
    out: list = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and marks is not None and (*base, *out, part) in marks:
            out.append(part)
            continue
        if isinstance(part, str):
            prev = loc[i - 1] if i else None
            if part in CONDITION_TAGS and (prev in ("when", "where", "not") or isinstance(prev, int)):
                continue
            if "[" in part or part in _MEMBER_NAMES:
                continue
        out.append(part)
    return tuple(out)


def _validation_problems(exc: ValidationError, file: str, marks: Marks, base: Path_, model: type[BaseModel],
                         sink: _Sink) -> None:
    """One problem per pydantic error, positioned on the offending key."""
    seen: set[tuple] = set()
    for err in exc.errors():
        loc = (*base, *_clean_loc(err["loc"], marks, base))
        if (loc, err["type"]) in seen:
            continue
        seen.add((loc, err["type"]))
        key = loc[-1] if loc else ""
        if err["type"] == "extra_forbidden":
            parent = _model_at(model, loc[len(base):-1])
            if parent is Leaf:
                sink.add(make_problem("RS-OP", file, _mark(marks, loc), key=key, allowed=", ".join(LEAF_OPS),
                                      **_did_you_mean(str(key), LEAF_OPS)))
            else:
                names = [f.alias or name for name, f in parent.model_fields.items()] if parent else []
                sink.add(make_problem("RS-KEY", file, _mark(marks, loc), key=key, allowed=", ".join(names) or "—",
                                      **_did_you_mean(str(key), names)))
        elif err["type"] == "missing":
            sink.add(make_problem("RS-REQUIRED", file, _mark(marks, loc[:-1]), key=key))
        else:
            sink.add(make_problem("RS-VALUE", file, _mark(marks, loc), where=".".join(map(str, loc)),
                                  detail=err["msg"]))


def _did_you_mean(key: str, names) -> dict[str, str]:
    """``suggest`` / ``suggest_zh`` details naming the closest of ``names`` (difflib), or nothing."""
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    return {"suggest": f"did you mean '{close[0]}'? ", "suggest_zh": f"是否想写“{close[0]}”？"} if close else {}


def _model_at(model: type[BaseModel], path: Path_) -> type[BaseModel] | None:
    """The model that holds the key at ``path`` (for the list of allowed keys)."""
    import typing

    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if info is None:
            return None
        current = info.annotation
        while typing.get_origin(current) is not None:
            args = [a for a in typing.get_args(current) if isinstance(a, type) and issubclass(a, BaseModel)]
            if part in ("when", "where", "not", "all", "any"):
                return Leaf
            if not args:
                inner = [a for a in typing.get_args(current) if typing.get_origin(a) is not None]
                if not inner:
                    return None
                current = inner[0]
                continue
            current = args[0]
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


# --- compiled rules -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountField:
    """A computed field: how many children (``child_type`` facts) satisfy ``where``."""

    name: str
    child_type: str
    where: Node


@dataclass(frozen=True)
class TableField:
    """A computed field: the threshold a table gives for the fact's ``key`` field.

    ``rows`` are (kind, matcher, value) with kind ``default``, ``eq`` (matcher a value), ``in``
    (a tuple of values) or ``matches`` (a pattern); values are already in the fact's representation.
    """

    name: str
    fact: str
    key: str
    hit: str
    rows: tuple[tuple[str, Any, float | str], ...]
    displays: tuple[str, ...]
    ftype: schema.FieldType


@dataclass(frozen=True)
class WordTable:
    """A named word table of a ruleset chain: its words (NFC, in the order written, parents' first)
    and where it was defined and changed ("file:line", the defining file first)."""

    name: str
    words: tuple[str, ...]
    origins: tuple[str, ...]


@dataclass
class CompiledRule:
    """A rule ready for both engines: a negation-free condition over one kind of fact."""

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
    state: str = "enforce"
    effective: Effective | None = None
    origins: dict[str, str] = field(default_factory=dict)
    source: Rule | None = None
    example_at: list[tuple[str, int, int]] = field(default_factory=list)
    word_tables: tuple[str, ...] = ()  # the ruleset's word tables the condition reads (not shadowed by params)

    @property
    def basis_text(self) -> str:
        return f"{self.basis.source} {self.basis.clause}"

    def active_on(self, day: dt.date) -> bool:
        eff = self.effective
        return eff is None or ((eff.from_ is None or eff.from_ <= day) and (eff.until is None or day <= eff.until))


@dataclass
class CompiledRuleset:
    """The rules of a ruleset chain, plus the computed fields their conditions need."""

    name: str
    files: list[str]
    rules: list[CompiledRule]
    counts: dict[str, CountField] = field(default_factory=dict)
    tables: dict[str, TableField] = field(default_factory=dict)
    disabled: dict[str, tuple[str, str]] = field(default_factory=dict)
    layouts: Layouts | None = None
    known_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    word_tables: dict[str, WordTable] = field(default_factory=dict)

    def users(self, table: str) -> list[str]:
        """The ids of the rules that read the word table ``table``."""
        return [rule.id for rule in self.rules if table in rule.word_tables]

    def rule(self, rule_id: str) -> CompiledRule:
        """The rule with this id. Raises KeyError."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def fields_used(self) -> dict[str, set[str]]:
        """Per kind of fact, the fields any rule, count, table or message reads (facts carry no more)."""
        used: dict[str, set[str]] = {kind: set() for kind in schema.FACTS}
        for rule in self.rules:
            names = set(fields_of(rule.condition)) | {rule.locate} if rule.locate else set(fields_of(rule.condition))
            for lang in ("zh", "en"):
                names |= {n for n in placeholders(getattr(rule.message, lang)) if not n.startswith("param.")}
            used[rule.applies_to] |= names
        for count in self.counts.values():
            used[count.child_type] |= set(fields_of(count.where))
        for table in self.tables.values():
            used[table.fact].add(table.key)
        for names in used.values():  # a gap's first amount, to compare both sides in a report
            names |= {name.removesuffix(gap) + first for name in list(names) for gap, first in GAP_FIRST.items()
                      if name.endswith(gap)}
        return used

    def match_leaves(self) -> dict[str, list[Match]]:
        """Per kind of fact, the distinct ``matches`` leaves of the rules (computed fields for durable-rules)."""
        out: dict[str, list[Match]] = {kind: [] for kind in schema.FACTS}
        for rule in self.rules:
            for match in matches_of(rule.condition):
                if match not in out[rule.applies_to]:
                    out[rule.applies_to].append(match)
        return out

    def active(self, day: dt.date) -> "CompiledRuleset":
        """The rules whose ``effective`` dates include ``day``."""
        return replace(self, rules=[r for r in self.rules if r.active_on(day)])


_SAFE_REGEX = re.compile(r"^(?:[^\\\[\](){}?*+|.^$]|\\[\\.()\[\]{}?*+|^$-]|[.*+?|()]|\[\^?(?:[^\\\]]|\\.)+\])*$")


def check_pattern(pattern: str) -> str:
    """Accept a pattern subset: literals, backslash-escaped specials, . * + ? | ( ) and [classes].

    Every pattern runs on RE2 (linear time, the same on both engines; see
    :mod:`g60rules.rules.conditions`). Raises _CompileError (RS-PATTERN) otherwise; an empty pattern
    is refused (use ``missing``).
    """
    if not pattern:
        raise _CompileError("RS-PATTERN", pattern=pattern, detail="empty pattern; use 'missing: true'",
                            detail_zh="空模式；请用 missing: true")
    if not _SAFE_REGEX.match(pattern) or "(?" in pattern:
        raise _CompileError("RS-PATTERN", pattern=pattern, detail="syntax outside the supported subset",
                            detail_zh="超出支持的语法子集（不支持 \\d、{n}、锚点、(?…)）")
    pattern = unicodedata.normalize("NFC", pattern)
    try:
        compile_regex(pattern)
    except re2.error as exc:
        raise _CompileError("RS-PATTERN", pattern=pattern, detail=str(exc), detail_zh=f"无效：{exc}") from None
    return pattern


_SPECIAL = set(".(){}?*+|$-")
_UNLISTABLE = set("\\[]^")


def _escape(word: str) -> str:
    """A word as a literal in the restricted pattern syntax: a special character as a one-character
    class ("[*]"), which reads the same in every regex dialect."""
    return "".join(f"[{c}]" if c in _SPECIAL else c for c in word)


def _named_code(level: int, label: str) -> str | None:
    """The code a category name has in the bundled category table (None when it is not one)."""
    table = bundled_layouts().level1 if level == 1 else bundled_layouts().level2
    found = table.get(category_key(label))
    return found.code if found else None


def level1_code(label: str) -> str | None:
    return _named_code(1, label)


def level2_code(label: str) -> str | None:
    return _named_code(2, label)


def category_code(label: str, codes: tuple[str, ...]) -> str | None:
    """The code of a form category name (时效指标 → timeliness, 成本指标 → cost …) among ``codes``.

    Which table applies follows from the codes of the field: a 二级 field (its codes include
    ``timeliness``) reads 二级 names, where 成本指标 is ``output_cost`` (a cost row filed under 产出);
    a 一级 field reads 一级 names. None when ``label`` is not such a name.
    """
    if "timeliness" in codes:
        found = level2_code(label)
    elif "output" in codes and "cost" in codes:
        found = level1_code(label)
    else:
        return None
    return found if found in codes and found != "unknown" else None


def canonical_field(name: str) -> str:
    """A field path with a Chinese category name in a count written as its code.

    ``count.level2.时效指标`` → ``count.level2.timeliness``, ``count.level1.产出指标`` → ``count.level1.output``
    (also with ``project.``); other paths are returned unchanged.
    """
    head, dot, last = name.rpartition(".")
    if head.endswith("count.level1"):
        found = level1_code(last)
    elif head.endswith("count.level2"):
        found = level2_code(last)
    else:
        return name
    return f"{head}{dot}{found}" if found and found != "unknown" else name


def _type_error(en: str, zh: str) -> _CompileError:
    return _CompileError("RS-TYPE", detail=en, detail_zh=zh)


class _Compiler:
    """Compiles one rule at a time into ``ruleset`` (which collects count and table fields)."""

    def __init__(self, ruleset: CompiledRuleset):
        self.ruleset = ruleset
        self.rule_id = ""
        self.tables_read: list[str] = []

    def literal(self, value: Any, ftype: schema.FieldType, name: str) -> float | str:
        """A constant, converted to what the fact holds for a field of ``ftype``."""
        if isinstance(value, bool):
            raise _type_error(f"'{name}' compared with true/false; use exists / missing",
                              f"“{name}”不能与 true/false 比较；请用 exists / missing")
        if ftype.name == "money" and isinstance(value, (int, float, str)):
            try:
                amount = parse_money(value) if isinstance(value, str) else value
                if amount is None:
                    raise ValueError("empty")
                return schema.money_units(amount)  # exact, as facts hold money
            except ValueError as exc:
                raise _type_error(f"'{value}' is not an amount of money ({exc})",
                                  f"“{value}”不是金额（{exc}）") from None
        if ftype.name in ("number", "money"):
            if isinstance(value, (int, float)):
                return float(value)
            raise _type_error(f"'{name}' is a {ftype.name}; '{value}' is not a number",
                              f"“{name}”是数值，“{value}”不是数值")
        if ftype.name == "date":
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise _type_error(f"'{value}' is not a calendar date", f"“{value}”不是有效日期") from None
            if isinstance(value, dt.date):
                return float(value.year * 10000 + value.month * 100 + value.day)
            raise _type_error(f"'{name}' is a date; write YYYY-MM-DD, not '{value}'",
                              f"“{name}”是日期，应写作 YYYY-MM-DD，而不是“{value}”")
        if not isinstance(value, str):
            raise _type_error(f"'{name}' is text; quote '{value}'", f"“{name}”是文本，请给“{value}”加引号")
        value = unicodedata.normalize("NFC", value)
        if ftype.codes and value not in ftype.codes:
            value = category_code(value, ftype.codes) or value
        if ftype.codes and value not in ftype.codes:
            labels = (tuple(bundled_layouts().level2) if "timeliness" in ftype.codes
                      else tuple(bundled_layouts().level1) if {"cost", "output"} <= set(ftype.codes) else ())
            # a typo in a name or code ('时效指数') should name the value meant, not only list them all
            close = difflib.get_close_matches(value, [c for c in ftype.codes if c != "unknown"] + list(labels),
                                              n=1, cutoff=0.6)
            raise _type_error(f"'{value}' is not a value of '{name}'"
                              + (f" (did you mean '{close[0]}'?)" if close else "")
                              + f"; allowed: {', '.join(ftype.codes)}"
                              + (" or the form's category names (时效指标 …)" if labels else ""),
                              f"“{value}”不是“{name}”的取值" + (f"（是否想写“{close[0]}”？）" if close else "")
                              + f"；可用：{', '.join(ftype.codes)}"
                              + ("，或表中的指标类别名称（如 时效指标）" if labels else ""))
        return value

    def field_type(self, fact: str, name: str) -> schema.FieldType:
        known = schema.FACTS[fact]
        if name not in known:
            close = [k for k in known if k.split(".")[-1] == name.split(".")[-1] or k.startswith(name + ".")]
            close += [k for k in difflib.get_close_matches(name, list(known), n=3, cutoff=0.7) if k not in close]
            raise _CompileError("RS-FIELD", name=name, fact=fact,
                                suggest=f"did you mean {', '.join(close[:4])}? " if close else "",
                                suggest_zh=f"是否想写 {'、'.join(close[:4])}？" if close else "")
        return known[name]

    def param(self, params: dict, name: str) -> Any:
        if name not in params:
            raise _CompileError("RS-PARAM", name=name)
        return params[name]

    def words(self, params: dict, ref: WordTableRef) -> list[str]:
        """The words of ``{word_table: NAME}``: the rule's own parameter NAME if it has one, else the
        ruleset's table. Raises _CompileError (RS-WORDTABLE) naming the closest table."""
        name = ref.word_table
        if name in params:
            return params[name]
        table = self.ruleset.word_tables.get(name)
        if table is None:
            names = sorted(self.ruleset.word_tables)
            raise _CompileError("RS-WORDTABLE", name=name, allowed=", ".join(names) or "—", **_did_you_mean(name, names))
        if name not in self.tables_read:
            self.tables_read.append(name)
        return list(table.words)

    def operand(self, value: Any, params: dict, ftype: schema.FieldType, name: str, fact: str,
                op: str) -> Cmp | CmpField:
        if isinstance(value, ParamRef):
            found = self.param(params, value.param)
            try:
                if isinstance(found, Table):
                    return CmpField(name, op, self.table(found, value.param, fact, ftype))
                return Cmp(name, op, self.literal(found, ftype, f"params.{value.param}"))
            except _CompileError as exc:
                exc.param = value.param
                raise
        if isinstance(value, FieldRef):
            other_name = canonical_field(value.field)
            other = self.field_type(fact, other_name)
            if other.name != ftype.name:
                raise _type_error(f"cannot compare '{name}' ({ftype.name}) with '{value.field}' ({other.name})",
                                  f"“{name}”（{ftype.name}）不能与“{value.field}”（{other.name}）比较")
            return CmpField(name, op, other_name)
        if isinstance(value, list):
            raise _type_error(f"'{op}' takes one value; use 'in' for a list", f"“{op}”只取一个值；列表请用 in")
        return Cmp(name, op, self.literal(value, ftype, name))

    def table(self, spec: Table, param: str, fact: str, ftype: schema.FieldType) -> str:
        """Register a threshold table as a computed field; returns its field name."""
        table = spec.table
        key = canonical_field(table.key)
        key_type = self.field_type(fact, key)
        rows: list[tuple[str, Any, float | str]] = []
        displays: list[str] = []
        for row in table.rows:
            value = self.literal(row.value, ftype, f"params.{param}")
            if row.when is None:
                rows.append(("default", None, value))
            elif isinstance(row.when, PatternMatch):
                rows.append(("matches", check_pattern(row.when.matches), value))
            elif isinstance(row.when, list):
                rows.append(("in", tuple(self.literal(v, key_type, key) for v in row.when), value))
            else:
                rows.append(("eq", self.literal(row.when, key_type, key), value))
            displays.append(str(row.value))
        name = f"table.{self.rule_id}.{param}"
        self.ruleset.tables[name] = TableField(name, fact, key, table.hit, tuple(rows), tuple(displays), ftype)
        return name

    def condition(self, cond: Any, fact: str, params: dict, path: Path_) -> Node:
        try:
            if isinstance(cond, All):
                return And(tuple(self.condition(c, fact, params, (*path, "all", i)) for i, c in enumerate(cond.all)))
            if isinstance(cond, AnyOf):
                return Or(tuple(self.condition(c, fact, params, (*path, "any", i)) for i, c in enumerate(cond.any)))
            if isinstance(cond, Not):
                return negate(self.condition(cond.not_, fact, params, (*path, "not")))
            if isinstance(cond, Count):
                return self.count(cond, fact, params, path)
            return self.leaf(cond, fact, params)
        except _CompileError as exc:
            if not exc.path:
                exc.path = path
            raise

    def leaf(self, leaf: Leaf, fact: str, params: dict) -> Node:
        set_ops = [op for op in LEAF_OPS if getattr(leaf, "in_" if op == "in" else op) is not None]
        if len(set_ops) != 1:
            raise _CompileError("RS-OPCOUNT", name=leaf.field, found=len(set_ops), allowed=", ".join(LEAF_OPS))
        op = set_ops[0]
        name = canonical_field(leaf.field)
        ftype = self.field_type(fact, name)
        value = getattr(leaf, "in_" if op == "in" else op)
        if op in ("exists", "missing"):
            return Exists(name, value if op == "exists" else not value)
        if op == "matches":
            if ftype.name not in ("text", "code"):
                raise _type_error(f"'matches' needs a text field; '{name}' is {ftype.name}",
                                  f"matches 只用于文本字段；“{name}”是 {ftype.name}")
            return Match(name, check_pattern(value))
        if op in ("contains_any", "contains_none"):
            return Match(name, self.word_pattern(name, ftype, value, params, op), op == "contains_none")
        if op in ("in", "not_in"):
            if isinstance(value, (ParamRef, WordTableRef)):
                value = self.words(params, value) if isinstance(value, WordTableRef) else self.param(params, value.param)
                if not isinstance(value, list):
                    raise _type_error(f"parameter '{name}' must be a list for '{op}'",
                                      f"用于 {op} 的参数必须是列表")
            return InSet(name, tuple(self.literal(v, ftype, name) for v in value), op == "not_in")
        if op not in ("eq", "ne") and not ftype.ordered:
            raise _type_error(f"'{op}' needs a number, money or date field; '{name}' is {ftype.name}",
                              f"“{op}”只用于数值、金额或日期字段；“{name}”是 {ftype.name}")
        return self.operand(value, params, ftype, name, fact, op)

    def word_pattern(self, name: str, ftype: schema.FieldType, value: Any, params: dict,
                     op: str = "contains_any") -> str:
        """``contains_any`` / ``contains_none`` as a pattern: the text contains one of the words (each
        taken literally); ``contains_none`` is its negated match (:class:`Match` ``negate``)."""
        if ftype.name not in ("text", "code"):
            raise _type_error(f"'{op}' needs a text field; '{name}' is {ftype.name}",
                              f"{op} 只用于文本字段；“{name}”是 {ftype.name}")
        param = value.param if isinstance(value, ParamRef) else None
        if isinstance(value, WordTableRef):
            param = value.word_table if value.word_table in params else None
            words = self.words(params, value)
        else:
            words = self.param(params, param) if param else value
        if (not isinstance(words, list) or not words
                or not all(isinstance(w, str) and w.strip() and not _UNLISTABLE & set(w) for w in words)):
            error = _type_error(f"'{op}' takes a non-empty list of words without \\ [ ] ^",
                                f"{op} 需要非空的词语列表（词语中不能有 \\ [ ] ^）")
            error.param = param
            raise error
        escaped = sorted({_escape(unicodedata.normalize("NFC", w.strip())) for w in words}, key=lambda w: (-len(w), w))
        return check_pattern(".*(" + "|".join(escaped) + ").*")

    def count(self, cond: Count, fact: str, params: dict, path: Path_) -> Node:
        child = schema.CHILDREN.get(fact)
        if child is None:
            raise _CompileError("RS-COUNT", fact=fact)
        where = (self.condition(cond.count.where, child, params, (*path, "count", "where"))
                 if cond.count.where is not None else And(()))
        name = next((c.name for c in self.ruleset.counts.values() if c.child_type == child and c.where == where),
                    f"count.q{len(self.ruleset.counts)}")
        self.ruleset.counts[name] = CountField(name, child, where)
        ops = [op for op in COMPARISONS if getattr(cond, op) is not None]
        if len(ops) != 1:
            raise _CompileError("RS-OPCOUNT", name="count", found=len(ops), allowed=", ".join(COMPARISONS))
        value = getattr(cond, ops[0])
        if isinstance(value, ParamRef):
            value = self.param(params, value.param)
        return Cmp(name, ops[0], self.literal(value, schema.NUMBER, "count"))


_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def render_message(template: str, values: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders by plain substitution (no format spec, no attribute access)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or "—", template)


# --- loading a chain ------------------------------------------------------------------------------

@dataclass
class _Loaded:
    """One file of a chain: its head, its valid rules and overrides, and positions."""

    path: Path
    head: RulesetHead
    rules: list[tuple[int, Rule]]
    overrides: list[tuple[str, Override]]
    marks: Marks

    def where(self, path: Path_) -> str:
        return f"{self.path}:{_mark(self.marks, path)[0]}"


def _load_file(path: Path, sink: _Sink) -> _Loaded | None:
    read = read_yaml(path, sink)
    if read is None:
        return None
    data, marks = read
    file = str(path)
    if not isinstance(data, dict):
        sink.add(make_problem("RS-VALUE", file, (1, 1), where="(top)", detail="a ruleset is a mapping"))
        return None
    try:
        head = RulesetHead.model_validate(data)
    except ValidationError as exc:
        _validation_problems(exc, file, marks, (), RulesetHead, sink)
        return None
    rules: list[tuple[int, Rule]] = []
    for index, raw in enumerate(head.rules):
        try:
            rules.append((index, Rule.model_validate(raw)))
        except ValidationError as exc:
            _validation_problems(exc, file, marks, ("rules", index), Rule, sink)
    overrides: list[tuple[str, Override]] = []
    for rule_id, raw in head.overrides.items():
        try:
            overrides.append((rule_id, Override.model_validate(raw)))
        except ValidationError as exc:
            _validation_problems(exc, file, marks, ("overrides", rule_id), Override, sink)
    return _Loaded(path, head, rules, overrides, marks)


def _extends_roots(top: Path, also: Path | None = None) -> tuple[Path, ...]:
    """Where an ``extends`` may lead: the bundled rulesets, the first file's folder, the working
    directory, and ``also`` (impact's copy of a git revision)."""
    return (resolved(BUNDLED_DIR), resolved(top).parent, resolved(Path.cwd()),
            *((resolved(also),) if also is not None else ()))


def _load_chain(path: Path, seen: tuple[Path, ...], sink: _Sink,
                roots: tuple[Path, ...] | None = None) -> list[_Loaded]:
    """The chain of files from the root parent to ``path``.

    ``extends`` is a path relative to the file; it must name a .yaml/.yml file inside one of
    :func:`_extends_roots` (symbolic links resolved), so a ruleset cannot make the tool read an
    arbitrary file such as ``/etc/passwd``.
    """
    here = resolved(path)
    if here in seen:
        chain = " → ".join(str(p) for p in (*seen, here))
        sink.add(make_problem("RS-CYCLE", display_path(path), (1, 1), chain=chain))
        return []
    loaded = _load_file(path, sink)
    if loaded is None:
        return []
    chain: list[_Loaded] = []
    if loaded.head.extends:
        parent = Path(os.path.normpath(path.parent / loaded.head.extends))
        where = _mark(loaded.marks, ("extends",))
        roots = roots or _extends_roots(path)
        if not (parent.suffix.lower() in (".yaml", ".yml")
                and any(resolved(parent).is_relative_to(root) for root in roots)):
            sink.add(make_problem("RS-OUTSIDE", display_path(path), where, name=loaded.head.extends))
        elif present(parent):
            chain = _load_chain(parent, (*seen, here), sink, roots)
        else:
            sink.add(make_problem("RS-PARENT", display_path(path), where, name=loaded.head.extends))
    return [*chain, loaded]


@dataclass
class _Entry:
    """A rule while the chain is merged: the rule, where it and each overridden value come from."""

    loaded: _Loaded
    index: int
    rule: Rule
    origins: dict[str, str]
    example_at: list[tuple[str, int, int]]
    param_at: dict[str, tuple[str, tuple[int, int]]] = field(default_factory=dict)


def _merge(chain: list[_Loaded], compiled: CompiledRuleset, sink: _Sink) -> list[_Entry]:
    entries: list[_Entry] = []
    by_id: dict[str, _Entry] = {}
    for loaded in chain:
        file = str(loaded.path)
        for index, rule in loaded.rules:
            where = loaded.where(("rules", index))
            if rule.id in by_id:
                sink.add(make_problem("RS-DUPID", file, _mark(loaded.marks, ("rules", index, "id")),
                                      rule=rule.id, where=by_id[rule.id].loaded.where(("rules", by_id[rule.id].index))))
                continue
            origins = {"rule": where, "severity": where, "state": where, "effective": where, "examples": where}
            origins.update({f"params.{p}": f"{file}:{_mark(loaded.marks, ('rules', index, 'params', p))[0]}"
                            for p in rule.params})
            for p in rule.params:
                origins.update(_row_origins(loaded.marks, ("rules", index, "params", p), p, file))
            entry = _Entry(loaded, index, rule, origins, [
                (file, *_mark(loaded.marks, ("rules", index, "examples", j))) for j in range(len(rule.examples))])
            entries.append(entry)
            by_id[rule.id] = entry
        for rule_id, override in loaded.overrides:
            pos = _mark(loaded.marks, ("overrides", rule_id))
            where = f"{file}:{pos[0]}"
            entry = by_id.get(rule_id)
            if entry is None:
                sink.add(make_problem("RS-OVERRIDE", file, pos, rule=rule_id))
                continue
            # an override may give one rule its own copy of a word table it reads (that rule only)
            unknown = sorted(set(override.params) - set(entry.rule.params) - word_table_refs(entry.rule.when))
            if unknown:
                sink.add(make_problem("RS-OVERPARAM", file, _mark(loaded.marks, ("overrides", rule_id, "params", unknown[0])),
                                      rule=rule_id, name=", ".join(unknown),
                                      allowed=", ".join([*entry.rule.params, *sorted(word_table_refs(entry.rule.when))]) or "—"))
                continue
            if not override.enabled:
                if not override.reason:
                    sink.add(make_problem("RS-REASON", file, pos, rule=rule_id))
                    continue
                compiled.disabled[rule_id] = (override.reason, where)
            update: dict[str, Any] = {"params": {**entry.rule.params, **override.params}}
            for p in override.params:
                pos_p = _mark(loaded.marks, ("overrides", rule_id, "params", p))
                entry.origins[f"params.{p}"] = f"{file}:{pos_p[0]}"
                for stale in [k for k in entry.origins if k.startswith(f"params.{p}.rows.")]:
                    del entry.origins[stale]  # the parent's rows are replaced, not merged
                entry.origins.update(_row_origins(loaded.marks, ("overrides", rule_id, "params", p), p, file))
                entry.param_at[p] = (file, pos_p)
            for attr in ("severity", "state", "effective", "examples"):
                if getattr(override, attr) is not None:
                    update[attr] = getattr(override, attr)
                    entry.origins[attr] = where
            if override.examples is not None:
                entry.example_at = [(file, *_mark(loaded.marks, ("overrides", rule_id, "examples", j)))
                                    for j in range(len(override.examples))]
            entry.rule = entry.rule.model_copy(update=update)
    return entries


def _compile_rule(compiler: _Compiler, rule: Rule, entry: _Entry) -> CompiledRule:
    compiler.rule_id = rule.id
    compiler.tables_read = []
    if rule.basis.source not in KNOWN_SOURCES:
        raise _CompileError("RS-BASIS", ("basis", "source"), source=rule.basis.source,
                            allowed=", ".join(KNOWN_SOURCES))
    condition = compiler.condition(rule.when, rule.applies_to, rule.params, ("when",))
    for name, value in rule.params.items():
        # a table only a message shows ({param.NAME}: wording that depends on the form) is looked up too
        if isinstance(value, Table) and f"table.{rule.id}.{name}" not in compiler.ruleset.tables:
            try:
                compiler.table(value, name, rule.applies_to, schema.TEXT)
            except _CompileError as exc:
                exc.param = name
                raise
    known = schema.FACTS[rule.applies_to]
    for lang in ("zh", "en"):
        for name in placeholders(getattr(rule.message, lang)):
            if name.startswith("param.") and name[6:] in rule.params:
                continue
            if name not in known:
                raise _CompileError("RS-PLACEHOLDER", ("message", lang), name=name)
    field_name = canonical_field(rule.field) if rule.field is not None else None
    if field_name is not None:
        try:
            compiler.field_type(rule.applies_to, field_name)
        except _CompileError as exc:
            exc.path = ("field",)
            raise
    locate = field_name or next((f for f in fields_of(condition) if f in known), None)
    return CompiledRule(
        id=rule.id, title=rule.title, severity=rule.severity, basis=rule.basis, applies_to=rule.applies_to,
        condition=condition, params=dict(rule.params), message=rule.message, locate=locate,
        examples=rule.examples, origin=str(entry.loaded.path), line=_mark(entry.loaded.marks, ("rules", entry.index))[0],
        why=rule.why, state=rule.state, effective=rule.effective, origins=dict(entry.origins), source=rule,
        example_at=list(entry.example_at), word_tables=tuple(compiler.tables_read),
    )


_LAYOUT_KEYS = {
    "project": tuple(s.key for s in PROJECT_FIELDS if s.key not in ("kind", "form", "funds", "indicators", "unreadable")),
    "funds": tuple(s.key for s in FUNDS_FIELDS if s.key != "unreadable"),
    "indicators": tuple(s.key for s in INDICATOR_FIELDS if s.key != "unreadable"),
}


def _compile_layouts(chain: list[_Loaded], sink: _Sink) -> Layouts | None:
    """The layouts and category table of a chain: a later file replaces a layout of the same name
    and adds labels and aliases to a category of the same code. None when no file has either."""
    if not any(c.head.layouts or c.head.categories for c in chain):
        return None
    layouts = Layouts()
    labels: dict[tuple[int, str], tuple[str, str]] = {}  # (level, key) → (code, where)
    groups: set[str] = set()
    parents: dict[str, tuple[str, str | None]] = {}
    level2_specs: list[tuple[Any, _Loaded, Path_]] = []

    def problem(loaded: _Loaded, path: Path_, en: str, zh: str) -> None:
        sink.add(make_problem("RS-LAYOUT", str(loaded.path), _mark(loaded.marks, path), detail=en, detail_zh=zh))

    for loaded in chain:
        for name, spec in loaded.head.layouts.items():
            base: Path_ = ("layouts", name)
            for part, known in _LAYOUT_KEYS.items():
                for i, key in enumerate(getattr(spec, part)):
                    if key not in known:
                        problem(loaded, (*base, part, i), f"'{key}' is not a {part} field; known: {', '.join(known)}",
                                f"“{key}”不是 {part} 的字段；可用：{'、'.join(known)}")
            if spec.amount is not None and spec.amount not in spec.funds:
                problem(loaded, (*base, "amount"), f"amount '{spec.amount}' is not one of this layout's funds",
                        f"amount“{spec.amount}”不在本表式的 funds 中")
            layouts.forms[name] = Layout(name, spec.title.zh, spec.title.en, tuple(spec.project), tuple(spec.funds),
                                         tuple(spec.indicators), spec.amount, spec.funds_unit)
        cats = loaded.head.categories
        if cats is None:
            continue
        for level, specs, codes in ((1, cats.level1, LEVEL1), (2, cats.level2, (*LEVEL2, *LEVEL2_EXTRA[:1]))):
            for i, spec in enumerate(specs):
                path: Path_ = ("categories", f"level{level}", i)
                if spec.code not in codes:
                    problem(loaded, (*path, "code"), f"'{spec.code}' is not a level-{level} code; known: {', '.join(codes)}",
                            f"“{spec.code}”不是{level}级类别代码；可用：{'、'.join(codes)}")
                    continue
                if level == 1 and (spec.parent or spec.counts_as):
                    problem(loaded, path, "parent and counts_as belong to level-2 categories",
                            "parent 与 counts_as 只用于二级类别")
                for attr in ("parent", "counts_as"):
                    value = getattr(spec, attr)
                    if level == 2 and value is not None and value not in LEVEL1:
                        problem(loaded, (*path, attr), f"{attr} '{value}' is not a level-1 code", f"{attr}“{value}”不是一级类别代码")
                if level == 2:
                    old_parent, old_counts = parents.get(spec.code, (None, None))
                    parents[spec.code] = (spec.parent or old_parent or "", spec.counts_as or old_counts)
                    level2_specs.append((spec, loaded, path))
                for kind, texts in (("labels", spec.labels), ("aliases", spec.aliases)):
                    for j, text in enumerate(texts):
                        key = category_key(text)
                        if not key:
                            continue
                        seen = labels.get((level, key))
                        if seen and seen[0] != spec.code:
                            problem(loaded, (*path, kind, j), f"'{text}' already means {seen[0]} ({seen[1]})",
                                    f"“{text}”已表示 {seen[0]}（{seen[1]}）")
                            continue
                        labels[(level, key)] = (spec.code, loaded.where((*path, kind, j)))
                        aliased = kind == "aliases"
                        if not aliased:
                            layouts.standard.setdefault((level, spec.code), "".join(text.split()))
                        if level == 1:
                            layouts.level1[key] = Level1(spec.code, aliased)
                        else:
                            layouts.level2[key] = Level2(spec.code, "", None, aliased)
        for text in cats.groups:
            groups.add(category_key(text))
    for spec, loaded, path in level2_specs:
        if not parents[spec.code][0]:
            problem(loaded, path, f"level-2 category '{spec.code}' has no parent", f"二级类别“{spec.code}”缺少 parent")
    for key, entry in list(layouts.level2.items()):
        parent, counts_as = parents.get(entry.code, ("", None))
        layouts.level2[key] = Level2(entry.code, parent, counts_as, entry.aliased)
    clash = sorted(g for g in groups if g in layouts.level1)
    if clash:
        problem(chain[-1], ("categories", "groups"), f"group labels are also level-1 labels: {', '.join(clash)}",
                f"分组标签同时是一级类别：{'、'.join(clash)}")
    layouts.groups = frozenset(groups)
    if chain[0].path.resolve() != (BUNDLED_DIR / "core.yaml").resolve():
        # a chain that leaves out a section keeps the bundled core ruleset's
        core = bundled_layouts()
        if not layouts.forms:
            layouts.forms = dict(core.forms)
        if not any(c.head.categories for c in chain):
            layouts.level1, layouts.level2, layouts.groups, layouts.standard = (
                core.level1, core.level2, core.groups, core.standard)
    if DEFAULT_FORM not in layouts.forms:
        problem(chain[-1], ("layouts",), f"the default form '{DEFAULT_FORM}' has no layout",
                f"默认表式“{DEFAULT_FORM}”没有定义")
    return layouts


def _compile_chain(chain: list[_Loaded], sink: _Sink) -> CompiledRuleset:
    compiled = CompiledRuleset(name=chain[-1].head.ruleset if chain else "", files=[str(c.path) for c in chain],
                               rules=[])
    compiled.layouts = _compile_layouts(chain, sink)
    compiled.known_values = _known_values(chain, sink)
    compiled.word_tables = _word_tables(chain, sink)
    compiler = _Compiler(compiled)
    for entry in _merge(chain, compiled, sink):
        if entry.rule.id in compiled.disabled:
            continue
        base: Path_ = ("rules", entry.index)
        try:
            compiled.rules.append(_compile_rule(compiler, entry.rule, entry))
        except _CompileError as exc:
            # an override's params live in the overriding file; everything else in the rule's own
            file, pos = str(entry.loaded.path), _mark(entry.loaded.marks, (*base, *exc.path))
            if exc.param:  # point at the parameter's value, in the override that set it if any
                file, pos = entry.param_at.get(exc.param) or (file, _mark(entry.loaded.marks, (*base, "params", exc.param)))
            sink.add(make_problem(exc.code, file, pos, **exc.details))
    return compiled


def _known_values(chain: list[_Loaded], sink: _Sink) -> dict[str, tuple[str, ...]]:
    """``known_values`` of the chain, parents first, each list extended by the children's.

    Keys are text fields of a project (``category``, ``nature`` …); another key is a problem.
    """
    out: dict[str, tuple[str, ...]] = {}
    for loaded in chain:
        for key, values in loaded.head.known_values.items():
            ftype = schema.FACTS["project"].get(key)
            if ftype is None or ftype.name != "text":
                sink.add(make_problem("RS-FIELD", str(loaded.path), _mark(loaded.marks, ("known_values", key)),
                                      name=key, fact="project (text)", suggest=""))
                continue
            normalised = (unicodedata.normalize("NFC", v).strip() for v in values)
            out[key] = tuple(dict.fromkeys((*out.get(key, ()), *normalised)))
    return out


def _word_tables(chain: list[_Loaded], sink: _Sink) -> dict[str, WordTable]:
    """The ``word_tables`` of a chain, parents first.

    A list defines a table, or replaces a parent's table of the same name; ``{add: […], remove: […]}``
    changes a parent's table (removing is done first, then adding; a word already there is not added
    twice). Problems: a change to a table no parent defines, removing a word the table does not hold,
    an empty table, and a word that is blank or holds one of \\ [ ] ^ (contains_any reads each word
    literally, and these cannot be written literally in a pattern).
    """
    out: dict[str, WordTable] = {}
    for loaded in chain:
        file = str(loaded.path)
        for name, raw in loaded.head.word_tables.items():
            base: Path_ = ("word_tables", name)
            here = loaded.where(base)
            spec = _word_table_spec(raw, loaded, base, sink)
            if spec is None:
                continue
            if isinstance(spec, WordTableEdit):
                parent = out.get(name)
                if parent is None:
                    sink.add(make_problem("RS-WORDTABLE-EDIT", file, _mark(loaded.marks, base),
                                          detail=f"no parent ruleset defines the word table '{name}' that add/remove change; "
                                                 "write the table as a list",
                                          detail_zh=f"上级规则集没有词表“{name}”，add/remove 无从修改；请把词表写成列表"))
                    continue
                words = list(parent.words)
                for i, word in enumerate(spec.remove):
                    key = unicodedata.normalize("NFC", word.strip())
                    if key not in words:
                        sink.add(make_problem("RS-WORDTABLE-EDIT", file, _mark(loaded.marks, (*base, "remove", i)),
                                              detail=f"'{word}' is not in the word table '{name}' ({parent.origins[0]}); nothing to remove",
                                              detail_zh=f"词表“{name}”（{parent.origins[0]}）中没有“{word}”，无从删除"))
                        continue
                    words.remove(key)
                added = _checked_words(spec.add, loaded, (*base, "add"), sink)
                words += [w for w in added if w not in words]
                origins = (*parent.origins, here)
            else:
                words = list(dict.fromkeys(_checked_words(spec, loaded, base, sink)))
                origins = (here,)
            if not words:
                sink.add(make_problem("RS-WORDTABLE-EMPTY", file, _mark(loaded.marks, base), name=name))
            out[name] = WordTable(name, tuple(words), origins)
    return out


def _word_table_spec(raw: Any, loaded: _Loaded, base: Path_, sink: _Sink) -> list[str] | WordTableEdit | None:
    """A table as written: a list of words, or ``{add: […], remove: […]}``; None (and a problem) otherwise."""
    file = str(loaded.path)
    if isinstance(raw, dict):
        unknown = [k for k in raw if k not in ("add", "remove")]
        if unknown:
            sink.add(make_problem("RS-KEY", file, _mark(loaded.marks, (*base, unknown[0])), key=unknown[0],
                                  allowed="add, remove", **_did_you_mean(str(unknown[0]), ("add", "remove"))))
            return None
        parts = {k: raw[k] if raw[k] is not None else [] for k in raw}
        bad = next((k for k, v in parts.items() if not isinstance(v, list)), None)
        if bad is not None:
            sink.add(make_problem("RS-VALUE", file, _mark(loaded.marks, (*base, bad)), where=".".join((*base, bad)),
                                  detail="a list of words"))
            return None
        raw = WordTableEdit(**parts)
        words = [*raw.add, *raw.remove]
        path = base
    elif isinstance(raw, list):
        words, path = raw, base
    else:
        sink.add(make_problem("RS-VALUE", file, _mark(loaded.marks, base), where=".".join(base),
                              detail="a word table is a list of words, or {add: [...], remove: [...]}"))
        return None
    odd = next((i for i, w in enumerate(words) if not isinstance(w, str)), None)
    if odd is not None:
        sink.add(make_problem("RS-VALUE", file, _mark(loaded.marks, path), where=".".join(base),
                              detail=f"'{words[odd]}' is not a word; quote it (\"{words[odd]}\")"))
        return None
    return raw


def _checked_words(words: list[str], loaded: _Loaded, path: Path_, sink: _Sink) -> list[str]:
    """The words of a table (stripped, NFC); a blank word or one holding \\ [ ] ^ is a problem."""
    out = []
    for i, word in enumerate(words):
        text = unicodedata.normalize("NFC", word.strip())
        if not text or _UNLISTABLE & set(text):
            sink.add(make_problem("RS-VALUE", str(loaded.path), _mark(loaded.marks, (*path, i)),
                                  where=".".join(map(str, (*path, i))),
                                  detail=f"'{word}': a word must not be blank nor hold \\ [ ] ^"))
            continue
        out.append(text)
    return out


def word_table_refs(cond: Any) -> set[str]:
    """The names of the word tables a condition (as written) refers to."""
    if isinstance(cond, All):
        return set().union(*(word_table_refs(c) for c in cond.all))
    if isinstance(cond, AnyOf):
        return set().union(*(word_table_refs(c) for c in cond.any))
    if isinstance(cond, Not):
        return word_table_refs(cond.not_)
    if isinstance(cond, Count):
        return word_table_refs(cond.count.where) if cond.count.where is not None else set()
    return {v.word_table for op in ("in_", "not_in", "contains_any", "contains_none")
            if isinstance(v := getattr(cond, op), WordTableRef)}


def known_values_of(ruleset: CompiledRuleset, fact: str, name: str) -> tuple[str, ...]:
    """The known values of the field ``name`` of a ``fact`` (``project.category`` on an indicator …)."""
    if fact == "indicator":
        name = name.removeprefix("project.")
    elif fact == "project" and name.startswith("department."):
        return ()
    return ruleset.known_values.get(name, ())


def load_ruleset(path: Path, also: Path | None = None) -> CompiledRuleset:
    """Load a ruleset and its ``extends`` chain and compile every rule. Raises RulesetError.

    ``also``: one more folder an ``extends`` may lead into (see :func:`_load_chain`).
    """
    sink = _Sink(strict=True)
    chain = _load_chain(Path(path), (), sink, _extends_roots(Path(path), also))
    return _compile_chain(chain, sink)


def collect_problems(path: Path) -> tuple[CompiledRuleset | None, list[Problem]]:
    """Every problem of a ruleset chain (not only the first), and what could be compiled."""
    sink = _Sink(strict=False)
    chain = _load_chain(Path(path), (), sink)
    compiled = _compile_chain(chain, sink) if chain else None
    return compiled, sink.problems


def ruleset_from_data(data: dict, file: str = "<data>") -> CompiledRuleset:
    """Compile one ruleset given as plain data (no ``extends``). Raises RulesetError."""
    sink = _Sink(strict=True)
    try:
        head = RulesetHead.model_validate(data)
        rules = [(i, Rule.model_validate(r)) for i, r in enumerate(head.rules)]
    except ValidationError as exc:
        raise RulesetError(make_problem("RS-VALUE", file, (1, 1), where="", detail=exc.errors()[0]["msg"])) from None
    if head.extends or head.overrides:
        raise RulesetError(make_problem("RS-VALUE", file, (1, 1), where="extends", detail="needs a ruleset file"))
    return _compile_chain([_Loaded(Path(file), head, rules, [], {})], sink)



@functools.cache
def bundled_layouts() -> Layouts:
    """The layouts and category table of the bundled core ruleset (for a ruleset without them)."""
    layouts = _compile_layouts([loaded for loaded in _load_chain(BUNDLED_DIR / "core.yaml", (), _Sink(strict=True))],
                               _Sink(strict=True))
    assert layouts is not None, "rulesets/core.yaml has a layouts section"
    return layouts


def default_ruleset_path() -> Path:
    """The bundled Shanghai ruleset (rulesets/shanghai.yaml)."""
    return BUNDLED_DIR / "shanghai.yaml"
