"""Command line: ``check``, ``letters``, ``graph``, ``explain``, ``impact``, ``rules`` and ``ruleset …``.

Exit codes, the same for every command and format:
0 — nothing at or above ``--fail-on`` (lint: no error, or with ``--strict`` no problem); 1 — findings at or
above it (lint: an error, or with ``--strict`` any problem;
``ruleset test``: an example that does not behave); 2 — usage error, unusable ruleset, missing path,
a ``check`` that screened no declaration at all (it says what it found instead), or internal error; 130 —
interrupted (Ctrl-C; no worker is left behind). Findings of rules in state ``warn`` or ``shadow`` never
fail a run.

Every report is rendered by :mod:`g60rules.reports` from one :class:`~g60rules.reports.summary.Report`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from typer import rich_utils
from typer._click.core import ParameterSource
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from g60rules import __version__
from g60rules.cli_text import HELP_OPTIONS, cli_lang, error_text, localise
from g60rules.engines.durable import EngineUnavailable
from g60rules.engines.pool import ENGINES, screen
from g60rules.rules.explain import explain_on, explain_rule
from g60rules.findings import Severity
from g60rules.gate import (UNSCREENED, WAIVER_HORIZON_DAYS, WAIVERS_FILE, GateError, apply_gate, baseline_document,
                           baseline_fingerprints, changed_files, read_baseline, read_waivers, tree_files)
from g60rules.graph import build_graph, export
from g60rules.rules.impact import ImpactError, impact
from g60rules.rules.impact import render as render_impact
from g60rules.rules.lint import lint
from g60rules.intake.tables import read_table_file
from g60rules.intake.yaml_loader import YAML_SUFFIXES, _display, expand_paths, load_corpus
from g60rules.intake.yaml_writer import declaration_yaml
from g60rules.model import render_location
from g60rules.progress import Progress, progress_for
from g60rules.reports.compare import CompareError, compare, read_previous_run
from g60rules.reports.formats import FORMATS, render
from g60rules.reports.letters import INDEX as LETTERS_INDEX, missing_listed, not_read, write_letters
from g60rules.reports.summary import Report
from g60rules.reports.text import cache_note, location, nothing_screened, render_text
from g60rules.rules.docs import rules_markdown, show_text
from g60rules.rules.format import json_schema
from g60rules.rules.compiler import CompiledRuleset, RulesetError, default_ruleset_path, load_ruleset
from g60rules.rules.examples import run_examples
from g60rules.safeio import display_path, os_reason, present
from g60rules.sanitize import multiline, plain

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

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2  # and 130 on Ctrl-C (typer's own, silent)


def _show_version(value: bool) -> None:
    if value:
        _out(f"g60rules {__version__}")
        raise typer.Exit(EXIT_CLEAN)


class Lang(str, Enum):
    zh = "zh"
    en = "en"


QUIET_HELP = "No progress display (it shows only when standard error is a terminal)."


@app.callback()
def _root(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                       help="Show the version and exit."),
          lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of messages (every command)."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP)) -> None:
    """Screen 财政项目支出绩效目标申报表 against YAML rulesets."""
    # given before the command, --lang and -q become the defaults of the command's own options,
    # so the same option after the command still wins
    given = {}
    if ctx.get_parameter_source("lang") is ParameterSource.COMMANDLINE:
        given["lang"] = lang.value
    if quiet:
        given["quiet"] = True
    if given:
        ctx.default_map = _defaults_below(ctx.command, given)


def _defaults_below(command, given: dict) -> dict:
    """click's ``default_map`` giving ``given`` to every command under ``command`` that has those options."""
    return {name: {**given, **_defaults_below(sub, given)} for name, sub in getattr(command, "commands", {}).items()}


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    gitlab = "gitlab"
    jsonl = "jsonl"
    html = "html"
    xlsx = "xlsx"
    csv = "csv"


class By(str, Enum):
    unit = "实施单位"
    competent = "主管部门"
    unit_en = "unit"
    competent_en = "competent"

    @property
    def key(self) -> str:
        return "competent" if self in (By.competent, By.competent_en) else "unit"


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
assert {f.value for f in Format} == set(FORMATS)

