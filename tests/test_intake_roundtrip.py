"""Round trips: a declaration written as YAML and as each form's workbook / Word table / CSV reads to
the same model; the six seed projects written as a Shanghai workbook give the YAML's findings."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.intake.forms import form_sheet, write_csv, write_docx, write_xlsx
from g60rules.intake.yaml_loader import load_corpus, load_text
from g60rules.model import FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["社区", "养老", "平台", "运维", "课题", "调研", "培训", "设备", "购置", "宣传", "绿化", "河道", "整治",
         "数据", "采集", "监测", "维护", "档案"]
LEVELS = {
    "shanghai-2024": {"成本指标": ["经济成本指标"], "产出指标": ["数量指标", "质量指标", "时效指标"],
                      "效益指标": ["社会效益指标", "可持续影响指标"], "满意度指标": ["服务对象满意度指标"]},
    "national-2021": {"成本指标": ["经济成本指标", "社会成本指标"], "产出指标": ["数量指标", "质量指标"],
                      "效益指标": ["经济效益指标"], "满意度指标": ["服务对象满意度指标"]},
    "legacy-2015": {"产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"], "效益指标": ["社会效益指标"],
                    "满意度指标": ["服务对象满意度指标"]},
    "ndrc-investment": {"实施效果指标": ["产出指标", "效益指标", "满意度指标"], "过程管理指标": ["进度管理指标"]},
}

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("".join)
yuan = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def declarations(draw, form: str) -> dict:
    """A declaration of ``form`` as a dict of written values (what a declaration file holds)."""
    values: dict = {"name": draw(words), "competent_department": draw(words), "implementing_unit": draw(words)}
    if form != "legacy-2015":
        values |= {"nature": draw(words), "category": draw(words), "plan_start": draw(dates), "plan_end": draw(dates),
                   "project_target": draw(words), "annual_target": draw(words)}
    if form in ("legacy-2015", "ndrc-investment"):
        values["period"] = draw(st.sampled_from(["3年", "2024-2026", "两年"]))
    if form == "legacy-2015":
        values["performance_target"] = draw(words)
    if form == "national-2021":
        values["midterm_target"] = draw(st.none() | words)
    if form != "legacy-2015" and draw(st.booleans()):
        values["budget_year"] = draw(st.integers(2020, 2030))
    fund_keys = ["total", "fiscal", "other", "annual_request", "appropriation", "carryover", "annual_other"]
    if form == "legacy-2015":
        fund_keys = ["total", "fiscal", "other", "annual_request", "appropriation", "carryover"]
    if form in ("national-2021", "ndrc-investment"):
        fund_keys += ["central", "provincial", "municipal", "county"]
    funds = {}
    for key in fund_keys:
        amount = draw(st.none() | yuan)
        # the funds-by-source fields count in 万元 when bare: say 元 so the amount is the same
        funds[key] = None if amount is None else (f"{amount}元" if key in ("central", "provincial", "municipal",
                                                                          "county") else amount)
    values["funds"] = funds
    levels = LEVELS[form]
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        level1 = draw(st.sampled_from(sorted(levels)))
        row = {"level1": level1, "level2": draw(st.sampled_from(levels[level1])), "level3": draw(words)}
        number = draw(st.integers(1, 999))
        if form == "national-2021":
            row |= {"operator": draw(st.sampled_from(["≥", "≤", "=", "正向", "反向"])), "target_value": str(number),
                    "unit": draw(st.sampled_from(["%", "篇", "人次", "元/人"]))}
            if draw(st.booleans()):
                row["weight"] = Decimal(draw(st.integers(1, 30)))
            if draw(st.booleans()):
                row["midterm_target"] = f"≥{number * 2}"
        else:
            row["target_value"] = draw(st.sampled_from(["≥{}(篇)", "≤{}(元)", "={}(%)", "{}个"])).format(number)
        rows.append(row)
    values["indicators"] = rows
    return values


def _yaml(values: dict, form: str) -> str:
    """The declaration file: every scalar a quoted string (as written), or ~."""
    def scalar(v):
        if v is None:
            return "~"
        if isinstance(v, dt.date):
            return json.dumps(v.isoformat())
        return json.dumps(format(v, "f") if isinstance(v, Decimal) else str(v), ensure_ascii=False)

    lines = ["kind: project", f"form: {form}"]
    for key, value in values.items():
        if key == "funds":
            lines.append("funds:")
            lines += [f"  {k}: {scalar(v)}" for k, v in value.items()]
        elif key == "indicators":
            lines.append("indicators:")
            for row in value:
                lines += [f"  {'-' if i == 0 else ' '} {k}: {scalar(v)}" for i, (k, v) in enumerate(row.items())]
        else:
            lines.append(f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def _comparable(project) -> dict:
    return project.model_dump(exclude={"source": True, "funds": {"source"}, "indicators": {"__all__": {"source"}}})


WRITERS = {
    "xlsx": lambda sheet, path: write_xlsx([sheet], path),
    "docx": write_docx,
    "csv": lambda sheet, path: write_csv(sheet, path, encoding="gb18030"),
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("form", sorted(LEVELS))
def test_every_layout_round_trips_through_every_file_type(tmp_path_factory, form, kind):
    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(declarations(form))
    def check(values):
        folder = tmp_path_factory.mktemp("rt")
        expected, problems = load_text(_yaml(values, form), "d.yaml")
        assert problems == [] and expected is not None
        path = folder / f"d.{kind}"
        # CSV has no merged cells: a form saved as CSV repeats nothing, so levels are written per row
        WRITERS[kind](form_sheet(values, form, "申报表", merge_levels=kind != "csv"), path)
        corpus = load_corpus([path])
        assert [f.rule_id for f in corpus.findings] == [], [f.message_zh for f in corpus.findings]
        (project,) = corpus.projects
        assert project.form == form
        assert _comparable(project) == _comparable(expected)

    check()


def _english(mapping: dict, specs) -> dict:
    table = {label: spec.key for spec in specs for label in (spec.key, *spec.labels)}
    return {table[k]: (None if v in ("~", "") else v) for k, v in mapping.items()}


def _seed(path: Path) -> dict:
    """A seed declaration's written values, keys in English (BaseLoader: every scalar as its text)."""
    values = _english(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader), PROJECT_FIELDS)
    values.pop("kind")
    values["funds"] = _english(values.get("funds") or {}, FUNDS_FIELDS)
    values["indicators"] = [_english(row, INDICATOR_FIELDS) for row in values.get("indicators") or []]
    return values


