"""Screening: declarations in, findings out, on durable-rules or the reference evaluator.

:func:`screen` loads declarations (:mod:`g60rules.intake.yaml_loader`), builds the graph and its roll-ups
(:mod:`g60rules.graph`), turns each project and department into one engine session of facts
(:mod:`g60rules.facts`), runs the compiled rules and returns a :class:`ScreenResult`.

With ``engine="durable"`` the sessions run in worker processes, in chunks, each with a time limit.
durable-rules can kill its process (SIGSEGV, SIGFPE) or hang (DURABLE-RULES.md); when a worker dies
or runs out of time, its whole chunk is re-run on the reference evaluator, and when durable-rules
returns a result we cannot trust for one declaration, that declaration is. Each such fallback is
reported (G60-ENGINE-001, info): nothing is lost and nothing is hidden.
"""

from __future__ import annotations

import os
from collections import ChainMap
from dataclasses import dataclass, field, replace
from pathlib import Path

from g60rules import findings as fc
from g60rules import schema
from g60rules.engines.durable import DurableSession, EngineFailure, check_available, ruleset_definition, split_rules
from g60rules.facts import Declaration, Fact, FactBuilder, FactPlan
from g60rules.findings import Finding, Severity
from g60rules.graph import CELL_LABELS, GAP_FIRST, DeclarationGraph, build_graph, wan_yuan_mixup
from g60rules.intake.yaml_loader import Corpus
from g60rules.model import FUNDS_FIELDS
from g60rules.progress import SILENT, Progress
from g60rules.engines.workers import WorkerPool
from g60rules.engines.reference import evaluate, first_true_field, holding_fields, run_reference
from g60rules.rules.compiler import CompiledRule, CompiledRuleset, placeholders, render_message
from g60rules.rules.conditions import And, Cmp, CmpField, Node, Or

ENGINES = ("durable", "reference")
CHUNK = 200
SECONDS_PER_CHUNK = 60.0


@dataclass
class ScreenResult:
    """Findings (sorted), the engine used, fallbacks, and counts for the summary.

    ``declarations`` = ``projects`` + ``departments`` screened; ``unreadable``: files screened that
    gave neither (unreadable, not YAML, not a declaration). ``findings`` is a list, except from
    :func:`screen` with more than :data:`~g60rules.engines.stream.SPILL_AT` findings: then a
    read-only sequence kept on disk (:class:`~g60rules.engines.stream.SpilledFindings`).
    """

    findings: list[Finding]
    engine: str
    files: list[str]
    ignored: list[str]
    declarations: int
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    reference_rules: list[str] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)
    baseline_used: bool = False
    self_evaluations: int = 0  # 自评表 among the table files: recognised, never screened
    projects: int = 0
    departments: int = 0
    unreadable: list[str] = field(default_factory=list)
    units: dict[str, tuple[tuple[str | None, str | None], ...]] = field(default_factory=dict)
    """Each screened project file's (主管部门, 实施单位) pairs, one per distinct unit of its projects (a
    workbook may hold projects of several units), for reports that count units."""
    cached: int = 0  # units taken from --cache
    unit_count: int = 0  # units screened or taken from the cache (streamed screening)


def _batch(declaration: Declaration) -> list[tuple[str, str, dict]]:
    return [(f.id, f.type, f.values) for f in declaration.facts]


class _DurableWork:
    """A worker's state: the ruleset loaded into the C engine once; each message is a chunk of batches."""

    def __init__(self, definition: str):
        try:
            self.session, self.refused = DurableSession(definition), None
        except Exception as exc:  # the engine refused the ruleset: every chunk fails with the reason
            self.session, self.refused = None, f"durable-rules refused the ruleset: {exc}"

    def __call__(self, chunk: list) -> list:
        if self.session is None:
            return [("failed", self.refused)] * len(chunk)
        out = []
        for batch in chunk:
            try:
                out.append(("ok", sorted(self.session.run(batch))))
            except EngineFailure as exc:
                out.append(("failed", str(exc)))
            except Exception as exc:  # the C extension raises bare Exceptions with an error code
                out.append(("failed", f"{type(exc).__name__}: {exc}"))
        return out


