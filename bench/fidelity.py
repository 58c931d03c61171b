"""Fidelity: over every case declaration with its expected outcome, how many pass, in one run.

Usage::

    python bench/fidelity.py [--cases DIR] [--ruleset FILE] [--engine reference|durable] [--quiet]

``DIR`` (default ``tests/data/cases``) holds small declarations made from patterns seen in real
forms, each with the reviewer's conclusion in its top comment, and ``expected.yaml``: per file, the
findings the reviewer expects (``RULE-ID@ROW``, or ``RULE-ID`` for the project), the ones the
comment tolerates (``allow``), and whether the case needs format keys not yet in the model
(``format_gap``). A case passes when every expected finding is reported and nothing else is.

Prints one line per failing case (missing and unexpected findings), then the totals: cases
passed, expected findings missed, unexpected findings. Exit code 0 when every case passes, 1
otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from g60rules.engines.pool import screen  # noqa: E402
from g60rules.rules.compiler import default_ruleset_path, load_ruleset  # noqa: E402


@dataclass
class CaseResult:
    """One case: what was expected, what was reported, and the difference."""

    name: str
    format_gap: bool
    expected: Counter
    actual: Counter
    allowed: frozenset[str]
    missing: Counter = field(default_factory=Counter)
    unexpected: Counter = field(default_factory=Counter)

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected


def finding_key(finding) -> str:
    """``RULE-ID@ROW`` for an indicator finding, ``RULE-ID`` otherwise (the notation of expected.yaml)."""
    return f"{finding.rule_id}@{finding.row}" if finding.row is not None else finding.rule_id


def load_expectations(cases: Path) -> dict[str, dict]:
    data = yaml.safe_load((cases / "expected.yaml").read_text(encoding="utf-8"))
    declared = {p.name for p in cases.glob("*.yaml")} - {"expected.yaml"}
    if set(data) != declared:
        raise SystemExit(f"expected.yaml and the case files differ: {sorted(set(data) ^ declared)}")
    return data


def run(cases: Path, ruleset=None, engine: str = "reference") -> list[CaseResult]:
    """Screen each case file on its own and compare with its expectation."""
    ruleset = ruleset or load_ruleset(default_ruleset_path())
    results = []
    for name, spec in sorted(load_expectations(cases).items()):
        found = screen([cases / name], ruleset, engine=engine, jobs=1).findings
        actual = Counter(finding_key(f) for f in found)
        expected = Counter(spec.get("findings") or [])
        allowed = frozenset(spec.get("allow") or [])
        result = CaseResult(name, bool(spec.get("format_gap")), expected, actual, allowed)
        result.missing = expected - actual
        result.unexpected = Counter({k: n for k, n in (actual - expected).items()
                                     if k.split("@")[0] not in allowed})
        results.append(result)
    return results


def summary(results: list[CaseResult]) -> str:
    passed = sum(r.passed for r in results)
    gaps = [r for r in results if r.format_gap]
    lines = [f"cases passed: {passed}/{len(results)} "
             f"(without FORMAT GAP: {sum(r.passed for r in results if not r.format_gap)}/{len(results) - len(gaps)})",
             f"expected findings missed: {sum(sum(r.missing.values()) for r in results)} "
             f"of {sum(sum(r.expected.values()) for r in results)}",
             f"unexpected findings: {sum(sum(r.unexpected.values()) for r in results)}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "tests" / "data" / "cases")
    parser.add_argument("--ruleset", type=Path, default=None)
    parser.add_argument("--engine", choices=("reference", "durable"), default="reference")
    parser.add_argument("--quiet", action="store_true", help="totals only")
    args = parser.parse_args(argv)
    ruleset = load_ruleset(args.ruleset) if args.ruleset else None
    results = run(args.cases, ruleset, args.engine)
    if not args.quiet:
        for r in results:
            if not r.passed:
                gap = " [FORMAT GAP]" if r.format_gap else ""
                print(f"FAIL {r.name}{gap}: missing {sorted(r.missing.elements())}, "
                      f"unexpected {sorted(r.unexpected.elements())}")
    print(summary(results))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
