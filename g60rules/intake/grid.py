"""The shape every table reader produces: a grid of cells, each knowing where it came from.

Shapes: a :class:`Grid` is one sheet (xlsx), all tables of one document (docx) or one file (csv):
``rows`` of :class:`Cell`. A cell has its display text (what a reviewer sees in the cell), a typed
value (``str``, exact :class:`~decimal.Decimal` for a number, :class:`datetime.date` for a date) and
a :class:`~g60rules.model.Location` (sheet and cell, or table, row and column). A cell covered by a merged range
points at the range's first cell (``merged_from``), so a reader can tell "same value as above"
(merged) from "left blank" (empty).

Numbers typed as numbers are turned into Decimal at the precision the cell displays (its number
format), so a float such as 0.30000000000000004 stored for 0.1+0.2 becomes ``0.3`` (``General``:
Excel's 15 significant digits) or ``0.30`` (``0.00``); never binary-float noise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from g60rules.model import Location

_SPACES = re.compile(r"\s+")
# YAML reads NEL, LS and PS as line breaks; a cell or a mapping holds them as written
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")


@dataclass
class Cell:
    """One cell: display ``text`` (stripped; "" when empty), typed ``value`` (:data:`UNREADABLE` for
    an error cell such as #REF!) and its location."""

    text: str
    value: object
    location: Location
    merged_from: Cell | None = None
    pos: tuple[int, int] = (0, 0)  # 0-based (row, column) in its grid, set by the grid

    @property
    def empty(self) -> bool:
        return not self.text

    @property
    def anchor(self) -> Cell:
        """The cell holding the value: the merged range's first cell, or this one."""
        return self.merged_from or self


@dataclass
class Grid:
    """One sheet or table set, as rows of cells (ragged rows are allowed)."""

    file: str
    name: str
    rows: list[list[Cell]] = field(default_factory=list)

    def add_row(self, cells: list[Cell]) -> None:
        """Append a row, recording each cell's position."""
        for c, cell in enumerate(cells):
            cell.pos = (len(self.rows), c)
        self.rows.append(cells)

    def cell(self, row: int, col: int) -> Cell | None:
        """Cell at 0-based (row, col), or None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def texts(self):
        """Every non-empty cell with its 0-based position."""
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell.text and cell.merged_from is None:
                    yield r, c, cell


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def one_line_break(text: str) -> str:
    """``text`` with every line break — CR LF, CR, NEL (U+0085), LS (U+2028), PS (U+2029) — as ``\\n``,
    so text reads the same whatever the file kind."""
    return _LINE_BREAKS.sub("\n", text)


def clean_text(text: str) -> str:
    """Cell text as a reviewer reads it: NFC, line breaks inside (any of :func:`one_line_break`'s)
    kept as single spaces, stripped."""
    text = one_line_break(unicodedata.normalize("NFC", text))
    lines = [line.strip() for line in text.split("\n")]
    return " ".join(line for line in lines if line)


def label_key(text: str) -> str:
    """A label compared the way forms vary it: NFKC (full-width colon, brackets), no whitespace at all
    ("项 目 名 称", line breaks), no leading required-marks or "其中:", no trailing colon."""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    key = key.lstrip("*★☆※").removeprefix("其中:").removeprefix("其中")
    return key.rstrip(":")


_DECIMALS = re.compile(r"0\.(0+)")
_SECTION = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def number_text(value: int | float | Decimal, number_format: str | None) -> tuple[str, str | Decimal]:
    """Display text and exact value of a number typed in a cell, at the precision it displays.

    ``number_format`` is the cell's Excel format ("General", "0.00", "#,##0.00", "0%", "0.0%"…).
    A percent format gives the text with ``%`` ("90.00%") and that text as the value. Grouping
    commas are not kept in the text: the value is what the cell holds, not its typography.
    """
    fmt = _SECTION.sub("", (number_format or "General").split(";")[0])
    if isinstance(value, bool):
        return str(value).upper(), str(value).upper()
    if isinstance(value, float):
        exact = Decimal(format(value, ".15g"))  # Excel keeps 15 significant digits
    else:
        exact = Decimal(value)
    percent = "%" in fmt
    if percent:
        exact = exact * 100
    places = _DECIMALS.search(fmt)
    if places:
        exact = exact.quantize(Decimal(1).scaleb(-len(places.group(1))))
    elif re.search(r"(^|[^.])0", fmt) or "#" in fmt:
        exact = exact.quantize(Decimal(1))
    text = _plain(exact)
    if percent:
        return text + "%", text + "%"
    return text, exact


def _plain(number: Decimal) -> str:
    """Decimal without exponent: 1E+2 → 100, 0.30 stays 0.30."""
    try:
        if number == number.to_integral_value() and number.as_tuple().exponent > 0:
            number = number.quantize(Decimal(1))
    except InvalidOperation:
        pass
    return format(number, "f")
