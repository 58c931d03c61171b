"""Benchmark the issue-9 goals: flat memory, speed against libyaml, and a Dask LocalCluster.

Usage::

    python bench/scale.py [--sizes 1000,10000,100000] [--jobs N] [--out bench/out] [--json PATH]
                          [--phases csafe,whole,stream,cluster] [--whole-max 10000] [--cluster-max 100000]

For each size a corpus is generated once into ``OUT/c<size>`` (``bench/generate.py``, seed 1; reused
when present). Each phase then runs in a fresh interpreter, one after the other:

* ``csafe``   — ``yaml.load(text, Loader=yaml.CSafeLoader)`` of every file, on ``jobs`` processes:
  the cost of only reading the files with libyaml, on the same cores;
* ``whole``   — today's in-memory path (``load_corpus`` + ``screen_corpus``, durable, ``jobs``
  workers), only up to ``--whole-max`` declarations (its memory grows with the corpus);
* ``stream``  — ``screen()`` as ``g60rules check`` runs it (durable, ``jobs`` workers that read and
  screen), iterating the findings once;
* ``cluster`` — ``screen(scheduler=…)`` on a ``distributed.LocalCluster`` of ``jobs`` worker processes
  with one thread each, started before the clock starts (its start-up time is reported apart); only
  up to ``--cluster-max`` declarations (a phase skipped is printed as skipped, never left out silently).

``--sizes 40`` runs it tiny (tests do); the corpus of each size is generated once and reused.

Figures per phase: wall seconds, declarations/s (project files / wall), CPU seconds of the phase
process and its reaped children, and the peak over samples (every 0.1 s) of the **sum of RSS** and
the sum of PSS of the phase process and all its descendants (workers, Dask nannies and workers).
The findings of ``whole``, ``stream`` and ``cluster`` are hashed in their order (rule, severity, file,
line, row, field, English message); the run fails (exit 1) when two phases differ. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from run import _children, _pss_kib, _read_proc  # noqa: E402

PHASES = ("csafe", "whole", "stream", "cluster")
MIB = 1024 * 1024


def _rss_kib(pid: int) -> int:
    text = _read_proc(f"/proc/{pid}/status") or ""
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux /proc/<pid>/stat)."""
    text = _read_proc(f"/proc/{pid}/stat") or ""
    fields = text.rsplit(")", 1)[-1].split()
    try:
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (IndexError, ValueError):
        return 0.0


class TreeSampler:
    """Peak of the summed RSS and PSS of this process and all its descendants; at the end, the CPU
    seconds of the descendants still alive (Dask's workers: not reaped, so not in os.times())."""

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.peak_rss_kib = self.peak_pss_kib = self.peak_processes = 0
        self.alive_cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        pids, stack = [], [os.getpid()]
        while stack:
            pid = stack.pop()
            pids.append(pid)
            stack.extend(_children(pid))
        self.peak_rss_kib = max(self.peak_rss_kib, sum(_rss_kib(p) for p in pids))
        self.peak_pss_kib = max(self.peak_pss_kib, sum(_pss_kib(p) for p in pids))
        self.peak_processes = max(self.peak_processes, len(pids))
        self.alive_cpu_s = sum(_cpu_s(p) for p in pids[1:])

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> TreeSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _files(directory: Path) -> list[Path]:
    out = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        out.extend(Path(root) / n for n in sorted(names) if n.endswith((".yaml", ".yml")))
    return out


def _csafe_load(paths: list[str]) -> int:
    import yaml

    done = 0
    for path in paths:
        try:
            yaml.load(Path(path).read_bytes().decode("utf-8-sig"), Loader=yaml.CSafeLoader)
            done += 1
        except Exception:  # a broken file (bad YAML, bad date, not UTF-8) costs its read too
            pass
    return done


def _digest(findings) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    for f in findings:
        if f.rule_id == "G60-ENGINE-001":
            continue
        h.update(f"{f.rule_id}\t{f.severity.value}\t{f.file}\t{f.line}\t{f.row}\t{f.field}\t{f.message_en}\n"
                 .encode("utf-8"))
        n += 1
    return h.hexdigest(), n


