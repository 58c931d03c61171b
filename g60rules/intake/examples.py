"""Make the example workbooks: each ``declarations/examples/<form>.yaml`` as the workbook a user opens.

Run ``python -m g60rules.intake.examples [DIR]`` (default ``declarations/examples``): every YAML file
there that states its ``form`` is laid out as that form prints it (:mod:`g60rules.intake.forms`) and
written beside it as ``<name>.xlsx``. The tests regenerate them and compare cell contents and merged
ranges with the committed files (:func:`contents`), so a workbook never drifts from its YAML.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from g60rules.intake.forms import form_sheet, write_xlsx
from g60rules.model import FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS

DEFAULT_DIR = Path("declarations/examples")


def _english(mapping: dict, specs) -> dict[str, Any]:
    table = {label: spec.key for spec in specs for label in (spec.key, *spec.labels)}
    return {table[k]: (None if v in ("~", "", "null") else v) for k, v in mapping.items()}


def written_values(path: Path, default_form: str | None = None) -> tuple[dict[str, Any], str]:
    """A project declaration's values as written (every scalar as its text), English keys; and its form
    (``default_form`` when the file states none).

    Raises KeyError for a key the model does not know, ValueError for a file without a form, and
    what PyYAML raises for a file that is not YAML.
    """
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    values = _english(raw, PROJECT_FIELDS)
    values.pop("kind", None)
    form = values.pop("form", None) or default_form
    if not form:
        raise ValueError(f"{path}: no form (表式)")
    values["funds"] = _english(values.get("funds") or {}, FUNDS_FIELDS)
    values["indicators"] = [_english(row, INDICATOR_FIELDS) for row in values.get("indicators") or []]
    return values, form


def workbook_for(path: Path, target: Path | None = None) -> Path:
    """Write the workbook of one example YAML file (beside it unless ``target``); returns its path."""
    values, form = written_values(path)
    target = target or path.with_suffix(".xlsx")
    write_xlsx([form_sheet(values, form, name=values.get("name") or form)], target)
    return target


def contents(path: Path) -> dict[str, Any]:
    """What a workbook shows: per sheet, the non-empty cells (coordinate → value) and merged ranges."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    out = {}
    for sheet in book.worksheets:
        cells = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}
        out[sheet.title] = {"cells": cells, "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
                            "state": sheet.sheet_state}
    return out


def main(argv: list[str] | None = None) -> int:
    folder = Path((argv or sys.argv[1:] or [str(DEFAULT_DIR)])[0])
    for path in sorted(folder.glob("*.yaml")):
        print(workbook_for(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
