"""What a unit could not act on in its return letter (new-user trial 8).

A finding on a figure computed from the form (a count of rows, a gap) holds no cell to edit: letters
and reviewer tables say what to add or check, never a count as a 填报值. Cells that could not be read
are asked for again in the unit's terms. Reasons never cite the reviewers' catalogue ("目录 §3").
Expected texts are written by hand.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest
from docx import Document

from g60rules.engines.pool import screen
from g60rules.findings import Finding, Severity
from g60rules.reports.formats import render
from g60rules.reports.letters import write_letters
from g60rules.reports.summary import Report, shown, todo_text
from season import CLEAN

BASE = CLEAN.format(name="河道保洁", competent="区水务局", unit="区河道所", cost="≤20000(元/公里)", level3="保洁达标率")
NO_BENEFIT = BASE.replace('  - {level1: 效益指标, level2: 社会效益指标, level3: 成果采纳, target_value: "完成"}\n', "")
NO_QUANTITY = BASE.replace('  - {level1: 产出指标, level2: 数量指标, level3: 报告数量, target_value: "≥3(篇)"}\n', "")
UNREADABLE = BASE.replace("annual_target: 完成 3 篇报告\n", "annual_target: ~\nunreadable: [annual_target]\n")


def _letter_text(text: str, tmp_path: Path, ruleset, lang: str = "zh") -> tuple[str, str, Report]:
    """(the .html letter as text, the .docx letter as text, the report) for one declaration."""
    d = tmp_path / "in"
    d.mkdir(parents=True)
    (d / "p.yaml").write_text(text, encoding="utf-8")
    report = Report(screen([d], ruleset, engine="reference"), ruleset, lang)
    paths = write_letters(report, tmp_path / "out")
    page = html.unescape(next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8"))
    doc = "\n".join(p.text for p in Document(str(next(p for p in paths if p.suffix == ".docx"))).paragraphs)
    return page, doc, report


def test_a_missing_category_says_what_to_add_not_a_count(tmp_path, shanghai):
    page, doc, report = _letter_text(NO_BENEFIT, tmp_path, shanghai)
    assert any(f.field == "count.level1.benefit" for f in report.counted)
    for text in (page, doc):
        assert "需补充：一级指标“效益指标”（至少一项）" in text
        assert "个数" not in text and "填报值：0" not in text and "触发条件" not in text


def test_either_missing_of_two_categories_asks_for_each(tmp_path, shanghai):
    page, doc, _ = _letter_text(NO_QUANTITY, tmp_path, shanghai)
    for text in (page, doc):
        assert "需补充：二级指标“数量指标”、二级指标“质量指标”（各至少一项）" in text
        assert "填报值：1" not in text  # the count of output rows is no value the unit wrote


def test_english_letter_says_what_to_add(tmp_path, shanghai):
    page, doc, _ = _letter_text(NO_BENEFIT, tmp_path, shanghai, "en")
    for text in (page, doc):
        assert "add at least one 效益指标 (一级指标) row." in text
        assert "number of" not in text and "Value as written: 0" not in text


def test_cell_findings_keep_value_and_condition(tmp_path, shanghai):
    low = BASE.replace('level3: 相关方满意度, target_value: "≥90(%)"', 'level3: 群众满意度, target_value: "≥70(%)"')
    page, _, _ = _letter_text(low, tmp_path, shanghai)
    assert "填报值：70（触发条件：指标值 < 85）" in page and "需修改的栏目：指标值" in page


def test_reviewer_tables_show_no_count_as_value(tmp_path, shanghai):
    d = tmp_path / "in"
    d.mkdir()
    (d / "p.yaml").write_text(NO_BENEFIT, encoding="utf-8")
    report = Report(screen([d], shanghai, engine="reference"), shanghai, "zh")
    rows = list(csv.DictReader(io.StringIO(render("csv", report).decode("utf-8-sig"))))
    row = next(r for r in rows if r["规则"] == "G60-COMP-004" or "效益" in r["问题说明"])
    assert (row["栏目"], row["填报值"], row["触发条件"]) == ("需补充：一级指标“效益指标”（至少一项）", "", "")
    page = html.unescape(render("html", report).decode("utf-8"))
    assert "需补充：一级指标“效益指标”（至少一项）" in page and "一级指标“效益指标”个数" not in page


def test_a_gap_names_the_cells_it_is_computed_from(shanghai):
    # a rule without its own field points at the gap itself: the unit corrects the amounts behind it
    f = Finding("X-1", Severity.ERROR, "p.yaml", 3, "差额", "gap", field="funds.annual_gap", value="5000.00")
    assert todo_text(f, shanghai, "zh") == "请核对并修改：年度资金申请总额、当年财政拨款、上年结转资金、年度其他资金（须相互一致）"
    human = shown(f, Report(screen([], shanghai, engine="reference"), shanghai, "zh"))
    assert human.value is None and human.label is None and human.condition is None


def test_unreadable_cells_are_asked_for_in_the_units_terms(tmp_path, shanghai):
    page, doc, report = _letter_text(UNREADABLE, tmp_path, shanghai)
    assert any(f.field == "unreadable" for f in report.counted)
    for text in (page, doc):
        assert "以下单元格无法识别，请核对并重新提交清晰的原表：年度总体目标" in text
        assert "请审核人员" not in text and "需修改的栏目：无法识别" not in text


def test_letters_never_cite_the_catalogue(tmp_path, shanghai):
    # G60-COMP-018's reason ends in “（目录 §3）” in the ruleset
    no_time = BASE.replace('  - {level1: 产出指标, level2: 时效指标, level3: 完成时间, target_value: "≤2024-12-31"}\n', "")
    for lang in ("zh", "en"):
        page, doc, _ = _letter_text(no_time, tmp_path / lang, shanghai, lang)
        for text in (page, doc):
            assert "§" not in text and "目录" not in text and "catalogue" not in text
            # the rule's reason is for reviewers: a letter says what to fix, not why the rule exists
            assert "缺少时为警告而非错误" not in text and "its absence is a warning" not in text


def test_amounts_that_do_not_add_up_name_every_amount_of_the_sum(tmp_path, shanghai):
    # G60-APP-009 points at 项目资金总额, but fires on the gap: any of the three may be the wrong one
    uneven = BASE.replace("funds: {total: 100000, fiscal: 100000,", "funds: {total: 100000, fiscal: 70000, other: 20000,")
    page, doc, report = _letter_text(uneven, tmp_path, shanghai)
    assert any(f.rule_id == "G60-APP-009" for f in report.counted)
    for text in (page, doc):
        assert "请核对并修改：项目资金总额、财政资金、其他资金（须相互一致）" in text
        assert "需修改的栏目：项目资金总额" not in text and "填报值：100,000.00 元" not in text
