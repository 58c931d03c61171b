"""The report excerpt in README.md is taken from reports/seed.txt: every line of it must still be a
line of the seed report, so a change to the findings that leaves the README behind fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _excerpt() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"`reports/seed\.txt` is the report on the bundled declarations; an excerpt:\n\n```\n(.*?)```",
                      readme, re.S)
    assert found, "README.md lost its excerpt of reports/seed.txt"
    return [line for line in found.group(1).splitlines() if line.strip()]


def test_every_line_of_the_readme_excerpt_is_in_the_seed_report():
    seed = set((ROOT / "reports" / "seed.txt").read_text(encoding="utf-8").splitlines())
    excerpt = _excerpt()
    assert len(excerpt) >= 2  # a file and at least one finding
    assert [line for line in excerpt if line not in seed] == []

