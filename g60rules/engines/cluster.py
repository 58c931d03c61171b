"""Screening on a Dask cluster (``check --scheduler ADDRESS``): the same units, on many machines.

The client plans (:mod:`g60rules.intake.units`: which department owns which project file), sends
chunks of units — departments with their projects — as tasks to the cluster's workers, and gathers
their findings into the same sorted result a local run gives (tested against it). Workers read the
declaration files themselves: every worker must see the corpus at the path the client names (a
shared file system mounted at the same place), and findings name files relative to the client's
working directory.

On a worker, a task screens in the worker's own process with the chosen engine. A task whose worker
dies (durable-rules can crash its process: DURABLE-RULES.md) is retried by Dask on another worker;
when Dask gives up, the client screens that chunk itself on the reference evaluator and reports a
fallback (G60-ENGINE-001), as a local run does. Needs the ``distributed`` package.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from g60rules.engines.stream import SPILL_AT, StreamOutcome, UnitResult, UnitScreener, collect
from g60rules.intake.units import Unit
from g60rules.progress import SILENT, Progress
from g60rules.rules.compiler import CompiledRuleset

_SCREENERS: dict[str, UnitScreener] = {}
_CWD_LOCK = threading.Lock()  # tasks change directory: one at a time in a worker process


def screen_partition(units: list[Unit], ruleset, engine: str, only: set[str] | None, cache: str | None,
                     cwd: str, token: str) -> list[UnitResult]:
    """Run on a Dask worker: screen ``units`` as if in ``cwd`` (paths and displayed names are the
    client's). The screener (with durable-rules loaded) is built once per worker and run."""
    with _CWD_LOCK:
        screener = _SCREENERS.get(token)
        if screener is None:
            _SCREENERS.clear()  # one run at a time keeps its screener
            screener = _SCREENERS[token] = UnitScreener(ruleset, engine, Path(cache) if cache else None)
        before = os.getcwd()
        os.chdir(cwd)
        try:
            return screener(units, only)
        finally:
            os.chdir(before)


def _client_cwd() -> str:
    return os.getcwd()


def run_on_cluster(work: list[list[Unit]], ruleset: CompiledRuleset, engine: str, only: set[str] | None,
                   cache: Path | None, scheduler, progress: Progress = SILENT, spill_at: int = SPILL_AT
                   ) -> StreamOutcome:
    """Screen chunks of units on the cluster at ``scheduler`` (an address, or a ``distributed.Client``)."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # an optional dependency: say what to install
        raise RuntimeError("--scheduler needs the 'distributed' package: pip install 'g60rules[cluster]'") from exc
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        shared = client.scatter(ruleset, broadcast=True)
        token = uuid.uuid4().hex
        futures = client.map(screen_partition, work, ruleset=shared, engine=engine, only=only,
                             cache=str(Path(cache).resolve()) if cache else None, cwd=_client_cwd(), token=token,
                             pure=False)
        index_of = {future.key: i for i, future in enumerate(futures)}

        def replies() -> Iterator[tuple[int, list[UnitResult] | str]]:
            for future in as_completed(futures):
                index = index_of[future.key]
                try:
                    yield index, future.result()
                except Exception as exc:  # KilledWorker and the like: screened again on the client
                    yield index, f"cluster task failed ({type(exc).__name__}: {exc})"
                future.release()

        return collect(work, replies(), ruleset, only, progress, spill_at)
    finally:
        if client is not scheduler:
            client.close()
