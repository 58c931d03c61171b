"""The model layer's memos and garbage-collection pause change nothing but CPU.

Each memoised entry point is compared with the same reading done without the memo, over generated
inputs (the ``repr`` is compared, so Decimal("90") and Decimal("90.00") count as different); a memo
hands out only frozen objects, so one declaration cannot change what another reads.
"""

from __future__ import annotations

import dataclasses
import datetime
import gc
import weakref
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from g60rules import graph as graph_module
from g60rules import values
from g60rules.graph import build_graph
from g60rules.heap import young_collections_only
from g60rules.intake import build
from g60rules.intake.yaml_loader import _SAFE_LOADER, load_corpus, load_text
from g60rules.values import (
    MEMO_TEXT, RowFamily, TargetValue, ValueKind, compose_target_value, parse_money_cell, parse_target_value,
)
from strategies import NAMES, OPS, REAL_VALUES, UNITS, money, odd_text, target_values

ROWS = st.sampled_from([None, RowFamily.COST, RowFamily.TIMELINESS])
CELLS = st.one_of(st.none(), target_values(), odd_text, st.sampled_from(REAL_VALUES))
COLUMN_UNITS = st.one_of(st.none(), st.sampled_from(UNITS + ["万", "元/人/年", " ", "（%）"]), odd_text)
COLUMN_OPS = st.one_of(st.none(), st.sampled_from(OPS + ["正向", "定性", "大于等于", " "]), odd_text)


@settings(max_examples=150, deadline=None)
@given(text=CELLS, row=ROWS)
def test_a_memoised_target_value_is_the_one_read_afresh(text, row):
    first = parse_target_value(text, row)
    again = parse_target_value(text, row)
    fresh = values._parse_target_value(text, row)
    assert repr(first) == repr(fresh) and repr(again) == repr(fresh)


@settings(max_examples=150, deadline=None)
@given(cell=CELLS, operator=COLUMN_OPS, unit=COLUMN_UNITS)
def test_a_memoised_composition_is_the_one_composed_afresh(cell, operator, unit):
    assert repr(compose_target_value(cell, operator, unit)) == repr(values._compose_target_value(cell, operator, unit))
    assert repr(compose_target_value(cell, operator, unit)) == repr(values._compose_target_value(cell, operator, unit))


def _money_or_error(read, text, unit):
    try:
        return repr(read(text, unit))
    except ValueError as exc:
        return f"ValueError: {exc}"


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(money(), odd_text), unit=st.sampled_from(["元", "万元"]))
def test_a_memoised_money_cell_is_the_one_read_afresh_and_a_refusal_stays_a_refusal(text, unit):
    fresh = _money_or_error(values._parse_money_cell, text, unit)
    assert _money_or_error(parse_money_cell, text, unit) == fresh
    assert _money_or_error(parse_money_cell, text, unit) == fresh


@settings(max_examples=100, deadline=None)
@given(text=st.one_of(odd_text, st.sampled_from(["项 目 名 称", "指标值", "level3", "cafe\u0301", "定性 "])))
def test_a_memoised_key_text_is_the_one_compared_afresh(text):
    assert build._key_text(text) == build._compare_text(text) == build._key_text(text)


@settings(max_examples=100, deadline=None)
@given(text=st.one_of(target_values(), st.sampled_from(REAL_VALUES)), name=st.one_of(st.none(), st.sampled_from(NAMES)),
       row=ROWS)
def test_memoised_value_attributes_are_the_ones_read_afresh(text, name, row):
    value = parse_target_value(text)
    unit = graph_module._name_unit(value, name)
    fresh = graph_module._read_value_attrs(values.for_row(graph_module._with_name_unit(value, unit), row))
    assert graph_module._value_attrs(value, unit, row) == fresh
    assert repr(graph_module._value_attrs(value, unit, row)) == repr(fresh)


def test_value_attributes_are_keyed_by_the_value_object_not_by_equality():
    # equal (Decimal("90") == Decimal("90.00")) but written differently: each keeps its own reading
    plain = TargetValue(raw="≥90", kind=ValueKind.QUANTITATIVE, amount=Decimal("90"))
    cents = TargetValue(raw="≥90", kind=ValueKind.QUANTITATIVE, amount=Decimal("90.00"))
    assert plain == cents
    assert str(graph_module._value_attrs(plain, None, None)["value.amount"]) == "90"
    assert str(graph_module._value_attrs(cents, None, None)["value.amount"]) == "90.00"


