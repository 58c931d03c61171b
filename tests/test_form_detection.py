"""Which form a workbook is, weighed from the signs each template really prints (values3: issue 8's
closing note, "a workbook whose only national sign is a 中期目标 line is read as the Shanghai form").

Workbooks are built here with openpyxl; names, words and numbers are our own.
"""

from __future__ import annotations

import csv

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from g60rules.intake.layout import detect_form
from g60rules.intake.yaml_loader import load_corpus

TABLE = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "新建污水管网长度", "≥12公里"],
    ["效益指标", "生态效益指标", "污水收集率", "≥85%"],
    ["满意度指标", "服务对象满意度指标", "居民满意度", "≥90%"],
]


def _book(path, rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c).value = value
    book.save(path)
    return path


def _national_weak(midterm_label="中期目标", period=True, extra=()):
    """A national-2021 form without funds by source and without operator/unit/weight columns."""
    rows = [
        ["项目支出绩效目标申报表"],
        ["项目名称", "城区污水管网改造", "主管部门", "某区水务局"],
        ["实施单位", "某区排水所", "预算年度", 2027],
    ]
    if period:
        rows.append(["项目期", "2027-2029"])
    rows += [
        ["项目资金（万元）", "资金总额", 900, "年度资金总额", 300],
        *([[label, text] for label, text in extra]),
        [midterm_label, "三年新建管网36公里"],
        ["年度目标", "新建管网12公里"],
        *TABLE,
    ]
    return rows


@pytest.mark.parametrize("label", ["中期目标", "中期目标（2027-2029年）", "长期目标", "中期绩效目标"])
@pytest.mark.parametrize("period", [True, False])
def test_a_form_with_national_signs_only_is_national(tmp_path, label, period):
    (project,) = load_corpus([_book(tmp_path / "n.xlsx", _national_weak(label, period))]).projects
    assert project.form == "national-2021"
    target = project.longterm_target if label.startswith("长期") else project.midterm_target
    assert target == "三年新建管网36公里"


def test_the_closing_notes_shape_only_a_midterm_line(tmp_path):
    rows = [
        ["项目名称", "乡村图书室运维"],
        ["主管部门", "某镇文化站"],
        ["实施单位", "某镇文化站"],
        ["中期目标", "两年覆盖全部行政村"],
        *TABLE,
    ]
    (project,) = load_corpus([_book(tmp_path / "m.xlsx", rows)]).projects
    assert project.form == "national-2021"


def test_a_midterm_header_over_the_table_is_a_sign(tmp_path):
    rows = [
        ["项目名称", "河道清淤"], ["主管部门", "某县水利局"], ["实施单位", "某县河道所"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "中期目标"],
        ["产出指标", "数量指标", "清淤河道长度", "≥8公里", "≥20公里"],
    ]
    (project,) = load_corpus([_book(tmp_path / "t.xlsx", rows)]).projects
    assert project.form == "national-2021"
    assert project.indicators[0].midterm_target.raw == "≥20公里"


def _shanghai(project_target="建成覆盖全区的智慧养老服务平台", annual_target="完成平台一期建设", extra=()):
    return [
        ["财政项目支出绩效目标申报表"],
        ["项目名称", "智慧养老平台", None, "项目性质", "其他经常性项目", "项目类别", "特定目标类"],
        ["主管部门", "某区民政局", None, "实施单位", "某区养老服务中心"],
        ["计划开始日期", "2026-01-01", None, "计划完成日期", "2026-12-31"],
        ["项目资金（元）", "项目资金总额", 800000, "年度资金申请总额", None, 800000],
        [None, "其中：财政资金", 800000, "其中：当年财政拨款", None, 800000],
        *([[label, text] for label, text in extra]),
        ["项目绩效目标", "项目总目标", None, None, "年度总体目标"],
        [None, project_target, None, None, annual_target],
        *TABLE,
    ]


@pytest.mark.parametrize(("project_target", "annual_target"), [
    ("完成中期目标的一半，服务覆盖全区", "完成平台一期建设"),  # a mention in a text cell
    ("中期目标：三年内建成全区平台", "年度目标：完成一期"),  # text that reads like label and value
    ("中期目标", "完成平台一期建设"),  # a value that is a label's word
])
def test_a_shanghai_form_that_mentions_midterm_stays_shanghai(tmp_path, project_target, annual_target):
    path = _book(tmp_path / "s.xlsx", _shanghai(project_target, annual_target))
    (project,) = load_corpus([path]).projects
    assert project.form == "shanghai-2024"


def test_a_shanghai_form_with_one_national_line_stays_shanghai(tmp_path):
    path = _book(tmp_path / "s2.xlsx", _shanghai(extra=[("中期目标", "三年建成")]))
    (project,) = load_corpus([path]).projects
    assert project.form == "shanghai-2024"


def test_strong_national_marks_still_decide(tmp_path):
    rows = _national_weak(period=False) + [["", ""]]
    rows[4] = ["项目资金（万元）", "资金总额", 900, "县本级资金", 300]
    (project,) = load_corpus([_book(tmp_path / "k.xlsx", rows)]).projects
    assert project.form == "national-2021"


def test_the_same_from_csv(tmp_path):
    path = tmp_path / "n.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([[("" if v is None else v) for v in row] for row in _national_weak()])
    (project,) = load_corpus([path]).projects
    assert project.form == "national-2021"


def test_legacy_and_ndrc_are_unchanged():
    assert detect_form(set(), {"项目名称", "项目期", "绩效目标", "资金总额", "年度资金总额"}) == "legacy-2015"
    assert detect_form({"实施效果指标"}, {"项目名称", "中期目标", "总体目标"}) == "ndrc-investment"
    assert detect_form(set(), {"项目名称", "项目期", "绩效目标", "中期目标"}) == "national-2021"


NATIONAL = ["总体目标", "中期目标", "长期目标", "年度目标", "中期资金总额", "年度指标值", "中期绩效目标"]
SHANGHAI = ["项目总目标", "年度总体目标", "年度资金申请总额", "当年财政拨款", "计划开始日期", "计划完成日期",
            "项目性质", "项目类别", "项目资金(元)"]
SHARED = ["项目名称", "主管部门", "实施单位", "一级指标", "二级指标", "三级指标", "指标值", "完成中期目标的一半"]


@settings(max_examples=80, deadline=None)
@given(national=st.sets(st.sampled_from(NATIONAL)), shanghai=st.sets(st.sampled_from(SHANGHAI)),
       shared=st.sets(st.sampled_from(SHARED)))
def test_property_the_weightier_signs_decide(national, shanghai, shared):
    form = detect_form(set(), national | shanghai | shared)
    if len(national) > len(shanghai):
        assert form == "national-2021"
    else:
        assert form == "shanghai-2024"