def _run_chunks(definition: str, size: int, chunks: list[list], progress: Progress) -> list[list | str]:
    """For each chunk, the per-declaration results, or a string saying why the chunk failed.

    Reports each finished chunk's size (stage ``screened``). Workers end with this process, however
    it ends, and an interrupted run (Ctrl-C) leaves none behind (:mod:`g60rules.engines.workers`).
    """
    results: list[list | str] = [""] * len(chunks)
    for index, reply in WorkerPool(_DurableWork, (definition,), size, SECONDS_PER_CHUNK).imap(chunks):
        results[index] = reply
        progress.advance("screened", len(chunks[index]))  # a failed chunk is re-run on the reference evaluator
    return results


def run_engine(ruleset: CompiledRuleset, declarations: list[Declaration], engine: str,
               jobs: int | None = None, progress: Progress = SILENT,
               ) -> tuple[list[set[tuple[int, str]]], list[tuple[int, str]]]:
    """Hits per declaration, and (declaration index, reason) for each reference fallback.

    Rules beyond durable-rules' limits (:func:`split_rules`) run on the reference evaluator for
    every declaration; :func:`rules_on_reference` names them for the report. Raises
    EngineUnavailable when ``engine="durable"`` and durable-rules is not installed.
    """
    progress.start("screened", len(declarations))
    if engine == "reference":
        return [_counted(run_reference(ruleset, d), progress) for d in declarations], []
    if engine != "durable":
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    check_available()
    on_durable, on_reference = split_rules(ruleset)
    hits = [run_reference(ruleset, d, on_reference) for d in declarations]
    fallbacks: list[tuple[int, str]] = []
    if not declarations or not on_durable:
        progress.advance("screened", len(declarations))
        return hits, fallbacks
    chunks = [list(range(i, min(i + CHUNK, len(declarations)))) for i in range(0, len(declarations), CHUNK)]
    outcomes = _run_chunks(ruleset_definition(ruleset, on_durable), jobs or os.cpu_count() or 1,
                           [[_batch(declarations[i]) for i in chunk] for chunk in chunks], progress)
    for chunk, outcome in zip(chunks, outcomes, strict=True):
        for position, index in enumerate(chunk):
            if isinstance(outcome, str):
                reason = outcome
            elif outcome[position][0] == "ok":
                hits[index] |= {tuple(h) for h in outcome[position][1]}
                continue
            else:
                reason = outcome[position][1]
            hits[index] |= run_reference(ruleset, declarations[index], on_durable)
            fallbacks.append((index, reason))
    return hits, fallbacks


def _counted(hits: set[tuple[int, str]], progress: Progress) -> set[tuple[int, str]]:
    progress.advance("screened")
    return hits


def rules_on_reference(ruleset: CompiledRuleset, engine: str) -> list[str]:
    """Ids of the rules that a ``durable`` run evaluates on the reference evaluator instead."""
    return [ruleset.rules[i].id for i in split_rules(ruleset)[1]] if engine == "durable" else []


def locate_field(rule: CompiledRule, fact: Fact) -> str | None:
    """The field a finding points at: the rule's ``field``, else the first field that made it fire.

    So a rule "start or end date missing" points at the one that is missing (or at the mapping).
    """
    if rule.source is not None and rule.source.field:
        return rule.locate  # the rule's field, as compiled (category names read as codes)
    found = first_true_field(rule.condition, fact.values)
    if found and found.startswith("cell."):
        return found.removeprefix("cell.")  # the state of a cell points at the cell's field
    return found if found and not found.startswith(("count.q", "table.")) else rule.locate


