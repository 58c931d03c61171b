"""CPU of the model layer beside libyaml alone, on the same files, in one run.

Usage::

    python bench/model.py [--count 1000] [--seed 1] [--dir DIR] [--repeat 3] [--baseline TREE]

Phases, each in a fresh interpreter (so no memo is warm from an earlier phase), over one generated
corpus (``bench/generate.py``):

* ``csafe`` — read every ``*.yaml`` file and ``yaml.load`` it with libyaml's ``CSafeLoader``: the
  yardstick of issue 9 (a full check within 1.5× of it);
* ``load``  — ``load_corpus`` (compose, records, node → model, values);
* ``graph`` — ``load_corpus`` then ``build_graph`` (the declaration graph the rules read).

Figures are CPU seconds of the work alone (``time.process_time`` around it: imports and the ruleset
are left out), the fastest of ``--repeat`` fresh runs, declarations per CPU second and the ratio to
``csafe``. ``--baseline TREE`` also runs ``load`` and ``graph`` with another g60rules source tree
first on ``sys.path`` (for example ``git archive <commit> | tar -x -C TREE``), so before and after
are measured in the same run; each ``graph`` run prints a digest of the file findings, the model
objects (their ``repr``) and every graph node and edge with its attributes, and the digests of both trees must be equal.
Exit code 0, or 1 when the digests differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PHASES = ("csafe", "load", "graph")


def _digest(corpus, graph) -> str:
    """Hash of the file findings, the model objects and every graph node and edge with its
    attributes, in a stable order."""
    h = hashlib.sha256()
    for text in sorted(map(repr, [*corpus.findings, *corpus.departments, *corpus.projects])):
        h.update(text.encode())
    for node, attrs in sorted(graph.g.nodes(data=True)):
        h.update(repr((node, sorted((k, repr(v)) for k, v in attrs.items()))).encode())
    for a, b, attrs in sorted(graph.g.edges(data=True)):
        h.update(repr((a, b, sorted(attrs.items()))).encode())
    return h.hexdigest()[:16]


def run_phase(phase: str, directory: Path) -> dict:
    """Run one phase in this process; returns CPU seconds and (for ``graph``) the digest."""
    import yaml

    from g60rules.graph import build_graph
    from g60rules.intake.yaml_loader import load_corpus
    from g60rules.rules.compiler import bundled_layouts

    layouts = bundled_layouts()
    files = sorted(directory.rglob("*.yaml"))
    import g60rules

    out: dict = {"phase": phase, "tree": str(Path(g60rules.__file__).parent.parent)}
    start = time.process_time()
    if phase == "csafe":
        for path in files:
            try:
                yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=yaml.CSafeLoader)
            except (yaml.YAMLError, ValueError):  # not UTF-8, an impossible date
                pass  # the generated corpus has a few broken files on purpose
        out["cpu"] = time.process_time() - start
        return out
    corpus = load_corpus([directory], layouts=layouts)
    out["cpu_load"] = time.process_time() - start
    if phase == "graph":
        graph = build_graph(corpus.departments, corpus.projects, layouts)
        out["cpu"] = time.process_time() - start
        out["digest"] = _digest(corpus, graph)
    else:
        out["cpu"] = out["cpu_load"]
    return out


def _spawn(phase: str, directory: Path, tree: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tree), str(HERE)]))
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--dir", str(directory)],
                          capture_output=True, text=True, env=env, cwd=directory, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} ({tree}) failed:\n{done.stderr[-2000:]}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    if Path(got["tree"]) != tree:
        raise SystemExit(f"phase {phase} imported g60rules from {got['tree']}, not {tree}")
    return got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="reuse this corpus (generated into it when empty)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another g60rules source tree to measure beside this one")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.dir)))
        return 0
    with tempfile.TemporaryDirectory(prefix="g60-model-") as tmp:
        directory = args.dir or Path(tmp)
        if not any(directory.rglob("*.yaml")):
            from generate import generate

            directory.mkdir(parents=True, exist_ok=True)
            generate(directory, args.count, args.seed)
        projects = sum(1 for p in directory.rglob("*.yaml") if p.name != "department.yaml")
        trees = [("this tree", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
        best: dict[tuple[str, str], dict] = {}
        for _ in range(args.repeat):  # interleaved, so a burst of load on the machine hits both trees
            for label, tree in trees:
                for phase in PHASES if label == "this tree" else PHASES[1:]:
                    got = _spawn(phase, directory, tree)
                    if (label, phase) not in best or got["cpu"] < best[label, phase]["cpu"]:
                        best[label, phase] = got
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        print(f"{projects} project declarations, {sum(1 for _ in directory.rglob('*.yaml'))} files; "
              f"fastest of {args.repeat} fresh runs; Python {platform.python_version()}, "
              f"{os.cpu_count()} CPUs, load average {load[0]:.1f}" if load else "")
        base = best["this tree", "csafe"]["cpu"]
        print(f"{'tree':<10} {'phase':<6} {'CPU s':>7} {'decl/CPU s':>11} {'× csafe':>8}  digest")
        for (label, phase), got in best.items():
            print(f"{label:<10} {phase:<6} {got['cpu']:>7.2f} {projects / got['cpu']:>11.0f} "
                  f"{got['cpu'] / base:>8.2f}  {got.get('digest', '')}")
        digests = {got["digest"] for (label, phase), got in best.items() if phase == "graph"}
        if len(digests) > 1:
            print("MISMATCH: the trees build different models or graphs")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
