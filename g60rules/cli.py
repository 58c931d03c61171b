"""Command line: ``g60rules check``, ``g60rules graph``, ``g60rules ruleset test``.

Exit codes, the same for every command and format:
0 — nothing at or above ``--fail-on``; 1 — findings at or above it (or a rule example that fails);
2 — usage error, unusable ruleset, missing path, or internal error.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from .engine import ENGINES, screen
from .findings import Severity
from .graph import build_graph, export
from .loader import load_corpus
from .report import render_text, to_json
from .rulesets import RulesetError, default_ruleset_path, load_ruleset
from .ruletests import run_examples

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Screen 财政项目支出绩效目标申报表 against YAML rulesets.")
ruleset_app = typer.Typer(no_args_is_help=True, help="Work on ruleset files.")
app.add_typer(ruleset_app, name="ruleset")

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Format(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


class Engine(str, Enum):
    durable = "durable"
    reference = "reference"


class GraphFormat(str, Enum):
    graphml = "graphml"
    json = "json"
    dot = "dot"


assert {e.value for e in Engine} == set(ENGINES)


def _fail(message: str) -> None:
    Console(stderr=True).print(f"g60rules: {message}", markup=False, highlight=False)
    raise typer.Exit(EXIT_ERROR)


def _ruleset(path: Optional[Path]):
    target = path or default_ruleset_path()
    if not target.is_file():
        _fail(f"ruleset not found: {target}" + ("" if path else " (pass --ruleset)"))
    try:
        return load_ruleset(target)
    except RulesetError as exc:
        _fail(f"{exc.file}:{exc.line}: {exc.message}")


@app.command()
def check(
    paths: List[Path] = typer.Argument(..., help="Declaration files or directories (*.yaml, *.yml)."),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help="Ruleset file [default: rulesets/shanghai.yaml]."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Report format."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of messages."),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Lowest severity that makes the exit code 1."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Rule engine."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes [default: CPU count]."),
) -> None:
    """Screen declarations; exit 0 clean, 1 findings at or above --fail-on, 2 error."""
    compiled = _ruleset(ruleset)
    try:
        result = screen(paths, compiled, engine=engine.value, jobs=jobs)
    except FileNotFoundError as exc:
        _fail(f"no such file or directory: {exc}")
    if fmt is Format.json:
        sys.stdout.write(to_json(result, lang.value, compiled.name) + "\n")
    else:
        render_text(result, lang.value, Console(highlight=False, soft_wrap=True))
    if fail_on is not FailOn.never:
        floor = Severity(fail_on.value).rank
        if any(f.severity.rank >= floor for f in result.findings):
            raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_CLEAN)


@app.command()
def graph(
    paths: List[Path] = typer.Argument(..., help="Declaration files or directories."),
    fmt: GraphFormat = typer.Option(GraphFormat.json, "--format", "-f", help="Export format."),
) -> None:
    """Export the declaration graph (department → project → funds → indicators) with roll-ups."""
    try:
        corpus = load_corpus(paths)
    except FileNotFoundError as exc:
        _fail(f"no such file or directory: {exc}")
    sys.stdout.write(export(build_graph(corpus.departments, corpus.projects), fmt.value) + "\n")


@ruleset_app.command("test")
def ruleset_test(
    files: Optional[List[Path]] = typer.Argument(None, help="Ruleset files [default: the bundled rulesets]."),
    engine: Engine = typer.Option(Engine.reference, "--engine", help="Rule engine."),
) -> None:
    """Run every rule's passing and failing examples; exit 1 if any does not behave as stated."""
    targets = files or sorted(default_ruleset_path().parent.glob("*.yaml"))
    console = Console(highlight=False)
    failed = 0
    for target in targets:
        for outcome in run_examples(_ruleset(target), engine=engine.value):
            if not outcome.ok:
                failed += 1
                problems = "; ".join(f.message_en for f in outcome.load_problems)
                console.print(f"FAIL {target}: {outcome.label}"
                              + (f" — example does not load: {problems}" if problems else
                                 f" — expected the rule to {'fire' if outcome.expect == 'fail' else 'stay silent'}"),
                              markup=False)
    console.print(f"{failed} failed" if failed else "all rule examples pass", markup=False)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
