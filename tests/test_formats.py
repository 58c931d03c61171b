"""Machine-readable reports (g60rules.reports.machine) on the real screening of the bundled declarations.

Expected values are written by hand from the seed (the same 8 errors, 14 warnings and no info as
tests/test_seed.py and reports/seed.txt), never taken from the code under test. SARIF is validated
against the official OASIS SARIF 2.1.0 schema in tests/data/ (see tests/data/README.md).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

import g60rules
from g60rules.engines.pool import ScreenResult, screen
from g60rules.findings import Finding, Severity
from g60rules.reports.machine import FORMATS, fingerprint, fingerprints, render, sarif

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
DECL = "declarations/g60-2024/"
P1 = DECL + "01-policy-research.yaml"
P2 = DECL + "02-factor-matching.yaml"
FILES = [DECL + name for name in (
    "01-policy-research.yaml", "02-factor-matching.yaml", "03-industry-research.yaml",
    "04-finance-empowerment.yaml", "05-publicity.yaml", "06-innovation-cooperation.yaml", "department.yaml")]
HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def seed(shanghai):
    """The seed screened from the repository root, so that paths are the repository-relative ones."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        return screen([Path("declarations/g60-2024")], shanghai, engine="reference")


def _screen_in(directory: Path, ruleset, monkeypatch) -> ScreenResult:
    monkeypatch.chdir(directory)
    return screen([Path("d")], ruleset, engine="reference")


def _copy_seed(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "declarations" / "g60-2024", tmp_path / "d" / "g60-2024")
    return tmp_path / "d"


def _validate(log: dict) -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def _finding(i: int, severity: str, **kw) -> Finding:
    values = {"rule_id": "G60-COMP-007", "severity": Severity(severity), "file": f"decl/p{i % 50}.yaml",
              "line": i % 400 + 1, "message_zh": f"第 {i} 条", "message_en": f"finding {i}",
              "basis": "CY-2015-88 完整性", "project": f"项目{i % 50}", "indicator": None, "row": i, "field": "level3"}
    values.update(kw)
    return Finding(**values)


def _result(findings: list[Finding], files: list[str] | None = None) -> ScreenResult:
    files = files if files is not None else sorted({f.file for f in findings})
    return ScreenResult(findings=findings, engine="reference", files=files, ignored=[], declarations=len(files))


# --- the API --------------------------------------------------------------------------------------------

def test_formats_and_unknown_names(seed, shanghai):
    assert FORMATS == ("sarif", "junit", "github", "gitlab", "jsonl")
    with pytest.raises(ValueError, match="unknown format"):
        render("xml", seed, shanghai, "zh")
    with pytest.raises(ValueError, match="unknown language"):
        render("sarif", seed, shanghai, "fr")
    for fmt in FORMATS:
        assert render(fmt, seed, shanghai, "zh").endswith("\n")


