"""Streaming screening: read and screen unit by unit in worker processes, in flat memory.

:func:`screen_stream` is what :func:`g60rules.engines.pool.screen` (and so ``g60rules check``) runs.
The worker processes start first, while the parent is small; they scan the files for departments,
the parent plans (:func:`g60rules.intake.units.plan`: which department owns which file, each
``projects`` entry decided), and the same workers then each load a chunk of units with
:func:`g60rules.intake.units.load_unit` — the loader :func:`~g60rules.intake.yaml_loader.load_corpus`
runs too — build the graph and facts of one unit at a time, run the rules and send back that chunk's
findings. Nobody holds the corpus: memory depends on the largest unit, not on the number of
declarations. Findings are the same, in the same order, as loading the whole corpus and screening it
at once (:func:`g60rules.engines.pool.screen_corpus`; tested on hostile mixed folders).

Failures are handled as in :mod:`g60rules.engines.pool`: a declaration durable-rules cannot be
trusted on goes to the reference evaluator; a chunk whose worker dies or runs out of time is screened
again in the parent on the reference evaluator; each such fallback is a G60-ENGINE-001 finding.

Findings beyond :data:`SPILL_AT` go to a temporary file in sorted runs and come back merged
(:class:`SpilledFindings`), so the findings of a 100,000-declaration season do not sit in memory.
Progress (:class:`g60rules.progress.Progress`) is reported in the parent: stage ``read`` (files)
and ``screened`` (declarations), per chunk.
"""

from __future__ import annotations

import gc
import heapq
import os
import pickle
import tempfile
from contextlib import nullcontext
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from g60rules.engines.durable import DurableSession, EngineFailure, check_available, ruleset_definition, split_rules
from g60rules.engines.pool import ENGINES, SECONDS_PER_CHUNK, ScreenResult, declarations_for, rules_on_reference, tally
from g60rules.engines.reference import run_reference
from g60rules.engines.workers import WorkerPool
from g60rules.findings import Finding
from g60rules.graph import build_graph
from g60rules.intake.units import Plan, Unit, chunks, load_unit, plan, scan
from g60rules.intake.yaml_loader import _display
from g60rules.progress import SILENT, Progress
from g60rules.rules.compiler import CompiledRuleset
from g60rules.safeio import resolved

FILES_PER_CHUNK = 64
SCAN_CHUNK = 256
SPILL_AT = 10_000


@dataclass
class UnitResult:
    """What screening one unit gives: its findings (sorted), declarations screened, files read,
    fallbacks, and for the summary: projects, files that gave no declaration, each project file's
    (主管部门, 实施单位), 自评表 recognised."""

    findings: list[Finding]
    declarations: int
    files_read: int
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    cached: bool = False
    projects: int = 0
    unreadable: list[str] = field(default_factory=list)
    units: dict[str, tuple[tuple[str | None, str | None], ...]] = field(default_factory=dict)
    self_evaluations: int = 0


def _batch(declaration) -> list[tuple[str, str, dict]]:
    return [(f.id, f.type, f.values) for f in declaration.facts]


