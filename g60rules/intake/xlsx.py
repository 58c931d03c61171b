"""Read an .xlsx/.xlsm workbook into grids (openpyxl).

Shapes: :func:`read_workbook` returns the visible sheets as :class:`~g60rules.intake.grid.Grid`
(one per sheet) and the sheets it skipped, each as (sheet name, reason).

- An error cell (#REF!, #DIV/0!…) is present but unreadable (the model's ``unreadable``).
- Formula cells are read through their cached values (``data_only``): what Excel last showed. A
  formula never calculated (no cached value) reads as empty.
- A cell typed as text that starts with "=" ("=32所") is text: openpyxl keeps its type.
- Numbers become exact Decimals at the precision the cell displays (:func:`grid.number_text`);
  date cells (Excel date serials with a date format) become dates.
- Merged cells: every covered cell points at the range's first cell.
- Hidden and very hidden sheets, and instruction sheets (名称含 说明/填报要求/填表要求/instruction/
  readme), are skipped and named so the caller can say so.

Read-only mode (streaming, several times faster than building every cell object with its styles);
the merged ranges, which read-only worksheets do not expose, are read from the sheet's XML.
Raises whatever openpyxl raises for a file that is not a workbook (the caller turns it into a
finding).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path
from xml.etree import ElementTree

from g60rules.intake.build import UNREADABLE
from g60rules.intake.grid import Cell, Grid, clean_text, column_letter, number_text
from g60rules.model import Location

_MERGE_CELL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"
INSTRUCTION_SHEET = re.compile(r"说明|填报要求|填表要求|填报指南|instruction|readme", re.IGNORECASE)


def read_workbook(path: Path, display: str) -> tuple[list[Grid], list[tuple[str, tuple[str, str]]]]:
    """Visible sheets as grids, and (sheet, (reason zh, reason en)) for each sheet skipped."""
    import openpyxl  # imported here: YAML-only runs never pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "data validation extension not supported" and the like
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    grids: list[Grid] = []
    skipped: list[tuple[str, tuple[str, str]]] = []
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                skipped.append((sheet.title, ("隐藏工作表", "hidden sheet")))
            elif INSTRUCTION_SHEET.search(sheet.title):
                skipped.append((sheet.title, ("填表说明工作表", "instruction sheet")))
            else:
                grids.append(_grid(sheet, display, _merged_ranges(book, sheet)))
    finally:
        book.close()
    return grids, skipped


def _merged_ranges(book, sheet) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as 1-based (min_row, min_col, max_row, max_col), read from its XML
    (read-only worksheets do not expose them)."""
    from openpyxl.utils.cell import range_boundaries

    out = []
    with book._archive.open(sheet._worksheet_path) as handle:
        for _event, element in ElementTree.iterparse(handle):
            if element.tag == _MERGE_CELL:
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                out.append((min_row, min_col, max_row, max_col))
            element.clear()
    return out


def _grid(sheet, display: str, merges: list[tuple[int, int, int, int]]) -> Grid:
    found: dict[tuple[int, int], object] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if getattr(cell, "row", None) is not None and cell.value is not None:
                found[(cell.row, cell.column)] = cell
    height = max([r for r, _ in found] + [m[2] for m in merges] + [0])
    width = max([c for _, c in found] + [m[3] for m in merges] + [0])
    grid = Grid(display, sheet.title)
    for r in range(1, height + 1):
        cells = []
        for c in range(1, width + 1):
            source = found.get((r, c))
            text, value = _value(source) if source is not None else ("", None)
            cells.append(Cell(text, value, Location(display, sheet=sheet.title, cell=f"{column_letter(c - 1)}{r}")))
        grid.add_row(cells)
    for min_row, min_col, max_row, max_col in merges:
        top = grid.cell(min_row - 1, min_col - 1)
        for r in range(min_row - 1, max_row):
            for c in range(min_col - 1, max_col):
                covered = grid.cell(r, c)
                if covered is not None and covered is not top:
                    covered.merged_from = top
    return grid


def _value(cell) -> tuple[str, object]:
    value = cell.value
    if value is None:
        return "", None
    if cell.data_type == "e":  # #REF!, #VALUE!, #DIV/0!: the cell is there but holds no value
        return str(value), UNREADABLE
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat(), value.date()
        return value.isoformat(sep=" "), value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat(), value
    if isinstance(value, dt.time):
        return value.isoformat(), value.isoformat()
    if isinstance(value, (int, float)):
        return number_text(value, cell.number_format)
    text = clean_text(str(value))
    return text, text
