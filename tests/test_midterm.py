"""A multi-year project's 中期目标 (issue 8, kind MIDTERM): the project's 中期目标 / 长期目标 and the
rows' 中期指标值, read from every format and checked by G60-CON-005 on both engines.

Expected findings are worked out by hand from the plan length and which cells are filled.
"""

from __future__ import annotations

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.engines.pool import screen_corpus
from g60rules.intake.yaml_loader import load_corpus
from g60rules.rules.examples import example_corpus

ROWS = [
    {"level1": "成本指标", "level2": "经济成本指标", "level3": "每公里养护成本", "target_value": "≤3万元/公里"},
    {"level1": "产出指标", "level2": "数量指标", "level3": "养护农村公路里程", "target_value": "≥80公里"},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "沿线群众满意度", "target_value": "≥85%"},
]


def national(period: str, rows=ROWS, **header) -> dict:
    return {"kind": "project", "form": "national-2021", "name": "农村公路养护", "competent_department": "某县交通局",
            "implementing_unit": "某县公路站", "budget_year": 2026, "period": period,
            "project_target": "全县农村公路优良路率稳步提高", "annual_target": "完成80公里养护",
            "funds": {"total": 600, "annual_request": 240, "county": 240},
            "indicators": [dict(r) for r in rows], **header}


def run(shanghai, document):
    """Findings as [(rule, row, message)] — the same on both engines (asserted)."""
    corpus = example_corpus(document, "own.yaml")
    ref = screen_corpus(corpus, shanghai, engine="reference")
    dur = screen_corpus(corpus, shanghai, engine="durable", jobs=1)
    key = [(f.rule_id, f.row, f.message_zh) for f in ref.findings]
    assert dur.fallbacks == [] and [(f.rule_id, f.row, f.message_zh) for f in dur.findings] == key
    return key


def con005(shanghai, document) -> list[str]:
    return [message for rule, _, message in run(shanghai, document) if rule == "G60-CON-005"]


def test_a_two_year_project_with_neither_target_is_reported(shanghai):
    found = con005(shanghai, national("2026-2027"))
    assert len(found) == 1 and "跨 2 个年度" in found[0] and "中期目标" in found[0]


def test_a_five_year_project_with_neither_target_is_reported(shanghai):
    assert len(con005(shanghai, national("5年", midterm_target=""))) == 1


def test_mid_term_values_in_the_rows_alone_are_enough(shanghai):
    rows = [dict(ROWS[0]), {**ROWS[1], "midterm_target": "≥400公里"}, dict(ROWS[2])]
    assert con005(shanghai, national("2026-2030", rows)) == []


def test_the_projects_mid_term_target_alone_is_enough(shanghai):
    assert con005(shanghai, national("2026-2027", midterm_target="两年内完成160公里养护")) == []


def test_a_long_term_target_is_enough(shanghai):
    assert con005(shanghai, national("2026-2030", longterm_target="五年内优良路率达到85%")) == []


def test_a_one_year_project_is_not_reported_and_its_header_finding_does_not_name_the_mid_term_target(shanghai):
    document = national("1年", competent_department=None)
    found = run(shanghai, document)
    assert [r for r, _, _ in found if r == "G60-CON-005"] == []
    (header,) = [m for r, _, m in found if r == "G60-COMP-015"]
    assert "主管部门" in header and "中期目标" not in header


def test_a_shanghai_form_has_no_such_field(shanghai):
    document = {**national(""), "form": "shanghai-2024", "plan_start": "2026-01-01", "plan_end": "2029-12-31",
                "nature": "其他经常性项目", "category": "特定目标类"}
    del document["period"], document["budget_year"]
    document["funds"] = {"total": 6000000, "fiscal": 6000000, "annual_request": 2400000, "appropriation": 2400000}
    assert con005(shanghai, document) == []


def test_an_unreadable_mid_term_target_is_not_called_empty(shanghai):
    found = run(shanghai, national("2026-2028", unreadable=["midterm_target"]))
    assert "G60-CON-005" not in [r for r, _, _ in found]
    assert any("中期目标" in m for _, _, m in found)  # the unreadable cell is reported as such
    rows = [dict(ROWS[0]), {**ROWS[1], "unreadable": ["midterm_target"]}, dict(ROWS[2])]
    found = run(shanghai, national("2026-2028", rows))
    assert "G60-CON-005" not in [r for r, _, _ in found]
    assert any("中期指标值" in m for _, _, m in found)


@settings(max_examples=25, deadline=None)
@given(years=st.integers(1, 6), project_filled=st.booleans(), rows_filled=st.sets(st.integers(0, 2)))
def test_reported_exactly_when_a_multi_year_project_states_no_mid_term_target(
        shanghai, years, project_filled, rows_filled):
    rows = [{**r, "midterm_target": "≥1公里"} if i in rows_filled else dict(r) for i, r in enumerate(ROWS)]
    header = {"midterm_target": "分年度完成养护"} if project_filled else {}
    expected = years > 1 and not project_filled and not rows_filled
    assert len(con005(shanghai, national(f"{years}年", rows, **header))) == int(expected)