RULESET_HELP = "Ruleset file (default: rulesets/shanghai.yaml)."


def _in_lang(pair: tuple[str, str]) -> str:
    """The (Chinese, English) pair's text in this invocation's language."""
    return pair[1] if _ACTIVE["lang"] == "en" else pair[0]


def _fail(message: str | tuple[str, str]) -> None:
    """Print a usage error (a (Chinese, English) pair is printed in this invocation's language); exit 2."""
    if isinstance(message, tuple):
        message = _in_lang(message)
    Console(stderr=True, soft_wrap=True).print(f"g60rules: {plain(message)}", markup=False, highlight=False)
    raise typer.Exit(EXIT_ERROR)


def _ruleset(path: Optional[Path], lang: Lang = Lang.zh) -> CompiledRuleset:
    target = path or default_ruleset_path()
    if not present(target):
        _fail((f"找不到规则集：{display_path(target)}" + ("" if path else "（请用 --ruleset 指定）"),
               f"ruleset not found: {display_path(target)}" + ("" if path else " (pass --ruleset)")))
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
    """Human output: no raw control character, no line that starts a CI workflow command."""
    text = multiline(text)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _waivers(path: Optional[Path]):
    """The waivers of ``path``, else of WAIVERS_FILE when present. Raises GateError."""
    if path is not None and not present(path):
        raise GateError(f"no such waivers file: {display_path(path)}", f"豁免文件不存在：{display_path(path)}")
    found = path or (Path(WAIVERS_FILE) if present(Path(WAIVERS_FILE)) else None)
    return read_waivers(found) if found else []


def _outputs(specs: List[str]) -> list[tuple[str, Path]]:
    out = []
    for spec in specs:
        fmt, sep, path = spec.partition("=")
        if not sep or fmt not in {f.value for f in Format} or not path:
            formats = ", ".join(f.value for f in Format)
            raise typer.BadParameter(_in_lang((f"“{spec}”：请写 格式=路径，格式可选 {formats}",
                                               f"'{spec}': write FORMAT=PATH with FORMAT one of {formats}")),
                                     param_hint="--output")
        out.append((fmt, Path(path)))
    return out


COMPARE_HELP = "A previous JSON report: mark each finding new, still open or fixed since."
BY_HELP = "One letter per 实施单位 (default) or per 主管部门."
CACHE_HELP = "Keep results here; unchanged files are not screened again (standard error says how many)."


def _report(paths: List[Path], compiled: CompiledRuleset, lang: Lang, today: dt.date, progress: Progress, *,
            engine: Engine = Engine.durable, jobs: Optional[int] = None, baseline: Optional[Path] = None,
            waivers: Optional[Path] = None, changed_since: Optional[str] = None,
            previous: Optional[Path] = None, horizon_days: int = WAIVER_HORIZON_DAYS,
            cache: Optional[Path] = None, scheduler: Optional[str] = None) -> Report:
    """Screen, apply baseline and waivers, compare with a previous report; exits 2 on a usage problem."""
    try:
        known = read_baseline(baseline) if baseline else None
        loaded_waivers = _waivers(waivers)
        earlier, earlier_files = read_previous_run(previous) if previous else (None, None)
        changed = changed_files(changed_since, Path.cwd()) if changed_since else None
        with progress:
            result = screen(paths, compiled, engine=engine.value, jobs=jobs, changed=changed, progress=progress,
                            cache=cache, scheduler=scheduler)
    except FileNotFoundError as exc:
        if str(exc).lower() in ("true", "false", "yes", "no"):  # "--strict true": a flag takes no value
            _fail((f"文件或目录不存在：{exc}（开关选项不带值：写 --strict，而不是 --strict {exc}）",
                   f"no such file or directory: {exc} (flags take no value: write --strict, not --strict {exc})"))
        _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))
    except GateError as exc:
        _fail((exc.zh, str(exc)))
    except CompareError as exc:
        _fail((exc.zh, str(exc)))
    except EngineUnavailable as exc:
        _fail(exc.text(lang.value))
    except (RuntimeError, OSError) as exc:  # --scheduler: distributed missing, scheduler unreachable
        _fail((f"无法在集群上筛查：{exc}", f"cannot screen on the cluster: {exc}"))
    outcome = apply_gate(result.findings, known, loaded_waivers, today, result.files, tree_files(paths),
                         horizon_days=horizon_days)
    findings = sorted(outcome.findings, key=lambda f: f.sort_key())
    resolved = []
    if earlier is not None:
        findings, resolved = compare(findings, earlier, list(result.files), earlier_files)
    result = replace(result, findings=findings, fixed=outcome.fixed, baseline_used=outcome.baseline_used)
    # human reports name files from the screened folder (Report.shown_file); text and machine formats from here
    return Report(result, compiled, lang.value, resolved=resolved,
                  compared_with=str(previous) if previous is not None else None,
                  roots=tuple(display_path(p) for p in paths),
                  cache=display_path(cache) if cache is not None else None)


