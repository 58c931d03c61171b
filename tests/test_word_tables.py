"""Named word tables (``word_tables:`` / ``{word_table: NAME}``): one list read by several rules.

A district that extends a ruleset changes a table once and every rule reading it follows; mistakes
stop the load with file and line. Findings run on both engines (``run`` asserts they agree); the
words are our own, not the shipped ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from g60rules.rules.compiler import RulesetError, collect_problems, load_ruleset, ruleset_from_data
from g60rules.rules.docs import rules_markdown, show_text
from g60rules.rules.lint import lint

from test_rules_fidelity import project, run

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ROOT / "rulesets" / "shanghai.yaml"


def _district(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "district.yaml"
    path.write_text(f"ruleset: district\nextends: {SHANGHAI}\n{body}", encoding="utf-8")
    return path


def _row(level2: str, name: str, value: str, level1: str = "产出指标") -> dict:
    return {"level1": level1, "level2": level2, "level3": name, "target_value": value}


# --- one table, every rule ------------------------------------------------------------------------

def test_a_replaced_table_changes_every_rule_reading_it(shanghai, tmp_path):
    district = load_ruleset(_district(tmp_path, "word_tables:\n  prompts: [（待定）, 此处填写]\n"))
    document = project([_row("数量指标", "宣讲场次（待定）", "≥4场"),
                        _row("质量指标", "宣讲覆盖率", "≥90%此处填写"),
                        _row("质量指标", "讲稿审核（请填写）", "≥95%")], name="此处填写项目名称")
    found, _ = run(district, document)
    # the new words: the name (G60-COMP-019), the value (G60-COMP-021), the project name (G60-COMP-022)
    assert {("G60-COMP-019", 7), ("G60-COMP-021", 8), ("G60-COMP-022", None)} <= found
    # '请填写' is no longer a prompt in the district
    assert ("G60-COMP-019", 9) not in found
    before, _ = run(shanghai, document)
    assert ("G60-COMP-019", 9) in before and not {("G60-COMP-019", 7), ("G60-COMP-021", 8)} & before
    assert set(district.users("prompts")) == {"G60-COMP-019", "G60-COMP-021", "G60-COMP-022", "G60-APP-013"}


def test_add_extends_a_parents_table_for_every_rule(shanghai, tmp_path):
    district = load_ruleset(_district(tmp_path, "word_tables:\n  adverse_counts: {add: [扰民]}\n"))
    rows = [_row("数量指标", "夜间施工扰民次数", "≤3次"),     # G60-APP-016 exempts it now
            _row("数量指标", "夜间施工扰民次数", "=0次"),     # and G60-APP-015
            _row("数量指标", "群众信访件数", "≤5件")]         # a parent's word still counts
    found, _ = run(district, project(rows))
    before, _ = run(shanghai, project(rows))
    assert {("G60-APP-016", 7), ("G60-APP-015", 8)} <= before
    assert not {r for r in found if r[0] in ("G60-APP-015", "G60-APP-016")}
    parent, child = shanghai.word_tables["adverse_counts"].words, district.word_tables["adverse_counts"].words
    assert child == (*parent, "扰民")
    assert district.word_tables["adverse_counts"].origins[-1] == f"{tmp_path / 'district.yaml'}:4"


def test_remove_takes_a_word_out_of_a_parents_table(tmp_path):
    district = load_ruleset(_district(tmp_path, "word_tables:\n  adverse_counts: {remove: [信访], add: [信访量]}\n"))
    found, _ = run(district, project([_row("数量指标", "群众信访件数", "≤5件"),
                                      _row("数量指标", "群众信访量", "≤5件")]))
    assert {r for r in found if r[0] == "G60-APP-016"} == {("G60-APP-016", 7)}


def test_a_rules_own_parameter_wins_over_the_table(shanghai, tmp_path):
    district = load_ruleset(_district(tmp_path, "overrides:\n  G60-COMP-019:\n    params: {prompts: [（待定）]}\n"))
    document = project([_row("数量指标", "宣讲场次（待定）", "≥4场"), _row("数量指标", "讲稿份数（请填写）", "≥4份")])
    found, _ = run(district, document)
    assert ("G60-COMP-019", 7) in found and ("G60-COMP-019", 8) not in found
    assert "prompts" not in district.rule("G60-COMP-019").word_tables
    assert district.users("prompts") == ["G60-COMP-021", "G60-COMP-022", "G60-APP-013"]
    # an override may name a table the rule reads, and nothing else
    with pytest.raises(RulesetError) as info:
        load_ruleset(_district(tmp_path, "overrides:\n  G60-COMP-019:\n    params: {handling: [处理]}\n"))
    assert info.value.line == 5 and "no parameter handling" in info.value.message


# --- mistakes stop the load with file and line ----------------------------------------------------

def test_an_unknown_table_name_names_file_line_and_the_closest_table(tmp_path):
    path = _district(tmp_path, """rules:
  - id: SJ-W-001
    title: {zh: 词, en: words}
    severity: warning
    basis: {source: SH-FORM, clause: t}
    applies_to: indicator
    when:
      all:
        - {field: level1_code, eq: benefit}
        - {field: level3, contains_any: {word_table: adverse_word}}
    message: {zh: 命中, en: hit}
    examples: [{expect: pass, declaration: {}}, {expect: fail, declaration: {}}]
