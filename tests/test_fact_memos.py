"""The memos of the facts and engine stages (issue 9): none may confuse two entries, and a full one
still answers right.

Each memo is checked against the computation it remembers, done afresh: RE2 directly for matches,
``repr`` for the float check, :func:`g60rules.facts._normalise` for values.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules import facts, schema
from g60rules.engines import durable
from g60rules.engines.pool import fact_plan
from g60rules.facts import FactBuilder, FactPlan
from g60rules.rules import conditions
from g60rules.rules.compiler import load_ruleset
from g60rules.rules.conditions import Match, MatchMemo, full_match, match_field

RULESET = Path(__file__).resolve().parent.parent / "rulesets" / "core.yaml"
PATTERNS = ("甲.*", ".*乙", "甲乙", "(甲|丙)+", "[^甲]*", "a.b")


def _re2(pattern: str, text: str) -> bool:
    options = re2.Options()
    options.dot_nl = True
    return re2.compile(pattern, options).fullmatch(text) is not None


def test_same_text_different_pattern_is_not_confused():
    text = "甲乙"
    assert full_match("甲.*", text) is True
    assert full_match("丙.*", text) is False  # remembered text, another pattern
    assert full_match("甲.*", text) is True
    first, second = MatchMemo(("甲.*",)), MatchMemo(("丙.*", "甲.*"))
    assert first(text) == (True,)
    assert second(text) == (False, True)
    assert first(text) == (True,) and second(text) == (False, True)


def test_same_pattern_different_text_is_not_confused():
    memo = MatchMemo(("甲.*",))
    assert [memo(t) for t in ("甲", "乙", "甲丙", "乙")] == [(True,), (False,), (True,), (False,)]


def test_a_full_match_memo_forgets_and_still_answers_right(monkeypatch):
    monkeypatch.setattr(conditions, "_MATCHED", {})
    monkeypatch.setattr(conditions, "MATCHED_SIZE", 4)
    texts = [f"甲{i}" if i % 2 else f"乙{i}" for i in range(12)]
    for text in texts * 2:
        assert full_match("甲.*", text) is text.startswith("甲")
        assert len(conditions._MATCHED) <= 4
    memo = MatchMemo(("甲.*", "乙.*"), size=3)
    for text in texts * 2:
        assert memo(text) == (text.startswith("甲"), text.startswith("乙"))
        assert len(memo) <= 3


def test_a_long_text_is_matched_but_not_remembered():
    memo = MatchMemo(("甲.*",))
    long = "甲" + "乙" * conditions.MEMO_TEXT
    assert memo(long) == (True,) and len(memo) == 0
    before = len(conditions._MATCHED)
    assert full_match(".*丙", long) is False and len(conditions._MATCHED) == before


@settings(max_examples=60)
@given(st.lists(st.text(alphabet="甲乙丙ab\n.", max_size=6), min_size=1, max_size=20),
       st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=4, unique=True), st.integers(1, 5))
def test_memoised_matches_equal_re2(texts, patterns, size):
    memo = MatchMemo(tuple(patterns), size=size)
    for text in texts + texts[::-1]:
        expected = tuple(_re2(p, text) for p in patterns)
        assert memo(text) == expected
        assert tuple(full_match(p, text) for p in patterns) == expected


def test_match_field_names_differ_by_field_and_pattern():
    names = {match_field(Match("level3", "甲.*")), match_field(Match("level3", "乙.*")),
             match_field(Match("value.raw", "甲.*"))}
    assert len(names) == 3
    assert match_field(Match("level3", "甲.*", negate=True)) == match_field(Match("level3", "甲.*"))


_BARE_EXPONENT = re.compile(r"(?<![0-9.])[0-9]+e")  # "1e-05": durable-rules crashes on it


@settings(max_examples=150)
@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=64),
                          st.integers(-2**62, 2**62)), max_size=6))
def test_batches_carry_every_number_exactly_and_never_a_bare_exponent(numbers):
    values = {f"n.{i}": v for i, v in enumerate(numbers)}
    text = durable.facts_json([("f0", "indicator", values)], "1")
    assert _BARE_EXPONENT.search(text) is None
    record = json.loads(text)[0]
    assert [record[f"n__{i}"] for i in range(len(numbers))] == numbers


@pytest.mark.parametrize("words", ["1e-05", "3e+16 元", "甲"])
def test_a_text_that_looks_like_an_exponent_is_sent_as_written(words):
    values = {"level3": words, "value.amount": 1e-05, "weight": 10.0}
    for batch in ([("f0", "indicator", values)], [("f0", "indicator", {"level3": words})]):
        text = durable.facts_json(batch, "1")
        assert json.loads(text)[0]["level3"] == words
        assert _BARE_EXPONENT.search(text.replace(words, "")) is None


@pytest.mark.parametrize("value", [True, None, Decimal("1")])
def test_booleans_nulls_and_decimals_never_reach_the_engine(value):
    with pytest.raises(TypeError):
        durable.facts_json([("f0", "indicator", {"weight": value})], "1")


def test_engine_keys_survive_a_full_memo(monkeypatch):
    monkeypatch.setattr(durable, "_KEYS", {f"x{i}": f"y{i}" for i in range(10_000)})
    batch = json.loads(durable.facts_json([("f0", "project", {"funds.total": 5.0, "a.b.c": "甲"})], "1"))
    assert batch[0]["funds__total"] == 5.0 and batch[0]["a__b__c"] == "甲"
    assert len(durable._KEYS) <= 10_000


@pytest.mark.parametrize("value", [Decimal("37"), 37, 37.0, True])
def test_same_value_in_different_field_types_is_not_confused(value):
    """A value remembered for one field type (or one Python type) never answers for another."""
    facts._SEEN.clear()
    for ftype in (schema.NUMBER, schema.MONEY, schema.TEXT, schema.MONEY, schema.NUMBER):
        assert facts._normalised(value, ftype) == facts._normalise(value, ftype)
    for other in (Decimal("37"), 37, 37.0, True, "37"):
        assert facts._normalised(other, schema.MONEY) == facts._normalise(other, schema.MONEY)


def test_a_fact_holds_an_amount_as_money_and_the_same_number_as_a_number():
    """The memo lookup inlined in FactBuilder._fact keys on the field type too."""
    facts._SEEN.clear()
    builder = FactBuilder(None, plan=FactPlan())
    attrs = {"file": "p.yaml", "line": 1, "budget_year": Decimal("2025"), "funds.total": Decimal("2025")}
    for _ in range(2):
        fact = builder._fact("f0", "project", attrs, [], [], lambda key: 1)
        assert fact.values["budget_year"] == 2025.0 and type(fact.values["budget_year"]) is float
        assert fact.values["funds.total"] == schema.money_units(Decimal("2025"))
        assert type(fact.values["funds.total"]) is int


def test_normalised_values_agree_after_a_memo_is_full():
    facts._SEEN.clear()
    for i in range(20_050):
        facts._normalised(f"甲{i}", schema.TEXT)
    assert len(facts._SEEN) <= 20_000
    assert facts._normalised(Decimal("1.5"), schema.MONEY) == facts._normalise(Decimal("1.5"), schema.MONEY)


def test_one_plan_per_ruleset_and_a_new_one_when_its_rules_change():
    ruleset = load_ruleset(RULESET)
    plan = fact_plan(ruleset)
    assert fact_plan(ruleset) is plan
    fewer = replace(ruleset, rules=ruleset.rules[:3])
    assert fact_plan(fewer) is not plan
    dropped = ruleset.rules.pop()
    changed = fact_plan(ruleset)
    assert changed is not plan
    ruleset.rules.append(dropped)
    assert fact_plan(ruleset) is not changed


def test_plans_of_two_rulesets_keep_their_own_matches():
    """Two rulesets matching the same field with different patterns: one text, two answers."""
    first = FactPlan(matches={"indicator": [Match("level3", "甲.*")]})
    second = FactPlan(matches={"indicator": [Match("level3", "乙.*"), Match("level3", "甲.*", negate=True)]})
    values = {"level3": "甲丙"}
    one, two = dict(values), dict(values)
    FactBuilder(None, plan=first)._add_matches("indicator", one)
    FactBuilder(None, plan=second)._add_matches("indicator", two)
    assert one == {"level3": "甲丙", match_field(Match("level3", "甲.*")): 1.0}
    assert two == {"level3": "甲丙", match_field(Match("level3", "乙.*")): 0.0,
                   match_field(Match("level3", "甲.*")): 1.0}
    assert list(two) == ["level3", match_field(Match("level3", "乙.*")), match_field(Match("level3", "甲.*"))]
