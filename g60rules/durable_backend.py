"""The durable-rules backend, wrapped so that its results are exact or not used at all.

What the wrapper does about each measured failure of durable-rules 2.0.28 (DURABLE-RULES.md):

* rules are compiled to its dict form, one pattern per rule, with a type condition (``{"t": …}``)
  first so no pattern can match the session's state object (hang); no empty ``$and``/``$or`` (an
  empty ``$and`` matches every fact, measured here);
* facts are already normalised (:mod:`g60rules.facts`); numbers are written with a decimal point
  (``1.0e+16``, never ``1e+16``: SIGSEGV); every fact has a unique id ("already observed" drops a
  whole batch); every field a comparison reads is guarded with ``$ex``;
* one session per declaration, one ``assert_facts``, an end-marker fact last whose rule always fires
  (``delete_state`` on a session with no action crashes), then ``delete_state``: one live session;
* the C engine is called directly, with no host and no timer threads; results are de-duplicated
  (a single-pattern ``$or`` fires once per true branch);
* it runs in worker processes (:mod:`g60rules.engine`): a crash or hang loses only that chunk, which
  is re-run on the reference evaluator.

Any unexpected return code, or an end marker that did not fire, raises :class:`EngineFailure`, and
the caller re-checks that declaration with the reference evaluator.
"""

from __future__ import annotations

import json

from .rulesets import And, Cmp, CmpField, CompiledRuleset, Exists, InSet, Match, Node, Or

END_RULE = "end"
END_TYPE = "__end__"
_OPS = {"eq": None, "ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_TRUE = {"$ex": {"id": 1}}
_FALSE = {"$nex": {"id": 1}}


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


def _all(items: list[dict]) -> dict:
    items = [i for i in items if i is not _TRUE]
    if not items:
        return _TRUE
    return items[0] if len(items) == 1 else {"$and": items}


def _any(items: list[dict]) -> dict:
    items = [i for i in items if i is not _FALSE]
    if not items:
        return _FALSE
    return items[0] if len(items) == 1 else {"$or": items}


def to_durable(node: Node) -> dict:
    """The durable-rules expression of a compiled, negation-free condition."""
    if isinstance(node, And):
        return _all([to_durable(n) for n in node.items])
    if isinstance(node, Or):
        return _any([to_durable(n) for n in node.items])
    if isinstance(node, Exists):
        return _ex(node.field) if node.present else {"$nex": {key(node.field): 1}}
    if isinstance(node, Cmp):
        return {"$and": [_ex(node.field), _cmp(node.field, node.op, node.value)]}
    if isinstance(node, CmpField):
        return {"$and": [_ex(node.field), _ex(node.other), _cmp(node.field, node.op, {"$m": key(node.other)})]}
    if isinstance(node, InSet):
        if node.negate:
            return {"$and": [_ex(node.field), *(_cmp(node.field, "ne", v) for v in node.values)]}
        return {"$and": [_ex(node.field), _any([_cmp(node.field, "eq", v) for v in node.values])]}
    if isinstance(node, Match):
        return {"$and": [_ex(node.field), {"$mt": {key(node.field): node.pattern}}]}
    raise TypeError(f"unknown condition node {node!r}")


def ruleset_definition(ruleset: CompiledRuleset) -> str:
    """The whole ruleset as durable-rules JSON: rule ``r<index>`` per rule, plus the end rule."""
    definition = {
        f"r{index}": {"all": [{"m": _all([{"t": rule.applies_to}, to_durable(rule.condition)])}]}
        for index, rule in enumerate(ruleset.rules)
    }
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
        return _number(float(value)) if abs(value) > 2**53 else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    raise TypeError(f"cannot send {type(value).__name__} to the engine")


def facts_json(facts: list[tuple[str, str, dict]], sid: str) -> str:
    """One batch: (id, type, values) facts then the end marker, all in session ``sid``."""
    records = []
    for fid, ftype, values in facts:
        record = {"sid": sid, "id": fid, "t": ftype}
        record.update({key(k): v for k, v in values.items()})
        records.append(record)
    records.append({"sid": sid, "id": "end", "t": END_TYPE})
    return _dumps(records)


class DurableSession:
    """A ruleset loaded into the C engine; :meth:`run` screens one declaration at a time."""

    def __init__(self, definition_json: str):
        import durable_rules_engine  # imported here: only worker processes load the C engine

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
        ended = False
        result = engine.start_action_for_state(handle, state)
        while result:
            message = json.loads(result[1] if isinstance(result, tuple) else result)
            for rule_name, match in message.items():
                if rule_name == END_RULE:
                    ended = True
                else:
                    hits.add((int(rule_name[1:]), match["m"]["id"]))
            result = engine.complete_and_start_action(handle, state)
        engine.delete_state(handle, sid)
        if not ended:
            raise EngineFailure("the end marker did not fire")
        return hits