""")
    with pytest.raises(RulesetError) as info:
        load_ruleset(path)
    problem = info.value.problem
    assert (problem.file, problem.line, problem.code) == (str(path), 12, "RS-WORDTABLE")
    assert "'adverse_word'" in problem.en and "did you mean 'adverse_words'" in problem.hint_en


@pytest.mark.parametrize("body, line, code, words", [
    ("word_tables:\n  slogans: {add: [口号]}\n", 4, "RS-WORDTABLE-EDIT", "no parent ruleset defines"),
    ("word_tables:\n  adverse_counts:\n    remove: [扰民]\n", 5, "RS-WORDTABLE-EDIT", "'扰民' is not in"),
    ("word_tables:\n  adverse_names: []\n", 4, "RS-WORDTABLE-EMPTY", "is empty"),
    ("word_tables:\n  adverse_names: {remove: [投诉率]}\n  more: [甲]\n  more: [乙]\n", 6, "RS-DUPKEY", "duplicate key 'more'"),
    ("word_tables:\n  more:\n    - 甲\n    - 乙[丙]\n", 6, "RS-VALUE", "must not be blank"),
    ("word_tables:\n  more: [甲, '  ']\n", 4, "RS-VALUE", "must not be blank"),
    ("word_tables:\n  prompts: {ad: [待补充]}\n", 4, "RS-KEY", "unknown key 'ad'"),
    ("word_tables:\n  prompts: 待补充\n", 4, "RS-VALUE", "a list of words, or {add"),
    ("word_tables:\n  more: [甲, 12]\n", 4, "RS-VALUE", "12 is not a word"),
])
def test_table_mistakes_name_file_and_line(tmp_path, body, line, code, words):
    path = _district(tmp_path, body)
    with pytest.raises(RulesetError) as info:
        load_ruleset(path)
    problem = info.value.problem
    assert (problem.file, problem.line, problem.code) == (str(path), line, code), problem.text("en")
    assert words in problem.en


# a word that YAML reads as something else: each one is a ruleset error at its own line and column,
# in the list form and in add/remove alike (the trial's add: [待填, 123] crashed with a pydantic error)
@pytest.mark.parametrize("item, words", [
    ("4096", "4096 is not a word; quote it"),
    ("2.5", "2.5 is not a word"),
    ("~", "empty value"),
    ("null", "empty value"),
    ("[丙, 丁]", "nested list"),
    ("{丙: 丁}", "nested list or mapping"),
    ("on", "truth value"),
    ("no", "truth value"),
])
@pytest.mark.parametrize("where", ["adverse_counts: {add: [甲, ITEM]}", "adverse_counts: {remove: [信访, ITEM]}",
                                   "more: [甲, ITEM]"])
def test_a_word_that_is_not_text_names_file_line_and_column(tmp_path, item, words, where):
    line = "  " + where.replace("ITEM", item)
    path = _district(tmp_path, f"word_tables:\n{line}\n")
    with pytest.raises(RulesetError) as info:
        load_ruleset(path)
    problem = info.value.problem
    assert (problem.file, problem.line, problem.code) == (str(path), 4, "RS-VALUE"), problem.text("en")
    assert problem.column == line.index(item) + 1
    assert words in problem.en
    _, problems = collect_problems(path)
    assert [(p.line, p.column) for p in problems] == [(4, line.index(item) + 1)]


def test_every_non_text_word_is_reported(tmp_path):
    path = _district(tmp_path, "word_tables:\n  adverse_counts:\n    add: [甲, yes, 7]\n    remove: [~]\n")
    _, problems = collect_problems(path)
    assert [(p.line, p.column, p.code) for p in problems] == [(5, 14, "RS-VALUE"), (5, 19, "RS-VALUE"),
                                                              (6, 14, "RS-VALUE")]


@pytest.mark.parametrize("body", [
    "word_tables:\n  more: [甲, 12]\n",
    "word_tables:\n  more: [甲, '[乙]']\n",
    "word_tables:\n  more: [甲, ' ']\n",
    "word_tables:\n  prompts:\n    add:[待填]\n",
    "word_tables:\n  adverse_counts: {remove: 信访}\n",
    "word_tables:\n  adverse_counts: {add: [on]}\n",
    "word_tables:\n  adverse_counts: {add: [[甲]]}\n",
])
def test_word_table_errors_are_chinese_by_default_and_english_with_lang_en(tmp_path, body):
    with pytest.raises(RulesetError) as info:
        load_ruleset(_district(tmp_path, body))
    problem = info.value.problem
    detail_zh = problem.zh.split("：", 1)[1]
    assert not re.search(r"[A-Za-z]{3,}", detail_zh.replace("add", "").replace("remove", "")
                         .replace("null", "").replace("yes", "").replace("no/on/off/true/false", "")), problem.zh
    assert re.search(r"[\u4e00-\u9fff]", detail_zh)
    assert not re.search(r"(不是|不能|应为|词表应)", problem.en)


def test_removing_every_word_empties_the_table(tmp_path):
    words = load_ruleset(SHANGHAI).word_tables["adverse_names"].words
    path = _district(tmp_path, f"word_tables:\n  adverse_names: {{remove: [{', '.join(words)}]}}\n")
    with pytest.raises(RulesetError) as info:
        load_ruleset(path)
    assert info.value.problem.code == "RS-WORDTABLE-EMPTY" and info.value.line == 4


def test_lint_warns_on_a_table_no_rule_reads(tmp_path):
    path = _district(tmp_path, "word_tables:\n  slogans: [口号, 标语]\n")
    load_ruleset(path)  # a warning never stops a run
    problems = [p for p in lint(path) if p.code.startswith("RS-WORDTABLE")]
    assert [(p.file, p.line, p.level) for p in problems] == [(str(path), 4, "warning")]
    assert "slogans" in problems[0].en
    # the shipped rulesets: every table is read
    assert not [p for p in lint(SHANGHAI) if p.code.startswith("RS-WORDTABLE")]


def test_lint_collects_every_table_problem(tmp_path):
    path = _district(tmp_path, "word_tables:\n  a: []\n  b: {add: [乙]}\n")
    _, problems = collect_problems(path)
    assert [(p.line, p.code) for p in problems] == [(4, "RS-WORDTABLE-EMPTY"), (5, "RS-WORDTABLE-EDIT")]


# --- both forms of a list compile to the same condition -------------------------------------------

def _rule(rule_id: str, op: str, words) -> dict:
    return {"id": rule_id, "title": {"zh": "词", "en": "words"}, "severity": "error",
            "basis": {"source": "SH-FORM", "clause": "t"}, "applies_to": "indicator",
            "when": {"field": "level3", op: words}, "message": {"zh": "命中", "en": "hit"},
            "examples": [{"expect": "pass", "declaration": {}}, {"expect": "fail", "declaration": {}}]}


@pytest.mark.parametrize("op", ["contains_any", "contains_none", "in", "not_in"])
def test_a_table_reference_compiles_as_the_written_list(op):
    words = ["扰民", "a.b", "**"]
    ruleset = ruleset_from_data({"ruleset": "w", "word_tables": {"noise": words},
                                 "rules": [_rule("T-A-1", op, {"word_table": "noise"}), _rule("T-B-1", op, words)]})
    assert ruleset.rule("T-A-1").condition == ruleset.rule("T-B-1").condition
    assert ruleset.users("noise") == ["T-A-1"]


# --- documentation --------------------------------------------------------------------------------

def test_rules_md_shows_each_table_once_with_its_rules(shanghai):
    text = rules_markdown(shanghai)
    for name, table in shanghai.word_tables.items():
        assert text.count(f"### {name}\n") == 1
        section = text.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        assert all(f"[{rule}](#{rule.lower()})" in section for rule in shanghai.users(name))
        assert "、".join(f"`{w}`" for w in table.words) in section
    # a rule links to the table instead of repeating its words
    app022 = text.split("## G60-APP-022", 1)[1].split("\n## ", 1)[0]
    assert "(#word-table-adverse_words)" in app022 and "`坏账`" not in app022
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(shanghai)


def test_show_names_where_a_table_comes_from(tmp_path):
    path = _district(tmp_path, "word_tables:\n  adverse_counts: {add: [扰民]}\n")
    text = show_text(load_ruleset(path), "en")
    line = next(x for x in text.splitlines() if x.startswith("word_tables.adverse_counts"))
    assert "扰民" in line and re.search(r"core\.yaml:\d+ → .*district\.yaml:4\]$", line)


def test_the_district_example_in_the_docs_lints_clean(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # '../shanghai.yaml' leaves the district's folder: allowed under the working directory
    page = (ROOT / "docs" / "rulesets.md").read_text(encoding="utf-8")
    block = re.search(r"\*\*A district ruleset\*\*.*?```yaml\n(.*?)```", page, re.DOTALL).group(1)
    folder = tmp_path / "districts"
    folder.mkdir()
    (tmp_path / "shanghai.yaml").write_text(f"ruleset: shanghai-copy\nextends: {SHANGHAI}\n", encoding="utf-8")
    path = folder / "district.yaml"
    path.write_text(block, encoding="utf-8")
    assert yaml.safe_load(block)["extends"] == "../shanghai.yaml"
    assert lint(path) == []
    compiled = load_ruleset(path)
    assert {"待补充", "此处填写"} <= set(compiled.word_tables["prompts"].words)
    assert "能耗" not in compiled.word_tables["adverse_counts"].words
    found, _ = run(compiled, project([_row("数量指标", "夜间施工扰民次数", "≤3次"),
                                      _row("数量指标", "宣讲场次（待补充）", "≥4场")]))
    assert ("G60-APP-016", 7) not in found and ("G60-COMP-019", 8) in found


def test_a_table_edit_that_breaks_a_parents_example_is_reported_on_the_edit(tmp_path):
    path = _district(tmp_path, "word_tables:\n  adverse_counts:\n    remove: [投诉, 信访]\n")
    problems = [p for p in lint(path) if p.level == "error"]
    # G60-APP-015's passing example 群众信访件数 =0件 now fires: the district's line is named, not core.yaml's
    assert problems and {(p.file, p.line) for p in problems} == {(str(path), 4)}
    assert any("G60-APP-015" in p.hint_en and "adverse_counts" in p.hint_en for p in problems)


# --- every word list the docs call a 词表 is a word table -----------------------------------------

def test_every_list_the_docs_call_a_word_table_is_one(shanghai):
    # docs/rules.md (from each rule's why) says "词表 NAME": each such NAME is a table, not a rule param
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    named = set(re.findall(r"词表 ([a-z_]+)", text))
    assert {"vague", "timely", "answers", "prompts"} <= named
    assert named <= set(shanghai.word_tables)
    assert not [r.id for r in shanghai.rules if named & set(r.params)]


@pytest.mark.parametrize("table, level1, level2, value", [
    ("vague", "效益指标", "社会效益指标", "大幅跃升"),
    ("timely", "产出指标", "时效指标", "抓紧办理"),
    ("answers", "效益指标", "生态效益指标", "不存在"),
])
def test_a_district_adds_to_the_vague_timely_and_answers_tables(shanghai, tmp_path, table, level1, level2, value):
    rule = "G60-APP-017" if table == "answers" else "G60-APP-013"
    word = {"vague": "跃升", "timely": "抓紧", "answers": "不存在"}[table]
    document = project([_row(level2, "服务成效", value, level1=level1)])
    assert (rule, 7) not in run(shanghai, document)[0]
    district = load_ruleset(_district(tmp_path, f"word_tables:\n  {table}: {{add: [{word}]}}\n"))
    assert (rule, 7) in run(district, document)[0]
    assert district.users(table) == [rule]
    # a list replaces the table: the parent's words no longer count
    replaced = load_ruleset(_district(tmp_path, f"word_tables:\n  {table}: [{word}]\n"))
    assert replaced.word_tables[table].words == (word,)


def test_an_edit_of_a_rule_parameter_says_it_is_a_parameter_not_a_table(tmp_path):
    path = _district(tmp_path, "word_tables:\n  people_units: {add: [位]}\n")
    with pytest.raises(RulesetError) as info:
        load_ruleset(path)
    problem = info.value.problem
    assert (problem.line, problem.code) == (4, "RS-WORDTABLE-EDIT")
    assert "people_units 是 G60-REL-008 的参数，不是词表" in problem.zh
    assert "'people_units' is a parameter of G60-REL-008, not a word table" in problem.en
    assert "overrides: G60-REL-008: params: {people_units: [...]}" in problem.en


# --- lint names edits whose consequences are silent -------------------------------------------------

def _lint_codes(path: Path, *codes: str) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.code, p.level) for p in lint(path) if p.code in codes]


def test_lint_names_the_words_a_replacing_list_drops(shanghai, tmp_path):
    parent = shanghai.word_tables["adverse_counts"].words
    kept = parent[:3]
    path = _district(tmp_path, f"word_tables:\n  adverse_counts: [{', '.join(kept)}, 扰民]\n")
    problems = [p for p in lint(path) if p.code == "RS-WORDTABLE-DROPS"]
    assert [(p.line, p.level) for p in problems] == [(4, "notice")]
    dropped = problems[0].zh.split("去掉了：")[1].split("、")
    assert dropped == [w for w in parent if w not in kept]
    assert "drops: " + ", ".join(dropped[:2]).replace(", ", "、") in problems[0].en
    # a list that keeps every word of the parent drops nothing
    same = _district(tmp_path, f"word_tables:\n  adverse_counts: [{', '.join(parent)}, 扰民]\n")
    assert not _lint_codes(same, "RS-WORDTABLE-DROPS")
    # nor does a new table, nor an add
    assert not _lint_codes(_district(tmp_path, "word_tables:\n  adverse_counts: {add: [扰民]}\n"), "RS-WORDTABLE-DROPS")


def test_lint_notes_an_add_of_a_word_already_in_the_table(shanghai, tmp_path):
    present = shanghai.word_tables["handling"].words[5]
    path = _district(tmp_path, f"word_tables:\n  handling:\n    add: [新增词, {present}]\n")
    assert _lint_codes(path, "RS-WORDTABLE-REPEAT") == [(5, len("    add: [新增词, ") + 1, "RS-WORDTABLE-REPEAT", "notice")]
    # removed first, then added back: a real change, no notice
    back = _district(tmp_path, f"word_tables:\n  handling: {{remove: [{present}], add: [{present}]}}\n")
    assert not _lint_codes(back, "RS-WORDTABLE-REPEAT")


def test_lint_warns_when_a_rule_parameter_shadows_a_table(tmp_path):
    path = _district(tmp_path, "word_tables:\n  adverse_words: {add: [漏检]}\n"
                               "overrides:\n  G60-APP-022:\n    params: {adverse_words: [投诉, 事故]}\n")
    problems = [p for p in lint(path) if p.code == "RS-PARAM-SHADOWS"]
    assert [(p.line, p.level) for p in problems] == [(7, "warning")]
    assert "G60-APP-022 的参数 adverse_words 遮蔽了同名词表" in problems[0].zh
    assert "G60-APP-022" not in load_ruleset(path).users("adverse_words")
    # a parameter no condition reads as a table is no shadow
    other = _district(tmp_path, "overrides:\n  G60-REL-008:\n    params: {people_units: [人, 位]}\n")
    assert not _lint_codes(other, "RS-PARAM-SHADOWS")


def test_lint_warns_that_examples_on_a_disabled_rule_never_run(tmp_path):
    path = _district(tmp_path, "overrides:\n  G60-APP-017:\n    enabled: false\n    reason: 本区另行考核\n"
                               "    examples:\n      - {expect: fail, declaration: {indicators: []}}\n"
                               "      - {expect: pass, declaration: {indicators: []}}\n")
    problems = [p for p in lint(path) if p.code == "RS-EXAMPLE-DISABLED"]
    assert [(p.line, p.level) for p in problems] == [(7, "warning")]
    assert "示例不会运行：规则已停用" in problems[0].zh
    plain = _district(tmp_path, "overrides:\n  G60-APP-017:\n    enabled: false\n    reason: 本区另行考核\n")
    assert not _lint_codes(plain, "RS-EXAMPLE-DISABLED")
    # notices and warnings never stop a run
    load_ruleset(path)


def test_a_notice_never_fails_lint_even_with_strict_a_warning_does(tmp_path):
    from typer.testing import CliRunner

    from g60rules.cli import app

    runner = CliRunner()
    notice = _district(tmp_path, "word_tables:\n  adverse_counts: {add: [信访, 扰民]}\n")
    for args in (["ruleset", "lint"], ["ruleset", "lint", "--strict"], ["ruleset", "lint", "--lang", "en"]):
        result = runner.invoke(app, [*args, str(notice)])
        assert "RS-WORDTABLE-REPEAT" in result.output and result.exit_code == 0, result.output
    shadow = tmp_path / "shadow.yaml"
    words = ", ".join((*load_ruleset(SHANGHAI).word_tables["handling"].words, "销账"))  # examples still hold
    shadow.write_text(f"ruleset: s\nextends: {SHANGHAI}\noverrides:\n  G60-APP-022:\n    params: {{handling: [{words}]}}\n",
                      encoding="utf-8")
    assert runner.invoke(app, ["ruleset", "lint", str(shadow)]).exit_code == 0
    assert runner.invoke(app, ["ruleset", "lint", "--strict", str(shadow)]).exit_code == 1


def test_rules_md_of_a_district_lists_its_disabled_rules_with_the_reason(tmp_path):
    path = _district(tmp_path, "overrides:\n  G60-APP-017:\n    enabled: false\n    reason: 本区效益指标另行审核\n"
                               "  G60-COMP-018: {enabled: false, reason: 时效另行考核}\n")
    text = rules_markdown(load_ruleset(path))
    section = text.split("## 已停用的规则\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == ["- G60-APP-017: 本区效益指标另行审核 (district.yaml)",
                                    "- G60-COMP-018: 时效另行考核 (district.yaml)"]
    assert "Disabled rules" in rules_markdown(load_ruleset(path), "en")
    assert "已停用的规则" not in rules_markdown(load_ruleset(SHANGHAI))
