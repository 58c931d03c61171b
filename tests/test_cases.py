"""Cases from real forms (tests/data/cases): each gives what its comment says a reviewer concludes.

The expected findings are in tests/data/cases/expected.yaml, written by hand from each case's top
comment (copied unchanged from the shared case set), never from the tool's output. A case passes
when every expected finding is reported and no other (``allow`` lists what a comment tolerates).

Cases whose reading belongs to another part of the work (value reading, form layouts) are marked
``xfail(strict=True)`` with the reason: they pass once that part lands, and then the mark must go.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from itertools import takewhile
from pathlib import Path

import pytest
import yaml

from g60rules.engines.pool import screen

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "data" / "cases"
EXPECTED = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))

_spec = importlib.util.spec_from_file_location("fidelity", ROOT / "bench" / "fidelity.py")
fidelity = importlib.util.module_from_spec(_spec)
sys.modules["fidelity"] = fidelity  # dataclasses look their module up
_spec.loader.exec_module(fidelity)

# What each not-yet-passing case waits for (issue 8, value reading; issue 7, layouts and keys).
PENDING: dict[str, str] = {}


def _case(name: str):
    spec = EXPECTED[name]
    marks = [pytest.mark.xfail(strict=True, reason=PENDING[name])] if name in PENDING else []
    return pytest.param(name, spec, marks=marks, id=name.removesuffix(".yaml"))


def test_every_case_file_has_an_expectation_and_its_comment():
    files = {p.name for p in CASES.glob("*.yaml")} - {"expected.yaml"}
    assert set(EXPECTED) == files and len(files) >= 37
    gaps = set()
    for name in files:  # copied with the comment that says what a reviewer concludes
        lines = (CASES / name).read_text(encoding="utf-8").splitlines()
        comment = list(takewhile(lambda line: line.startswith("#"), lines))
        assert comment and any("xpect" in line for line in comment), name
        if "FORMAT GAP" in comment[0]:
            gaps.add(name)
    assert gaps == {n for n, spec in EXPECTED.items() if spec.get("format_gap")}


@pytest.mark.parametrize("name, spec", [_case(n) for n in sorted(EXPECTED)])
def test_case_gives_what_a_reviewer_concludes(shanghai, name, spec):
    found = screen([CASES / name], shanghai, engine="reference").findings
    actual = Counter(fidelity.finding_key(f) for f in found)
    expected = Counter(spec.get("findings") or [])
    allowed = set(spec.get("allow") or [])
    assert expected - actual == Counter(), "missing"
    assert {k for k in actual - expected if k.split("@")[0] not in allowed} == set(), "unexpected"


def test_fidelity_bench_prints_the_totals_in_one_run(capsys):
    code = fidelity.main(["--quiet"])
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[0].startswith("cases passed: ") and lines[1].startswith("expected findings missed: ")
    assert lines[2].startswith("unexpected findings: ")
    passed, total = map(int, lines[0].split()[2].split("/"))
    assert total == len(EXPECTED)
    # every case not waiting for another part passes
    assert passed == total - len(PENDING)
    assert code == (0 if not PENDING else 1)