def _finding(rule: CompiledRule, fact: Fact) -> Finding:
    # the message reads a few of the fact's display texts: render those, not all of them
    extra: dict[str, str] = {}
    values = ChainMap(extra, fact.display)
    for name, value in rule.params.items():
        table = f"table.{rule.id}.{name}"
        extra[f"param.{name}"] = fact.display.get(table, "—") if table in fact.display or not isinstance(
            value, (int, float, str)) else str(value)
    # {unfilled} in a finding names the empty cells that made this rule fire, not every empty cell
    empty = [CELL_LABELS[f[5:]] for f in holding_fields(rule.condition, fact.values)
             if f.startswith("cell.") and fact.values.get(f) == "empty" and f[5:] in CELL_LABELS]
    if empty:
        extra["unfilled"] = "、".join(dict.fromkeys(empty))
    locate = locate_field(rule, fact)
    line = fact.line_of(locate) if locate else fact.line
    mixup = _mixed_units(rule.condition, fact.values, schema.FACTS[rule.applies_to])
    notes = _amount_notes(rule, fact, locate)
    return Finding(
        rule_id=rule.id,
        severity=Severity(rule.severity),
        file=fact.file,
        line=line,
        message_zh=render_message(rule.message.zh, values) + notes[0] + (MIXUP[0] if mixup else ""),
        message_en=render_message(rule.message.en, values) + notes[1] + (MIXUP[1] if mixup else ""),
        basis=rule.basis_text,
        department=fact.department,
        project=fact.project,
        indicator=fact.indicator,
        row=fact.row,
        field=locate,
        cell=fact.cell_of(locate) if fact.cell_of else None,
        title_zh=rule.title.zh,
        title_en=rule.title.en,
        state=rule.state,
        value=fact.display.get(locate) if locate else None,
        competent_department=fact.competent_department,
        implementing_unit=fact.implementing_unit,
    )


def _amount_notes(rule: CompiledRule, fact: Fact, locate: str | None) -> tuple[str, str]:
    """(zh, en) text naming the note written beside each funds amount the finding is about — the
    field it points at and the amounts its message shows ("500万元(其中上级资金220万元)"); empty
    when there is none or the message shows the note itself."""
    names = dict.fromkeys([*([locate] if locate else []), *placeholders(rule.message.zh)])
    notes = [(name, fact.display[f"{name}.note"]) for name in names
             if f"{name}.note" in fact.display and f"{{{name}.note}}" not in rule.message.zh]
    if not notes:
        return "", ""
    zh = "；".join(f"{_amount_label(name, fact)}注明“{note}”" for name, note in notes)
    en = "; ".join(f"{_amount_label(name, fact, 'en')} notes '{note}'" for name, note in notes)
    return f"（{zh}）", f" ({en})"


def _amount_label(name: str, fact: Fact, lang: str = "zh") -> str:
    key = name.removeprefix("project.").removeprefix("funds.")
    if key == "budget":
        key = fact.display.get(name + "_label", "")
        key = next((s.key for s in FUNDS_FIELDS if s.label == key), key)
    spec = next((s for s in FUNDS_FIELDS if s.key == key), None)
    if spec is None:
        return key
    return spec.label if lang == "zh" else spec.description.removeprefix("of which ")


MIXUP = ("（两个金额相差约 1 万倍，疑似万元与元混用）",
         " (the two amounts differ about 10,000-fold: 万元 and 元 probably mixed up)")


def _mixed_units(node: Node, values: dict, types: dict) -> bool:
    """Whether two amounts of money the condition compares differ about 10,000-fold.

    The pairs: two money fields compared with each other, and the two sides of a derived gap
    (:data:`g60rules.graph.GAP_FIRST`: the first amount, and the first minus the gap).
    """
    if isinstance(node, (And, Or)):
        return any(_mixed_units(n, values, types) for n in node.items)
    pairs = []
    if isinstance(node, CmpField) and types.get(node.field) is schema.MONEY:
        pairs.append((values.get(node.field), values.get(node.other)))
    if isinstance(node, Cmp):
        for gap, first in GAP_FIRST.items():
            if node.field.endswith(gap):
                amount, difference = values.get(node.field.removesuffix(gap) + first), values.get(node.field)
                if isinstance(amount, (int, float)) and isinstance(difference, (int, float)):
                    pairs.append((amount, amount - difference))
    # money is held in whole 厘 (ints): the ratio is the same in 厘 as in 元
    return any(isinstance(a, (int, float)) and isinstance(b, (int, float)) and wan_yuan_mixup(a, b) for a, b in pairs)


