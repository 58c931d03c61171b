"""Benchmark the intake stage: reading workbooks, Word and CSV files beside parsing the same
declarations as YAML, in one run.

Usage::

    python bench/intake.py [--count 300] [--per-book 5] [--seed 1] [--json PATH]

The project declarations of a ``bench/generate.py`` corpus (those that load as YAML and are
projects) are written by :mod:`g60rules.intake.forms` as Shanghai-layout forms: workbooks of
``--per-book`` sheets (one project per sheet), one Word document per project and one CSV file per
project. Each set is then read with ``load_corpus`` — what ``g60rules check`` does before screening —
and timed (wall seconds after imports). Reported per set: files/s and declarations/s, and the
declarations read (the same count in every set, or the run fails with exit code 1).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402

from g60rules.intake.examples import written_values  # noqa: E402
from g60rules.intake.forms import form_sheet, write_csv, write_docx, write_xlsx  # noqa: E402
from g60rules.intake.yaml_loader import load_corpus  # noqa: E402


def _timed(paths: list[Path]) -> tuple[float, int, int]:
    start = time.perf_counter()
    corpus = load_corpus(paths)
    return time.perf_counter() - start, len(paths), len(corpus.projects)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="projects generated (default 300)")
    parser.add_argument("--per-book", type=int, default=5, help="projects per workbook (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        written = generate(root / "yaml", args.count, args.seed)
        projects = []
        for path in written:
            if path.name == "department.yaml":
                continue
            try:
                values, form = written_values(path, default_form="shanghai-2024")
            except Exception:  # the corpus has broken files on purpose (bad YAML, GBK, unknown keys)
                continue
            projects.append((path, values, form))
        sets = {"yaml": [p for p, _, _ in projects]}
        for kind in ("xlsx", "docx", "csv"):
            (root / kind).mkdir()
        books = []
        for first in range(0, len(projects), args.per_book):
            group = projects[first:first + args.per_book]
            book = root / "xlsx" / f"b{first:06d}.xlsx"
            write_xlsx([form_sheet(v, f, name=f"p{first + i}") for i, (_, v, f) in enumerate(group)], book)
            books.append(book)
        sets["xlsx"] = books
        sets["docx"], sets["csv"] = [], []
        for number, (_, values, form) in enumerate(projects):
            sheet = form_sheet(values, form, merge_levels=False)
            write_docx(form_sheet(values, form), root / "docx" / f"p{number:06d}.docx")
            write_csv(sheet, root / "csv" / f"p{number:06d}.csv")
            sets["docx"].append(root / "docx" / f"p{number:06d}.docx")
            sets["csv"].append(root / "csv" / f"p{number:06d}.csv")
        results = {}
        for name, paths in sets.items():
            wall, files, declarations = _timed(paths)
            results[name] = {"files": files, "declarations": declarations, "seconds": round(wall, 3),
                             "files_per_s": round(files / wall, 1), "declarations_per_s": round(declarations / wall, 1)}
    print(f"intake benchmark: {len(projects)} projects, {args.per_book} per workbook, seed {args.seed}, "
          f"Python {platform.python_version()}")
    print(f"{'set':<6} {'files':>6} {'decls':>6} {'seconds':>8} {'files/s':>9} {'decls/s':>9}")
    for name, r in results.items():
        print(f"{name:<6} {r['files']:>6} {r['declarations']:>6} {r['seconds']:>8.2f} {r['files_per_s']:>9.1f} "
              f"{r['declarations_per_s']:>9.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    counts = {r["declarations"] for r in results.values()}
    if len(counts) != 1:
        print(f"declarations read differ between sets: {counts}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
