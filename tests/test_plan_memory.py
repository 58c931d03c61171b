"""Planning a season stays flat: the planner's memory per file is bounded (issue 9, item 6).

A 100,000-file season planned with Path objects in several maps peaked at about 2 KB per file
(250 MB); the planner now keeps strings shared between its maps. tracemalloc counts Python's own
allocations exactly (no timing, no RSS noise); the fixed cost (caches, interpreter) is taken out by
measuring the growth between two sizes of the same kind of tree.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from g60rules.intake.units import LOAD, plan

PROJECTS = 10
BYTES_PER_FILE = 1000  # about 330 now; 2,200 with the Path-object planner


def _departments(root: Path, count: int) -> int:
    """``count`` folders, each a department file listing its ``PROJECTS`` project files; files written."""
    for i in range(count):
        folder = root / f"部门{i:04d}"
        folder.mkdir(parents=True)
        listed = "".join(f"  - 项目{j:03d}.yaml\n" for j in range(PROJECTS))
        (folder / "department.yaml").write_text(f"kind: department\nname: 部门{i}\nprojects:\n{listed}",
                                                encoding="utf-8")
        for j in range(PROJECTS):
            (folder / f"项目{j:03d}.yaml").write_text(f"kind: project\nname: 项目{i}-{j}\n", encoding="utf-8")
    return count * (PROJECTS + 1)


def _peak(paths: list[Path]) -> int:
    plan(paths)  # caches filled once, as in a long run
    tracemalloc.start()
    try:
        planned = plan(paths)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert sum(1 for u in planned.units for action, _, _ in u.entries if action == LOAD) > 0


def test_planning_memory_grows_by_less_than_a_kilobyte_per_file(tmp_path):
    small = _departments(tmp_path / "a", 60)
    more = _departments(tmp_path / "b", 180)
    growth = _peak([tmp_path / "a", tmp_path / "b"]) - _peak([tmp_path / "a"])
    assert growth / more < BYTES_PER_FILE, (small, more, growth)
