"""Command line: ``check``, ``graph``, ``explain``, ``impact``, ``rules`` and ``ruleset …``.

Exit codes, the same for every command and format:
0 — nothing at or above ``--fail-on`` (lint: no problem); 1 — findings at or above it (lint: problems;
``ruleset test``: an example that does not behave); 2 — usage error, unusable ruleset, missing path,
or internal error. Findings of rules in state ``warn`` or ``shadow`` never fail a run.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from typer import rich_utils
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from g60rules import __version__
from g60rules.cli_text import HELP_OPTIONS, cli_lang, error_text, localise
from g60rules.engines.durable import EngineUnavailable
from g60rules.engines.pool import ENGINES, screen
from g60rules.rules.explain import explain_on, explain_rule
from g60rules.findings import Severity
from g60rules.reports.machine import render
from g60rules.gate import (WAIVERS_FILE, GateError, apply_gate, baseline_document, changed_files, read_baseline,
                           read_waivers, tree_files)
from g60rules.graph import build_graph, export
from g60rules.rules.impact import ImpactError, impact
from g60rules.rules.impact import render as render_impact
from g60rules.rules.lint import lint
from g60rules.intake.yaml_loader import load_corpus
from g60rules.reports.text import render_text, to_json
from g60rules.rules.docs import rules_markdown, show_text
from g60rules.rules.format import json_schema
from g60rules.rules.compiler import CompiledRuleset, RulesetError, default_ruleset_path, load_ruleset
from g60rules.rules.examples import run_examples

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_ACTIVE = {"lang": "zh"}  # the language of this invocation (g60rules.cli_text.cli_lang)


class _LocalisedGroup(TyperGroup):
    """The root command: help, usage errors and the default of --lang in the user's language."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = sys.argv[1:] if args is None else list(args)
        _ACTIVE["lang"] = cli_lang(argv)
        localise(self, _ACTIVE["lang"])
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(argv, prog_name or "g60rules", complete_var, False, **extra)
        except ClickException as exc:
            text = error_text(exc.format_message(), _ACTIVE["lang"])
            exc.format_message = lambda: text  # rendered by typer in its error panel
            rich_utils.rich_format_error(exc)
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else EXIT_CLEAN)


app = typer.Typer(cls=_LocalisedGroup, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": HELP_OPTIONS},
                  help="Screen 财政项目支出绩效目标申报表 against YAML rulesets.")
ruleset_app = typer.Typer(no_args_is_help=True, help="Work on ruleset files: lint, test, show, schema.")
app.add_typer(ruleset_app, name="ruleset")


def _show_version(value: bool) -> None:
    if value:
        _out(f"g60rules {__version__}")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                       help="Show the version and exit.")) -> None:
    """Screen 财政项目支出绩效目标申报表 against YAML rulesets."""


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    gitlab = "gitlab"
    jsonl = "jsonl"


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


class DocFormat(str, Enum):
    md = "md"
    text = "text"


assert {e.value for e in Engine} == set(ENGINES)

RULESET_HELP = "Ruleset file (default: rulesets/shanghai.yaml)."


def _fail(message: str | tuple[str, str]) -> None:
    """Print a usage error (a (Chinese, English) pair is printed in this invocation's language); exit 2."""
    if isinstance(message, tuple):
        message = message[1] if _ACTIVE["lang"] == "en" else message[0]
    Console(stderr=True, soft_wrap=True).print(f"g60rules: {message}", markup=False, highlight=False)
    raise typer.Exit(EXIT_ERROR)


def _ruleset(path: Optional[Path], lang: Lang = Lang.zh) -> CompiledRuleset:
    target = path or default_ruleset_path()
    if not target.is_file():
        _fail((f"找不到规则集：{target}" + ("" if path else "（请用 --ruleset 指定）"),
               f"ruleset not found: {target}" + ("" if path else " (pass --ruleset)")))
    try:
        return load_ruleset(target)
    except RulesetError as exc:
        _fail(exc.problem.text(lang.value))


