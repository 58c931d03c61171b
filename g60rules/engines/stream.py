"""Streaming screening: read and screen unit by unit in the same worker processes, in flat memory.

:func:`screen_stream` is what :func:`g60rules.engines.pool.screen` runs. The parent only plans
(:mod:`g60rules.intake.units`: file names, and which department owns which project file); worker
processes each load a chunk of units, build the graph and facts of one department at a time, run the
rules and send back that chunk's findings. Nobody holds the corpus: memory depends on the largest
department, not on the number of declarations. Findings are the same, in the same order, as loading
the whole corpus and screening it at once (:func:`g60rules.engines.pool.screen_corpus`; tested).

Failures are handled as in :mod:`g60rules.engines.pool`: a declaration durable-rules cannot be
trusted on goes to the reference evaluator; a chunk whose worker dies or runs out of time is screened
again in the parent on the reference evaluator; each such fallback is a G60-ENGINE-001 finding.

Findings beyond :data:`SPILL_AT` go to a temporary file in sorted runs and come back merged
(:class:`SpilledFindings`), so the findings of a 100,000-declaration season do not sit in memory.

``progress(stage, done, total)`` is called in the parent with ``stage`` one of ``"found"`` (files
found, once), ``"read"`` (files read so far) and ``"screened"`` (declarations screened so far);
``total`` is the number of files for the first two, None for the third (it is known only at the end).
"""

from __future__ import annotations

import gc
import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from g60rules import findings as fc
from g60rules.engines.durable import DurableSession, EngineFailure, ruleset_definition, split_rules
from g60rules.engines.reference import run_reference
from g60rules.engines.workers import WorkerPool
from g60rules.findings import Finding
from g60rules.intake.units import Plan, Unit, load_unit, plan, scan
from g60rules.rules.compiler import CompiledRuleset

FILES_PER_CHUNK = 64
SCAN_CHUNK = 256
SPILL_AT = 10_000
Progress = Callable[[str, int, "int | None"], None]


@dataclass
class UnitResult:
    """What screening one unit gives: its findings (sorted), declarations screened, fallbacks."""

    findings: list[Finding]
    declarations: int
    files_read: int
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    cached: bool = False
    projects: int = 0
    unreadable: list[str] = field(default_factory=list)


def _batch(declaration) -> list[tuple[str, str, dict]]:
    return [(f.id, f.type, f.values) for f in declaration.facts]


class UnitScreener:
    """Screens units in this process: the compiled ruleset, and durable-rules loaded once.

    ``only``: displayed file names to report on (None: all); a unit's other files are still read,
    so department roll-ups see every project.
    """

    def __init__(self, ruleset: CompiledRuleset, engine: str, only: set[str] | None = None,
                 cache: Path | None = None):
        from g60rules.engines.cache import UnitCache

        self.ruleset = ruleset
        self.engine = engine
        self.only = only
        self.cache = UnitCache(cache, ruleset, engine, only) if cache is not None else None
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

    def __call__(self, units: list[Unit]) -> list[UnitResult]:
        return [self.screen_cached(unit) for unit in units]

    def screen_cached(self, unit: Unit) -> UnitResult:
        """:meth:`screen`, or the unit's result from the cache when nothing it reads has changed."""
        if self.cache is None:
            return self.screen(unit)
        key = self.cache.key(unit)
        stored = self.cache.get(key)
        if stored is not None:
            return UnitResult(stored["findings"], stored["declarations"], stored["files_read"],
                              stored["fallbacks"], True, stored["projects"], stored["unreadable"])
        result = self.screen(unit)
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

    def screen(self, unit: Unit, fallback: str | None = None) -> UnitResult:
        """Load and screen one unit. ``fallback``: why it is screened here on the reference
        evaluator instead (its worker died); each declaration is then reported as a fallback."""
        from g60rules.engines.pool import declarations_for, findings_for
        from g60rules.graph import build_graph

        corpus = load_unit(unit, self.ruleset.layouts)
        mine = set(corpus.files) if self.only is None else set(corpus.files) & self.only
        graph = build_graph(corpus.departments, corpus.projects)
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
        out = [f for f in corpus.findings if f.file in mine] + findings_for(self.ruleset, declarations, hits)
        out += [fc.ENGINE_FALLBACK.finding(file, 1, reason=reason) for file, reason in notes]
        out.sort(key=Finding.sort_key)
        read = {d.source.file for d in corpus.departments} | {p.source.file for p in corpus.projects}
        read |= {p.source.file for d in corpus.departments for p in d.projects}
        departments = sum(1 for d in declarations if d.facts and d.facts[0].type == "department")
        return UnitResult(out, len(declarations), len(corpus.files), notes,
                          projects=len(declarations) - departments,
                          unreadable=[f for f in corpus.files if f in mine and f not in read])