_PLANS: dict[int, tuple[CompiledRuleset, tuple, FactPlan]] = {}


def fact_plan(ruleset: CompiledRuleset) -> FactPlan:
    """The :class:`~g60rules.facts.FactPlan` of a compiled ruleset, worked out once per ruleset
    (a worker screens unit after unit with the same one). Kept while the ruleset object, its rules,
    counts and tables are the same objects; at most four rulesets are remembered."""
    parts = (*ruleset.rules, ruleset.counts, *ruleset.counts.values(), ruleset.tables, *ruleset.tables.values())
    entry = _PLANS.get(id(ruleset))
    if (entry is not None and entry[0] is ruleset and len(entry[1]) == len(parts)
            and all(a is b for a, b in zip(entry[1], parts))):
        return entry[2]
    plan = FactPlan(ruleset.counts, ruleset.tables, ruleset.fields_used(), ruleset.match_leaves())
    if len(_PLANS) >= 4:
        _PLANS.clear()
    _PLANS[id(ruleset)] = (ruleset, parts, plan)
    return plan


def declarations_for(graph: DeclarationGraph, ruleset: CompiledRuleset) -> list[Declaration]:
    """Engine sessions for every department and project node of the graph."""
    return FactBuilder(graph, evaluate=evaluate, plan=fact_plan(ruleset)).declarations()


def findings_for(ruleset: CompiledRuleset, declarations: list[Declaration],
                 hits: list[set[tuple[int, str]]]) -> list[Finding]:
    """Findings from engine hits (rule index, fact id), plus each declaration's data findings."""
    out: list[Finding] = []
    for declaration, found in zip(declarations, hits, strict=True):
        out.extend(declaration.findings)
        facts = {f.id: f for f in declaration.facts}
        for rule_index, fact_id in sorted(found):
            out.append(_finding(ruleset.rules[rule_index], facts[fact_id]))
    return out


def units_of(corpus: Corpus) -> dict[str, tuple[tuple[str | None, str | None], ...]]:
    """Project file → the distinct (主管部门, 实施单位) of its projects as declared, in file order; a
    department's project without a 主管部门 of its own is under the department, as its findings are
    (:func:`g60rules.reports.summary.attribution`)."""
    out: dict[str, dict[tuple[str | None, str | None], None]] = {}
    listed = [(p, None) for p in corpus.projects] + [(p, d.name) for d in corpus.departments for p in d.projects]
    for p, department in listed:
        out.setdefault(p.source.file, {})[(p.competent_department or department, p.implementing_unit)] = None
    return {file: tuple(pairs) for file, pairs in out.items()}


def with_units(findings: list[Finding], units: dict[str, tuple[tuple[str | None, str | None], ...]]) -> list[Finding]:
    """Findings of a project file that lack its 主管部门/实施单位 (file and data checks) get them — only
    when the file's projects share one unit: a file-level finding of a workbook holding several units
    belongs to none of them alone."""
    return [replace(f, competent_department=units[f.file][0][0], implementing_unit=units[f.file][0][1])
            if len(units.get(f.file, ())) == 1 and f.competent_department is None and f.implementing_unit is None
            else f for f in findings]


@dataclass
class Tally:
    """What a screened corpus (or unit) gives the summary: findings (sorted, with their units),
    projects and departments screened, files that gave neither, each project file's units."""

    findings: list[Finding]
    projects: int
    departments: int
    unreadable: list[str]
    units: dict[str, tuple[tuple[str | None, str | None], ...]]


