"""CPU of screening unit by unit, split into its stages, beside libyaml alone, in one run.

Usage::

    python bench/facts.py DIR [--ruleset rulesets/shanghai.yaml] [--repeat 3] [--baseline TREE]

Phases, each in a fresh interpreter (no memo warm from an earlier phase), over the ``*.yaml``
files under ``DIR`` (for example a corpus from ``bench/generate.py``):

* ``csafe``  — read every file and ``yaml.load`` it with libyaml's ``CSafeLoader`` (issue 9's
  yardstick: a full check within 1.5× of it);
* ``screen`` — :class:`~g60rules.engines.stream.UnitScreener` (durable-rules) screens every unit
  of the plan in turn, as one worker does; it prints a digest of the findings (rule, severity,
  file, line, row, field, English message, in order);
* ``stages`` — the same pipeline taken apart to time each stage: ``load+graph`` (``load_unit``,
  ``build_graph``), ``facts`` (``declarations_for``), ``engine`` (durable-rules sessions, plus the
  reference evaluator for rules beyond durable-rules' limits), ``findings`` (``findings_for``),
  and ``assert`` — the CPU of durable-rules' ``assert_facts`` calls alone (part of ``engine``:
  the C engine itself, the floor of the engine stage).

Figures are CPU seconds (``time.process_time``) of the work alone (imports, the ruleset and the
plan are left out), the fastest of ``--repeat`` fresh runs, and the ratio to ``csafe``.
``--baseline TREE`` runs ``screen`` and ``stages`` with another g60rules source tree first on
``sys.path`` too (for example ``git archive main | tar -x -C TREE``), interleaved; the findings
digests of both trees must be equal. Exit code 0, or 1 when they differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PHASES = ("csafe", "screen", "stages")


def _digest(findings) -> str:
    h = hashlib.sha256()
    for f in findings:
        h.update(repr((f.rule_id, str(f.severity), f.file, f.line, f.row, f.field, f.message_en)).encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


class _TimedEngine:
    """durable-rules' C module with ``assert_facts`` timed (CPU seconds summed in ``spent``)."""

    def __init__(self, engine):
        self._engine = engine
        self.spent = 0.0

    def assert_facts(self, *args):
        start = time.process_time()
        try:
            return self._engine.assert_facts(*args)
        finally:
            self.spent += time.process_time() - start

    def __getattr__(self, name):
        return getattr(self._engine, name)


def run_phase(phase: str, directory: Path, ruleset_path: Path) -> dict:
    """Run one phase in this process: CPU seconds per stage, and the digest for ``screen``."""
    import yaml

    import g60rules
    from g60rules.rules.compiler import load_ruleset

    out: dict = {"phase": phase, "tree": str(Path(g60rules.__file__).parent.parent)}
    if phase == "csafe":
        files = sorted(directory.rglob("*.yaml"))
        start = time.process_time()
        for path in files:
            try:
                yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=yaml.CSafeLoader)
            except (yaml.YAMLError, ValueError):
                pass  # a generated corpus has a few broken files on purpose
        out["cpu"] = time.process_time() - start
        return out
    from g60rules.engines.stream import UnitScreener
    from g60rules.intake.units import plan

    ruleset = load_ruleset(ruleset_path)
    units = plan([directory], ruleset.layouts).units
    screener = UnitScreener(ruleset, "durable")
    if phase == "screen":
        findings, declarations = [], 0
        start = time.process_time()
        for unit in units:
            result = screener.screen(unit)
            findings.extend(result.findings)
            declarations += result.declarations
        out["cpu"] = time.process_time() - start
        out["declarations"] = declarations
        out["digest"] = _digest(findings)
        return out
    from g60rules.engines.pool import declarations_for, findings_for
    from g60rules.graph import build_graph
    from g60rules.intake.units import load_unit

    timed = _TimedEngine(screener.session._engine)
    screener.session._engine = timed
    spent = dict.fromkeys(("load+graph", "facts", "engine", "findings"), 0.0)
    start = time.process_time()
    for unit in units:
        t0 = time.process_time()
        corpus = load_unit(unit, ruleset.layouts)
        graph = build_graph(corpus.departments, corpus.projects, ruleset.layouts)
        t1 = time.process_time()
        declarations = declarations_for(graph, ruleset)
        t2 = time.process_time()
        hits = [screener._hits(d)[0] for d in declarations]
        t3 = time.process_time()
        findings_for(ruleset, declarations, hits)
        t4 = time.process_time()
        for name, took in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            spent[name] += took
    out["cpu"] = time.process_time() - start
    out.update(spent)
    out["assert"] = timed.spent
    return out


def _spawn(phase: str, directory: Path, ruleset: Path, tree: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tree), str(HERE)]))
    # the same working directory for every tree: findings name files relative to it
    command = [sys.executable, str(Path(__file__).resolve()), str(directory), "--phase", phase, "--ruleset", str(ruleset)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=directory, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} ({tree}) failed:\n{done.stderr[-2000:]}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    if Path(got["tree"]) != tree:
        raise SystemExit(f"phase {phase} imported g60rules from {got['tree']}, not {tree}")
    return got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--ruleset", type=Path, default=ROOT / "rulesets" / "shanghai.yaml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another g60rules source tree to measure beside this one")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    directory, ruleset = args.dir.resolve(), args.ruleset.resolve()
    if args.phase:
        print(json.dumps(run_phase(args.phase, directory, ruleset)))
        return 0
    trees = [("this tree", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    best: dict[tuple[str, str], dict] = {}
    for _ in range(args.repeat):  # interleaved, so a burst of load on the machine hits both trees
        for label, tree in trees:
            for phase in PHASES if label == "this tree" else PHASES[1:]:
                got = _spawn(phase, directory, ruleset, tree)
                if (label, phase) not in best or got["cpu"] < best[label, phase]["cpu"]:
                    best[label, phase] = got
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0,)
    files = sum(1 for _ in directory.rglob("*.yaml"))
    declarations = best["this tree", "screen"]["declarations"]
    print(f"{files} files, {declarations} declarations; fastest of {args.repeat} fresh runs; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load[0]:.1f}")
    base = best["this tree", "csafe"]["cpu"]
    print(f"{'tree':<10} {'phase':<18} {'CPU s':>7} {'ms/decl':>8} {'× csafe':>8}  digest")
    for (label, phase), got in best.items():
        rows = [(phase, got["cpu"])]
        if phase == "stages":
            rows += [(f"  {name}", got[name]) for name in ("load+graph", "facts", "engine", "assert", "findings")]
        for name, cpu in rows:
            print(f"{label:<10} {name:<18} {cpu:>7.2f} {1000 * cpu / declarations:>8.2f} {cpu / base:>8.2f}  "
                  f"{got.get('digest', '') if name == phase else ''}")
    digests = {got["digest"] for (label, phase), got in best.items() if phase == "screen"}
    if len(digests) > 1:
        print("MISMATCH: the trees give different findings")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