def test_inputs_that_are_not_plain_short_text_are_read_each_time_and_read_the_same():
    long_text = "≥90%" + "（说明）" * MEMO_TEXT
    before = values._parse_memo.cache_info().currsize
    assert repr(parse_target_value(long_text)) == repr(values._parse_target_value(long_text))
    # Decimal("1.0") == 1 == True, but each is its own input
    assert parse_target_value(Decimal("1.0")).raw == "1.0" and parse_target_value(1).raw == "1"
    assert parse_target_value(True).kind is ValueKind.UNPARSEABLE
    assert values._parse_memo.cache_info().currsize <= before + 2  # "1.0" and "1" as text, not the long one
    assert parse_money_cell(Decimal("1.50")).amount == Decimal("1.50")
    assert str(parse_money_cell(Decimal("1.5")).amount) == "1.5"


def test_what_a_memo_hands_out_cannot_be_changed():
    value = parse_target_value("≥2024-12-31(完成)")
    with pytest.raises(ValidationError):
        value.raw = "changed"  # type: ignore[misc]
    immutable = (str, Decimal, int, bool, datetime.date, type(None))
    assert all(isinstance(v, immutable) for v in value.model_dump().values())
    composed = compose_target_value("90", "≥", "%")
    assert isinstance(composed, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_money_cell("5万元").amount = Decimal(0)  # type: ignore[misc]


def _project(name: str, value: str) -> str:
    return (f"kind: project\nname: {name}\nindicators:\n"
            f"  - {{level1: 产出指标, level2: 数量指标, level3: 完成篇数, target_value: '{value}'}}\n")


def test_two_declarations_with_the_same_value_share_nothing_they_can_change(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(_project("甲", "≥37(篇)"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(_project("乙", "≥37(篇)"), encoding="utf-8")
    corpus = load_corpus([tmp_path])
    first, second = corpus.projects
    assert first.indicators[0].target_value is second.indicators[0].target_value  # read once
    graph = build_graph(corpus.departments, corpus.projects)
    rows = [n for n, a in graph.g.nodes(data=True) if a["node_type"] == "indicator"]
    one, other = (graph.g.nodes[n] for n in rows)
    one["value.amount"] = Decimal(0)
    one["value.unit"] = "changed"
    assert other["value.amount"] == Decimal(37) and other["value.unit"] == "篇"
    again = build_graph(corpus.departments, corpus.projects)
    assert all(a["value.amount"] == Decimal(37) for _, a in again.g.nodes(data=True) if a["node_type"] == "indicator")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(odd_text, st.sampled_from(["null", "~", "", "1", "0x1f", "1.5", "true", "no", "2024-01-01",
                                                      "1_000", ".inf", "=", "<<"])), max_size=6))
def test_the_loader_resolves_every_scalar_as_the_safe_loader_does(texts):
    text = yaml.dump({f"k{i}": t for i, t in enumerate(texts)} | {"plain": texts}, allow_unicode=True)
    text += "".join(f"p{i}: {t}\n" for i, t in enumerate(texts) if t and t.isprintable() and ":" not in t
                    and not t.startswith(("-", "?", "!", "&", "*", "#", "|", ">", "'", '"', "%", "@", "`", "[", "{",
                                          " ")) and "#" not in t and not t.endswith(" "))

    def tags(loader):
        try:
            root = yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            return "error"
        out, stack = [], [root]
        while stack:
            node = stack.pop()
            out.append((node.tag, node.value if isinstance(node, yaml.ScalarNode) else None))
            if isinstance(node, yaml.MappingNode):
                stack.extend(x for pair in node.value for x in pair)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return out

    assert tags(_SAFE_LOADER) == tags(yaml.SafeLoader) == tags(_SAFE_LOADER)


def test_full_collections_wait_for_the_block_and_young_cycles_are_still_freed():
    before = gc.get_threshold()
    with young_collections_only():
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**6
        with young_collections_only():
            pass
        assert gc.get_threshold()[2] > 10**6  # the inner block leaves the outer one's setting

        class Node:
            pass

        cycle = Node()
        cycle.self = cycle
        freed = []
        weakref.finalize(cycle, freed.append, True)
        del cycle
        for _ in range(50):
            junk = [[] for _ in range(1000)]  # enough allocations for young collections to run
            del junk
            if freed:
                break
        assert freed == [True]
    assert gc.get_threshold() == before


def test_the_thresholds_come_back_after_an_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), young_collections_only():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_a_file_read_in_the_block_gives_the_findings_it_gives_outside_it():
    text = "kind: project\nname: 甲\nfunds: {total: abc}\nindicators:\n  - {level3: 甲, target_value: '≥9(篇)'}\n"
    outside = load_text(text, "p.yaml")
    with young_collections_only():
        inside = load_text(text, "p.yaml")
    assert repr(inside) == repr(outside) and outside[1]


def _graph_text(graph) -> list[str]:
    return sorted(repr((node, sorted((k, repr(v)) for k, v in attrs.items()))) for node, attrs in graph.g.nodes(data=True))


def test_threads_reading_at_once_through_tiny_memos_read_what_one_reads_alone(tmp_path: Path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from g60rules.intake import yaml_loader

    for number, value in enumerate(["≥37(篇)", "≤20万元/个", "完成", "≥95%(上年90%)", "2024年12月", "≥37(篇)"]):
        (tmp_path / f"p{number}.yaml").write_text(_project(f"项目{number}", value), encoding="utf-8")
    alone = _graph_text(build_graph([], load_corpus([tmp_path]).projects))
    # memos of two entries are emptied again and again while four threads read
    monkeypatch.setattr(yaml_loader, "MEMO_SIZE", 2)
    monkeypatch.setattr(graph_module, "MEMO_SIZE", 2)

    def read(_: int) -> list[str]:
        return _graph_text(build_graph([], load_corpus([tmp_path]).projects))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(read, range(12)))
    assert all(result == alone for result in results)


# one text read as each kind and funds unit: "1" is a text, a whole number, a weight, 1 元, 1 万元 …
CONVERT_TEXTS = st.one_of(st.sampled_from(["1", "1.0", "01", "10%", "10分", "2024-01", "2024年3月", "2024-02-30",
                                           " 甲\r\n乙 ", "e\u0301", "", "  ", "5万元", "2, 000.00", "abc"]),
                          money().filter(lambda m: m is not None), odd_text)
KINDS = st.sampled_from([k for k in build.FieldKind if k in build._SCALAR_KINDS])


def _converted(text, kind, unit, read):
    try:
        return repr(read(text, kind, unit))
    except ValueError as exc:
        return f"ValueError: {exc}"


@settings(max_examples=200, deadline=None)
@given(reads=st.lists(st.tuples(CONVERT_TEXTS, KINDS, st.sampled_from(["元", "万元"])), min_size=1, max_size=8))
def test_a_remembered_cell_conversion_is_the_one_converted_afresh(reads):
    # several reads in a row: an entry for one (text, kind, unit) never answers another
    for text, kind, unit in reads + reads[::-1]:
        assert _converted(text, kind, unit, build._convert_memo) == _converted(text, kind, unit, build.convert)


def test_the_same_text_converts_by_its_kind_and_funds_unit():
    read = build._convert_memo
    assert read("1", build.FieldKind.MONEY_FORM, "万元") == Decimal(10000)
    assert read("1", build.FieldKind.MONEY_FORM, "元") == Decimal(1)
    assert read("1", build.FieldKind.TEXT, "元") == "1"
    assert read("1", build.FieldKind.INT, "元") == 1 and type(read("1", build.FieldKind.INT, "元")) is int
    assert repr(read("1.0", build.FieldKind.DECIMAL, "元")) == "Decimal('1.0')"
    with pytest.raises(ValueError):
        read("abc", build.FieldKind.MONEY_YUAN, "元")
    with pytest.raises(ValueError):  # a refused text is refused again, not remembered as None
        read("abc", build.FieldKind.MONEY_YUAN, "元")