def test_seed_projects_as_a_shanghai_workbook_give_the_yaml_findings(tmp_path):
    seeds = sorted((ROOT / "declarations" / "g60-2024").glob("0*.yaml"))
    assert len(seeds) == 6
    workbook = tmp_path / "seed.xlsx"
    write_xlsx([form_sheet(_seed(path), "shanghai-2024", name=path.stem) for path in seeds], workbook)
    runner = CliRunner()

    def findings(*targets):
        out = runner.invoke(app, ["check", *map(str, targets), "-f", "json", "--engine", "reference"]).stdout
        data = json.loads(out)
        return data, Counter((f["rule_id"], f["project"], f["row"], f["field"], f["message"]) for f in data["findings"])

    from_yaml, expected = findings(*seeds)
    from_book, got = findings(workbook)
    assert from_book["declarations"] == 6
    assert sum(expected.values()) > 20
    assert got == expected
    assert all(f["cell"].split(" › ")[0] in {p.stem for p in seeds} for f in from_book["findings"])


def test_an_unreadable_header_cell_is_written_as_an_error_cell(tmp_path):
    # the smallest declaration naming an unreadable cell (the seed's 04 年度总体目标 is one)
    values = {"name": "丙", "unreadable": ["年度总体目标"]}
    workbook = tmp_path / "u.xlsx"
    write_xlsx([form_sheet(values, "shanghai-2024")], workbook)
    (project,) = load_corpus([workbook]).projects
    assert project.unreadable == ["annual_target"] and project.annual_target is None
    # funds and row cells too; two unreadable 二级指标 in a row stay two cells
    rows = [{"level1": "产出指标", "level3": f"活动{i}", "target_value": "≥1次", "unreadable": ["二级指标"]}
            for i in (1, 2)]
    values = {"name": "丁", "funds": {"total": "100", "unreadable": ["上年结转资金"]}, "indicators": rows}
    write_xlsx([form_sheet(values, "shanghai-2024")], workbook)
    (project,) = load_corpus([workbook]).projects
    assert project.funds.unreadable == ["carryover"] and project.funds.total == Decimal(100)
    assert [row.unreadable for row in project.indicators] == [["level2"], ["level2"]]
    with pytest.raises(ValueError, match="unreadable"):
        write_csv(form_sheet(values, "shanghai-2024"), tmp_path / "u.csv")
    with pytest.raises(ValueError, match="both filled and unreadable"):
        form_sheet({"name": "丙", "annual_target": "完成", "unreadable": ["annual_target"]}, "shanghai-2024")