class UnitScreener:
    """Screens units in this process: the compiled ruleset, and durable-rules loaded once.

    ``only``: displayed file names to report on (None: all); a unit's other files are still read,
    so department roll-ups see every project. ``cache``: see :mod:`g60rules.engines.cache`.
    """

    def __init__(self, ruleset: CompiledRuleset, engine: str, cache: Path | None = None):
        from g60rules.engines.cache import UnitCache

        self.ruleset = ruleset
        self.engine = engine
        self.cache = UnitCache(cache, ruleset, engine) if cache is not None else None
        self.session = None
        self.refused: str | None = None
        self.on_durable: list[int] = []
        self.on_reference: list[int] | None = None
        if engine == "durable":
            self.on_durable, self.on_reference = split_rules(ruleset)
            if self.on_durable:
                try:
                    self.session = DurableSession(ruleset_definition(ruleset, self.on_durable))
                except Exception as exc:  # the engine refused the ruleset: each declaration falls back
                    self.refused = f"durable-rules refused the ruleset: {exc}"

    def __call__(self, units: list[Unit], only: set[str] | None = None) -> list[UnitResult]:
        return [self.screen_cached(unit, only) for unit in units]

    def screen_cached(self, unit: Unit, only: set[str] | None = None) -> UnitResult:
        """:meth:`screen`, or the unit's result from the cache when nothing it reads has changed."""
        if self.cache is None:
            return self.screen(unit, only)
        key = self.cache.key(unit, only)
        stored = self.cache.get(key)
        if stored is not None:
            return UnitResult(**stored, cached=True)
        result = self.screen(unit, only)
        if not result.fallbacks:  # a fallback may be the machine's trouble: try again next time
            self.cache.put(key, result)
        return result

    def _hits(self, declaration) -> tuple[set[tuple[int, str]], str | None]:
        hits = run_reference(self.ruleset, declaration, self.on_reference)
        if self.engine != "durable" or not self.on_durable or not declaration.facts:
            return hits, None
        if self.session is None:
            reason = self.refused
        else:
            try:
                return hits | {tuple(h) for h in self.session.run(_batch(declaration))}, None
            except EngineFailure as exc:
                reason = str(exc)
            except Exception as exc:  # the C extension raises bare Exceptions with an error code
                reason = f"{type(exc).__name__}: {exc}"
        return hits | run_reference(self.ruleset, declaration, self.on_durable), reason

    def screen(self, unit: Unit, only: set[str] | None = None, fallback: str | None = None) -> UnitResult:
        """Load and screen one unit as :func:`~g60rules.engines.pool.screen_corpus` screens a whole
        corpus. ``fallback``: why it is screened here on the reference evaluator instead (its worker
        died); each declaration is then reported as a fallback."""
        corpus = load_unit(unit, self.ruleset.layouts)
        mine = set(corpus.files) if only is None else set(corpus.files) & only
        graph = build_graph(corpus.departments, corpus.projects, self.ruleset.layouts)
        declarations = [d for d in declarations_for(graph, self.ruleset) if d.file in mine]
        hits, notes = [], []
        for declaration in declarations:
            if fallback is not None:
                found, reason = run_reference(self.ruleset, declaration), fallback
            else:
                found, reason = self._hits(declaration)
            hits.append(found)
            if reason is not None:
                notes.append((declaration.file, reason))
        done = tally(corpus, self.ruleset, declarations, hits, notes, mine)
        return UnitResult(done.findings, len(declarations), len(corpus.files), notes, projects=done.projects,
                          unreadable=done.unreadable, units=done.units,
                          self_evaluations=corpus.self_evaluations if corpus.files[0] in mine else 0)


class _StreamWork(UnitScreener):
    """A worker process: scans files (``("scan", files)``) and screens units (``("screen", units,
    only)``). Everything built at start (imports, the ruleset, durable-rules) is moved out of the
    garbage collector's sight: it lives as long as the worker, and a collection walking it would
    copy the parent's pages into the worker."""

    def __init__(self, *args):
        super().__init__(*args)
        gc.freeze()

    def __call__(self, message: tuple) -> list:  # type: ignore[override]
        if message[0] == "scan":
            return scan(message[1], self.ruleset.layouts, message[2])
        return super().__call__(message[1], message[2])


