"""g60rules' own JSON report saved in the season is recognised as its output (G60-FILE-012), never
listed as 未检查 — and nothing else that is JSON, least of all a declaration, is taken for one."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from g60rules.cli import app
from g60rules.own_output import own_output
from season import write_season

runner = CliRunner()


def test_a_json_report_in_the_season_is_own_output(tmp_path):
    season = write_season(tmp_path / "s")
    saved = season / "上次结果.json"
    runner.invoke(app, ["check", str(season), "--engine", "reference", "-q", "-o", f"json={saved}"])
    assert own_output(saved)
    data = json.loads(runner.invoke(app, ["check", str(season), "--engine", "reference", "-q", "-f", "json"]).stdout)
    assert not [f for f in data["ignored_files"] if f.endswith(".json")]
    assert [f["rule_id"] for f in data["findings"] if f["rule_id"] == "G60-FILE-012"] == ["G60-FILE-012"]


def test_other_json_is_not_own_output(tmp_path):
    cases = {
        # a declaration written as JSON, even one that names the tool first
        "decl.json": {"tool": "g60rules", "version": "1", "ruleset": "x", "engine": "y", "kind": "project",
                      "findings": [], "summary": {}},
        "decl2.json": {"类型": "项目", "项目名称": "道路养护", "findings": []},
        "other.json": {"tool": "other", "version": "1", "ruleset": "x", "engine": "y", "findings": [], "summary": {}},
        # the opening alone is not enough: the body must be a report
        "half.json": {"tool": "g60rules", "version": "1", "ruleset": "x", "engine": "y", "findings": "none"},
    }
    for name, body in cases.items():
        (tmp_path / name).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "cut.json").write_text('{"tool": "g60rules", "version": "1", "ruleset": "x", "engine": "y", "fi',
                                       encoding="utf-8")
    (tmp_path / "bytes.json").write_bytes(b'{"tool": "g60rules", "version": "\xff\xfe"}')
    assert [n for n in (*cases, "cut.json", "bytes.json") if own_output(tmp_path / n)] == []
    (tmp_path / "ok.json").write_text(json.dumps({"tool": "g60rules", "version": "1", "ruleset": "x", "engine": "y",
                                                  "findings": [], "summary": {}}), encoding="utf-8")
    assert own_output(tmp_path / "ok.json")