def _today(value: Optional[str]) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail((f"--as-of 应为日期 YYYY-MM-DD，而不是“{value}”", f"--as-of takes a date YYYY-MM-DD, not '{value}'"))


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _render(fmt: str, result, compiled: CompiledRuleset, lang: Lang, verbose: bool = False) -> str:
    if fmt == "json":
        return to_json(result, lang.value, compiled.name) + "\n"
    if fmt == "text":
        console = Console(record=True, file=io.StringIO(), highlight=False, soft_wrap=True, color_system=None)
        render_text(result, lang.value, console, verbose)
        return console.export_text()
    return render(fmt, result, compiled, lang.value)


def _waivers(path: Optional[Path]):
    """The waivers of ``path``, else of WAIVERS_FILE when present. Raises GateError."""
    if path is not None and not path.is_file():
        raise GateError(f"no such waivers file: {path}", f"豁免文件不存在：{path}")
    found = path or (Path(WAIVERS_FILE) if Path(WAIVERS_FILE).is_file() else None)
    return read_waivers(found) if found else []


def _outputs(specs: List[str]) -> list[tuple[str, Path]]:
    out = []
    for spec in specs:
        fmt, sep, path = spec.partition("=")
        if not sep or fmt not in {f.value for f in Format} or not path:
            raise typer.BadParameter(f"'{spec}': write FORMAT=PATH with FORMAT one of "
                                     f"{', '.join(f.value for f in Format)}", param_hint="--output")
        out.append((fmt, Path(path)))
    return out


@app.command()
def check(
    paths: List[Path] = typer.Argument(..., metavar="PATH", help="Declaration files or directories (*.yaml, *.yml)."),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Report format on standard output."),
    output: List[str] = typer.Option([], "--output", "-o", metavar="FORMAT=PATH",
                                     help="Also write a report to a file; repeatable."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of messages."),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Lowest severity that makes the exit code 1."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too (same as --fail-on warning)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Baseline file: fail only on new findings."),
    waivers: Optional[Path] = typer.Option(None, "--waivers",
                                           help=f"Waivers file (default: {WAIVERS_FILE} if present)."),
    changed_since: Optional[str] = typer.Option(None, "--changed-since", metavar="REF",
                                                help="Screen only declarations changed since this git ref."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Rule engine."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: CPU count)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date deciding which rules are in effect (default: today)."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Also show the engine, its fallbacks and the rules run beside it."),
    cache: Optional[Path] = typer.Option(None, "--cache", metavar="DIR",
                                         help="Keep results here; unchanged files are not screened again."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Screen on a Dask cluster (tcp://host:8786); see docs/scale.md."),
) -> None:
    """Screen declarations; exit 0 clean, 1 findings at or above --fail-on, 2 error."""
    outputs = _outputs(output)
    if strict and fail_on is FailOn.never:
        raise typer.BadParameter("--strict and --fail-on never contradict each other", param_hint="--strict")
    today = _today(as_of)
    compiled = _ruleset(ruleset, lang).active(today)
    try:
        known = read_baseline(baseline) if baseline else None
        loaded_waivers = _waivers(waivers)
        changed = changed_files(changed_since, Path.cwd()) if changed_since else None
        result = screen(paths, compiled, engine=engine.value, jobs=jobs, changed=changed, cache=cache,
                        scheduler=scheduler)
    except FileNotFoundError as exc:
        if str(exc).lower() in ("true", "false", "yes", "no"):  # "--strict true": a flag takes no value
            _fail((f"文件或目录不存在：{exc}（开关选项不带值：写 --strict，而不是 --strict {exc}）",
                   f"no such file or directory: {exc} (flags take no value: write --strict, not --strict {exc})"))
        _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))
    except GateError as exc:
        _fail((exc.zh, str(exc)))
    except EngineUnavailable as exc:
        _fail(exc.text(lang.value))
    except (RuntimeError, OSError) as exc:  # --scheduler: distributed missing, scheduler unreachable
        _fail((f"无法在集群上筛查：{exc}", f"cannot screen on the cluster: {exc}"))
    outcome = apply_gate(result.findings, known, loaded_waivers, today, result.files, tree_files(paths))
    result = replace(result, findings=sorted(outcome.findings, key=lambda f: f.sort_key()), fixed=outcome.fixed,
                     baseline_used=outcome.baseline_used)
    for out_fmt, path in outputs:
        path.write_text(_render(out_fmt, result, compiled, lang, verbose), encoding="utf-8")
    if fmt is Format.text:
        render_text(result, lang.value, Console(highlight=False, soft_wrap=True), verbose)
    else:
        sys.stdout.buffer.write(_render(fmt.value, result, compiled, lang).encode("utf-8"))
        sys.stdout.flush()
    floor = Severity.WARNING.rank if strict else (None if fail_on is FailOn.never else Severity(fail_on.value).rank)
    if floor is not None and any(f.gating and f.severity.rank >= floor for f in result.findings):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_CLEAN)


baseline_app = typer.Typer(no_args_is_help=True, help="Record today's findings so that CI fails only on new ones.")
app.add_typer(baseline_app, name="baseline")


def _write_baseline(paths: List[Path], ruleset: Optional[Path], target: Path, lang: Lang,
                    waivers: Optional[Path]) -> tuple[dict, int]:
    """Write the baseline; returns it and how many waived findings were left out of it.

    A waived finding never enters a baseline: when its waiver expires, it must fail the run again.
    """
    compiled = _ruleset(ruleset, lang)
    try:
        loaded_waivers = _waivers(waivers)
        result = screen(paths, compiled, engine="reference")
    except FileNotFoundError as exc:
        _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))
    except GateError as exc:
        _fail((exc.zh, str(exc)))
    outcome = apply_gate(result.findings, None, loaded_waivers, dt.date.today(), result.files)
    notes = set(map(id, outcome.notes))
    kept = [f for f in outcome.findings if id(f) not in notes and f.state != "shadow"]
    document = baseline_document([f for f in kept if f.status != "waived"])
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return document, sum(f.status == "waived" for f in kept)