class SpilledFindings(Sequence):
    """Sorted findings kept in a temporary file as sorted runs, merged as they are read.

    Iterating reads the file once, in order, in constant memory; ``len`` is free; indexing loads the
    whole list once (only for callers that need random access).
    """

    def __init__(self, runs: list[tuple[int, int]], handle, count: int):
        self._runs = runs  # (offset, number of pickled blocks) of each sorted run
        self._handle = handle
        self._count = count
        self._list: list[Finding] | None = None

    def __len__(self) -> int:
        return self._count

    def _run(self, offset: int, blocks: int) -> Iterator[Finding]:
        with open(self._handle.name, "rb") as handle:
            handle.seek(offset)
            for _ in range(blocks):
                yield from pickle.load(handle)

    def __iter__(self) -> Iterator[Finding]:
        if self._list is not None:
            return iter(self._list)
        return heapq.merge(*(self._run(o, b) for o, b in self._runs), key=Finding.sort_key)

    def __getitem__(self, index):
        if self._list is None:
            self._list = list(iter(self))
        return self._list[index]


class FindingSink:
    """Collects sorted findings: a list while small, sorted runs in a temporary file beyond ``spill_at``."""

    BLOCK = 2000

    def __init__(self, spill_at: int = SPILL_AT):
        self.spill_at = spill_at
        self.buffer: list[Finding] = []
        self.runs: list[tuple[int, int]] = []
        self.handle = None
        self.count = 0

    def add(self, findings: list[Finding]) -> None:
        self.buffer.extend(findings)
        self.count += len(findings)
        if len(self.buffer) >= self.spill_at:
            self._spill()

    def _spill(self) -> None:
        if self.handle is None:
            self.handle = tempfile.NamedTemporaryFile(prefix="g60rules-findings-", suffix=".pickle")
        self.buffer.sort(key=Finding.sort_key)
        offset = self.handle.tell()
        blocks = 0
        for start in range(0, len(self.buffer), self.BLOCK):
            pickle.dump(self.buffer[start:start + self.BLOCK], self.handle, pickle.HIGHEST_PROTOCOL)
            blocks += 1
        self.handle.flush()
        self.runs.append((offset, blocks))
        self.buffer = []

    def result(self) -> Sequence[Finding]:
        if self.handle is None:
            self.buffer.sort(key=Finding.sort_key)
            return self.buffer
        if self.buffer:
            self._spill()
        return SpilledFindings(self.runs, self.handle, self.count)


@dataclass
class StreamOutcome:
    """What :func:`collect` gives back."""

    findings: Sequence[Finding]
    declarations: int
    fallbacks: list[tuple[str, str]]
    cached: int = 0
    unit_count: int = 0
    projects: int = 0
    unreadable: set[str] = field(default_factory=set)
    units: dict[str, tuple[tuple[str | None, str | None], ...]] = field(default_factory=dict)
    self_evaluations: int = 0


def collect(work: list[list[Unit]], replies: Iterator[tuple[int, list[UnitResult] | str]], ruleset: CompiledRuleset,
            only: set[str] | None = None, progress: Progress = SILENT, spill_at: int = SPILL_AT) -> StreamOutcome:
    """Gather (chunk index, results) as they come, in any order; a reply that is a string says why
    that chunk was lost, and the chunk is screened again here on the reference evaluator."""
    sink = FindingSink(spill_at)
    outcome = StreamOutcome([], 0, [])
    fallbacks: dict[int, list[tuple[str, str]]] = {}
    pairs: dict = {}  # one copy of each file's (主管部门, 实施单位) pairs: a season repeats a few hundred units
    local = None
    for index, reply in replies:
        if isinstance(reply, str):
            local = local or UnitScreener(ruleset, "reference")
            reply = [local.screen(unit, only, fallback=reply) for unit in work[index]]
        read = 0
        for result in reply:
            sink.add(result.findings)
            outcome.declarations += result.declarations
            outcome.cached += result.cached
            outcome.unit_count += 1
            outcome.projects += result.projects
            outcome.unreadable.update(result.unreadable)
            for file, unit in result.units.items():
                outcome.units[file] = pairs.setdefault(unit, unit)
            outcome.self_evaluations += result.self_evaluations
            read += result.files_read
            progress.advance("screened", result.declarations)
            if result.fallbacks:
                fallbacks.setdefault(index, []).extend(result.fallbacks)
        progress.advance("read", read)
    outcome.fallbacks = [note for index in sorted(fallbacks) for note in fallbacks[index]]
    outcome.findings = sink.result()
    return outcome