# --- SARIF ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sarif_validates_against_the_official_schema(seed, shanghai, lang):
    log = json.loads(render("sarif", seed, shanghai, lang))
    _validate(log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_sarif_driver_and_rules(seed, shanghai):
    run = json.loads(render("sarif", seed, shanghai, "zh"))["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "g60rules"
    assert driver["version"] == g60rules.__version__ == "0.1.0"
    ids = [r["id"] for r in driver["rules"]]
    # Every rule of the ruleset, in its order, and no built-in check: none occurs in the seed.
    assert ids == [r.id for r in shanghai.rules]
    assert len(ids) == len(set(ids))
    assert not any(i.startswith(("G60-FILE-", "G60-DATA-", "G60-ENGINE-")) for i in ids)
    app1 = driver["rules"][ids.index("G60-APP-001")]
    assert app1["name"] == "CostCeilingAboveTheProjectsMoney"
    assert app1["shortDescription"]["text"] == "成本上限超过项目资金"
    assert app1["defaultConfiguration"]["level"] == "error"
    assert app1["properties"]["basis"] == {"source": "CY-2015-88", "clause": "相应匹配"}
    assert app1["properties"]["tags"][:3] == ["appropriateness", "CY-2015-88", "indicator"]
    assert "CY-2015-88 相应匹配" in app1["fullDescription"]["text"]
    assert "CY-2015-88" in app1["help"]["text"] and "`CY-2015-88`" in app1["help"]["markdown"]
    for rule in driver["rules"]:
        assert rule["help"]["text"] and rule["fullDescription"]["text"] and rule["shortDescription"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1024 and len(rule["name"]) <= 255
    # A rule with a "why" carries it into its description and help.
    comp18 = driver["rules"][ids.index("G60-COMP-018")]
    assert comp18["defaultConfiguration"]["level"] == "warning"
    assert "时效指标为常设产出指标" in comp18["fullDescription"]["text"]
    assert "时效指标为常设产出指标" in comp18["help"]["markdown"]
    assert driver["rules"][ids.index("G60-APP-004")]["defaultConfiguration"]["level"] == "note"


def test_sarif_results_levels_locations_and_language(seed, shanghai):
    zh = json.loads(render("sarif", seed, shanghai, "zh"))["runs"][0]
    en = json.loads(render("sarif", seed, shanghai, "en"))["runs"][0]
    results = zh["results"]
    assert [r["level"] for r in results] == ["error"] * 8 + ["warning"] * 14
    rules = zh["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        (location,) = r["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] in FILES
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert HEX32.match(r["partialFingerprints"]["g60rules/v1"])
        assert r["partialFingerprints"]["primaryLocationLineHash"] == r["partialFingerprints"]["g60rules/v1"]
    assert len({r["partialFingerprints"]["g60rules/v1"] for r in results}) == 22
    (app1,) = [r for r in results if r["ruleId"] == "G60-APP-001"
               and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == P2]
    assert app1["locations"][0]["physicalLocation"]["region"]["startLine"] == 25
    assert app1["level"] == "error"
    assert "“活动成本”" in app1["message"]["text"] and "735,000.00" in app1["message"]["text"]
    assert app1["properties"]["indicator"] == "活动成本" and app1["properties"]["row"] == 1
    (app1_en,) = [r for r in en["results"] if r["ruleId"] == "G60-APP-001"
                  and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == P2]
    assert app1_en["message"]["text"] != app1["message"]["text"] and "735,000.00" in app1_en["message"]["text"]
    assert [r["partialFingerprints"] for r in en["results"]] == [r["partialFingerprints"] for r in results]
    # 政策研究's unit cost is checked (200,000 元/个 × 11 篇 of 课题 reports): an error, no "cannot be checked" note
    (app3,) = [r for r in results if r["ruleId"] == "G60-APP-003"]
    assert app3["level"] == "error" and app3["locations"][0]["physicalLocation"]["region"]["startLine"] == 27
    assert not [r for r in results if r["level"] == "note"]
    assert zh["properties"]["g60rules"]["dropped"] == 0 and "truncated" not in zh["properties"]["g60rules"]


def test_sarif_lists_the_built_in_checks_that_occur(tmp_path, shanghai, monkeypatch):
    d = _copy_seed(tmp_path)
    (d / "broken.yaml").write_text("kind: project\nname: [oops\n", encoding="utf-8")
    (d / "notes.txt").write_text("not a declaration\n", encoding="utf-8")
    result = _screen_in(tmp_path, shanghai, monkeypatch)
    log = json.loads(render("sarif", result, shanghai, "en"))
    _validate(log)
    run = log["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids[: len(shanghai.rules)] == [r.id for r in shanghai.rules]
    assert ids[len(shanghai.rules):] == ["G60-FILE-002"]
    (broken,) = [r for r in run["results"] if r["ruleId"] == "G60-FILE-002"]
    assert broken["ruleIndex"] == len(shanghai.rules)
    assert broken["level"] == "error"
    assert broken["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "d/broken.yaml"
    assert broken["locations"][0]["physicalLocation"]["region"]["startLine"] == 2  # where the [ opened
    rule = run["tool"]["driver"]["rules"][-1]
    assert rule["name"] == "YAMLSyntaxError" and rule["defaultConfiguration"]["level"] == "error"
    assert "file-check" in rule["properties"]["tags"]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note" and "d/notes.txt" in note["message"]["text"]


def test_sarif_uri_is_relative_with_forward_slashes_and_encoded(shanghai):
    findings = [_finding(1, "error", file="dir\\子目录\\my file.yaml"), _finding(2, "error", file="./a/b.yaml")]
    log = json.loads(render("sarif", _result(findings), shanghai, "zh"))
    _validate(log)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert sorted(uris) == ["a/b.yaml", "dir/%E5%AD%90%E7%9B%AE%E5%BD%95/my%20file.yaml"]


def test_sarif_describes_a_rule_from_neither_the_ruleset_nor_the_built_in_checks(shanghai):
    other = _finding(1, "warning", rule_id="XX-OTHER-001", title_zh="别的规则", title_en="Some other rule",
                     basis="SH-FORM 第 3 条")
    log = json.loads(render("sarif", _result([other]), shanghai, "en"))
    _validate(log)
    run = log["runs"][0]
    rule = run["tool"]["driver"]["rules"][-1]
    assert (rule["id"], rule["name"], rule["shortDescription"]["text"]) == ("XX-OTHER-001", "SomeOtherRule",
                                                                           "Some other rule")
    assert rule["properties"]["basis"] == {"source": "SH-FORM", "clause": "第 3 条"}
    assert run["results"][0]["ruleIndex"] == len(shanghai.rules)


# --- fingerprints ------------------------------------------------------------------------------------------

def test_fingerprint_recipe_is_the_documented_one():
    f = Finding(rule_id="G60-APP-001", severity=Severity.ERROR, file=".\\decl\\p.yaml", line=25,
                message_zh="成本指标……", message_en="…", basis="CY-2015-88 相应匹配", department="某中心",
                project="要素对接", indicator="活动成本", row=1, field="value.amount_yuan")
    payload = ["g60rules/v1", "G60-APP-001", "decl/p.yaml", "要素对接", "活动成本", "value.amount_yuan", 0]
    expected = hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]
    assert fingerprint(f) == expected
    assert fingerprint(f, 1) != expected
    # Not the line, not the message, not the department, not the row when the indicator has a name.
    same = dataclasses.replace(f, line=99, message_zh="别的", message_en="other", department="其他", row=7)
    assert fingerprint(same) == expected
    for changed in ({"indicator": "活动经费"}, {"project": "政策研究"}, {"file": "decl/q.yaml"},
                    {"rule_id": "G60-APP-002"}, {"field": "value.raw"}):
        assert fingerprint(dataclasses.replace(f, **changed)) != expected
    # An indicator row without a name is known by its row number.
    unnamed = dataclasses.replace(f, indicator=None, row=4)
    payload = ["g60rules/v1", "G60-APP-001", "decl/p.yaml", "要素对接", "#row 4", "value.amount_yuan", 0]
    assert fingerprint(unnamed) == hashlib.sha256(
        json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def test_identical_findings_get_distinct_fingerprints_in_file_order():
    a = _finding(1, "error", line=10, row=None, indicator=None, project=None, file="d/x.yaml")
    b = dataclasses.replace(a, line=20, message_zh="另一条", message_en="another")
    assert fingerprints([a]) == [fingerprint(a)]
    assert fingerprints([b, a]) == [fingerprint(b, 1), fingerprint(a, 0)]
    assert fingerprints([a, a])[0] != fingerprints([a, a])[1]


def test_the_three_rows_of_one_cost_name_have_distinct_fingerprints(seed):
    rel4 = [i for i, f in enumerate(seed.findings) if f.rule_id == "G60-REL-004" and f.file == P1]
    prints = fingerprints(seed.findings)
    assert len(rel4) == 3 and len({prints[i] for i in rel4}) == 3


def _prints_by_key(result: ScreenResult, file: str) -> dict[tuple, str]:
    prints = fingerprints(result.findings)
    return {(f.rule_id, f.row): fp for f, fp in zip(result.findings, prints, strict=True) if f.file == file}


def test_fingerprints_survive_moved_lines(tmp_path, shanghai, monkeypatch):
    d = _copy_seed(tmp_path)
    before = _screen_in(tmp_path, shanghai, monkeypatch)
    target = d / "g60-2024" / "02-factor-matching.yaml"
    target.write_text("# 注释一\n# 注释二\n\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    after = _screen_in(tmp_path, shanghai, monkeypatch)
    file = "d/g60-2024/02-factor-matching.yaml"
    lines_before = {(f.rule_id, f.row): f.line for f in before.findings if f.file == file}
    lines_after = {(f.rule_id, f.row): f.line for f in after.findings if f.file == file}
    assert lines_before[("G60-APP-001", 1)] == 25 and lines_after[("G60-APP-001", 1)] == 28
    assert all(lines_after[k] == lines_before[k] + 3 for k in lines_before)
    assert _prints_by_key(after, file) == _prints_by_key(before, file)
    assert len(_prints_by_key(before, file)) == 4
    for fmt in ("sarif", "gitlab"):
        old, new = render(fmt, before, shanghai, "zh"), render(fmt, after, shanghai, "zh")
        assert old != new  # the lines moved ...
        assert re.findall(r"[0-9a-f]{32}", old) == re.findall(r"[0-9a-f]{32}", new)  # ... the fingerprints did not


def test_fingerprint_changes_with_the_indicator_name_not_with_its_value(tmp_path, shanghai, monkeypatch):
    d = _copy_seed(tmp_path)
    target = d / "g60-2024" / "02-factor-matching.yaml"
    text = target.read_text(encoding="utf-8")
    file = "d/g60-2024/02-factor-matching.yaml"
    before = _prints_by_key(_screen_in(tmp_path, shanghai, monkeypatch), file)

    target.write_text(text.replace("三级指标: 活动成本", "三级指标: 活动经费"), encoding="utf-8")
    renamed = _prints_by_key(_screen_in(tmp_path, shanghai, monkeypatch), file)
    assert renamed.keys() == before.keys()
    assert renamed[("G60-APP-001", 1)] != before[("G60-APP-001", 1)]
    assert {k: v for k, v in renamed.items() if k != ("G60-APP-001", 1)} == \
        {k: v for k, v in before.items() if k != ("G60-APP-001", 1)}

    # 900,000 is still above the 735,000 of the project: the same problem, the same fingerprint.
    target.write_text(text.replace("≪800000.00(元)", "≪900000.00(元)"), encoding="utf-8")
    result = _screen_in(tmp_path, shanghai, monkeypatch)
    (hit,) = [f for f in result.findings if f.rule_id == "G60-APP-001" and f.file == file]
    assert "900,000.00" in hit.message_zh
    assert _prints_by_key(result, file) == before


# --- SARIF limits ------------------------------------------------------------------------------------------

def test_sarif_keeps_the_25000_most_severe_results_and_says_so(shanghai):
    infos = [_finding(i, "info", rule_id="G60-APP-004") for i in range(24_990)]
    warnings = [_finding(30_000 + i, "warning", rule_id="G60-COMP-018") for i in range(15)]
    errors = [_finding(40_000 + i, "error", rule_id="G60-APP-001") for i in range(5)]
    result = _result(infos + warnings + errors)  # the most severe come last in the input
    assert len(result.findings) == 25_010
    run = json.loads(render("sarif", result, shanghai, "en"))["runs"][0]
    results = run["results"]
    assert len(results) == 25_000
    assert [r["level"] for r in results[:20]] == ["error"] * 5 + ["warning"] * 15
    assert Counter(r["level"] for r in results) == {"error": 5, "warning": 15, "note": 24_980}
    props = run["properties"]["g60rules"]
    assert (props["findings"], props["reported"], props["dropped"]) == (25_010, 25_000, 10)
    assert props["truncated"]["droppedBySeverity"] == {"error": 0, "warning": 0, "info": 10}
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert "25,010" in note["message"]["text"] and "25,000" in note["message"]["text"]
    assert "10 dropped" in note["message"]["text"]
    assert len({r["partialFingerprints"]["g60rules/v1"] for r in results}) == 25_000
    # The note validates like the rest (checked on a small run with the same cut).
    small = sarif(_result(errors + warnings), shanghai, "zh", max_results=12)
    _validate(small)
    assert [r["level"] for r in small["runs"][0]["results"]] == ["error"] * 5 + ["warning"] * 7
    assert "省略 8 条" in small["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_is_cut_to_the_gzip_size_limit(shanghai):
    # Messages of hex digests compress poorly, so that 1,000 results do not fit in 100 kB gzip-compressed.
    def noisy(i: int, severity: str) -> Finding:
        text = "".join(hashlib.sha256(f"{i}.{k}".encode()).hexdigest() for k in range(4))
        return _finding(i, severity, message_zh=text, message_en=text)

    findings = [noisy(i, "warning") for i in range(990)] + [noisy(5_000 + i, "error") for i in range(10)]
    limit = 100_000
    log = sarif(_result(findings), shanghai, "en", max_gzip_bytes=limit)
    text = json.dumps(log, ensure_ascii=False, indent=2)
    assert len(gzip.compress(text.encode("utf-8"))) <= limit
    run = log["runs"][0]
    kept = len(run["results"])
    assert 10 < kept < 1_000
    assert [r["level"] for r in run["results"][:10]] == ["error"] * 10
    props = run["properties"]["g60rules"]
    assert props["dropped"] == 1_000 - kept
    assert props["truncated"]["droppedBySeverity"] == {"error": 0, "warning": 1_000 - kept, "info": 0}
    assert "100,000 bytes gzip-compressed" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    _validate(log)


# --- JUnit ---------------------------------------------------------------------------------------------------

def test_junit_one_case_per_file_one_failure_per_finding(seed, shanghai):
    root = ET.fromstring(render("junit", seed, shanghai, "zh").encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    counts = (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped"))
    assert counts == ("7", "22", "0", "0")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == FILES
    failures = {c.get("name"): c.findall("failure") for c in cases}
    assert [len(failures[f]) for f in FILES] == [7, 4, 2, 3, 4, 2, 0]  # department.yaml is clean: it passes
    app1 = [x for x in failures[P2] if x.get("message").startswith("G60-APP-001")]
    (app1,) = app1
    assert app1.get("type") == "error"
    assert f"{P2}:25: error G60-APP-001" in app1.text
    assert "依据: CY-2015-88 相应匹配" in app1.text and "“活动成本”" in app1.text
    assert sorted(x.get("type") for f in FILES for x in failures[f]) == ["error"] * 8 + ["warning"] * 14


def test_junit_reports_broken_and_unread_files(tmp_path, shanghai, monkeypatch):
    d = _copy_seed(tmp_path)
    (d / "broken.yaml").write_text("kind: project\nname: [oops\n", encoding="utf-8")
    (d / "notes.txt").write_text("not a declaration\n", encoding="utf-8")
    result = _screen_in(tmp_path, shanghai, monkeypatch)
    root = ET.fromstring(render("junit", result, shanghai, "en").encode("utf-8"))
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("9", "23", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    (failure,) = cases["d/broken.yaml"].findall("failure")
    assert failure.get("message").startswith("G60-FILE-002: YAML syntax error")
    assert "d/broken.yaml:2: error G60-FILE-002" in failure.text  # where the [ opened
    assert cases["d/notes.txt"].find("skipped") is not None


def test_junit_survives_control_characters(shanghai):
    bad = _finding(1, "error", message_zh="值\x07“\x1b[31m”", message_en="value \x00 here")
    root = ET.fromstring(render("junit", _result([bad]), shanghai, "zh").encode("utf-8"))
    (failure,) = root.iter("failure")
    assert "\ufffd" in failure.get("message")


# --- GitHub Actions ------------------------------------------------------------------------------------------

def test_github_annotations_most_severe_first_then_the_summary(seed, shanghai):
    lines = render("github", seed, shanghai, "en").splitlines()
    assert len(lines) == 23
    kinds = [line.split(" ", 1)[0] for line in lines[:22]]
    assert kinds == ["::error"] * 8 + ["::warning"] * 14
    assert lines[-1] == "g60rules: 8 errors, 14 warnings, 0 infos in 7 files"
    zh_summary = render("github", seed, shanghai, "zh").splitlines()[-1]
    assert zh_summary == "g60rules：错误 8 个，警告 14 个，提示 0 个，共 7 个文件"
    # Within errors: by file, then line.
    where = [re.match(r"::error file=([^,]+),line=(\d+),", line).groups() for line in lines[:8]]
    assert where == sorted(where, key=lambda w: (w[0], int(w[1])))
    assert where[:4] == [(P1, "27"), (P1, "27"), (P1, "28"), (P1, "28")]
    app1 = [line for line in lines if line.startswith(f"::error file={P2},line=25,")]
    assert app1 == [app1[0]] and "title=G60-APP-001 Cost ceiling above the project's money::" in app1[0]
    # no seed message holds a "%" any more: test_github_escapes_data_and_properties escapes one


def test_github_escapes_data_and_properties(shanghai):
    f = _finding(1, "warning", rule_id="X-1", file="a,b:c%.yaml", line=3, project=None, row=None,
                 message_en="50% done\r\nnext", title_en="T: a, b", basis="")
    lines = render("github", _result([f]), shanghai, "en").splitlines()
    assert lines[0] == "::warning file=a%2Cb%3Ac%25.yaml,line=3,title=X-1 T%3A a%2C b::50%25 done%0D%0Anext"
    assert lines[1] == "g60rules: 0 errors, 1 warnings, 0 infos in 1 files"
    assert len(lines) == 2


def test_github_info_is_a_notice_and_no_findings_is_just_the_summary(shanghai):
    info = _finding(1, "info", file="x.yaml", line=0, project=None, row=None, basis="")
    assert render("github", _result([info]), shanghai, "zh").startswith("::notice file=x.yaml,line=1,")
    assert render("github", _result([], files=["a.yaml"]), shanghai, "zh") == \
        "g60rules：错误 0 个，警告 0 个，提示 0 个，共 1 个文件\n"


# --- GitLab Code Quality -------------------------------------------------------------------------------------

def test_gitlab_code_quality(seed, shanghai):
    issues = json.loads(render("gitlab", seed, shanghai, "zh"))
    assert isinstance(issues, list) and len(issues) == 22
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= issue.keys()
        assert issue["severity"] in {"blocker", "critical", "major", "minor", "info"}
        assert issue["location"]["path"] in FILES and issue["location"]["lines"]["begin"] >= 1
        assert HEX32.match(issue["fingerprint"])
    assert len({i["fingerprint"] for i in issues}) == 22
    assert Counter(i["severity"] for i in issues) == {"major": 8, "minor": 14}
    (app1,) = [i for i in issues if i["check_name"] == "G60-APP-001" and i["location"]["path"] == P2]
    assert app1["severity"] == "major" and app1["location"]["lines"]["begin"] == 25
    assert "“活动成本”" in app1["description"] and "CY-2015-88 相应匹配" in app1["description"]
    # The same fingerprint as in SARIF.
    log = json.loads(render("sarif", seed, shanghai, "zh"))
    sarif_prints = {r["partialFingerprints"]["g60rules/v1"] for r in log["runs"][0]["results"]}
    assert {i["fingerprint"] for i in issues} == sarif_prints


def test_gitlab_an_unscreened_file_is_critical(tmp_path, shanghai, monkeypatch):
    d = _copy_seed(tmp_path)
    (d / "broken.yaml").write_text("kind: project\nname: [oops\n", encoding="utf-8")
    issues = json.loads(render("gitlab", _screen_in(tmp_path, shanghai, monkeypatch), shanghai, "en"))
    (broken,) = [i for i in issues if i["check_name"] == "G60-FILE-002"]
    assert broken["severity"] == "critical"
    assert broken["location"] == {"path": "d/broken.yaml", "lines": {"begin": 2}}  # where the [ opened
    assert json.loads(render("gitlab", _result([]), shanghai, "en")) == []


# --- JSON Lines ---------------------------------------------------------------------------------------------

def test_jsonl_one_finding_per_line(seed, shanghai):
    text = render("jsonl", seed, shanghai, "zh")
    lines = text.splitlines()
    assert len(lines) == len(seed.findings) == 22
    records = [json.loads(line) for line in lines]
    assert records == [f.to_dict("zh") for f in seed.findings]
    assert "\\u" not in text and "要素对接" in text  # UTF-8, not escaped
    (app1,) = [r for r in records if r["rule_id"] == "G60-APP-001" and r["file"] == P2]
    assert (app1["line"], app1["severity"], app1["indicator"], app1["row"]) == (25, "error", "活动成本", 1)
    assert app1["message"] == app1["message_zh"]
    en = [json.loads(line) for line in render("jsonl", seed, shanghai, "en").splitlines()]
    assert all(r["message"] == r["message_en"] and r["title"] == r["title_en"] for r in en)
    assert render("jsonl", _result([]), shanghai, "zh") == ""
