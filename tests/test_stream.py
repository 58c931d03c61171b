"""Streaming screening gives exactly the findings of loading the whole corpus and screening it at once.

The oracle is :func:`screen_corpus` over :func:`load_corpus` (the in-memory path, unchanged), on a
generated season and on hand-made corner cases of department membership.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from g60rules.engines import stream
from g60rules.engines.pool import screen, screen_corpus
from g60rules.findings import Finding
from g60rules.intake.units import _top_level_kind, plan
from g60rules.intake.yaml_loader import load_corpus, load_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def _today(paths: list[Path], ruleset, engine: str, changed: set[Path] | None = None):
    """The whole-corpus path, with ``changed`` handled as before streaming."""
    corpus = load_corpus(paths)
    only = None
    if changed is not None:
        only = {f for f in corpus.files if Path(f).resolve() in changed}
        for dept in corpus.departments:
            listed = (Path(dept.source.file).parent / rel for rel in dept.project_files)
            if (dept.source.file in only or any(p.source.file in only for p in dept.projects)
                    or any(path.resolve() in changed for path in listed)):
                only.add(dept.source.file)
    return screen_corpus(corpus, ruleset, engine, 2, only)


def _same(a, b) -> None:
    assert [f.to_dict("en") for f in b.findings] == [f.to_dict("en") for f in a.findings]
    assert (b.files, b.ignored, b.declarations, b.fallbacks) == (a.files, a.ignored, a.declarations, a.fallbacks)
    assert (b.projects, b.departments, b.unreadable) == (a.projects, a.departments, a.unreadable)


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


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PROJECT = """kind: project
name: {name}
implementing_unit: 某单位
funds:
  annual_request: "{money}"
indicators:
  - level1: 产出指标
    level2: 数量指标
    level3: 培训人数
    target_value: "≥{n}人"
"""


def test_department_membership_corner_cases(tmp_path, shanghai):
    tree = tmp_path / "tree"
    outside = _write(tmp_path / "elsewhere" / "far.yaml", PROJECT.format(name="远处项目", money="500", n=3))
    _write(tree / "a" / "p1.yaml", PROJECT.format(name="甲一", money="1000", n=5))
    _write(tree / "a" / "p2.yaml", PROJECT.format(name="甲二", money="2000", n=7))
    _write(tree / "a" / "broken.yaml", "kind: project\nname: [unclosed\n")
    _write(tree / "b" / "lone.yaml", PROJECT.format(name="无部门", money="300", n=2))
    # a, then b: both list p2 (b, the last, owns it), a lists a department, a missing file, a broken
    # file and a file outside the tree; b has a project written inline.
    _write(tree / "a" / "department.yaml", "kind: department\nname: 甲部门\ndeclared_total: 1万元\nprojects:\n"
           "  - p1.yaml\n  - p2.yaml\n  - ../b/department.yaml\n  - missing.yaml\n  - broken.yaml\n"
           f"  - {outside}\n")
    _write(tree / "b" / "department.yaml", "类型: 部门\n部门名称: 乙部门\n项目:\n  - ../a/p2.yaml\n"
           "  - kind: project\n    name: 内嵌项目\n")
    # kind written after other keys, and behind an alias: only composing the file can tell
    _write(tree / "c" / "department.yaml", "name: &k 丙部门\nprojects: [x.yaml]\nkind: department\n")
    _write(tree / "c" / "x.yaml", "&a kind: project\nname: 丙项目\n")
    _write(tree / "notes.txt", "not a declaration\n")
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
    # every file read is reported by exactly one unit
    from g60rules.intake.units import owned_files

    planned = plan([season])
    assert planned.files == load_corpus([season]).files
    reported = [f for u in planned.units for f in owned_files(u, planned.listings.get(u.path))]
    assert sorted(reported) == sorted(planned.files)
