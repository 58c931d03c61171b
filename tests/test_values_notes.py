"""Notes on both sides of a value and a word operator written with a sign (values3: the reading
faults left in issue 8's closing note).

Expectations are written by hand, never taken from the parser; the words and numbers are our own,
beside the closing note's examples ("(新增)≥60%(上年50%)", "提高到≥95%").
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules.engines.pool import screen
from g60rules.values import (
    Operator, RenderStyle, ValueKind, compose_target_value, parse_target_value, render_target_value,
)

D = Decimal
GE, LE, EQ, GT, LT = Operator.GE, Operator.LE, Operator.EQ, Operator.GT, Operator.LT
Q, U = ValueKind.QUANTITATIVE, ValueKind.UNPARSEABLE
SMALL = settings(max_examples=60, deadline=None)

# --- 1. notes on both sides ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "op", "amount", "unit", "note"), [
    ("(新增)≥60%(上年50%)", GE, "60", "%", "新增;上年50%"),  # the closing note's example
    ("（试行）≤3天（去年5天）", LE, "3", "天", "试行;去年5天"),
    ("≥95%（全年）", GE, "95", "%", "全年"),
    ("【续建】≥12个【原计划10个】", GE, "12", "个", "续建;原计划10个"),
    ("〔调整〕≤48小时〔备注:含节假日〕", LE, "48", "小时", "调整;备注:含节假日"),
    ("(暂定)=7场(2023年为5场)(含线上)", EQ, "7", "场", "暂定;2023年为5场;含线上"),
    ("≥88.5%(全口径)(不含外包)", GE, "88.5", "%", "全口径;不含外包"),
    ("(首年)≥300人，上年260人", GE, "300", "人", "首年;上年260人"),
    ("(新增)≥20(%)(较上年持平)", GE, "20", "%", "新增;较上年持平"),
    ("≥5个(县级以上)", GE, "5", "个", "县级以上"),  # a bound word with no amount: a note
    ("≥95%(不低于上年)", GE, "95", "%", "不低于上年"),
    ("≥90%(按《规划》2025版)", GE, "90", "%", "按《规划》2025版"),  # a title is read past
])
def test_notes_on_both_sides_keep_the_target(text, op, amount, unit, note):
    v = parse_target_value(text)
    assert v.kind is Q, v.problem
    assert (v.op, v.op_implied, v.amount, v.unit, v.note) == (op, False, D(amount), unit, note)
    assert v.raw == text


def test_notes_around_other_kinds():
    v = parse_target_value("(预计)2026年6月底前(视审批)")
    assert (v.kind, v.note) == (ValueKind.DATE, "预计;视审批")
    v = parse_target_value("(新建)≥**%(上年80%)")
    assert (v.kind, v.op, v.note) == (ValueKind.PLACEHOLDER, GE, "新建;上年80%")
    v = parse_target_value("(参考)70-80%(上年65%)")
    assert (v.kind, v.amount, v.upper, v.note) == (ValueKind.RANGE, D(70), D(80), "参考;上年65%")
    v = parse_target_value("(新增)2023.9-2024.6(续建)")
    assert (v.kind, v.note) == (ValueKind.DATE_RANGE, "新增;续建")
    v = parse_target_value("98%达标(上年96%)")
    assert (v.kind, v.amount, v.note) == (Q, D(98), "达标;上年96%")


@pytest.mark.parametrize("text", [
    "≥60%或≥50%",  # two targets side by side
    "≥70%(≥65%)",  # an aside that is a target
    "(上年≥50%)≥60%",  # a note holding an operator before the value
    "(新增)≥60%(上年≥50%)",
    "≥95%(不低于90%)",
    "≥40个(至少30个)",
    "≤3天(3天以内)",
    "≥8个(其中省级2个以上)",
    "≥60%(或50%)",  # an alternative
    "≥60%，或50%",
    "≥75%(上年不低于七十)",
    "(万元)≤30",  # a unit, not a note
    "≥5(%)(元)",
    "(2)≥70%",  # a list number, not a note
])
def test_what_stays_unreadable(text):
    v = parse_target_value(text)
    assert v.kind is U, (v.kind, v.amount, v.note)


def test_a_second_target_is_named_in_the_problem():
    v = parse_target_value("(新增)≥60%(上年≥50%)")
    assert v.problem == "a second target beside the value: '上年≥50%'"


def test_a_notes_figure_is_never_the_target():
    assert parse_target_value("≥96%(上年120%)").amount == D(96)
    assert parse_target_value("(上年120%)≥96%").amount == D(96)


NOTE_WORDS = ["新增", "试行", "上年50%", "去年12个", "原计划3项", "备注:含分院", "全年", "暂估",
              "2023年为40家", "县级以上", "含税"]
BRACKETS = [("(", ")"), ("（", "）"), ("【", "】"), ("〔", "〕"), ("[", "]")]
GLYPHS = {"≥": GE, "≤": LE, "=": EQ, ">": GT, "<": LT}
UNITS = ["%", "个", "人次", "天", "万元", "(%)", "篇"]


@SMALL
@given(before=st.lists(st.sampled_from(NOTE_WORDS), max_size=2),
       after=st.lists(st.sampled_from(NOTE_WORDS), max_size=2),
       brackets=st.sampled_from(BRACKETS), glyph=st.sampled_from(sorted(GLYPHS)),
       amount=st.integers(0, 99_999), unit=st.sampled_from(UNITS))
def test_property_notes_never_change_the_target(before, after, brackets, glyph, amount, unit):
    left, right = brackets
    text = ("".join(f"{left}{n}{right}" for n in before) + f"{glyph}{amount}{unit}"
            + "".join(f"{left}{n}{right}" for n in after))
    bare = parse_target_value(f"{glyph}{amount}{unit}")
    v = parse_target_value(text)
    assert v.kind is Q, (text, v.problem)
    assert (v.op, v.amount, v.unit) == (GLYPHS[glyph], D(amount), bare.unit)
    assert v.note == (";".join(before + after) or None)
    back = parse_target_value(render_target_value(v, RenderStyle()))
    assert back.model_dump(exclude={"raw"}) == v.model_dump(exclude={"raw"})


BOUNDS = ["≥{n}%", "上年≥{n}%", "不低于{n}%", "至少{n}个", "{n}天以内", "其中{n}个以上", "或{n}%",
          "不超过{n}万元", "》{n}"]


@SMALL
@given(bound=st.sampled_from(BOUNDS), n=st.integers(1, 999), side=st.sampled_from(["before", "after"]),
       other=st.lists(st.sampled_from(NOTE_WORDS), max_size=1), brackets=st.sampled_from(BRACKETS))
def test_property_an_aside_with_a_bound_is_never_read(bound, n, side, other, brackets):
    left, right = brackets
    aside = left + bound.format(n=n) + right
    notes = "".join(f"{left}{w}{right}" for w in other)
    text = aside + notes + "≥60%" if side == "before" else notes + "≥60%" + aside
    assert parse_target_value(text).kind is U, text


# --- 2. a word operator with a sign, and verbs of change ---------------------------------------------


@pytest.mark.parametrize(("text", "op", "amount", "unit"), [
    ("提高到≥95%", GE, "95", "%"),  # the closing note's example
    ("提升至≥90%", GE, "90", "%"),
    ("控制在≤5%以内", LE, "5", "%"),
    ("降低到≤3%", LE, "3", "%"),
    ("不低于95%", GE, "95", "%"),
    ("不高于5%", LE, "5", "%"),
    ("不少于10个", GE, "10", "个"),
    ("不超过200万元", LE, "200", "万元"),
    ("增加到≥1,200人次", GE, "1200", "人次"),
    ("缩短至≤7个工作日", LE, "7", "个工作日"),
    ("压减至≤18.5万元", LE, "18.5", "万元"),
    ("控制在≤2‰", LE, "2", "‰"),
    ("不少于≥6场", GE, "6", "场"),
    ("不超过≤40天", LE, "40", "天"),
    ("扩大到≥350亩", GE, "350", "亩"),
    ("提高到>97%", GT, "97", "%"),  # both hold when the value is above 97
    ("不低于>80%", GT, "80", "%"),
    ("降至<1%", LT, "1", "%"),
    ("提高到≥93%以上", GE, "93", "%"),
])
def test_word_operator_with_a_sign(text, op, amount, unit):
    v = parse_target_value(text)
    assert v.kind is Q, v.problem
    assert (v.op, v.op_implied, v.amount, v.unit) == (op, False, D(amount), unit)


@pytest.mark.parametrize("text", [
    "提高到≤95%",  # the verb and the sign point opposite ways
    "降低到≥3%",
    "控制在≥5%",
    "不少于≤10个",
    "提高到=95%",
    "提高到≥95%以下",
])
def test_word_and_sign_that_disagree_are_unreadable(text):
    assert parse_target_value(text).kind is U


@pytest.mark.parametrize(("text", "amount", "change"), [
    ("提高5%", "5", "up"), ("增长10%", "10", "up"), ("提升3个百分点", "3", "up"),
    ("下降8%", "8", "down"), ("减少12个", "12", "down"), ("增加≥4%", "4", "up"),
])
def test_a_change_is_kept_as_a_change(text, amount, change):
    v = parse_target_value(text)
    assert (v.kind, v.amount, v.change) == (ValueKind.CHANGE, D(amount), change)


def test_reach_words_without_a_level_stay_words():
    assert parse_target_value("提升到位").kind is ValueKind.QUALITATIVE
    assert parse_target_value("提高到《标准》要求").kind is ValueKind.QUALITATIVE


WORDS = {"提高到": GE, "提升至": GE, "增加到": GE, "不低于": GE, "不少于": GE,
         "降低到": LE, "降至": LE, "控制在": LE, "不超过": LE, "不高于": LE}
SIGNS = {"≥": GE, ">": GT, "≤": LE, "<": LT, "=": EQ}


@SMALL
@given(word=st.sampled_from(sorted(WORDS)), sign=st.sampled_from(sorted(SIGNS)),
       amount=st.integers(0, 100_000), unit=st.sampled_from(["%", "个", "天", "万元", "人"]))
def test_property_word_and_sign(word, sign, amount, unit):
    v = parse_target_value(f"{word}{sign}{amount}{unit}")
    w, g = WORDS[word], SIGNS[sign]
    expected = {(GE, GE): GE, (GE, GT): GT, (LE, LE): LE, (LE, LT): LT}.get((w, g))
    if expected is None:
        assert v.kind is U
    else:
        assert (v.kind, v.op, v.amount, v.unit) == (Q, expected, D(amount), unit)
        assert v == parse_target_value(f"{sign}{amount}{unit}").model_copy(
            update={"raw": v.raw, "op": expected})


# --- through to findings, on both engines --------------------------------------------------------

HEADER = """\
kind: project
name: {name}
nature: 其他经常性项目
category: 特定目标类
competent_department: 某局
implementing_unit: 某中心
plan_start: 2025-01-01
plan_end: 2025-12-31
funds: {{total: 50000, fiscal: 50000, annual_request: 50000, appropriation: 50000}}
project_target: 完成年度任务
annual_target: 完成年度任务
indicators:
  - {{level1: 产出指标, level2: 质量指标, level3: 档案归档率, target_value: "{value}"}}