def _baseline_lines(entries: list[dict]) -> str:
    return "".join(f"  + {e['rule_id']} {e['file']}" + (f" [{e['project']}]" if e.get("project") else "")
                   + (f"「{e['indicator']}」" if e.get("indicator") else "") + f": {e['message']}\n"
                   for e in entries)


@baseline_app.command("create")
def baseline_create(
    paths: List[Path] = typer.Argument(..., help="Declaration files or directories."),
    baseline: Path = typer.Option(Path(".g60rules-baseline.json"), "--baseline", help="Baseline file to write."),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing baseline."),
    waivers: Optional[Path] = typer.Option(None, "--waivers",
                                           help=f"Waivers file (default: {WAIVERS_FILE} if present)."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language."),
) -> None:
    """Write a baseline of the current findings (fingerprints, not line numbers); waived ones stay out."""
    if baseline.exists() and not force:
        _fail((f"{baseline} 已存在；请用 baseline update，或加 --force 覆盖",
               f"{baseline} exists; use 'baseline update' or --force"))
    document, waived = _write_baseline(paths, ruleset, baseline, lang, waivers)
    _out(_baseline_summary(baseline, len(document["findings"]), None, None, waived, lang))


@baseline_app.command("update")
def baseline_update(
    paths: List[Path] = typer.Argument(..., help="Declaration files or directories."),
    baseline: Path = typer.Option(Path(".g60rules-baseline.json"), "--baseline", help="Baseline file to update."),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    waivers: Optional[Path] = typer.Option(None, "--waivers",
                                           help=f"Waivers file (default: {WAIVERS_FILE} if present)."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language."),
) -> None:
    """Rewrite the baseline from the current findings, listing each entry added; waived ones stay out."""
    try:
        before = set(read_baseline(baseline))
    except GateError as exc:
        _fail((exc.zh, str(exc)))
    document, waived = _write_baseline(paths, ruleset, baseline, lang, waivers)
    added = [e for e in document["findings"] if e["fingerprint"] not in before]
    dropped = len(before - {e["fingerprint"] for e in document["findings"]})
    _out(_baseline_summary(baseline, len(document["findings"]), added, dropped, waived, lang))


def _baseline_summary(target: Path, total: int, added: Optional[list[dict]], dropped: Optional[int], waived: int,
                      lang: Lang) -> str:
    en = lang is Lang.en
    text = f"{target}: " + (f"{total} findings" if en else f"{total} 条结果")
    if added is not None:
        text += (f" ({len(added)} added, {dropped} dropped)" if en else f"（新增 {len(added)} 条，移除 {dropped} 条）")
    if waived:
        text += (f"; {waived} waived findings left out (they return when the waiver expires)" if en
                 else f"；{waived} 条已豁免的结果未写入（豁免过期后会重新报告）")
    return text + ("\n" + _baseline_lines(added).rstrip("\n") if added else "")


@app.command()
def graph(
    paths: List[Path] = typer.Argument(..., help="Declaration files or directories."),
    fmt: GraphFormat = typer.Option(GraphFormat.json, "--format", "-f", help="Export format."),
) -> None:
    """Export the declaration graph (department → project → funds → indicators) with roll-ups."""
    try:
        corpus = load_corpus(paths)
    except FileNotFoundError as exc:
        _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))
    _out(export(build_graph(corpus.departments, corpus.projects), fmt.value))


