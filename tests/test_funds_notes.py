"""Funds cells with a note ("500万元(其中上级资金220万元)"): the amount in 元, exact, and the note
kept on the funds block (``Funds.notes``) and shown in the findings about that amount, on both
engines.  Amounts, words and notes are our own (issue 8, value reading)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules.engines.pool import screen
from g60rules.intake.build import build_project
from g60rules.model import Location

D = Decimal
AT = Location("p.yaml", 1)


def _funds(cells: dict, form: str | None = None):
    data = {"项目名称": "甲", "项目资金": cells}
    if form:
        data["表式"] = form
    project, problems = build_project(data, AT)
    assert problems == []
    return project.funds


def test_note_in_parentheses_is_kept_beside_the_exact_amount():
    funds = _funds({"项目资金总额": "360万元(其中区级配套150万元)", "财政资金": "360万元"})
    assert funds.total == D(3_600_000) and funds.fiscal == D(3_600_000)
    assert funds.notes == {"total": "其中区级配套150万元"}


def test_note_on_a_form_counted_in_wan():
    # a bare number on national-2021 is in 万元; the note (full-width parentheses) is kept
    funds = _funds({"项目资金总额": "86.25（含结转12万元）"}, form="national-2021")
    assert funds.total == D("862500") and funds.notes == {"total": "含结转12万元"}


def test_note_after_a_comma_and_no_note():
    funds = _funds({"年度资金申请总额": "42万元，其中追加8万元", "当年财政拨款": "42万元", "上年结转资金": D("0")})
    assert funds.annual_request == D(420_000) and funds.notes == {"annual_request": "其中追加8万元"}
    assert _funds({"项目资金总额": "2, 000, 000. 00", "财政资金": 2_000_000}).notes == {}


def test_a_note_never_rescues_an_amount_that_cannot_be_read():
    project, problems = build_project({"项目名称": "甲", "项目资金": {"项目资金总额": "若干(其中上级资金5万元)"}}, AT)
    assert project.funds.total is None and project.funds.notes == {}
    assert [p.rule_id for p in problems] == ["G60-FILE-005"]


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=100_000, places=2), st.sampled_from(["其中", "含", "包括"]),
       st.sampled_from(["上级补助", "结转", "自筹"]), st.integers(1, 999), st.sampled_from(["()", "（）", "【】"]))
def test_property_amount_exact_and_note_kept(amount, word, what, part, brackets):
    note = f"{word}{what}{part}万元"
    funds = _funds({"项目资金总额": f"{amount}万元{brackets[0]}{note}{brackets[1]}"})
    assert funds.total == amount * 10_000  # exact Decimal: no float anywhere
    assert funds.notes == {"total": note}


DECLARATION = """\
kind: project
name: 乙项目
funds:
  total: "80万元(其中市级补助30万元)"
  fiscal: "70万元"
  annual_request: "45万元（含上年结转5万元）"
indicators:
  - {level1: 成本指标, level2: 经济成本指标, level3: 设备租赁成本, target_value: "≤52万元"}
"""


@pytest.fixture(scope="module", params=["reference", "durable"])
def findings(request, tmp_path_factory, shanghai):
    folder = tmp_path_factory.mktemp("notes")
    (folder / "b.yaml").write_text(DECLARATION, encoding="utf-8")
    return screen([folder], shanghai, engine=request.param).findings


def test_the_note_is_shown_in_the_finding_about_that_amount(findings):
    (gap,) = [f for f in findings if f.rule_id == "G60-APP-009"]  # 80 ≠ 70 + nothing
    assert gap.message_zh.endswith("（项目资金总额注明“其中市级补助30万元”）")
    assert "notes '其中市级补助30万元'" in gap.message_en
    # the cost ceiling is checked against the annual request: its note is shown there
    (ceiling,) = [f for f in findings if f.rule_id == "G60-APP-001"]
    assert "800,000.00" not in ceiling.message_zh and "450,000.00" in ceiling.message_zh
    assert ceiling.message_zh.endswith("（年度资金申请总额注明“含上年结转5万元”）")


def test_findings_about_other_fields_carry_no_note(findings):
    others = [f for f in findings if f.rule_id not in ("G60-APP-009", "G60-APP-001")]
    assert others and not any("注明" in f.message_zh or " notes '" in f.message_en for f in others)


def test_seed_style_declaration_without_notes_is_unchanged(tmp_path, shanghai):
    (tmp_path / "c.yaml").write_text(DECLARATION.replace("(其中市级补助30万元)", "").replace(
        "（含上年结转5万元）", ""), encoding="utf-8")
    result = screen([tmp_path], shanghai, engine="reference")
    assert not any("注明" in f.message_zh for f in result.findings)
    assert Path(result.findings[0].file).name == "c.yaml"