def _note_cache(report: Report) -> None:
    """With --cache, say on standard error how much came from it (every format: stdout may be a report)."""
    note = cache_note(report)
    if note:
        Console(stderr=True, soft_wrap=True).print(f"g60rules: {plain(note)}", markup=False, highlight=False)


def _write_letters(report: Report, directory: Path, by: By, progress: Progress, jobs: Optional[int]) -> list[Path]:
    with progress:
        return write_letters(report, directory, by.key, progress, jobs)


@app.command()
def check(
    paths: List[Path] = typer.Argument(..., metavar="PATH",
                                       help="Declaration files or directories (*.yaml, *.yml, *.xlsx, *.xlsm, *.docx, *.csv)."),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    fmt: Format = typer.Option(Format.text, "--format", "-f",
                               help="Report format on standard output (xlsx: only when it is not a terminal)."),
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
    compare_with: Optional[Path] = typer.Option(None, "--compare", metavar="PREVIOUS.json", help=COMPARE_HELP),
    letters_dir: Optional[Path] = typer.Option(None, "--letters", metavar="DIR",
                                               help="Also write return letters (.docx and .html) into DIR."),
    by: By = typer.Option(By.unit, "--by", help=BY_HELP),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Rule engine."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: CPU count)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date deciding which rules are in effect (default: today)."),
    waiver_horizon: int = typer.Option(WAIVER_HORIZON_DAYS, "--waiver-horizon", min=0, metavar="DAYS",
                                       help="Warn on waivers that expire more than DAYS ahead."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Also show the engine, its fallbacks and the rules run beside it."),
    cache: Optional[Path] = typer.Option(None, "--cache", metavar="DIR", help=CACHE_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Screen on a Dask cluster (tcp://host:8786); see docs/scale.md."),
) -> None:
    """Screen declarations; exit 0 clean, 1 findings at or above --fail-on, 2 error.

    An --output file that cannot be written does not lose the report: the other outputs and
    standard output are written, then the run ends with exit 2 naming the file.
    """
    outputs = _outputs(output)
    if strict and fail_on is FailOn.never:
        raise typer.BadParameter(_in_lang(("--strict 与 --fail-on never 相互矛盾",
                                           "--strict and --fail-on never contradict each other")), param_hint="--strict")
    if fmt is Format.xlsx and sys.stdout.isatty():
        _fail(("--format xlsx 写出二进制工作簿：请用 -o xlsx=PATH 写入文件，或把标准输出重定向到文件",
               "--format xlsx writes a binary workbook: use -o xlsx=PATH, or redirect standard output to a file"))
    today = _today(as_of)
    compiled = _ruleset(ruleset, lang).active(today)
    report = _report(paths, compiled, lang, today, progress_for(quiet, lang.value), engine=engine, jobs=jobs,
                     baseline=baseline, waivers=waivers, changed_since=changed_since, previous=compare_with,
                     horizon_days=waiver_horizon, cache=cache, scheduler=scheduler)
    report.verbose = verbose
    unwritten = []
    for out_fmt, path in outputs:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # as --letters DIR is: a new folder per round
            path.write_bytes(render(out_fmt, report))
        except OSError as exc:
            unwritten.append((display_path(path), os_reason(exc)))
    if letters_dir is not None:
        _write_letters(report, letters_dir, by, progress_for(quiet, lang.value), jobs)
    if fmt is Format.text:
        render_text(report, Console(highlight=False, soft_wrap=True))
    else:
        sys.stdout.buffer.write(render(fmt.value, report))
        sys.stdout.flush()
    _note_cache(report)
    if unwritten:
        _fail(("无法写入报告：" + "、".join(f"{p}（{why[0]}）" for p, why in unwritten),
               "cannot write the report to " + ", ".join(f"{p} ({why[1]})" for p, why in unwritten)))
    nothing = nothing_screened(report.result, lang.value)
    if nothing and changed_since is None:  # with --changed-since, nothing changed is a normal outcome
        if fmt is not Format.text:
            Console(stderr=True, soft_wrap=True).print(f"g60rules: {nothing}", markup=False, highlight=False)
        raise typer.Exit(EXIT_ERROR)
    floor = Severity.WARNING.rank if strict else (None if fail_on is FailOn.never else Severity(fail_on.value).rank)
    if floor is not None and any(f.gating and f.severity.rank >= floor for f in report.result.findings):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_CLEAN)


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


@app.command("import")
def import_command(
    paths: List[Path] = typer.Argument(..., metavar="PATH", help="Workbooks, Word documents, CSV files or directories."),
    out: Path = typer.Option(..., "--out", help="Directory to write the declaration YAML files to."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of messages."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """Write each declaration found in .xlsx/.xlsm/.docx/.csv files as YAML (a comment names each value's cell).

    Exit 0 when at least one declaration was written, 2 when none was (it says why).
    """
    try:
        files, ignored, unlisted = expand_paths(paths)
    except FileNotFoundError as exc:
        _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))
    out.mkdir(parents=True, exist_ok=True)
    console = Console(highlight=False, soft_wrap=True)
    for f in unlisted:
        console.print(f"{location(f)}: {f.severity.value} {f.rule_id} {plain(f.message(lang.value))}", markup=False)
    written = 0
    with progress_for(quiet, lang.value) as progress:
        progress.start("read", len(files))
        for path in files:
            if path.suffix.lower() in YAML_SUFFIXES:
                ignored.append(str(path))
            else:
                written += _import_file(path, out, lang, console)
            progress.advance("read")
    if ignored:
        console.print(("not imported: " if lang is Lang.en else "未导入：") + ", ".join(ignored), markup=False)
    if not written:
        _fail("no declaration found to import" if lang is Lang.en else "没有可导入的申报表")


def _import_file(path: Path, out: Path, lang: Lang, console: Console) -> int:
    """Write the declarations of one table file as YAML into ``out``; how many were written."""
    reading = read_table_file(path, _display(path))
    for f in reading.findings:
        console.print(f"{location(f)}: {f.severity.value} {f.rule_id} {plain(f.message(lang.value))}", markup=False)
    for number, raw in enumerate(reading.declarations, start=1):
        tail = "" if len(reading.declarations) == 1 else f"-{number:02d}-{raw.sheet or 'table'}"
        target = out / (_UNSAFE_NAME.sub("_", f"{path.stem}{tail}") + ".yaml")
        target.write_text(declaration_yaml(raw, reading.findings), encoding="utf-8")
        console.print(f"{target}  ← {render_location(raw.record.location)} ({raw.form})", markup=False)
    return len(reading.declarations)


@app.command("letters")
def letters_command(
    paths: List[Path] = typer.Argument(..., metavar="PATH", help="Declaration files or directories."),
    out: Path = typer.Option(..., "--out", metavar="DIR", help="Folder to write the letters into (created)."),
    by: By = typer.Option(By.unit, "--by", help=BY_HELP),
    ruleset: Optional[Path] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of the letters."),
    compare_with: Optional[Path] = typer.Option(None, "--compare", metavar="PREVIOUS.json", help=COMPARE_HELP),
    waivers: Optional[Path] = typer.Option(None, "--waivers",
                                           help=f"Waivers file (default: {WAIVERS_FILE} if present)."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Rule engine."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: CPU count)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date deciding which rules are in effect (default: today)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    cache: Optional[Path] = typer.Option(None, "--cache", metavar="DIR", help=CACHE_HELP),
) -> None:
    """Write one return letter (.docx and .html) per unit with findings, and an index; exit as check does."""
    today = _today(as_of)
    compiled = _ruleset(ruleset, lang).active(today)
    progress = progress_for(quiet, lang.value)
    report = _report(paths, compiled, lang, today, progress, engine=engine, jobs=jobs, waivers=waivers,
                     previous=compare_with, cache=cache)
    written = _write_letters(report, out, by, progress, jobs)
    letters_count = len(written) // 2
    _out(f"{out}: {letters_count} letters ({letters_count} .docx, {letters_count} .html), index {LETTERS_INDEX}"
         if lang is Lang.en else f"{out}：回函 {letters_count} 份（.docx 与 .html 各 {letters_count} 份），目录 {LETTERS_INDEX}")
    _note_cache(report)
    raise typer.Exit(_letters_exit(report, lang))


def _letters_exit(report: Report, lang: Lang) -> int:
    """``check``'s exit code for the run behind the letters (docs/ci.md), after naming on standard
    error each file that was not read: a letter never hides that part of the season was not screened."""
    # the same counts as check's summary: files found but unreadable, then listed project files missing
    for skipped, head in ((not_read(report), ("{n} files unreadable", "无法读取的文件 {n} 个")),
                          (missing_listed(report), ("{n} project files listed by a department but missing",
                                                    "部门文件列出但不存在的项目文件 {n} 个"))):
        if not skipped:
            continue
        head = (f"{head[0]} (listed in {LETTERS_INDEX}):" if lang is Lang.en
                else f"{head[1]}（见 {LETTERS_INDEX}）：").format(n=len(skipped))
        lines = [f"  {f.file}: {f.message(lang.value)}" for f in skipped[:10]]
        if len(skipped) > 10:
            lines.append(f"  … +{len(skipped) - 10}")
        Console(stderr=True, soft_wrap=True).print(plain(head) + "\n" + "\n".join(map(plain, lines)),
                                                   markup=False, highlight=False)
    nothing = nothing_screened(report.result, lang.value)
    if nothing:
        Console(stderr=True, soft_wrap=True).print(f"g60rules: {nothing}", markup=False, highlight=False)
        return EXIT_ERROR
    if any(f.gating and f.severity.rank >= Severity.ERROR.rank for f in report.result.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


baseline_app = typer.Typer(no_args_is_help=True, help="Record today's findings so that CI fails only on new ones.")
app.add_typer(baseline_app, name="baseline")


def _write_baseline(paths: List[Path], ruleset: Optional[Path], target: Path, lang: Lang,
                    waivers: Optional[Path]) -> tuple[dict, dict[str, int], dict[str, str]]:
    """Write the baseline; returns it, how many findings it left out, by why (waived, unscreened, expired),
    and each entry's message in ``lang`` by fingerprint (the file keeps the Chinese message).

    A waived finding never enters a baseline: when its waiver expires, it must fail the run again.
    Nor does a file that could not be screened (gate.UNSCREENED): it must fail until it is fixed; nor
    a finding under an expired waiver, which check never counts as baselined (counted with the waived).
    """
    compiled = _ruleset(ruleset, lang)
    try:
        loaded_waivers = _waivers(waivers)
        result = screen(paths, compiled, engine="reference")
    except FileNotFoundError as exc:
        _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))
    except GateError as exc:
        _fail((exc.zh, str(exc)))
    today = dt.date.today()
    outcome = apply_gate(result.findings, None, loaded_waivers, today, result.files)
    notes = set(map(id, outcome.notes))
    expired_waivers = [w for w in loaded_waivers if w.waiver.expires < today]
    left = {"waived": 0, "unscreened": 0, "expired": 0}
    entries = []
    for f in outcome.findings:
        if id(f) in notes or f.state == "shadow":
            continue
        why = ("waived" if f.status == "waived" else "unscreened" if f.rule_id in UNSCREENED
               else "expired" if any(w.matches(f) for w in expired_waivers) else None)
        if why:
            left[why] += 1
        else:
            entries.append(f)
    document = baseline_document(entries)
    try:
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        _fail((f"无法写入基线文件 {display_path(target)}（{os_reason(exc)[0]}）",
               f"cannot write the baseline to {display_path(target)} ({os_reason(exc)[1]})"))
    messages = {fp: f.message(lang.value) for f, fp in zip(entries, baseline_fingerprints(entries), strict=True)}
    return document, left, messages


def _baseline_lines(entries: list[dict], messages: dict[str, str]) -> str:
    return "".join(f"  + {e['rule_id']} {e['file']}" + (f" [{e['project']}]" if e.get("project") else "")
                   + (f"「{e['indicator']}」" if e.get("indicator") else "")
                   + f": {messages.get(e['fingerprint'], e['message'])}\n"
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
    document, left, _ = _write_baseline(paths, ruleset, baseline, lang, waivers)
    _out(_baseline_summary(baseline, len(document["findings"]), None, None, left, lang))


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
    document, left, messages = _write_baseline(paths, ruleset, baseline, lang, waivers)
    added = [e for e in document["findings"] if e["fingerprint"] not in before]
    dropped = len(before - {e["fingerprint"] for e in document["findings"]})
    _out(_baseline_summary(baseline, len(document["findings"]), added, dropped, left, lang, messages))


def _baseline_summary(target: Path, total: int, added: Optional[list[dict]], dropped: Optional[int],
                      left: dict[str, int], lang: Lang, messages: Optional[dict[str, str]] = None) -> str:
    en = lang is Lang.en
    waived, unscreened, expired = left["waived"], left["unscreened"], left["expired"]
    text = f"{target}: " + (f"{total} findings" if en else f"{total} 条结果")
    if added is not None:
        text += (f" ({len(added)} added, {dropped} dropped)" if en else f"（新增 {len(added)} 条，移除 {dropped} 条）")
    if waived:
        text += (f"; {waived} waived findings left out (they return when the waiver expires)" if en
                 else f"；{waived} 条已豁免的结果未写入（豁免过期后会重新报告）")
    if expired:
        text += (f"; {expired} findings under an expired waiver left out (they fail until fixed or waived anew)"
                 if en else f"；{expired} 条豁免已过期的结果未写入（改正或重新豁免前每次都会报告）")
    if unscreened:
        text += (f"; {unscreened} findings of files that could not be screened left out (they fail until fixed)"
                 if en else f"；{unscreened} 条文件无法审核的结果未写入（改正前每次都会报告）")
    return text + ("\n" + _baseline_lines(added, messages or {}).rstrip("\n") if added else "")


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
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """Preview a ruleset change: per rule, what newly fails, newly passes, or changes."""
    try:
        with progress_for(quiet, lang.value) as progress:
            impacts = impact(old, new, paths, progress)
    except ImpactError as exc:
        _fail(exc.text(lang.value))
    except FileNotFoundError as exc:
        _fail((f"文件或目录不存在：{exc}", f"no such file or directory: {exc}"))
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
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail((f"无法写入 {display_path(output)}（{os_reason(exc)[0]}）",
                   f"cannot write {display_path(output)} ({os_reason(exc)[1]})"))
    else:
        _out(text)


@ruleset_app.command("lint")
def ruleset_lint(
    files: List[Path] = typer.Argument(..., help="Ruleset files."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Language of problems and hints."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
) -> None:
    """Every problem of the rulesets with file:line:column and a fix hint; exit 1 on an error (on a warning too with --strict), else 0."""
    failing = False
    console = Console(highlight=False, soft_wrap=True)
    for file in files:
        if not present(file):
            _fail((f"规则集文件不存在：{display_path(file)}", f"no such ruleset: {display_path(file)}"))
        problems = lint(file)
        for problem in problems:
            console.print(plain(problem.text(lang.value)), markup=False)
        failing |= any(p.level == "error" or (strict and p.level == "warning") for p in problems)
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
                console.print(plain(f"{'FAIL' if lang is Lang.en else '不符'} {file}:{line}: {outcome.label}: {text}"),
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