class _UnitWork(UnitScreener):
    """A worker process's screener. Everything built so far (imports, the ruleset, durable-rules, what
    the parent held when it forked) is moved out of the garbage collector's sight: it lives as long
    as the worker, and a collection walking it would copy the parent's pages into the worker."""

    def __init__(self, *args):
        super().__init__(*args)
        gc.freeze()


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
    """What :func:`run_units` gives back."""

    findings: Sequence[Finding]
    declarations: int
    fallbacks: list[tuple[str, str]]
    cached: int = 0
    projects: int = 0
    unreadable: set[str] = field(default_factory=set)


def run_units(work: list[list[Unit]], screener_args: tuple, jobs: int, seconds: float,
              progress: Progress | None = None, total_files: int = 0,
              spill_at: int = SPILL_AT) -> StreamOutcome:
    """Screen chunks of units on ``jobs`` workers (in this process when one job of the reference
    evaluator, or one chunk, suffices); see the module docstring."""
    if screener_args[1] == "reference" and (jobs == 1 or len(work) <= 1):
        local = UnitScreener(*screener_args)
        replies: Iterator = ((i, local(chunk)) for i, chunk in enumerate(work))
    else:
        replies = WorkerPool(_UnitWork, screener_args, min(jobs, len(work)) or 1, seconds).imap(work)
    return collect(work, replies, screener_args, progress, total_files, spill_at)


def collect(work: list[list[Unit]], replies: Iterator[tuple[int, list[UnitResult] | str]], screener_args: tuple,
            progress: Progress | None = None, total_files: int = 0, spill_at: int = SPILL_AT) -> StreamOutcome:
    """Gather (chunk index, results) as they come, in any order; a reply that is a string says why
    that chunk was lost, and the chunk is screened again here on the reference evaluator."""
    sink = FindingSink(spill_at)
    declarations = cached = read = projects = 0
    unreadable: set[str] = set()
    fallbacks: dict[int, list[tuple[str, str]]] = {}
    local = None
    for index, reply in replies:
        if isinstance(reply, str):
            local = local or UnitScreener(screener_args[0], "reference", screener_args[2])
            reply = [local.screen(unit, fallback=reply) for unit in work[index]]
        for result in reply:
            sink.add(result.findings)
            declarations += result.declarations
            read += result.files_read
            cached += result.cached
            projects += result.projects
            unreadable.update(result.unreadable)
            if result.fallbacks:
                fallbacks.setdefault(index, []).extend(result.fallbacks)
        if progress is not None:
            progress("read", read, total_files)
            progress("screened", declarations, None)
    notes = [note for index in sorted(fallbacks) for note in fallbacks[index]]
    return StreamOutcome(sink.result(), declarations, notes, cached, projects, unreadable)


class _ScanWork:
    """A worker's scan: the department listings of a chunk of files."""

    def __init__(self, layouts):
        self.layouts = layouts

    def __call__(self, files: list[Path]) -> list:
        return scan(files, self.layouts)


def plan_corpus(paths: list[Path], jobs: int = 1, seconds: float = 60.0, layouts=None) -> Plan:
    """:func:`g60rules.intake.units.plan`, the scan spread over ``jobs`` worker processes when there
    are many files (a chunk whose worker fails is scanned again here)."""

    def scanner(files: list[Path]) -> list:
        if jobs <= 1 or len(files) <= 4 * SCAN_CHUNK:
            return scan(files, layouts)
        groups = [files[i:i + SCAN_CHUNK] for i in range(0, len(files), SCAN_CHUNK)]
        replies = WorkerPool(_ScanWork, (layouts,), jobs, seconds).run(groups)
        return [item for group, reply in zip(groups, replies, strict=True)
                for item in (scan(group, layouts) if isinstance(reply, str) else reply)]

    return plan(paths, scanner)