def run_phase(phase: str, directory: Path, jobs: int) -> dict:
    """One phase in this fresh process."""
    import multiprocessing

    from g60rules.engines.pool import screen, screen_corpus
    from g60rules.intake.yaml_loader import load_corpus
    from g60rules.rules.compiler import default_ruleset_path, load_ruleset

    ruleset = load_ruleset(default_ruleset_path())
    out: dict = {"phase": phase}
    cluster = client = None
    if phase == "cluster":
        from distributed import Client, LocalCluster

        started = time.perf_counter()
        cluster = LocalCluster(processes=True, n_workers=jobs, threads_per_worker=1, dashboard_address=None,
                               silence_logs=40)
        client = Client(cluster)
        out["cluster_start_s"] = time.perf_counter() - started
    cpu0 = os.times()
    sampler = TreeSampler()
    sampler._sample()
    before_cpu = sampler.alive_cpu_s
    with sampler:
        t0 = time.perf_counter()
        if phase == "csafe":
            paths = [str(p) for p in _files(directory)]
            groups = [paths[i:i + 64] for i in range(0, len(paths), 64)]
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                out["loaded"] = sum(pool.imap_unordered(_csafe_load, groups))
        elif phase == "whole":
            result = screen_corpus(load_corpus([directory]), ruleset, "durable", jobs)
        elif phase == "stream":
            result = screen([directory], ruleset, "durable", jobs)
        else:
            result = screen([directory], ruleset, "durable", scheduler=client)
        if phase != "csafe":
            out["digest"], out["findings"] = _digest(result.findings)
            out["declarations"] = result.declarations
            out["fallbacks"] = len(result.fallbacks)
        out["wall_s"] = time.perf_counter() - t0
    cpu1 = os.times()
    if client is not None:
        client.close()
        cluster.close()
    # the cluster's workers started before the clock: count only what they spent during the phase
    out["cpu_s"] = sum(getattr(cpu1, k) - getattr(cpu0, k) for k in ("user", "system", "children_user",
                                                                       "children_system"))
    out["cpu_s"] += sampler.alive_cpu_s - before_cpu
    out["peak_rss_tree_mib"] = sampler.peak_rss_kib / 1024
    out["peak_pss_tree_mib"] = sampler.peak_pss_kib / 1024
    out["processes"] = sampler.peak_processes
    out["peak_rss_self_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _spawn(phase: str, directory: Path, jobs: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    try:
        done = subprocess.run([sys.executable, __file__, "--phase", phase, "--dir", str(directory), "--jobs",
                               str(jobs), "--result", str(result)], cwd=ROOT, check=False)
        if done.returncode != 0:
            return {"phase": phase, "error": f"exit code {done.returncode}"}
        return json.loads(result.read_text(encoding="utf-8"))
    finally:
        result.unlink(missing_ok=True)


def _corpus(out: Path, size: int) -> Path:
    directory = out / f"c{size // 1000}k" if size % 1000 == 0 else out / f"c{size}"
    if not any(directory.glob("**/*.yaml")):
        from generate import generate

        print(f"generating {size} declarations into {directory} …", flush=True)
        generate(directory, size, 1)
    return directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--whole-max", type=int, default=10000)
    parser.add_argument("--cluster-max", type=int, default=100000)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        args.result.write_text(json.dumps(run_phase(args.phase, args.dir, args.jobs)), encoding="utf-8")
        return 0
    phases = [p for p in args.phases.split(",") if p]
    rows: list[dict] = []
    status = 0
    print(f"{'size':>7} {'phase':<8} {'wall s':>8} {'decl/s':>7} {'CPU s':>7} {'RSS tree MiB':>12} "
          f"{'PSS tree MiB':>12} {'wall×':>6} {'CPU×':>6}  findings")
    for size in (int(s) for s in args.sizes.split(",")):
        directory = _corpus(args.out, size)
        projects = sum(1 for p in _files(directory) if p.name != "department.yaml")
        base = None
        digests = set()
        for phase in phases:
            limit = {"whole": args.whole_max, "cluster": args.cluster_max}.get(phase)
            if limit is not None and size > limit:
                print(f"{size:>7} {phase:<8} skipped (above --{phase}-max {limit})", flush=True)
                rows.append({"phase": phase, "size": size, "skipped": True})
                continue
            r = _spawn(phase, directory, args.jobs)
            r.update(size=size, projects=projects)
            rows.append(r)
            if "error" in r:
                print(f"{size:>7} {phase:<8} FAILED: {r['error']}", flush=True)
                status = 1
                continue
            base = (r["wall_s"], r["cpu_s"]) if phase == "csafe" else base
            if "digest" in r:
                digests.add(r["digest"])
            ratio = f"{r['wall_s'] / base[0]:>6.2f} {r['cpu_s'] / base[1]:>6.2f}" if base else f"{'—':>6} {'—':>6}"
            extra = f"  (cluster start {r['cluster_start_s']:.1f} s)" if "cluster_start_s" in r else ""
            found = f"{r['findings']} {r['digest'][:10]}" if "digest" in r else ""
            print(f"{size:>7} {phase:<8} {r['wall_s']:>8.1f} {projects / r['wall_s']:>7.0f} {r['cpu_s']:>7.1f} "
                  f"{r['peak_rss_tree_mib']:>12.0f} {r['peak_pss_tree_mib']:>12.0f} {ratio}  {found}{extra}",
                  flush=True)
        if len(digests) > 1:
            print(f"!!! MISMATCH at {size}: the phases found different findings", flush=True)
            status = 1
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
