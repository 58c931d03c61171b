"""Files g60rules wrote itself: recognised on intake, reported, never screened as declarations.

A bureau often writes its reports and return letters next to the submissions
(``check season/ -o xlsx=season/汇总.xlsx --letters season/回函``); the next run must not read them as
declarations (a workbook of findings would be "not a declaration", an error that fails the run).
Every output that intake could read carries a mark:

- ``.docx`` letters and the ``.xlsx`` workbook: the document property 类别 (``cp:category`` in
  ``docProps/core.xml``) is :data:`CATEGORY`;
- ``.csv``: no properties, so its header row — a UTF-8 byte-order mark, then the report's first
  column labels (主管部门 … 行号) in Chinese or English (:func:`g60rules.reports.tables.header_labels`)
  — is the mark;
- ``.html`` (report and letters, never read by intake): ``<meta name="generator" content="g60rules …">``.

:func:`own_output` tells a file so marked; intake lists it with an info notice (G60-FILE-012,
"本工具生成的文件，未作为申报表筛查") instead of reading it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from pathlib import Path

CATEGORY = "g60rules-output"
_CORE = "docProps/core.xml"
_MARK = f"<cp:category>{CATEGORY}</cp:category>".encode()
_CORE_LIMIT = 64 * 1024  # a core-properties part is a few hundred bytes; never read a huge one


def own_output(path: Path) -> bool:
    """Whether ``path`` is a .docx/.xlsx/.xlsm/.csv file g60rules wrote (module docstring). A file that
    cannot be opened is not (reading it later says why)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".docx", ".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo(_CORE)
                if info.file_size > _CORE_LIMIT:
                    return False
                return _MARK in archive.read(info)
        if suffix == ".csv":
            with path.open("rb") as handle:
                head = handle.read(4096)
            if not head.startswith(codecs.BOM_UTF8):
                return False
            first = next(csv.reader(io.StringIO(head[len(codecs.BOM_UTF8):].decode("utf-8", "ignore"))), [])
            return _report_header(first)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    return False


def _report_header(row: list[str]) -> bool:
    from g60rules.reports.tables import header_labels  # the report's own labels, never a copy of them

    return any(row[:len(labels)] == labels for labels in header_labels())