def tally(corpus: Corpus, ruleset: CompiledRuleset, declarations: list[Declaration],
          hits: list[set[tuple[int, str]]], notes: list[tuple[str, str]], mine: set[str] | None = None) -> Tally:
    """The findings and counts of screening ``corpus``: its file findings, the rules' findings
    (:func:`findings_for`) and a G60-ENGINE-001 notice per (file, reason) in ``notes``; ``mine``:
    the files reported on (None: every file and every file finding). The one tail of
    :func:`screen_corpus` and the streamed screen of one unit."""
    files = set(corpus.files) if mine is None else set(corpus.files) & mine
    findings = [f for f in corpus.findings if mine is None or f.file in mine]
    findings += findings_for(ruleset, declarations, hits)
    findings += [fc.ENGINE_FALLBACK.finding(file, 1, reason=reason) for file, reason in notes]
    units = {file: unit for file, unit in units_of(corpus).items() if file in files}
    findings = with_units(findings, units)
    findings.sort(key=Finding.sort_key)
    read = {d.source.file for d in corpus.departments} | {p.source.file for p in corpus.projects}
    read |= {p.source.file for d in corpus.departments for p in d.projects}
    departments = sum(1 for d in declarations if d.facts and d.facts[0].type == "department")
    return Tally(findings, len(declarations) - departments, departments,
                 [f for f in corpus.files if f in files and f not in read], units)


def screen_corpus(corpus: Corpus, ruleset: CompiledRuleset, engine: str = "durable",
                  jobs: int | None = None, only: set[str] | None = None,
                  progress: Progress = SILENT) -> ScreenResult:
    """Screen an already loaded corpus; see the module docstring.

    ``only``: screen just these files (as displayed) — the whole corpus is still loaded, so a
    department's roll-ups see all its projects.
    """
    graph = build_graph(corpus.departments, corpus.projects, ruleset.layouts)
    declarations = declarations_for(graph, ruleset)
    if only is not None:
        declarations = [d for d in declarations if d.file in only]
        corpus = replace(corpus, files=[f for f in corpus.files if f in only])
    hits, fallbacks = run_engine(ruleset, declarations, engine, jobs, progress)
    notes = [(declarations[index].file, reason) for index, reason in fallbacks]
    done = tally(corpus, ruleset, declarations, hits, notes, only)
    return ScreenResult(done.findings, engine, corpus.files, corpus.ignored, len(declarations), notes,
                        rules_on_reference(ruleset, engine), projects=done.projects, departments=done.departments,
                        unreadable=done.unreadable, units=done.units, self_evaluations=corpus.self_evaluations)


def screen(paths: list[Path], ruleset: CompiledRuleset, engine: str = "durable",
           jobs: int | None = None, changed: set[Path] | None = None,
           progress: Progress = SILENT, cache: Path | None = None, scheduler=None) -> ScreenResult:
    """Load and screen every declaration under ``paths``, unit by unit in worker processes
    (:mod:`g60rules.engines.stream`); the findings are those of :func:`load_corpus` then
    :func:`screen_corpus`. Raises FileNotFoundError for a missing path.

    ``changed`` (resolved paths, deleted and renamed ones included): screen only those declarations,
    plus the department files that list one of them (their roll-ups change with it, and a listed
    file that was deleted or renamed away breaks the department). ``cache``: a directory of earlier
    results (:mod:`g60rules.engines.cache`). ``scheduler``: a Dask scheduler address (or a
    ``distributed.Client``) to screen on instead of local workers (:mod:`g60rules.engines.cluster`;
    RuntimeError when ``distributed`` is not installed). Raises EngineUnavailable when
    ``engine="durable"`` and durable-rules is not installed.
    """
    from g60rules.engines.stream import screen_stream  # stream builds on this module

    return screen_stream(paths, ruleset, engine, jobs, changed, progress, cache, scheduler)