"""
FILES = {
    "noted-both": "(新增)≥96%(上年120%)",
    "noted-over": "(暂定)≥105%(上年98%)",
    "second-target": "(新增)≥96%(上年≥90%)",
    "reach-sign": "提高到≥97%",
    "reach-sign-over": "提升至≥112%",
}


@pytest.fixture(scope="module", params=["reference", "durable"])
def found(request, tmp_path_factory, shanghai):
    folder = tmp_path_factory.mktemp("notes")
    for name, value in FILES.items():
        (folder / f"{name}.yaml").write_text(HEADER.format(name=name, value=value), encoding="utf-8")
    result = screen([folder], shanghai, engine=request.param)
    hits: dict[str, set[str]] = {name: set() for name in FILES}
    for f in result.findings:
        if f.row == 1:
            hits[Path(f.file).stem].add(f.rule_id)
    return hits


def test_findings_read_the_target_not_the_note(found):
    assert not found["noted-both"] & {"G60-COMP-012", "G60-APP-005"}  # 上年120% is no target
    assert "G60-APP-005" in found["noted-over"] and "G60-COMP-012" not in found["noted-over"]


def test_findings_flag_a_second_target(found):
    assert "G60-COMP-012" in found["second-target"]


def test_findings_word_and_sign(found):
    assert not found["reach-sign"] & {"G60-COMP-012", "G60-APP-005"}
    assert "G60-APP-005" in found["reach-sign-over"]


# --- notes in a national form's 指标值 cell beside its 运算符号 and 计量单位 columns -------------------


@pytest.mark.parametrize(("cell", "operator", "unit", "op", "amount", "unit_read", "note"), [
    ("(新增)60(上年50%)", "≥", "%", GE, "60", "%", "新增;上年50%"),
    ("（试行）3（去年5天）", "≤", "天", LE, "3", "天", "试行;去年5天"),
    ("(新增)60", "≥", "%", GE, "60", "%", "新增"),  # no false operator conflict from the aside
    ("60(上年50%)", "≥", "%", GE, "60", "%", "上年50%"),
    ("60，上年50%", "≥", "%", GE, "60", "%", "上年50%"),  # the unit goes on the value, not the note
    ("60(%)(上年50%)", "≥", "%", GE, "60", "%", "上年50%"),
    ("≥72(原65)", "≥", "个", GE, "72", "个", "原65"),
])
def test_columns_compose_with_the_value_not_its_notes(cell, operator, unit, op, amount, unit_read, note):
    composed = compose_target_value(cell, operator, unit)
    v = composed.value
    assert v.kind is Q, v.problem
    assert (v.op, v.op_implied, v.amount, v.unit, v.note) == (op, False, D(amount), unit_read, note)
    assert (composed.unit_conflict, composed.operator_conflict) == (None, None)


def test_columns_keep_conflicts_and_second_targets():
    assert compose_target_value("(新增)≥60", "≤", None).operator_conflict == "ge"
    assert compose_target_value("60(上年≥50%)", "≥", "%").value.kind is U
