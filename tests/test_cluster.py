"""``check --scheduler``: screening on a Dask cluster (worker processes) finds exactly what a local run finds."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from g60rules.engines import stream  # noqa: E402
from g60rules.engines.pool import screen  # noqa: E402
from g60rules.progress import Progress  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None,
                                  silence_logs=40) as local:
        yield local


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    out = tmp_path_factory.mktemp("season")
    generate(out, 60, 5)
    return out


def _dicts(result):
    return [f.to_dict("en") for f in result.findings]


@pytest.mark.parametrize("engine", ["reference", "durable"])
def test_a_cluster_run_finds_what_a_local_run_finds(cluster, season, shanghai, engine, monkeypatch):
    monkeypatch.setattr(stream, "FILES_PER_CHUNK", 8)  # several tasks per worker
    local = screen([season], shanghai, engine, 2)
    seen = _Seen()
    remote = screen([season], shanghai, engine, scheduler=cluster.scheduler_address, progress=seen)
    assert local.findings and _dicts(remote) == _dicts(local)
    assert (remote.files, remote.declarations, remote.fallbacks) == (local.files, local.declarations, [])
    assert (remote.units, remote.unreadable) == (local.units, local.unreadable)
    assert seen.totals["read"] == len(local.files) == seen.done["read"]
    assert seen.done["screened"] == local.declarations


class _Seen(Progress):
    def __init__(self):
        self.totals, self.done = {}, {}

    def start(self, stage, total):
        self.totals[stage] = total

    def advance(self, stage, n=1):
        self.done[stage] = self.done.get(stage, 0) + n


def test_a_task_that_keeps_failing_is_screened_on_the_client_and_reported(cluster, season, shanghai, monkeypatch):
    # A worker that cannot screen (here: it cannot read the corpus's directory) loses its tasks;
    # the client screens them itself on the reference evaluator and says so, losing nothing.
    monkeypatch.setattr(stream, "FILES_PER_CHUNK", 30)
    local = screen([season], shanghai, "reference", 1)
    from g60rules.engines import cluster as cluster_mod

    monkeypatch.setattr(cluster_mod, "_client_cwd", lambda: "/nonexistent-directory")
    remote = screen([season], shanghai, "reference", scheduler=cluster.scheduler_address)
    fallback = [f for f in remote.findings if f.rule_id == "G60-ENGINE-001"]
    assert fallback and len(fallback) == remote.declarations == local.declarations
    assert [d for d in _dicts(remote) if d["rule_id"] != "G60-ENGINE-001"] == _dicts(local)


def test_check_scheduler_on_the_command_line(cluster, season):
    from typer.testing import CliRunner

    from g60rules.cli import app

    runner = CliRunner()
    base = ["check", str(season), "--engine", "reference", "-f", "json", "--fail-on", "never"]
    local = runner.invoke(app, base)
    remote = runner.invoke(app, [*base, "--scheduler", cluster.scheduler_address])
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout)["findings"] == json.loads(local.stdout)["findings"]


def test_an_unreachable_scheduler_is_a_clear_error(season):
    from typer.testing import CliRunner

    from g60rules.cli import app

    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        done = CliRunner().invoke(app, ["check", str(season), "--scheduler", "tcp://127.0.0.1:9"])
    assert done.exit_code == 2 and "g60rules:" in done.output
