"""The durable-rules backend, wrapped so that its results are exact or not used at all.

What the wrapper does about each measured failure of durable-rules 2.0.28 (DURABLE-RULES.md):

* rules are compiled to its dict form, one pattern per rule, with a type condition (``{"t": …}``)
  first so no pattern can match the session's state object (hang); no empty ``$and``/``$or`` (an
  empty ``$and`` matches every fact, measured here); nested ``$and``/``$or`` are flattened, and a
  rule still above the engine's limit of 15 such nodes (error 113, measured) runs on the reference
  evaluator instead, reported;
* facts are already normalised (:mod:`g60rules.facts`); numbers are written with a decimal point
  (``1.0e+16``, never ``1e+16``: SIGSEGV); every fact has a unique id ("already observed" drops a
  whole batch); every field a comparison reads is guarded with ``$ex``;
* one session per declaration, one ``assert_facts``, an end-marker fact last whose rule always fires
  (``delete_state`` on a session with no action crashes), then ``delete_state``: one live session;
* the C engine is called directly, with no host and no timer threads; results are de-duplicated
  (a single-pattern ``$or`` fires once per true branch);
* it runs in worker processes (:mod:`g60rules.engines.pool`): a crash or hang loses only that chunk, which
  is re-run on the reference evaluator.

Any unexpected return code, or an end marker that did not fire, raises :class:`EngineFailure`, and
the caller re-checks that declaration with the reference evaluator.
"""

from __future__ import annotations

import importlib.util
import json
import re

from g60rules.rules.conditions import And, Cmp, CmpField, Exists, InSet, Match, Node, Or, match_field
from g60rules.rules.compiler import CompiledRuleset