def _scan_on(pool: WorkerPool | None, files: list[str], ruleset: CompiledRuleset, mentioned: bool) -> list:
    """The department listings of ``files``, scanned on ``pool`` when there are many (a chunk whose
    worker fails is scanned again here)."""
    if pool is None or len(files) <= 4 * SCAN_CHUNK:
        return scan(files, ruleset.layouts, mentioned)
    groups = [files[i:i + SCAN_CHUNK] for i in range(0, len(files), SCAN_CHUNK)]
    replies = pool.run([("scan", group, mentioned) for group in groups])
    return [item for group, reply in zip(groups, replies, strict=True)
            for item in (scan(group, ruleset.layouts, mentioned) if isinstance(reply, str) else reply)]


def _selection(layout: Plan, changed: set[Path]) -> tuple[set[str], list[Unit]]:
    """With ``--changed-since``: the files to report on — those changed, plus each department file
    that lists a changed (deleted, renamed) file — and the units that read any of them."""
    only = {f for f in layout.files if resolved(Path(f)) in changed}
    for unit in layout.units:
        if unit.department and any(Path(m) in changed for m in unit.mentioned):
            only.add(_display(Path(unit.path)))
    return only, [u for u in layout.units if {_display(Path(p)) for p in u.reads()} & only]


def screen_stream(paths: list[Path], ruleset: CompiledRuleset, engine: str = "durable", jobs: int | None = None,
                  changed: set[Path] | None = None, progress: Progress = SILENT, cache: Path | None = None,
                  scheduler=None, spill_at: int = SPILL_AT) -> ScreenResult:
    """Plan, then load and screen unit by unit; the arguments are :func:`g60rules.engines.pool.screen`'s."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "durable":
        check_available()
    jobs = jobs or os.cpu_count() or 1
    local = scheduler is None and engine == "reference" and jobs == 1
    pool = None if scheduler is not None or local else WorkerPool(_StreamWork, (ruleset, engine, cache), jobs,
                                                                   SECONDS_PER_CHUNK)
    with pool or nullcontext():
        layout = plan(paths, ruleset.layouts, lambda files, mentioned: _scan_on(pool, files, ruleset, mentioned),
                      mentioned=changed is not None)
        only, units = (None, layout.units) if changed is None else _selection(layout, changed)
        files = layout.files if only is None else [f for f in layout.files if f in only]
        progress.start("read", len(files))
        progress.start("screened", None)
        work = chunks(units, FILES_PER_CHUNK)
        if scheduler is not None:
            from g60rules.engines.cluster import run_on_cluster

            outcome = run_on_cluster(work, ruleset, engine, only, cache, scheduler, progress, spill_at)
        else:
            if pool is None:
                screener = UnitScreener(ruleset, engine, cache)
                replies: Iterator = ((i, screener(chunk, only)) for i, chunk in enumerate(work))
            else:
                replies = pool.imap([("screen", chunk, only) for chunk in work])
            outcome = collect(work, replies, ruleset, only, progress, spill_at)
    file_findings = [f for f in layout.findings if only is None or f.file in only]
    findings = outcome.findings
    if file_findings:  # directories that could not be listed: few, merged in order
        findings = sorted([*findings, *file_findings], key=Finding.sort_key)
    return ScreenResult(findings, engine, files, layout.ignored, outcome.declarations, outcome.fallbacks,
                        rules_on_reference(ruleset, engine), projects=outcome.projects,
                        departments=outcome.declarations - outcome.projects,
                        unreadable=[f for f in files if f in outcome.unreadable], units=outcome.units,
                        self_evaluations=outcome.self_evaluations, cached=outcome.cached,
                        unit_count=outcome.unit_count)

