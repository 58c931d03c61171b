"""bench/scale.py runs tiny in CI: every phase, the same findings in each (or exit 1)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import scale  # noqa: E402


def test_one_tiny_run_measures_every_phase_with_identical_findings(tmp_path, capsys):
    pytest.importorskip("distributed")
    out = tmp_path / "scale.json"
    status = scale.main(["--sizes", "40", "--jobs", "2", "--out", str(tmp_path), "--json", str(out)])
    assert status == 0, capsys.readouterr().out
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["phase"] for r in rows] == ["csafe", "whole", "stream", "cluster"]
    digests = {r["digest"] for r in rows if "digest" in r}
    assert len(digests) == 1 and all(r["peak_rss_tree_mib"] > 0 and r["cpu_s"] > 0 for r in rows)
    assert rows[2]["findings"] > 0 and rows[2]["declarations"] > 40


def test_a_phase_above_its_limit_is_reported_as_skipped(tmp_path, capsys):
    assert scale.main(["--sizes", "20", "--jobs", "1", "--out", str(tmp_path), "--phases", "csafe,whole",
                       "--whole-max", "10"]) == 0
    assert "whole    skipped (above --whole-max 10)" in capsys.readouterr().out
