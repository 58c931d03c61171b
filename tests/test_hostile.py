"""Hostile input (issue 10, items 12–16 and 18–21): each kind found by attacking the product.

Inputs under tests/data/hostile/ are copies of the hand-over reproducers plus variants of our own.
Every command that could hang runs in a subprocess with a timeout: a hang fails the test, never
the suite.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from g60rules.engines.pool import screen
from g60rules.rules.compiler import load_ruleset, ruleset_from_data

DATA = Path(__file__).resolve().parent / "data" / "hostile"


def g60(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh process; a hang past ``timeout`` raises and fails the test."""
    return subprocess.run([sys.executable, "-c", "from g60rules.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                               "COLUMNS": "200"})


def _rule(when: dict, applies_to: str = "indicator") -> dict:
    return {"ruleset": "t", "rules": [{
        "id": "T-1", "title": {"zh": "测", "en": "t"}, "severity": "error",
        "basis": {"source": "SH-FORM", "clause": "t"}, "applies_to": applies_to, "when": when,
        "message": {"zh": "命中", "en": "hit"},
        "examples": [{"expect": "pass", "declaration": {}}, {"expect": "fail", "declaration": {}}]}]}


def _rows(result, rule_id: str) -> list:
    return sorted(f.row for f in result.findings if f.rule_id == rule_id)


# --- 12: `matches` means the same on both engines ------------------------------------------------

@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_escaped_pattern_fires_on_both_engines(engine):
    ruleset = load_ruleset(DATA / "escaped-pattern" / "ruleset.yaml")
    result = screen([DATA / "escaped-pattern" / "decl"], ruleset, engine=engine, jobs=1)
    assert _rows(result, "T-ESC-001") == [1]
    assert result.fallbacks == []


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_quote_and_backslash_count_as_one_character_on_both_engines(engine):
    ruleset = load_ruleset(DATA / "quote-backslash" / "ruleset.yaml")
    result = screen([DATA / "quote-backslash" / "decl"], ruleset, engine=engine, jobs=1)
    assert _rows(result, "T-QUOTE-002") == [1, 2, 3]


@pytest.mark.parametrize(("pattern", "texts", "expected"), [
    (r"a\.b", ["a.b", "a\\xb", "axb"], [1]),
    (r"\(甲\)", ["(甲)", "\\(甲\\)", "甲"], [1]),
    (r"\\", ["\\", "\\\\", "x"], [1]),
    (r"[\]]+", ["]]", "\\]", "x"], [1]),
    ("..", ['"', "\\", "ab", "\\n"], [3, 4]),
    (r'.*".*', ['说"明', "说明", '""'], [1, 3]),
    ("[一-龥]+", ["中文", "abc", "中a"], [1]),
])
def test_patterns_mean_the_same_on_both_engines(pattern, texts, expected):
    ruleset = ruleset_from_data(_rule({"field": "level3", "matches": pattern}))
    from g60rules.engines.pool import screen_corpus
    from g60rules.rules.examples import example_corpus

    corpus = example_corpus({"kind": "project", "indicators": [{"level3": t} for t in texts]}, "p.yaml")
    for engine in ("durable", "reference"):
        result = screen_corpus(corpus, ruleset, engine=engine, jobs=1)
        assert result.fallbacks == []
        assert _rows(result, "T-1") == expected, engine


# --- 13: no pattern runs without a time bound ----------------------------------------------------

@pytest.mark.parametrize("ruleset", ["ruleset-plain.yaml", "ruleset-count.yaml", "ruleset-table.yaml"])
@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_nested_quantifiers_finish(ruleset, engine):
    done = g60("check", DATA / "redos" / "decl", "-r", DATA / "redos" / ruleset, "--engine", engine,
               "--lang", "en", timeout=60)
    assert done.returncode == 0, done.stderr


def test_nested_quantifiers_finish_in_baseline_impact_and_explain(tmp_path):
    redos = DATA / "redos"
    done = g60("baseline", "create", redos / "decl", "-r", redos / "ruleset-plain.yaml",
               "--baseline", tmp_path / "b.json", timeout=60)
    assert done.returncode == 0, done.stderr
    done = g60("impact", redos / "ruleset-count.yaml", redos / "ruleset-plain.yaml", redos / "decl", timeout=60)
    assert done.returncode == 0, done.stderr
    done = g60("explain", "T-REDOS-001", redos / "decl", "-r", redos / "ruleset-plain.yaml", timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("pattern", ["(a+)+b", "(.*)*(.*)*x", "(a|a)*b", "(a|aa)+c", "((a*)*)*b"])
def test_backtracking_patterns_are_linear_on_both_engines(tmp_path, pattern):
    # 5,000 characters: a backtracking matcher never finishes; in a subprocess so a hang fails
    import yaml

    (tmp_path / "r.yaml").write_text(yaml.safe_dump(_rule({"field": "level3", "matches": pattern})), encoding="utf-8")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "p.yaml").write_text(
        f"类型: 项目\n项目名称: p\n绩效指标:\n  - {{三级指标: {'a' * 5000}}}\n  - {{三级指标: aab}}\n", encoding="utf-8")
    hit = pattern in ("(a+)+b", "(a|a)*b", "((a*)*)*b")
    for engine in ("durable", "reference"):
        done = g60("check", tmp_path / "d", "-r", tmp_path / "r.yaml", "--engine", engine, "--lang", "en", timeout=60)
        found = re.search(r"^\s+1\s+T-1\s", done.stdout, re.M) is not None  # the summary's by-rule table
        assert found == hit and ("no findings that count" in done.stdout) != hit, (engine, done.stdout, done.stderr)
        assert "G60-ENGINE" not in done.stdout


def test_more_rules_than_durable_rules_can_hold_still_run(tmp_path):
    from g60rules.engines.durable import MAX_RULES
    from g60rules.engines.pool import screen_corpus
    from g60rules.rules.examples import example_corpus

    count = 520
    data = {"ruleset": "many", "rules": [
        {**_rule({"field": "level3", "eq": f"名{i}"})["rules"][0], "id": f"T-{i}"} for i in range(count)]}
    ruleset = ruleset_from_data(data)
    corpus = example_corpus({"kind": "project", "indicators": [{"level3": "名3"}, {"level3": "名515"}]}, "p.yaml")
    result = screen_corpus(corpus, ruleset, engine="durable", jobs=1)
    assert result.fallbacks == []
    assert len(result.reference_rules) == count - MAX_RULES
    assert sorted(f.rule_id for f in result.findings) == ["T-3", "T-515"]


# --- 14: YAML aliases are refused wherever a file is read ------------------------------------------

@pytest.mark.parametrize(("name", "line"), [("laughs-declaration.yaml", 3), ("one-alias.yaml", 5)])
def test_aliases_in_a_declaration_are_a_finding(name, line):
    done = g60("check", DATA / "aliases" / name, "--lang", "en", "-f", "json", timeout=30)
    import json

    found = [(f["rule_id"], f["line"]) for f in json.loads(done.stdout)["findings"]]
    assert ("G60-FILE-002", line) in found


def test_aliases_in_a_ruleset_stop_with_file_and_line():
    target = DATA / "aliases" / "laughs-ruleset.yaml"
    done = g60("ruleset", "lint", target, "--lang", "en", timeout=30)
    assert done.returncode == 1
    assert f"{target}:4:1: RS-YAML" in done.stdout and "aliases" in done.stdout
    done = g60("check", DATA / "escaped-pattern" / "decl", "-r", target, timeout=30)
    assert done.returncode == 2 and f"{target}:4:1" in done.stderr


def test_aliases_in_waivers_stop_with_file_and_line(tmp_path):
    (tmp_path / ".g60rules-waivers.yaml").write_bytes((DATA / "aliases" / "laughs-waivers.yaml").read_bytes())
    done = g60("check", DATA / "escaped-pattern" / "decl", "--lang", "en", cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert ".g60rules-waivers.yaml:2:1" in done.stderr and "alias" in done.stderr


# --- 15: files that are not regular files, or cannot be reached ------------------------------------

def _hostile_tree(root: Path) -> Path:
    import os

    tree = root / "tree"
    tree.mkdir()
    (tree / "ok.yaml").write_bytes((DATA / "escaped-pattern" / "decl" / "p.yaml").read_bytes())
    os.mkfifo(tree / "fifo.yaml")
    (tree / "zero.yaml").symlink_to("/dev/zero")
    (tree / "loop.yaml").symlink_to("loop.yaml")
    (tree / "dir.yaml").mkdir()
    with open(os.path.join(os.fsencode(tree), b"bad\xff\xfename.yaml"), "w", encoding="utf-8") as f:
        f.write("类型: 项目\n项目名称: 坏名\n")
    (tree / "dept.yaml").write_text(f"类型: 部门\n部门名称: 部\n项目:\n  - {'长' * 90}/p.yaml\n  - ok.yaml\n",
                                    encoding="utf-8")
    return tree


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "junit", "github", "gitlab"])
def test_special_files_are_findings_and_every_format_is_written(tmp_path, fmt):
    tree = _hostile_tree(tmp_path)
    done = g60("check", tree, "--lang", "en", "-f", fmt, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr
    for name in ("fifo.yaml", "zero.yaml", "loop.yaml", "xfename.yaml", "ok.yaml"):
        assert name in done.stdout, name
    if fmt == "text":
        assert "not a regular file but a FIFO" in done.stdout
        assert "not a regular file but a device file" in done.stdout
        assert "symbolic link loop" in done.stdout
        assert "longer than 255 bytes" in done.stdout


@pytest.mark.parametrize("option", ["--baseline", "--waivers", "--ruleset"])
@pytest.mark.parametrize("kind", ["fifo", "zero", "loop"])
def test_special_files_as_options_end_with_exit_2(tmp_path, option, kind):
    import os

    target = tmp_path / f"{kind}.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "zero":
        target.symlink_to("/dev/zero")
    else:
        target.symlink_to(target.name)
    done = g60("check", DATA / "escaped-pattern" / "decl", option, target, "--lang", "en", timeout=30)
    assert done.returncode == 2
    assert "internal error" not in done.stderr
    assert target.name in done.stderr


def test_an_unlistable_directory_is_a_finding(tmp_path, monkeypatch):
    import os

    from g60rules.intake.yaml_loader import load_corpus

    tree = _hostile_tree(tmp_path)
    (tree / "locked").mkdir()
    (tree / "locked" / "p.yaml").write_text("类型: 项目\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    corpus = load_corpus([tree])
    assert [(f.rule_id, f.file.endswith("locked")) for f in corpus.findings if "locked" in f.file] == [
        ("G60-FILE-001", True)]


# --- 16: size limits are findings --------------------------------------------------------------------

def test_a_file_over_the_size_limit_is_a_finding(tmp_path):
    from g60rules.safeio import MAX_FILE_BYTES

    big = tmp_path / "big.yaml"
    big.write_text("类型: 项目\n项目名称: 大\n# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    done = g60("check", big, "--lang", "en", timeout=60)
    assert done.returncode == 2  # the only file could not be screened: nothing screened is no pass
    assert "G60-FILE-001" in done.stdout and "larger than the 2 MB limit" in done.stdout


def test_a_declaration_over_the_row_limit_is_a_finding(tmp_path):
    from g60rules.intake.build import MAX_ROWS

    rows = "".join(f"  - {{一级指标: 产出指标, 三级指标: 行{i}}}\n" for i in range(MAX_ROWS + 1))
    (tmp_path / "rows.yaml").write_text(f"类型: 项目\n项目名称: 多行\n绩效指标:\n{rows}", encoding="utf-8")
    done = g60("check", tmp_path / "rows.yaml", "--lang", "en", timeout=120)
    assert done.returncode == 2  # the only declaration was not screened: nothing screened is no pass
    assert f"{MAX_ROWS + 1} indicator rows, over the limit of {MAX_ROWS}" in done.stdout
    assert "G60-COMP" not in done.stdout  # not screened: no findings about a half-read project


# --- 19: department entries stay in the department's folder; no project counted twice -------------

def test_department_entries_outside_the_folder_and_double_listings(tmp_path):
    from g60rules.intake.yaml_loader import load_corpus

    (tmp_path / "outside.yaml").write_text("类型: 项目\n项目名称: 外部\n", encoding="utf-8")
    dept = tmp_path / "d"
    dept.mkdir()
    (dept / "p.yaml").write_text("类型: 项目\n项目名称: 内部\n", encoding="utf-8")
    (dept / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    (dept / "a.yaml").write_text("类型: 部门\n部门名称: 甲\n项目:\n  - ../outside.yaml\n  - /etc/passwd\n"
                                 "  - link.yaml\n  - p.yaml\n  - ./p.yaml\n", encoding="utf-8")
    (dept / "b.yaml").write_text("类型: 部门\n部门名称: 乙\n项目:\n  - p.yaml\n", encoding="utf-8")
    corpus = load_corpus([dept / "a.yaml", dept / "b.yaml"])
    found = sorted((Path(f.file).name, f.line, f.rule_id) for f in corpus.findings if f.rule_id.startswith("G60-PATH"))
    assert found == [("a.yaml", 4, "G60-PATH-001"), ("a.yaml", 5, "G60-PATH-001"), ("a.yaml", 6, "G60-PATH-001"),
                     ("a.yaml", 8, "G60-PATH-002"), ("b.yaml", 4, "G60-PATH-002")]
    assert [len(d.projects) for d in corpus.departments] == [1, 0]
    assert not any("外部" == p.name for d in corpus.departments for p in d.projects)


@pytest.mark.parametrize("extends", ["/etc/passwd", "../outside.yaml", "../outside.txt"])
def test_ruleset_extends_outside_the_allowed_places_is_refused(tmp_path, extends):
    (tmp_path / "outside.yaml").write_text("ruleset: outside\nrules: []\n", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("ruleset: outside\nrules: []\n", encoding="utf-8")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "child.yaml").write_text(f"ruleset: child\nextends: {extends}\nrules: []\n", encoding="utf-8")
    (tmp_path / "cwd").mkdir()
    done = g60("ruleset", "lint", tmp_path / "r" / "child.yaml", "--lang", "en", cwd=tmp_path / "cwd", timeout=30)
    assert done.returncode == 1
    assert f"child.yaml:2:1: RS-OUTSIDE parent ruleset '{extends}' is outside the allowed places" in done.stdout


def test_ruleset_extends_inside_the_working_directory_is_read(tmp_path):
    (tmp_path / "base.yaml").write_text("ruleset: base\nrules: []\n", encoding="utf-8")
    (tmp_path / "districts").mkdir()
    (tmp_path / "districts" / "child.yaml").write_text("ruleset: child\nextends: ../base.yaml\nrules: []\n",
                                                       encoding="utf-8")
    done = g60("ruleset", "lint", "districts/child.yaml", "--lang", "en", cwd=tmp_path, timeout=30)
    assert done.returncode == 0, done.stdout


# --- 18: declaration and ruleset text cannot inject into human outputs -----------------------------

ESC = "\x1b"


def _injection_repo(tmp_path: Path) -> Path:
    import shutil

    repo = tmp_path / "inj"
    shutil.copytree(DATA / "injection", repo)
    # a file NAME with a line break, a workflow command and an ANSI sequence (git can commit one)
    (repo / "repo" / f"x\n::error file=f2::FORGED-BY-FILENAME,%,{ESC}[32mG.yaml").write_text(
        "类型: 项目\n项目名称: fn\n", encoding="utf-8")
    return repo


def _no_injection(text: str, commands: bool = False) -> None:
    """No raw control; no line starts a workflow command (``commands``: only our own, on real files)."""
    assert ESC not in text and "\a" not in text and "\r" not in text
    for line in text.splitlines():
        if commands and line.startswith(("::error file=repo/", "::warning file=repo/", "::notice file=repo/")):
            continue
        assert not line.lstrip().startswith("::"), line


@pytest.mark.parametrize("args", [
    ("check", "repo", "--lang", "en"),
    ("check", "repo", "--lang", "zh"),
    ("check", "repo", "--lang", "en", "-f", "github"),
    ("impact", "old.yaml", "new.yaml", "repo", "--lang", "en"),
    ("impact", "old.yaml", "new.yaml", "repo", "-f", "md", "--lang", "en"),
    ("explain", "T-INJ-001", "repo", "-r", "new.yaml", "--lang", "en"),
    ("ruleset", "lint", "lint-ruleset.yaml", "--lang", "en"),
])
def test_no_control_character_or_workflow_command_reaches_a_human_output(tmp_path, args):
    repo = _injection_repo(tmp_path)
    done = g60(*args, cwd=repo, timeout=60)
    assert "internal error" not in done.stderr
    assert "FORGED" in done.stdout  # the text is shown, neutralised
    _no_injection(done.stdout, commands="github" in args)
    _no_injection(done.stderr)


def test_text_output_file_is_neutralised_too(tmp_path):
    repo = _injection_repo(tmp_path)
    g60("check", "repo", "--lang", "en", "-o", f"text={tmp_path / 'r.txt'}", cwd=repo, timeout=60)
    _no_injection((tmp_path / "r.txt").read_text(encoding="utf-8"))


def test_markdown_impact_has_no_live_markup(tmp_path):
    repo = _injection_repo(tmp_path)
    done = g60("impact", "old.yaml", "new.yaml", "repo", "-f", "md", "--lang", "en", cwd=repo, timeout=60)
    body = done.stdout
    assert "<script>" not in body and "<b>" not in body
    assert "](https://" not in body.replace("\\](", "")  # links and images are escaped
    rows = [line for line in body.splitlines() if line.startswith("|")]
    assert all(line.count("|") - line.count("\\|") == 5 for line in rows)  # no injected table cells


def test_sanitiser_units():
    from g60rules.sanitize import html, markdown, multiline, plain

    assert plain("a\nb\r\x1b[31m\x07\x85\u202e\u2028") == "a\\nb\\r\\x1b[31m\\x07\\x85\\u202e\\u2028"
    assert plain("中文 ≥90% [2024]") == "中文 ≥90% [2024]"
    assert multiline("ok\n::error::x\n  ::y\x1b") == "ok\n\\::error::x\n  \\::y\\x1b"
    assert markdown("<i>[a](b)|*x*") == "&lt;i&gt;\\[a\\]\\(b\\)\\|\\*x\\*"
    assert html('<a href="x">\n') == "&lt;a href=&quot;x&quot;&gt;\\n"


# --- 20: unusable rulesets, waivers, baselines and outputs end in file:line and exit 2 --------------

@pytest.mark.parametrize(("name", "where"), [
    ("deep.yaml", "deep.yaml:8:"), ("listid.yaml", "listid.yaml:3:5: RS-VALUE"),
    ("listmatch.yaml", "listmatch.yaml:8:29: RS-VALUE"),
])
def test_unusable_rulesets_name_file_and_line(name, where):
    done = g60("check", DATA / "escaped-pattern" / "decl", "-r", DATA / "unusable" / name, "--lang", "en")
    assert done.returncode == 2
    assert "internal error" not in done.stderr and where in done.stderr


@pytest.mark.parametrize(("name", "says"), [("b1.json", "findings[0].file must be text"),
                                            ("b2.json", "b2.json:1: cannot read the baseline: nested too deeply")])
def test_unusable_baselines_end_with_exit_2(name, says):
    done = g60("check", DATA / "escaped-pattern" / "decl", "--baseline", DATA / "unusable" / name, "--lang", "en")
    assert done.returncode == 2
    assert "internal error" not in done.stderr and says in done.stderr


@pytest.mark.parametrize("field", ["reason", "approved_by", "rule", "files"])
def test_blank_waiver_texts_are_refused_after_stripping(tmp_path, field):
    entry = {"rule": "T-ESC-001", "files": "x.yaml", "reason": "因为", "approved_by": "张三", "expires": "2030-01-01"}
    entry[field] = "  \u3000 "
    import yaml

    text = yaml.safe_dump({"waivers": [entry]}, allow_unicode=True)
    (tmp_path / "w.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.lstrip(" -").startswith(f"{field}:"))
    done = g60("check", DATA / "escaped-pattern" / "decl", "--waivers", tmp_path / "w.yaml", "--lang", "en")
    assert done.returncode == 2
    assert f"w.yaml:{line}: waivers.0.{field}: String should have at least 1 character" in done.stderr


@pytest.mark.parametrize(("files", "expires", "extra", "warned"), [
    ("**", "2026-12-01", {}, ["G60-WAIVER-011"]),
    ("*.yaml", "2026-12-01", {}, ["G60-WAIVER-011"]),
    ("*", "9999-12-31", {}, ["G60-WAIVER-011", "G60-WAIVER-012"]),
    ("**", "2026-12-01", {"project": "占位符项目"}, []),
    ("tests/data/hostile/escaped-pattern/decl/p.yaml", "2027-12-01", {}, ["G60-WAIVER-012"]),
    ("tests/data/hostile/escaped-pattern/decl/p.yaml", "2026-12-01", {}, []),
])
def test_waive_everything_and_far_expiry_are_warned(files, expires, extra, warned):
    import datetime as dt

    from g60rules.gate import LoadedWaiver, Waiver, apply_gate

    waiver = LoadedWaiver(Waiver(rule="T-1", files=files, reason="r", approved_by="b",
                                 expires=dt.date.fromisoformat(expires), **extra), "w.yaml", 3)
    outcome = apply_gate([], None, [waiver], dt.date(2026, 1, 1), [])
    assert sorted(n.rule_id for n in outcome.notes if n.rule_id != "G60-WAIVER-002") == warned
    outcome = apply_gate([], None, [waiver], dt.date(2026, 1, 1), [], horizon_days=10_000_000)
    assert "G60-WAIVER-012" not in [n.rule_id for n in outcome.notes]


def test_an_unwritable_output_keeps_the_finished_report(tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")  # a missing folder is created; under a file, nothing can be
    done = g60("check", DATA / "escaped-pattern" / "decl", "--lang", "en",
               "-o", f"json={tmp_path / 'a-file' / 'r.json'}", "-o", f"sarif={tmp_path / 'r.sarif'}")
    assert done.returncode == 2
    assert f"cannot write the report to {tmp_path / 'a-file' / 'r.json'}" in done.stderr
    assert (tmp_path / "r.sarif").stat().st_size > 0  # the other output is written
    assert "Summary" in done.stdout  # and so is standard output


def test_an_unwritable_baseline_is_exit_2(tmp_path):
    done = g60("baseline", "create", DATA / "escaped-pattern" / "decl", "--baseline", tmp_path / "no" / "b.json",
               "--lang", "en")
    assert done.returncode == 2 and "cannot write the baseline" in done.stderr


# --- 21: exactness -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("op", "literal", "expected"), [
    ("eq", "90000000000000.01", ["90000000000000.01"]),
    ("gt", "90000000000000.01", ["90000000000000.02", "9000000000.0003万元"]),
    ("lt", "90000000000000.02", ["90000000000000.01"]),
    ("ne", "90000000000000.02", ["90000000000000.01", "9000000000.0003万元"]),
])
def test_money_above_float_precision_compares_exactly_on_both_engines(op, literal, expected):
    from g60rules.engines.pool import screen_corpus
    from g60rules.rules.examples import example_corpus

    amounts = ["90000000000000.01", "90000000000000.02", "9000000000.0003万元"]  # the last: 90000000000003 元
    ruleset = ruleset_from_data(_rule({"field": "funds.total", op: literal}, applies_to="project"))
    corpus = example_corpus({"kind": "project", "name": "甲", "funds": {"total": amounts[0]}}, "a.yaml")
    for index, amount in enumerate(amounts[1:], start=1):
        part = example_corpus({"kind": "project", "name": "甲", "funds": {"total": amount}}, f"{'abc'[index]}.yaml")
        corpus.projects += part.projects
        corpus.files += part.files
    for engine in ("durable", "reference"):
        result = screen_corpus(corpus, ruleset, engine=engine, jobs=1)
        assert result.fallbacks == []
        fired = sorted(amounts["abc".index(Path(f.file).stem)] for f in result.findings if f.rule_id == "T-1")
        assert fired == sorted(expected), engine


def test_money_finer_than_a_thousandth_of_a_yuan_is_refused_in_a_ruleset():
    from g60rules.rules.compiler import RulesetError

    with pytest.raises(RulesetError, match="finer than 0.001"):
        ruleset_from_data(_rule({"field": "funds.total", "gt": 1.0005}, applies_to="project"))


def test_lint_is_not_quadratic_in_threshold_table_rows(tmp_path):
    # measured: 10,000 rows took 170 s when every pair of rows was compared, 9 s with an index
    rows = "".join(f"            - {{when: 名{i}, value: {i}}}\n" for i in range(20_000))
    (tmp_path / "big.yaml").write_text(f"""ruleset: big
rules:
  - id: T-BIG
    title: {{zh: a, en: a}}
    severity: error
    basis: {{source: SH-FORM, clause: t}}
    applies_to: project
    params:
      floor:
        table:
          key: name
          rows:
{rows}            - {{when: 名7, value: 1}}
            - {{value: 1}}
    when: {{field: count.indicators, lt: {{param: floor}}}}
    message: {{zh: m, en: m}}
    examples: [{{expect: pass, declaration: {{name: 名1, indicators: [{{level3: a}}]}}}}, {{expect: fail, declaration: {{name: 名5}}}}]
""", encoding="utf-8")
    done = g60("ruleset", "lint", tmp_path / "big.yaml", "--lang", "en", timeout=150)
    assert "rows 8 and 20001 overlap (名7)" in done.stdout and "row 20001 can never apply" in done.stdout
    assert done.stdout.count("RS-TABLE-OVERLAP") == 1


def test_a_key_holding_a_bracket_is_reported_at_its_line(tmp_path):
    text = (DATA / "escaped-pattern" / "ruleset.yaml").read_text(encoding="utf-8")
    text = text.replace("    applies_to: indicator\n", "    applies_to: indicator\n    \"extra[1]\": 2\n")
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    done = g60("ruleset", "lint", tmp_path / "r.yaml", "--lang", "en", timeout=60)
    line = text.splitlines().index('    "extra[1]": 2') + 1
    assert f"r.yaml:{line}:5: RS-KEY unknown key 'extra[1]'" in done.stdout
