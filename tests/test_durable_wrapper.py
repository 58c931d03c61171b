"""The durable-rules wrapper: safe number formatting, and no loss when a worker dies or hangs."""

from __future__ import annotations

import json

import pytest

from g60rules.engines import pool as engine
from g60rules.engines.durable import END_RULE, _number, facts_json
from g60rules.engines.pool import _run_chunks, run_engine
from g60rules.progress import SILENT
from g60rules.facts import Declaration, Fact
from g60rules.engines.reference import run_reference


@pytest.mark.parametrize("value,text", [(1e16, "1.0e+16"), (1e-05, "1.0e-05"), (2.5e20, "2.5e+20"),
                                         (800000.0, "800000.0"), (0.0, "0.0"), (-3.0, "-3.0")])
def test_numbers_always_carry_a_decimal_point(value, text):
    assert _number(value) == text
    assert float(text) == value


def test_batch_ends_with_the_end_marker_and_unique_ids():
    batch = json.loads(facts_json([("f0", "project", {"funds.total": 5.0}), ("f1", "indicator", {})], "7"))
    assert [f["id"] for f in batch] == ["f0", "f1", "end"]
    assert batch[0]["funds__total"] == 5.0 and {f["sid"] for f in batch} == {"7"}


def _declaration(amount: float) -> Declaration:
    fact = Fact("f0", "project", {"name": "甲", "funds.annual_request": amount}, {}, "x.yaml", 1)
    return Declaration("x.yaml", [fact])


def test_a_batch_the_engine_refuses_is_rechecked(shanghai, monkeypatch):
    # A raw batch with an infinite number (never produced by the fact builder) cannot be sent:
    # that declaration comes back from the reference evaluator and is reported.
    declarations = [_declaration(float("inf")), _declaration(1.0)]
    monkeypatch.setattr(engine, "CHUNK", 1)
    hits, fallbacks = run_engine(shanghai, declarations, "durable", jobs=1)
    assert [index for index, _ in fallbacks] == [0]
    assert hits == [run_reference(shanghai, d) for d in declarations]


def test_a_worker_killed_by_a_signal_loses_nothing(shanghai, monkeypatch):
    # The worker is forked, so this patch is in it: the first session dies of SIGSEGV, as
    # durable-rules does on the inputs listed in DURABLE-RULES.md.
    import os
    import signal

    from g60rules.engines import durable as durable_backend

    monkeypatch.setattr(durable_backend.DurableSession, "run", lambda self, batch: os.kill(os.getpid(), signal.SIGSEGV))
    declarations = [_declaration(float(n)) for n in range(450)]
    hits, fallbacks = run_engine(shanghai, declarations, "durable", jobs=2)
    assert len(fallbacks) == 450 and all("worker died (exit code -11)" in reason for _, reason in fallbacks)
    assert hits == [run_reference(shanghai, d) for d in declarations]


def test_a_worker_stuck_in_start_up_cannot_hang_the_run(shanghai, monkeypatch):
    # Regression: the chunk was sent before its deadline started; a chunk larger than the pipe
    # buffer blocked the parent for ever when the worker never read it.
    import time as _time

    from g60rules.engines import durable as durable_backend

    monkeypatch.setattr(durable_backend.DurableSession, "__init__", lambda self, definition: _time.sleep(600))
    monkeypatch.setattr(engine, "SECONDS_PER_CHUNK", 2.0)
    declarations = [_declaration(float(n)) for n in range(300)]
    started = _time.monotonic()
    hits, fallbacks = run_engine(shanghai, declarations, "durable", jobs=1)
    assert _time.monotonic() - started < 30
    assert len(fallbacks) == 300 and all("timed out" in reason for _, reason in fallbacks)
    assert hits == [run_reference(shanghai, d) for d in declarations]


def test_a_chunk_past_its_deadline_is_killed_and_rechecked(shanghai, monkeypatch):
    # A deadline far shorter than the work stands in for a hang: the worker is killed mid-chunk.
    declarations = [_declaration(float(n)) for n in range(3000)]
    monkeypatch.setattr(engine, "SECONDS_PER_CHUNK", 0.01)
    monkeypatch.setattr(engine, "CHUNK", 3000)
    hits, fallbacks = run_engine(shanghai, declarations, "durable", jobs=1)
    assert len(fallbacks) == 3000 and all("timed out" in reason for _, reason in fallbacks)
    assert hits == [run_reference(shanghai, d) for d in declarations]


def test_a_hit_on_a_fact_we_did_not_send_is_refused():
    # durable-rules lets a bare $nex pattern match its own session-state object (measured): such a
    # result is not trusted, and the declaration goes to the reference evaluator.
    rules = json.dumps({"r0": {"all": [{"m": {"$nex": {"zz": 1}}}]}, END_RULE: {"all": [{"m": {"t": "__end__"}}]}})
    outcome = _run_chunks(rules, 1, [[[("f0", "project", {"name": "甲"})]]], SILENT)
    assert outcome[0][0][0] == "failed" and "sid-" in outcome[0][0][1]


def test_every_shipped_rule_runs_on_durable_rules(shanghai):
    from g60rules.engines.durable import split_rules

    assert split_rules(shanghai)[1] == []


def test_a_rule_beyond_the_engine_limit_runs_on_the_reference_evaluator():
    # Regression: durable-rules refused a generated rule with 16 $and/$or nodes (error 113) and the
    # worker died at start-up. Now such a rule is evaluated by the reference evaluator, and said so.
    from g60rules.engines.pool import screen_corpus
    from g60rules.rules.compiler import ruleset_from_data
    from g60rules.rules.examples import example_corpus

    pairs = [{"all": [{"field": "level3", "eq": f"名称{i}"}, {"field": "value.amount", "gt": i}]} for i in range(16)]
    ruleset = ruleset_from_data({"ruleset": "wide", "rules": [{
        "id": "T-WIDE", "title": {"zh": "宽", "en": "wide"}, "severity": "error",
        "basis": {"source": "SH-FORM", "clause": "t"}, "applies_to": "indicator", "when": {"any": pairs},
        "message": {"zh": "命中", "en": "hit"},
        "examples": [{"expect": "pass", "declaration": {}}, {"expect": "fail", "declaration": {}}]}]})
    corpus = example_corpus({"indicators": [{"level3": "名称3", "target_value": "≥5(次)"},
                                            {"level3": "名称9", "target_value": "≥5(次)"}]}, "w.yaml")
    result = screen_corpus(corpus, ruleset, engine="durable", jobs=1)
    assert result.reference_rules == ["T-WIDE"] and result.fallbacks == []
    assert [(f.rule_id, f.row) for f in result.findings] == [("T-WIDE", 1)]


def test_a_small_number_in_a_batch_keeps_a_decimal_point():
    # json.dumps writes 1e-05, which crashes durable-rules: such a batch takes our own formatting.
    text = facts_json([("f0", "indicator", {"value.amount": 1e-05, "level3": "甲"})], "1")
    assert '"value__amount":1.0e-05' in text and json.loads(text)[0]["value__amount"] == 1e-05
