"""The event reader of the YAML loader reads what the composing path reads.

:class:`g60rules.intake.yaml_loader._EventReader` builds records from libyaml's events and hands
every unusual document (alias, anchor, tag, non-text key, several documents, a syntax error) to the
composing path. Both paths are compared here — the Records with every line mark, then the model and
the findings — on generated documents in block and flow style, and on hand-written unusual ones.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules.intake import yaml_loader
from g60rules.intake.yaml_loader import _EventReader, _FileLoader, _load_composed, _Unusual, load_text

# keys a declaration uses, and others; scalars include every spelling the resolver reads as null,
# texts that look like numbers, dates and booleans, decomposed Unicode (NFC applies) and blanks
KEYS = st.sampled_from(["kind", "类型", "name", "项目名称", "funds", "total", "indicators", "绩效指标", "level1",
                        "指标值", " 项 目 名 称 ", "e\u0301", "unknown", "1", "null", "~", ""])
SCALARS = st.one_of(
    st.sampled_from(["", "~", "null", "Null", "NULL", "nULL", "项目", "project", "department", "≥90%", "2,000,000.00",
                     "2024-01-01", "yes", "true", "0x1F", "1e3", ".inf", "e\u0301", " 有空格 ", "a: b", "- x", "#"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"), max_size=12),
    st.none(), st.integers(), st.booleans(),
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)
DOCUMENTS = st.builds(
    lambda body, kind, flow, width: yaml.safe_dump({**({"kind": kind} if kind else {}), **body},
                                                   allow_unicode=True, sort_keys=False,
                                                   default_flow_style=flow, width=width),
    st.dictionaries(KEYS, TREES, max_size=6),
    st.sampled_from([None, "项目", "project", "部门", "other"]),
    st.sampled_from([False, True, None]),
    st.sampled_from([20, 80]),
)

# hand-written block text, so plain (unquoted) scalars appear as a person writes them: a dumper
# quotes "NULL" or "~", a person does not
PLAIN = st.sampled_from(["", "~", "null", "Null", "NULL", "nULL", "'NULL'", '"~"', "''", "2024-01-01", "≥90%",
                         "2,000,000.00", "e\u0301", "[a, ~, NULL]", "{a: NULL, b: '1'}", "|\n    多行\n    文本",
                         "甲 # 注释", "0o17", "- x"])
PLAIN_KEYS = st.sampled_from(["name", "项目名称", "指标值", "level1", "weight", "~", "NULL", "'kind'", "e\u0301"])
ROWS = st.lists(st.lists(st.tuples(PLAIN_KEYS, PLAIN), min_size=1, max_size=3), max_size=3)
WRITTEN = st.builds(
    lambda kind, pairs, rows: f"kind: {kind}\n" + "".join(f"{k}: {v}\n" for k, v in pairs)
    + ("indicators:\n" + "".join("  - " + "    ".join(f"{k}: {v}\n" for k, v in row) for row in rows) if rows else ""),
    st.sampled_from(["项目", "部门", "~", "", "'项目'"]), st.lists(st.tuples(PLAIN_KEYS, PLAIN), max_size=5), ROWS,
)


def _composed_record(text: str) -> str:
    loader = _FileLoader("p.yaml")
    return repr(loader.record(yaml.compose(text, Loader=yaml_loader._SAFE_LOADER)))


def _event_record(text: str) -> str:
    return repr(_EventReader(text, _FileLoader("p.yaml")).read())


def _both_paths(text: str) -> tuple[str, str]:
    events = repr(load_text(text, "p.yaml"))
    composed = repr(_load_composed(text, _FileLoader("p.yaml"), None))
    return events, composed


@settings(max_examples=120, deadline=None)
@given(text=DOCUMENTS)
def test_events_give_the_records_and_line_marks_of_the_composed_nodes(text):
    try:
        events = _event_record(text)
    except _Unusual:  # e.g. a top level that is not a mapping: the composing path reads it
        return
    assert events == _composed_record(text)


@settings(max_examples=120, deadline=None)
@given(text=WRITTEN)
def test_events_give_the_records_of_the_composed_nodes_for_hand_written_scalars(text):
    try:
        events = _event_record(text)
    except _Unusual:
        return
    assert events == _composed_record(text)


@settings(max_examples=60, deadline=None)
@given(text=st.one_of(DOCUMENTS, WRITTEN))
def test_a_plain_document_loads_to_the_same_model_and_findings_on_both_paths(text):
    events, composed = _both_paths(text)
    assert events == composed


def test_the_event_reader_keeps_each_line_of_a_block_document():
    text = "kind: 项目\nname:   甲\nfunds:\n  total: 100\nindicators:\n  - level1: 产出指标\n    指标值: ~\n  - x\n"
    record = _EventReader(text, _FileLoader("p.yaml")).read()
    assert [(e.key, e.location.line, e.key_location.line) for e in record.entries] == [
        ("kind", 1, 1), ("name", 2, 2), ("funds", 4, 3), ("indicators", 6, 5)]
    rows = record.entries[3].value
    assert rows[0].entries[1].value is None and rows[0].entries[1].location.line == 7
    assert rows[1].value == "x" and rows[1].location.line == 8


UNUSUAL = [
    "kind: 项目\nname: &a 甲\nnature: *a\n",  # alias: refused with its line
    "kind: 项目\nname: *a\n",  # undefined alias: a syntax error
    "kind: 项目\nname: &a 甲\n",  # an anchor alone
    "kind: 项目\nname: !!null 甲\n",  # an explicit tag on a value
    "kind: 项目\nname: !custom 甲\n",
    "!!map\nkind: 项目\n",
    "kind: 项目\n? [a, b]\n: 1\n",  # a key that is not text
    "kind: 项目\n? {a: 1}\n: 1\n",
    "kind: 项目\n---\nkind: 项目\n",  # two documents
    "kind: 项目\nname: [unclosed\n",  # a syntax error
    "类型：项目\n项目名称：甲\n",  # a colon slip: one string
    "- kind: 项目\n",  # top level a list
    "",  # empty
    "kind: 项目\n" + "x: " + "[" * 200 + "]" * 200 + "\n",  # deep nesting
    "kind: [项目]\n",
    "kind: {a: 1}\n",
    "kind:\n",
    "name: 甲\n",
]


@pytest.mark.parametrize("text", UNUSUAL)
def test_an_unusual_document_gives_the_findings_of_the_composing_path(text):
    events, composed = _both_paths(text)
    assert events == composed


@pytest.mark.parametrize("text", [t for t in UNUSUAL[:10] if "!custom" not in t])
def test_the_event_reader_leaves_aliases_anchors_tags_and_odd_keys_to_the_composing_path(text):
    with pytest.raises(_Unusual):
        _EventReader(text, _FileLoader("p.yaml")).read()


def test_an_alias_is_still_refused_with_its_line():
    _, found = load_text("kind: 项目\nname: &a 甲\nnature: *a\n", "p.yaml")
    assert [(f.rule_id, f.line) for f in found] == [("G60-FILE-002", 3)]
