"""Streaming screening gives exactly the findings of loading the whole corpus and screening it at once.

Two oracles, each independent of the code it checks:

* :func:`_one_pass` is loading the whole corpus as it was done before the planner existed (every
  file, then every department's ``projects`` entries in one pass) — it checks that the planner
  (:mod:`g60rules.intake.units`) decides every entry, and so :func:`load_corpus`, exactly as before;
* :func:`screen_corpus` over the whole corpus (one graph of everything) checks the streamed screen,
  unit by unit in worker processes, on generated seasons, a hostile mixed folder, and hypothesis-
  generated trees of departments; and the CLI's findings and exit code, one path against the other.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from g60rules import cli
from g60rules import findings as fc
from g60rules.engines import pool, stream
from g60rules.engines.pool import screen, screen_corpus
from g60rules.findings import Finding
from g60rules.intake.units import _top_level_kind, plan
from g60rules.intake.yaml_loader import (YAML_SUFFIXES, Corpus, _display, _inside, _load_table, expand_paths,
                                         load_corpus, load_file, load_text)
from g60rules.model import Department, Project
from g60rules.safeio import present, resolved

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402
from season import SMALL_PROJECT, write  # noqa: E402
from test_intake_tables import _book, _form  # noqa: E402


def _one_pass(paths: list[Path], layouts=None) -> Corpus:
    """The whole corpus loaded in one pass, as before units: the oracle for the planner."""
    files, ignored, problems = expand_paths(paths)
    corpus = Corpus(ignored=ignored, findings=problems)
    loaded: dict[Path, object] = {}

    def load(path: Path):
        key = resolved(path)
        if key not in loaded and path.suffix.lower() not in YAML_SUFFIXES:
            loaded[key] = None
            corpus.files.append(_display(path))
            _load_table(path, corpus, layouts)
        if key not in loaded:
            obj, found = load_file(path, layouts)
            loaded[key] = obj
            corpus.findings.extend(found)
            corpus.files.append(_display(path))
        return loaded[key]

    for path in files:
        load(path)
    claimed: dict[Path, tuple[str, int]] = {}
    owner: dict[str, str] = {}  # a listed file that gives no project → the first department listing it
    for path in files:
        dept = loaded[resolved(path)]
        if not isinstance(dept, Department):
            continue
        listing_from = len(corpus.findings)
        for index, rel in enumerate(dept.project_files):
            target = path.parent / rel
            line = dept.source.line_of(f"projects[{index}]")
            if not _inside(target, path.parent):
                corpus.findings.append(fc.OUTSIDE_TREE.finding(dept.source.file, line, path=rel))
                continue
            if not present(target):
                corpus.findings.append(fc.MISSING_PROJECT_FILE.finding(dept.source.file, line, path=rel))
                continue
            key = resolved(target)
            if key in claimed:
                first = claimed[key]
                corpus.findings.append(fc.LISTED_TWICE.finding(dept.source.file, line, path=rel,
                                                            first=f"{first[0]}:{first[1]}"))
                continue
            project = load(target)
            if isinstance(project, Project):
                dept.projects.append(project)
                claimed[key] = (dept.source.file, line)
            else:
                if target.suffix.lower() in YAML_SUFFIXES:  # a listed workbook is screened as its own unit
                    owner.setdefault(_display(target), dept.name)
                if isinstance(project, Department) or project is None and not any(
                    f.file == _display(target) for f in corpus.findings
                ):
                    corpus.findings.append(fc.NOT_A_DECLARATION.finding(
                        dept.source.file, line, reason=(f"“{rel}” 不是项目申报", f"'{rel}' is not a project declaration")))
        # the findings on a department's listing are the department's (its letter, its 主管部门)
        corpus.findings[listing_from:] = [f if f.department else replace(f, department=dept.name)
                                          for f in corpus.findings[listing_from:]]
        corpus.departments.append(dept)
    corpus.findings = [replace(f, department=owner[f.file]) if f.file in owner and not f.department else f
                       for f in corpus.findings]
    for key, obj in loaded.items():
        if isinstance(obj, Project) and key not in claimed:
            corpus.projects.append(obj)
    return corpus


def _today(paths: list[Path], ruleset, engine: str, changed: set[Path] | None = None):
    """The whole-corpus path: loaded in one pass, one graph, ``changed`` handled as before streaming."""
    corpus = _one_pass(paths, ruleset.layouts)
    only = None
    if changed is not None:
        only = {f for f in corpus.files if Path(f).resolve() in changed}
        for dept in corpus.departments:
            listed = (Path(dept.source.file).parent / rel for rel in dept.project_files)
            if (dept.source.file in only or any(p.source.file in only for p in dept.projects)
                    or any(path.resolve() in changed for path in listed)):
                only.add(dept.source.file)
    return screen_corpus(corpus, ruleset, engine, 2, only)


def _same_corpus(a: Corpus, b: Corpus) -> None:
    key = Finding.sort_key
    assert sorted(b.findings, key=key) == sorted(a.findings, key=key)
    assert (b.files, b.ignored, b.self_evaluations) == (a.files, a.ignored, a.self_evaluations)
    assert [d.model_dump() for d in b.departments] == [d.model_dump() for d in a.departments]
    assert [p.model_dump() for p in b.projects] == [p.model_dump() for p in a.projects]


def _same(a, b) -> None:
    assert [f.to_dict("en") for f in b.findings] == [f.to_dict("en") for f in a.findings]
    assert (b.files, b.ignored, b.declarations, b.fallbacks) == (a.files, a.ignored, a.declarations, a.fallbacks)
    assert (b.projects, b.departments, b.unreadable) == (a.projects, a.departments, a.unreadable)
    assert (b.units, b.self_evaluations) == (a.units, a.self_evaluations)


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    out = tmp_path_factory.mktemp("season")
    generate(out, 160, 11)
    return out


@pytest.mark.parametrize("engine,jobs", [("reference", 1), ("reference", 2), ("durable", 2)])
def test_streaming_matches_the_whole_corpus_on_a_generated_season(season, shanghai, engine, jobs, monkeypatch):
    monkeypatch.setattr(stream, "FILES_PER_CHUNK", 16)  # many chunks, so workers interleave
    monkeypatch.setattr(stream, "SCAN_CHUNK", 8)  # and the scan runs in workers too
    today = _today([season], shanghai, engine)
    assert len(today.findings) > 100 and today.declarations > 150
    _same(today, screen([season], shanghai, engine, jobs))


def test_changed_files_match_the_whole_corpus(season, shanghai, tmp_path):
    season = Path(shutil.copytree(season, tmp_path / "season"))
    projects = sorted(season.glob("d000[12]/p*.yaml"))[:3]
    changed = {p.resolve() for p in projects} | {next(season.glob("d0003/department.yaml")).resolve()}
    changed.add((season / "d0004" / "gone.yaml").resolve())  # deleted: listed by d0004 below
    text = (season / "d0004" / "department.yaml").read_text(encoding="utf-8")
    (season / "d0004" / "department.yaml").write_text(text + "  - gone.yaml\n", encoding="utf-8")
    today = _today([season], shanghai, "reference", changed)
    assert 0 < today.declarations < 20
    _same(today, screen([season], shanghai, "reference", 1, changed=changed))


def test_department_membership_corner_cases(tmp_path, shanghai):
    tree = tmp_path / "tree"
    outside = write(tmp_path / "elsewhere" / "far.yaml", SMALL_PROJECT.format(name="远处项目", money="500", n=3))
    write(tree / "a" / "p1.yaml", SMALL_PROJECT.format(name="甲一", money="1000", n=5))
    write(tree / "a" / "p2.yaml", SMALL_PROJECT.format(name="甲二", money="2000", n=7))
    write(tree / "a" / "broken.yaml", "kind: project\nname: [unclosed\n")
    write(tree / "b" / "lone.yaml", SMALL_PROJECT.format(name="无部门", money="300", n=2))
    # a, then b: both list p2 (b, the last, owns it), a lists a department, a missing file, a broken
    # file and a file outside the tree; b has a project written inline.
    write(tree / "a" / "department.yaml", "kind: department\nname: 甲部门\ndeclared_total: 1万元\nprojects:\n"
           "  - p1.yaml\n  - p2.yaml\n  - ../b/department.yaml\n  - missing.yaml\n  - broken.yaml\n"
           f"  - {outside}\n")
    write(tree / "b" / "department.yaml", "类型: 部门\n部门名称: 乙部门\n项目:\n  - ../a/p2.yaml\n"
           "  - kind: project\n    name: 内嵌项目\n")
    # kind written after other keys, and behind an alias: only composing the file can tell
    write(tree / "c" / "department.yaml", "name: &k 丙部门\nprojects: [x.yaml]\nkind: department\n")
    write(tree / "c" / "x.yaml", "&a kind: project\nname: 丙项目\n")
    write(tree / "notes.txt", "not a declaration\n")
    for engine in ("reference", "durable"):
        today = _today([tree], shanghai, engine)
        assert {"G60-FILE-007", "G60-FILE-001"} <= {f.rule_id for f in today.findings} or today.findings
        _same(today, screen([tree], shanghai, engine, 2))


@pytest.mark.parametrize("text", [
    "kind: department\n", "类型: 部门\n", "name: x\nkind: 部门\n", "kind: project\n", "a: {b: [1, {c: 2}]}\nkind: 部门\n",
    "- kind: department\n", "", "kind: department\n---\nkind: department\n", "*x: 1\n", "kind: [部门]\n",
    "? [a]\n: 1\nkind: department\n", "kind: 'department'\n", "kind: ~\n", "name: x\n",
])
def test_the_kind_scan_never_misses_a_department(text):
    # The scan may ask for a full load (True) but must never call a department anything else.
    kind = _top_level_kind(text)
    obj, _ = load_text(text, "x.yaml")
    if type(obj).__name__ == "Department":
        assert kind in (True, "department")


def test_many_findings_spill_to_disk_and_come_back_sorted(tmp_path):
    from g60rules.findings import Severity

    made = [Finding(f"R{i % 7}", Severity.WARNING, f"f{(i * 7919) % 101:03d}.yaml", i % 13, "zh", "en")
            for i in range(5000)]
    sink = stream.FindingSink(spill_at=700)
    for start in range(0, len(made), 300):
        sink.add(sorted(made[start:start + 300], key=Finding.sort_key))
    result = sink.result()
    assert isinstance(result, stream.SpilledFindings) and len(result) == 5000
    assert [f.sort_key() for f in result] == sorted(f.sort_key() for f in made)
    assert result[0].sort_key() == min(f.sort_key() for f in made)


def test_plan_lists_every_file_once_in_load_order(season):
    # every file read is read by exactly one unit, and load_corpus is the one-pass load
    planned = plan([season])
    assert planned.files == _one_pass([season]).files
    read = [_display(Path(p)) for u in planned.units for p in u.reads()]
    assert sorted(read) == sorted(planned.files)
    _same_corpus(_one_pass([season]), load_corpus([season]))


def _mixed_folder(root: Path) -> Path:
    """Every kind of input main's intake handles, in one folder a bureau might receive."""
    tree = root / "收件"
    outside = write(root / "别处" / "far.yaml", SMALL_PROJECT.format(name="树外项目", money="500", n=3))
    write(tree / "d1" / "p1.yaml", SMALL_PROJECT.format(name="甲一", money="1000", n=5))
    write(tree / "d1" / "p2.yaml", SMALL_PROJECT.format(name="甲二", money="2000", n=7))
    write(tree / "d1" / "broken.yaml", "kind: project\nname: [unclosed\n")
    (tree / "d1" / "link.yaml").symlink_to(outside)
    write(tree / "d1" / "department.yaml", "kind: department\nname: 甲部门\ndeclared_total: 1万元\nprojects:\n"
           "  - p1.yaml\n  - p2.yaml\n  - ../d2/p3.yaml\n  - missing.yaml\n  - broken.yaml\n  - link.yaml\n"
           "  - p1.yaml\n")
    write(tree / "d2" / "p3.yaml", SMALL_PROJECT.format(name="乙三", money="3000", n=9))
    write(tree / "d2" / "department.yaml", "类型: 部门\n部门名称: 乙部门\n项目:\n  - p3.yaml\n")
    # at the top, listed first: it claims d1/p2.yaml before d1's department lists it
    write(tree / "总部门.yaml", "kind: department\nname: 总部门\nprojects:\n  - d1/p2.yaml\n  - d1/broken.yaml\n"
           "  - d2/department.yaml\n  - 两项目.xlsx\n  - w.docx\n  - gbk.csv\n  - 坏日期.csv\n  - 乱码.yaml\n"
           "  - 子/p4.yaml\n  - 子/p4.yaml\n  - 子/坏.yaml\n  - 子/部门.yaml\n")
    write(root / "子" / "p4.yaml", SMALL_PROJECT.format(name="子四", money="400", n=4))
    (tree / "子").symlink_to(root / "子")  # a listed folder that is a link out of the tree
    write(tree / "内" / "p5.yaml", SMALL_PROJECT.format(name="内五", money="400", n=4))
    write(tree / "内" / "坏.yaml", "kind: project\nname: [\n")
    write(tree / "内" / "部门.yaml", "kind: department\nname: 内部门\nprojects:\n  - p5.yaml\n  - 坏.yaml\n  - p5.yaml\n")
    write(tree / "总部门2.yaml", "kind: department\nname: 总二\nprojects:\n  - 内/p5.yaml\n  - 内/坏.yaml\n"
           "  - 内/坏.yaml\n  - 内/部门.yaml\n  - 两项目.xlsx\n  - gbk.csv\n")
    write(tree / "lone.yaml", SMALL_PROJECT.format(name="无部门", money="300", n=2))
    _book(tree / "两项目.xlsx", {"甲": _form("课题调研"), "乙": _form("测绘服务", 主管部门="另一局"),
                               "说明": [["填表说明"]]}, hidden=("说明",))
    _book(tree / "自评.xlsx", {"自评": [["项目支出绩效自评表"], ["项目名称", "某项目"],
                                     ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                                     ["产出指标", "数量指标", "场次", "≥3", "3", "10", "10"]]})
    import csv
    import docx

    document = docx.Document()
    rows = _form("文档项目")
    table = document.add_table(rows=len(rows), cols=7)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                table.cell(r, c).text = str(value)
    document.save(str(tree / "w.docx"))
    with (tree / "gbk.csv").open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows([["" if v is None else str(v) for v in row] for row in _form("表格项目")])
    with (tree / "坏日期.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["" if v is None else str(v) for v in row]
                                      for row in _form("坏日期", 计划开始日期="2026年14月")])
    (tree / "扫描件.pdf").write_bytes(b"%PDF-1.4\n")
    (tree / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tree / "假.xlsx").write_bytes(b"\xd0\xcf\x11\xe0 an xls renamed")
    (tree / "乱码.yaml").write_bytes(b"kind: project\nname: \xff\xfe\x80\n")
    os.mkfifo(tree / "管道.yaml")
    from g60rules.safeio import MAX_FILE_BYTES

    write(tree / "巨大.yaml", "kind: project\n" + "# 填充\n" * (MAX_FILE_BYTES // 8))
    write(tree / "notes.txt", "not a declaration\n")
    return tree


def test_a_hostile_mixed_folder_streams_exactly_as_the_whole_corpus(tmp_path, shanghai):
    tree = _mixed_folder(tmp_path)
    ids = {f.rule_id for f in _one_pass([tree], shanghai.layouts).findings}
    assert {"G60-PATH-001", "G60-PATH-002", "G60-FILE-001", "G60-FILE-006", "G60-FILE-007"} <= ids, ids
    _same_corpus(_one_pass([tree], shanghai.layouts), load_corpus([tree], shanghai.layouts))
    for engine, jobs in (("reference", 1), ("durable", 2)):
        today = _today([tree], shanghai, engine)
        assert today.self_evaluations == 1 and today.projects >= 8
        _same(today, screen([tree], shanghai, engine, jobs))


def _whole_corpus_screen(paths, ruleset, engine="durable", jobs=None, changed=None, progress=None, **_):
    return _today(paths, ruleset, engine, changed)


@pytest.mark.parametrize("args", [["-f", "json"], ["-f", "text"], ["-f", "sarif", "--strict"]])
def test_the_cli_gives_the_same_report_and_exit_code_streamed_or_whole(tmp_path, monkeypatch, args):
    tree = _mixed_folder(tmp_path)
    runner = CliRunner()
    streamed = runner.invoke(cli.app, ["check", str(tree), "--engine", "reference", *args])
    monkeypatch.setattr(cli, "screen", _whole_corpus_screen)
    whole = runner.invoke(cli.app, ["check", str(tree), "--engine", "reference", *args])
    assert streamed.exit_code == whole.exit_code == 1, streamed.output
    assert streamed.stdout == whole.stdout
    if args[1] == "json":
        assert len(json.loads(streamed.stdout)["findings"]) > 20


def test_nothing_screened_exits_2_on_the_streamed_path(tmp_path):
    (tmp_path / "扫描件.pdf").write_bytes(b"%PDF-1.4\n")
    result = CliRunner().invoke(cli.app, ["check", str(tmp_path), "--engine", "reference"])
    assert result.exit_code == 2 and "0 份申报表" in result.stdout


_ENTRY = st.sampled_from(["e0/p0.yaml", "e0/p1.yaml", "e1/p2.yaml", "p0.yaml", "p1.yaml", "bad.yaml", "e1/bad.yaml",
                          "gone.yaml", "../outside.yaml", "t.xlsx", "t.csv", "e0/department.yaml", "department.yaml",
                          "../t.xlsx", "e0/../e0/p0.yaml"])
_FILE = st.sampled_from(["project", "broken", "department-kind", "not-a-mapping"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(listings=st.lists(st.lists(_ENTRY, max_size=6), min_size=1, max_size=3),
       kinds=st.lists(_FILE, min_size=4, max_size=4), table=st.booleans(), named=st.integers(0, 2))
def test_generated_trees_stream_as_the_whole_corpus(tmp_path_factory, shanghai, listings, kinds, table, named):
    root = tmp_path_factory.mktemp("tree")
    tree = root / "t"
    write(root / "outside.yaml", SMALL_PROJECT.format(name="外", money="100", n=1))
    bodies = {"project": SMALL_PROJECT, "broken": "kind: project\nname: [\n", "department-kind": "kind: department\nname: 丁\n",
              "not-a-mapping": "- 1\n"}
    for e in range(2):
        for i, kind in enumerate(kinds[:3]):
            write(tree / f"e{e}" / f"p{i}.yaml", bodies[kind].format(name=f"项目{e}{i}", money=f"{(i + 1) * 700}", n=i + 2))
        write(tree / f"e{e}" / "bad.yaml", bodies[kinds[3]].format(name="坏", money="1", n=1))
    for d, entries in enumerate(listings):
        folder = tree if d == 0 else tree / f"e{d - 1}"
        write(folder / "department.yaml", "kind: department\nname: 部门{}\nprojects:\n{}".format(
            d, "".join(f"  - {e}\n" for e in entries) or "  []\n"))
    if table:
        _book(tree / "t.xlsx", {"甲": _form("表中项目")})
        with (tree / "t.csv").open("w", encoding="utf-8", newline="") as handle:
            handle.write("项目名称,只有这一格\n")
    paths = [tree] if named == 0 else [tree / "e0", tree / "e1"] if named == 1 else sorted(tree.glob("**/*.yaml"))
    _same_corpus(_one_pass(paths, shanghai.layouts), load_corpus(paths, shanghai.layouts))
    _same(_today(paths, shanghai, "reference"), screen(paths, shanghai, "reference", 1))