END_RULE = "end"
END_TYPE = "__end__"
_OPS = {"eq": None, "ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_TRUE = {"$ex": {"id": 1}}
_FALSE = {"$nex": {"id": 1}}
MAX_NODES = 15
# measured on 2.0.28: 511 rules plus the end rule load and run; with 512 ``assert_facts`` never
# returns (and from 513 ``create_ruleset`` never does). The rest runs on the reference evaluator.
MAX_RULES = 400


class EngineFailure(Exception):
    """durable-rules gave a result we cannot trust for this declaration."""


def key(path: str) -> str:
    """Fact field name in the engine ("funds.total" → "funds__total")."""
    return path.replace(".", "__")


def _ex(path: str) -> dict:
    return {"$ex": {key(path): 1}}


def _cmp(path: str, op: str, right) -> dict:
    name = _OPS[op]
    return {key(path): right} if name is None else {name: {key(path): right}}


def _join(op: str, items: list[dict], neutral: dict, absorbing: dict) -> dict:
    """``$and``/``$or`` of items, flattened (each nested node counts against the engine's limit)."""
    flat: list[dict] = []
    for item in items:
        if item is absorbing:
            return absorbing
        if item is not neutral:
            flat.extend(item[op] if op in item and len(item) == 1 else [item])
    if not flat:
        return neutral
    return flat[0] if len(flat) == 1 else {op: flat}


def _all(items: list[dict]) -> dict:
    return _join("$and", items, _TRUE, _FALSE)


def _any(items: list[dict]) -> dict:
    return _join("$or", items, _FALSE, _TRUE)


def to_durable(node: Node) -> dict:
    """The durable-rules expression of a compiled, negation-free condition.

    A comparison with a constant needs no ``$ex`` guard: on a missing field it is false (measured,
    all six operators and ``$mt``), as in the reference evaluator. A comparison of two fields is
    guarded, since a missing field in a reference aborts the whole batch.
    """
    if isinstance(node, And):
        return _all([to_durable(n) for n in node.items])
    if isinstance(node, Or):
        return _any([to_durable(n) for n in node.items])
    if isinstance(node, Exists):
        return _ex(node.field) if node.present else {"$nex": {key(node.field): 1}}
    if isinstance(node, Cmp):
        return _cmp(node.field, node.op, node.value)
    if isinstance(node, CmpField):
        return _all([_ex(node.field), _ex(node.other), _cmp(node.field, node.op, {"$m": key(node.other)})])
    if isinstance(node, InSet):
        if node.negate:
            return _all([_ex(node.field), *(_cmp(node.field, "ne", v) for v in node.values)])
        return _any([_cmp(node.field, "eq", v) for v in node.values])
    if isinstance(node, Match):
        # evaluated by RE2 when the facts are built; durable-rules' own matcher is never used. The
        # computed field is absent when the text is, so a negated match is false there too.
        return {key(match_field(node)): 0.0 if node.negate else 1.0}
    raise TypeError(f"unknown condition node {node!r}")


def count_nodes(expression: dict) -> int:
    """How many ``$and``/``$or`` nodes an expression has (durable-rules refuses a rule with 16+)."""
    total = 0
    for op, value in expression.items():
        if op in ("$and", "$or"):
            total += 1 + sum(count_nodes(item) for item in value)
    return total


def pattern(rule) -> dict:
    """The single pattern of a compiled rule: its fact type first, then its condition.

    The type condition is always kept (an always-false condition must not leave a bare pattern).
    """
    condition = to_durable(rule.condition)
    if condition is _TRUE:
        return {"t": rule.applies_to}
    items = condition["$and"] if "$and" in condition and len(condition) == 1 else [condition]
    return {"$and": [{"t": rule.applies_to}, *items]}


def split_rules(ruleset: CompiledRuleset) -> tuple[list[int], list[int]]:
    """Indices of the rules durable-rules can take, and of those beyond its limits.

    durable-rules 2.0.28 refuses a rule whose pattern has more than MAX_NODES ``$and``/``$or``
    nodes (error 113, measured), and hangs with more than about 511 rules; a rule over the first
    limit, and every rule after the first MAX_RULES, runs on the reference evaluator, and the run
    says so.
    """
    durable, reference = [], []
    for index, rule in enumerate(ruleset.rules):
        fits = count_nodes(pattern(rule)) <= MAX_NODES and len(durable) < MAX_RULES
        (durable if fits else reference).append(index)
    return durable, reference


def ruleset_definition(ruleset: CompiledRuleset, indices: list[int] | None = None) -> str:
    """Rules as durable-rules JSON: ``r<index>`` per rule (all, or ``indices``), plus the end rule."""
    chosen = range(len(ruleset.rules)) if indices is None else indices
    definition = {f"r{index}": {"all": [{"m": pattern(ruleset.rules[index])}]} for index in chosen}
    definition[END_RULE] = {"all": [{"m": {"t": END_TYPE}}]}
    return _dumps(definition)


def _number(value: float) -> str:
    """A float the engine parses safely: always with a decimal point, never inf/nan."""
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exponent}"
    return text


def _dumps(value) -> str:
    if isinstance(value, bool) or value is None:
        raise TypeError("booleans and nulls never reach the engine")
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        # money in 厘 (g60rules.schema.money_units): exact as an int64, never through float
        if abs(value) >= 2**63:
            raise TypeError("an integer beyond int64 never reaches the engine")
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    raise TypeError(f"cannot send {type(value).__name__} to the engine")


_KEYS: dict[str, str] = {}


def _engine_key(path: str) -> str:
    """:func:`key`, remembered: the same few hundred field paths recur on every fact."""
    found = _KEYS.get(path)
    if found is None:
        if len(_KEYS) >= 10_000:
            _KEYS.clear()
        found = _KEYS[path] = key(path)
    return found


# a float written with an exponent by json (repr): "1e-05", "1e+16". A text holding such characters
# matches too, which only sends that batch through the slower exact writer.
_EXPONENT = re.compile(r"[0-9]e[-+][0-9]")
_JSON_TYPES = frozenset((str, int, float))


