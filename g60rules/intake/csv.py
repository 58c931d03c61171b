"""Read a .csv file into one grid (the csv module), whatever encoding Chinese offices save it in.

Encoding: UTF-8 (with or without the byte-order mark Excel writes), else GB18030 (a superset of GBK
and GB2312, what "CSV" from Chinese Excel and WPS is). Both are strict decodings: bytes that are
neither raise :class:`UnicodeDecodeError` naming the byte, for the caller to report. The delimiter is
a comma, or a tab / semicolon when the first line has those and no comma. Every cell is text (a CSV
has no types); locations are Excel-style (C14) so a reviewer can find them after opening the file in
a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from g60rules.intake.grid import Cell, Grid, clean_text, column_letter
from g60rules.model import Location

ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with. Raises UnicodeDecodeError (from GB18030) if neither fits."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def read_csv(path: Path, display: str) -> Grid:
    """The file as one grid named after nothing (a CSV has one sheet). Raises OSError, UnicodeDecodeError."""
    text, _ = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = "," if "," in first else ("\t" if "\t" in first else (";" if ";" in first else ","))
    grid = Grid(display, "")
    for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        cells = []
        for c, raw in enumerate(row):
            value = clean_text(raw)
            cells.append(Cell(value, value or None, Location(display, cell=f"{column_letter(c)}{r}")))
        grid.add_row(cells)
    return grid
