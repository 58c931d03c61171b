"""The example declarations: one per layout, as YAML and as the workbook a user opens. The workbooks
are regenerated here and must match the committed ones cell for cell; each screens like its YAML."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from g60rules.intake.examples import contents, workbook_for, written_values
from g60rules.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "declarations" / "examples"
YAMLS = sorted(EXAMPLES.glob("*.yaml"))


def test_one_example_per_layout():
    assert sorted(written_values(path)[1] for path in YAMLS) == [
        "legacy-2015", "national-2021", "ndrc-investment", "shanghai-2024"]


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: p.stem)
def test_committed_workbook_matches_its_yaml(tmp_path, path):
    committed = path.with_suffix(".xlsx")
    assert committed.is_file(), f"run: python -m g60rules.intake.examples ({committed} is missing)"
    assert contents(workbook_for(path, tmp_path / committed.name)) == contents(committed), (
        f"{committed.name} drifted from {path.name}: run python -m g60rules.intake.examples")


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: p.stem)
def test_workbook_screens_like_its_yaml(path):
    runner = CliRunner()

    def run(target):
        data = json.loads(runner.invoke(app, ["check", str(target), "-f", "json", "--engine", "reference"]).stdout)
        return data, Counter((f["rule_id"], f["row"], f["field"], f["message"]) for f in data["findings"])

    _, from_yaml = run(path)
    book, from_book = run(path.with_suffix(".xlsx"))
    assert book["declarations"] == 1
    assert from_book == from_yaml


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: p.stem)
def test_imported_workbook_is_the_same_declaration(tmp_path, path):
    from g60rules.intake.yaml_loader import load_corpus

    runner = CliRunner()
    result = runner.invoke(app, ["import", str(path.with_suffix(".xlsx")), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (imported,) = load_corpus([tmp_path]).projects
    (original,) = load_corpus([path]).projects
    exclude = {"source": True, "funds": {"source"}, "indicators": {"__all__": {"source"}}}
    assert imported.model_dump(exclude=exclude) == original.model_dump(exclude=exclude)