def facts_json(facts: list[tuple[str, str, dict]], sid: str) -> str:
    """One batch: (id, type, values) facts then the end marker, all in session ``sid``."""
    keys = _KEYS
    records = [{"sid": sid, "id": fid, "t": ftype, **{keys.get(k) or _engine_key(k): v for k, v in values.items()}}
               for fid, ftype, values in facts]
    records.append({"sid": sid, "id": "end", "t": END_TYPE})
    if not {type(v) for _, _, values in facts for v in values.values()} <= _JSON_TYPES:
        return _dumps(records)  # raises: booleans, nulls and other types never reach the engine
    text = json.dumps(records, ensure_ascii=False, allow_nan=False)
    # repr(1e-05) is "1e-05": such a number needs our own formatting (durable-rules crashes)
    exponent = ("e-" in text or "e+" in text) and _EXPONENT.search(text)  # the plain scans are cheaper
    return _dumps(records) if exponent else text


ENGINE_MODULE = "durable_rules_engine"


class EngineUnavailable(Exception):
    """durable-rules is not installed or cannot be imported here; ``text(lang)`` says what to do."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def text(self, lang: str) -> str:
        if lang == "en":
            return (f"the durable-rules engine cannot be loaded ({self.reason}). durable-rules is built from source "
                    "when installed and needs a C compiler (see the README, 'Install'). "
                    "'--engine reference' gives the same findings without it.")
        return (f"无法加载 durable-rules 规则引擎（{self.reason}）。durable-rules 安装时需要从源码编译，"
                "需要 C 编译器（见 README“安装”一节）。使用 --engine reference 可得到完全相同的检查结果，无需该引擎。")


def check_available() -> None:
    """Raise EngineUnavailable unless durable-rules' C engine can be found.

    Looks the module up without importing it: only worker processes load the C engine.
    """
    try:
        spec = importlib.util.find_spec(ENGINE_MODULE)
    except (ImportError, ValueError) as exc:
        raise EngineUnavailable(f"{ENGINE_MODULE}: {exc}") from None
    if spec is None:
        raise EngineUnavailable(f"Python module '{ENGINE_MODULE}' (package durable-rules) is not installed")


class DurableSession:
    """A ruleset loaded into the C engine; :meth:`run` screens one declaration at a time."""

    def __init__(self, definition_json: str):
        try:
            import durable_rules_engine  # imported here: only worker processes load the C engine
        except ImportError as exc:
            raise EngineUnavailable(f"{ENGINE_MODULE}: {exc}") from None

        self._engine = durable_rules_engine
        self._handle = durable_rules_engine.create_ruleset("g60rules", definition_json)
        self._sid = 0

    def run(self, batch: list[tuple[str, str, dict]]) -> set[tuple[int, str]]:
        """(rule index, fact id) for every rule that fired. Raises EngineFailure."""
        self._sid += 1
        sid = str(self._sid)
        engine, handle = self._engine, self._handle
        code, state = engine.assert_facts(handle, facts_json(batch, sid))
        # 0: all facts matched a rule; 1: some matched none (normal). Anything else loses results.
        if code not in (0, 1):
            engine.delete_state(handle, sid)
            raise EngineFailure(f"assert_facts returned {code}")
        hits: set[tuple[int, str]] = set()
        sent = {fid for fid, _, _ in batch}
        ended, stray = False, None
        result = engine.start_action_for_state(handle, state)
        while result:
            message = json.loads(result[1] if isinstance(result, tuple) else result)
            for rule_name, match in message.items():
                if rule_name == END_RULE:
                    ended = True
                elif match["m"].get("id") in sent:
                    hits.add((int(rule_name[1:]), match["m"]["id"]))
                else:
                    stray = match["m"].get("id")
            result = engine.complete_and_start_action(handle, state)
        engine.delete_state(handle, sid)
        if stray is not None:
            raise EngineFailure(f"a rule matched '{stray}', which is not a fact of this declaration")
        if not ended:
            raise EngineFailure("the end marker did not fire")
        return hits
