"""``--cache DIR``: unchanged units are not screened again; anything that changes what a unit's findings
depend on (a file of the unit, the ruleset, the tool version) screens it again; a bad entry is never
trusted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import g60rules
from g60rules.engines import cache as cache_mod
from g60rules.engines import stream
from g60rules.engines.pool import screen
from g60rules.rules.compiler import load_ruleset
from season import SMALL_PROJECT, write

ROOT = Path(__file__).resolve().parent.parent


def _corpus(root: Path) -> Path:
    for dept, names in (("a", ("甲一", "甲二")), ("b", ("乙一",))):
        (root / dept).mkdir(parents=True)
        for i, name in enumerate(names):
            write(root / dept / f"p{i}.yaml", SMALL_PROJECT.format(name=name, money=1000 * (i + 1), n=i + 2))
        listed = "".join(f"  - p{i}.yaml\n" for i in range(len(names)))
        write(root / dept / "department.yaml",
              f"kind: department\nname: {dept}部门\ndeclared_total: 1万元\nprojects:\n{listed}")
    write(root / "lone.yaml", SMALL_PROJECT.format(name="无部门", money="300", n=9))
    return root


@pytest.fixture
def screened(monkeypatch):
    """Paths of the units actually loaded (not taken from the cache)."""
    loaded: list[str] = []
    real = stream.load_unit

    def counting(unit, *args):
        loaded.append(Path(unit.path).name if not unit.department else Path(unit.path).parent.name)
        return real(unit, *args)

    monkeypatch.setattr(stream, "load_unit", counting)
    return loaded


def _dicts(result):
    return [f.to_dict("en") for f in result.findings]


def _run(corpus, ruleset, cache, **kw):
    return screen([corpus], ruleset, "reference", 1, cache=cache, **kw)


def test_a_second_run_screens_nothing_and_finds_the_same(tmp_path, shanghai, screened):
    corpus, cache = _corpus(tmp_path / "c"), tmp_path / "cache"
    fresh = screen([corpus], shanghai, "reference", 1)
    screened.clear()
    first = _run(corpus, shanghai, cache)
    assert sorted(screened) == ["a", "b", "lone.yaml"] and first.cached == 0
    screened.clear()
    second = _run(corpus, shanghai, cache)
    assert screened == [] and second.cached == 3
    assert _dicts(second) == _dicts(first) == _dicts(fresh) and fresh.findings
    assert second.declarations == first.declarations and second.files == first.files


def test_a_changed_project_screens_its_department_again_and_nothing_else(tmp_path, shanghai, screened):
    corpus, cache = _corpus(tmp_path / "c"), tmp_path / "cache"
    _run(corpus, shanghai, cache)
    screened.clear()
    (corpus / "a" / "p1.yaml").write_text(SMALL_PROJECT.format(name="甲二", money="990000", n=0), encoding="utf-8")
    again = _run(corpus, shanghai, cache)
    assert screened == ["a"] and again.cached == 2
    assert _dicts(again) == _dicts(screen([corpus], shanghai, "reference", 1))


def test_a_new_project_file_listed_by_a_department_screens_it_again(tmp_path, shanghai, screened):
    corpus, cache = _corpus(tmp_path / "c"), tmp_path / "cache"
    text = (corpus / "b" / "department.yaml").read_text(encoding="utf-8") + "  - p9.yaml\n"
    (corpus / "b" / "department.yaml").write_text(text, encoding="utf-8")  # p9 missing: a finding
    before = _run(corpus, shanghai, cache)
    assert any(f.rule_id == "G60-FILE-007" for f in before.findings)
    screened.clear()
    (corpus / "b" / "p9.yaml").write_text(SMALL_PROJECT.format(name="乙九", money="5", n=1), encoding="utf-8")
    after = _run(corpus, shanghai, cache)
    assert screened == ["b"] and not any(f.rule_id == "G60-FILE-007" for f in after.findings)


def test_another_ruleset_or_version_screens_everything_again(tmp_path, shanghai, screened, monkeypatch):
    corpus, cache = _corpus(tmp_path / "c"), tmp_path / "cache"
    _run(corpus, shanghai, cache)
    screened.clear()
    fewer = shanghai.active(__import__("datetime").date(1990, 1, 1))  # rules in effect differ
    if [r.id for r in fewer.rules] != [r.id for r in shanghai.rules]:
        _run(corpus, fewer, cache)
        assert len(screened) == 3
        screened.clear()
    edited = tmp_path / "rules"
    shutil.copytree(ROOT / "rulesets", edited)
    (edited / "shanghai.yaml").write_text((edited / "shanghai.yaml").read_text(encoding="utf-8") + "\n# edited\n",
                                          encoding="utf-8")
    _run(corpus, load_ruleset(edited / "shanghai.yaml"), cache)
    assert len(screened) == 3
    screened.clear()
    monkeypatch.setattr(cache_mod, "__version__", g60rules.__version__ + ".post1")
    _run(corpus, shanghai, cache)
    assert len(screened) == 3


@pytest.mark.parametrize("damage", [
    lambda e: "not json {",
    lambda e: "",
    lambda e: json.dumps({**e, "sha256": "0" * 64}),
    lambda e: json.dumps({**e, "key": "other"}),
    # well-formed and with a matching checksum, but not findings
    lambda e: _resigned(e, lambda b: b["findings"].append({"rule_id": 1})),
    lambda e: _resigned(e, lambda b: b["findings"][0].update(line="7")),
    lambda e: _resigned(e, lambda b: b["findings"][0].update(severity="fatal")),
    lambda e: _resigned(e, lambda b: b.update(declarations=-1)),
    lambda e: _resigned(e, lambda b: b.update(findings={"a": 1})),
])
def test_a_damaged_entry_is_ignored_and_screened_again(tmp_path, shanghai, screened, damage):
    corpus, cache = _corpus(tmp_path / "c"), tmp_path / "cache"
    first = _run(corpus, shanghai, cache)
    entries = sorted(cache.rglob("*.json"))
    assert len(entries) == 3
    target = next(p for p in entries if json.loads(p.read_text(encoding="utf-8"))["body"]["findings"])
    target.write_text(damage(json.loads(target.read_text(encoding="utf-8"))), encoding="utf-8")
    screened.clear()
    again = _run(corpus, shanghai, cache)
    assert len(screened) == 1 and again.cached == 2
    assert _dicts(again) == _dicts(first)
    json.loads(target.read_text(encoding="utf-8"))  # rewritten whole


def _resigned(entry: dict, change) -> str:
    change(entry["body"])
    return json.dumps({**entry, "sha256": cache_mod._checksum(entry["body"])})


def test_check_cache_option_on_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from g60rules.cli import app

    corpus, cache = _corpus(tmp_path / "c"), tmp_path / "cache"
    runner = CliRunner()
    args = ["check", str(corpus), "--engine", "reference", "-f", "json", "--fail-on", "never", "--cache", str(cache)]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0
    assert json.loads(first.stdout)["findings"] == json.loads(second.stdout)["findings"]
    assert len(list(cache.rglob("*.json"))) == 3
