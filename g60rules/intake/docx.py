"""Read the tables of a .docx document into one grid (python-docx).

Shapes: :func:`read_document` returns one :class:`~g60rules.intake.grid.Grid` holding every table of
the document one below the other (a form is often split into a header table and an indicator table);
each cell's location is 表 N › 第R行第C列 in that table. Merged cells (horizontal ``gridSpan`` and
vertical ``vMerge``) point at the merged range's first cell. Text outside tables is not read: the
forms put every field in a table. Raises what python-docx raises for a file that is not a document.
"""

from __future__ import annotations

from pathlib import Path

from g60rules.intake.grid import Cell, Grid, clean_text
from g60rules.model import Location


def read_document(path: Path, display: str) -> Grid:
    """All tables of the document as one grid (see the module docstring). Raises ValueError when the
    file is not a Word package (python-docx's OpcError: a PDF or .doc renamed)."""
    import docx  # imported here: YAML-only runs never pay for it
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(str(path))
    except OpcError as exc:
        raise ValueError(str(exc)) from exc
    grid = Grid(display, "")
    for number, table in enumerate(document.tables, start=1):
        above: list = []  # the _tc elements of the previous row, to tell vertical merges
        above_cells: list[Cell] = []
        for r, row in enumerate(table.rows, start=1):
            cells: list[Cell] = []
            elements = []
            for c, item in enumerate(row.cells, start=1):
                text = clean_text(item.text)
                cell = Cell(text, text or None, Location(display, table=number, row=r, column=c))
                if elements and item._tc is elements[-1]:
                    cell.merged_from = cells[-1].anchor
                elif c - 1 < len(above) and item._tc is above[c - 1]:
                    cell.merged_from = above_cells[c - 1].anchor
                elements.append(item._tc)
                cells.append(cell)
            above, above_cells = elements, cells
            grid.add_row(cells)
        grid.add_row([])  # tables never run into each other
    return grid