@app.command()
def explain(
    rule_id: str = typer.Argument(..., metavar="RULE", help="Rule id, e.g. G60-APP-001."),
    paths: Optional[List[Path]] = typer.Argument(None, metavar="[DECLARATION]...", help="Declarations to trace."),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language."),
) -> None:
    """Document a rule; with declarations, show every value it compared and each result."""
    compiled = _ruleset(ruleset, lang)
    try:
        rule = compiled.rule(rule_id.strip().upper())  # ids are upper case; typed in any case
    except KeyError:
        _fail((f"规则集 {compiled.name} 中没有规则 {rule_id}；g60rules rules 可列出全部规则",
               f"no rule {rule_id} in {compiled.name}; 'g60rules rules' lists them"))
    _out(explain_rule(compiled, rule.id, lang.value))
    if paths:
        try:
            _out(explain_on(compiled, rule, paths, lang.value))
        except FileNotFoundError as exc:
            _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))


@app.command("impact")
def impact_command(
    old: str = typer.Argument(..., help="Ruleset before the change: a file or git:REF:PATH."),
    new: str = typer.Argument(..., help="Ruleset after the change: a file or git:REF:PATH."),
    paths: List[Path] = typer.Argument(..., help="Declarations to run both over."),
    fmt: DocFormat = typer.Option(DocFormat.text, "--format", "-f", help="text, or md to paste into a review."),
    examples: int = typer.Option(5, "--examples", "-n", min=0, help="Examples shown per list."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language."),
) -> None:
    """Preview a ruleset change: per rule, what newly fails, newly passes, or changes."""
    try:
        impacts = impact(old, new, paths)
    except (ImpactError, FileNotFoundError) as exc:
        _fail(str(exc))
    except RulesetError as exc:
        _fail(exc.problem.text(lang.value))
    _out(render_impact(impacts, fmt.value, lang.value, examples))


@app.command()
def rules(
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    fmt: DocFormat = typer.Option(DocFormat.text, "--format", "-f", help="text (a list) or md (docs/rules.md)."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """List the rules, or write their documentation (one section per rule)."""
    compiled = _ruleset(ruleset, lang)
    if fmt is DocFormat.md:
        text = rules_markdown(compiled, lang.value)
    else:
        text = "\n".join(f"{r.id:<14} {r.severity:<8} {r.state:<8} {r.title.en if lang is Lang.en else r.title.zh}"
                         for r in compiled.rules) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        _out(text)


@ruleset_app.command("lint")
def ruleset_lint(
    files: List[Path] = typer.Argument(..., help="Ruleset files."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of problems and hints."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
) -> None:
    """Every problem of the rulesets with file:line:column and a fix hint; exit 1 if any."""
    failing = False
    console = Console(highlight=False, soft_wrap=True)
    for file in files:
        if not file.is_file():
            _fail((f"规则集文件不存在：{file}", f"no such ruleset: {file}"))
        problems = lint(file)
        for problem in problems:
            console.print(problem.text(lang.value), markup=False)
        failing |= any(p.level == "error" or strict for p in problems)
        if not problems:
            console.print(f"{file}: " + ("ok" if lang is Lang.en else "没有问题"), markup=False)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@ruleset_app.command("test")
def ruleset_test(
    files: Optional[List[Path]] = typer.Argument(None, help="Ruleset files (default: the bundled rulesets)."),
    engine: Engine = typer.Option(Engine.reference, "--engine", help="Rule engine."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language."),
) -> None:
    """Run every rule's passing and failing examples; exit 1 if any does not behave as stated."""
    targets = files or sorted(default_ruleset_path().parent.rglob("*.yaml"))
    console = Console(highlight=False, soft_wrap=True)
    failed = total = 0
    uncovered: list[str] = []
    for target in targets:
        compiled = _ruleset(target, lang)
        try:
            outcomes = run_examples(compiled, engine=engine.value)
        except EngineUnavailable as exc:
            _fail(exc.text(lang.value))
        total += len(outcomes)
        for outcome in outcomes:
            if not outcome.ok:
                failed += 1
                file, line, _ = outcome.rule.example_at[outcome.index]
                text = outcome.problem[1] if lang is Lang.en else outcome.problem[0]
                console.print(f"{'FAIL' if lang is Lang.en else '不符'} {file}:{line}: {outcome.label}: {text}",
                              markup=False)
        for rule in compiled.rules:
            if {e.expect for e in rule.examples} != {"pass", "fail"}:
                uncovered.append(rule.id)
                console.print(f"FAIL {target}: {rule.id}: needs a passing and a failing example" if lang is Lang.en
                              else f"不符 {target}: {rule.id}: 需要至少一个通过示例和一个失败示例", markup=False)
    if lang is Lang.en:
        coverage = f", {len(uncovered)} rules without both kinds of example" if uncovered else ""
        console.print(f"{total - failed} passed, {failed} failed{coverage}", markup=False)
    else:
        coverage = f"，{len(uncovered)} 条规则缺少通过或失败示例" if uncovered else ""
        console.print(f"通过 {total - failed} 个，不符 {failed} 个{coverage}", markup=False)
    raise typer.Exit(EXIT_FINDINGS if failed or uncovered else EXIT_CLEAN)


@ruleset_app.command("show")
def ruleset_show(
    file: Path = typer.Argument(..., help="Ruleset file."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language."),
) -> None:
    """The effective ruleset after extends and overrides, each value with where it came from."""
    _out(show_text(_ruleset(file, lang), lang.value))


@ruleset_app.command("schema")
def ruleset_schema() -> None:
    """Print the JSON Schema of ruleset files (committed as rulesets/schema.json)."""
    _out(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def main() -> None:
    """Console entry point: any unexpected error exits 2 with a message, never 1 (which means findings)."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # a bug: say so plainly, and keep exit code 1 for findings only
        Console(stderr=True, soft_wrap=True).print(
            f"g60rules: internal error: {type(exc).__name__}: {exc}", markup=False, highlight=False)
        sys.exit(EXIT_ERROR)