# --- intake: the label as forms print it, in a workbook and as a declaration key --------------------

def _national_book(path, target_label: str, target: str | None, column: str = "中期指标值",
                   values: tuple = (None, None)):
    rows = [
        ["项目支出绩效目标申报表"],
        ["项目名称", "农村公路养护", "主管部门", "某县交通局"],
        ["实施单位", "某县公路站", "预算年度", 2026],
        ["项目期", "2026-2028"],
        ["项目资金（万元）", "资金总额", 600, "年度资金总额", 240],
        [None, "县本级资金", 240],
        ["总体目标", "全县农村公路优良路率稳步提高"],
        [target_label, target],
        ["年度目标", "完成80公里养护"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", column],
        ["产出指标", "数量指标", "养护农村公路里程", "≥", "80", "公里", values[0]],
        ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥", "85", "%", values[1]],
    ]
    if target_label is None:
        del rows[7]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "目标表"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c).value = value
    book.save(path)
    return path


def test_a_workbook_mid_term_target_with_its_years_in_the_label_is_read(tmp_path):
    for label in ("中期目标（2026-2028年）", "中期绩效目标", "中长期目标："):
        path = _national_book(tmp_path / "a.xlsx", label, "三年完成240公里养护")
        (project,) = load_corpus([path]).projects
        assert (project.form, project.midterm_target) == ("national-2021", "三年完成240公里养护"), label


def test_an_empty_mid_term_target_in_a_workbook_is_reported_and_imported_as_empty(shanghai, tmp_path):
    path = _national_book(tmp_path / "b.xlsx", "中期目标", None)
    corpus = load_corpus([path])
    (found,) = [f for f in screen_corpus(corpus, shanghai, engine="reference").findings
                if f.rule_id == "G60-CON-005"]
    assert found.cell.endswith("B8")  # the empty 中期目标 cell, beside its label in A8
    result = CliRunner().invoke(app, ["import", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "out").glob("*.yaml")
    assert "midterm_target: ~" in written.read_text(encoding="utf-8")


def test_a_mid_term_column_headed_like_the_header_field_holds_each_rows_value(shanghai, tmp_path):
    # no 中期目标 line in the header; the table's column is headed 中期目标 (with its years, or 长期目标)
    for column, key in (("中期目标", "midterm_target"), ("中期目标（2026-2028年）", "midterm_target"),
                        ("长期目标", "longterm_target")):
        path = _national_book(tmp_path / "d.xlsx", None, None, column=column, values=("240", None))
        corpus = load_corpus([path])
        (project,) = corpus.projects
        assert project.midterm_target is None and project.longterm_target is None, column
        first, second = (getattr(row, key) for row in project.indicators)
        assert (first.raw, second) == ("≥240(公里)", None), column
        assert corpus.findings == [], column  # the 240 is placed, not reported as unread
    findings = screen_corpus(load_corpus([_national_book(tmp_path / "e.xlsx", None, None, column="中期目标",
                                                         values=("240", None))]), shanghai, engine="reference")
    assert "G60-CON-005" not in [f.rule_id for f in findings.findings]


def test_chinese_keys_are_read(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("类型: 项目\n表式: national-2021\n项目名称: 甲\n中期目标: 三年完成\n长期绩效目标: 五年完成\n",
                    encoding="utf-8")
    (project,) = load_corpus([path]).projects
    assert (project.midterm_target, project.longterm_target) == ("三年完成", "五年完成")


def test_a_form_that_prints_only_a_long_term_target(tmp_path):
    # a provincial form with 长期目标 / 年度目标 and no 中期指标值 column, added by a child ruleset
    from g60rules.rules.compiler import BUNDLED_DIR, collect_problems

    path = tmp_path / "province.yaml"
    path.write_text(f"""ruleset: province
extends: {BUNDLED_DIR / "shanghai.yaml"}
layouts:
  province-2022:
    title: {{zh: 某省项目绩效目标表, en: A provincial form}}
    project: [name, competent_department, implementing_unit, period, longterm_target, annual_target]
    funds: [total]
    funds_unit: 万元
    indicators: [level1, level2, level3, target_value]
    amount: total
""", encoding="utf-8")
    ruleset, problems = collect_problems(path)
    assert problems == []
    document = {"kind": "project", "form": "province-2022", "name": "河道保洁", "competent_department": "某县水利局",
                "implementing_unit": "某县河道所", "period": "2026-2029", "annual_target": "保洁河道40公里",
                "funds": {"total": 160}, "indicators": [dict(r) for r in ROWS]}
    found = con005(ruleset, document)
    assert len(found) == 1 and "跨 4 个年度" in found[0]
    assert con005(ruleset, {**document, "longterm_target": "四年内河道水质稳定达到III类"}) == []
    assert con005(ruleset, {**document, "period": "1年"}) == []
