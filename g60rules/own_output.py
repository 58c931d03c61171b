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
- ``.html`` (report, letters and their index.html; never read by intake): ``<meta name="generator"
  content="g60rules …">`` in the page's head;
- ``.json`` (the report of ``--format json``): it opens with the keys ``tool`` ("g60rules"),
  ``version``, ``ruleset`` and ``engine`` in that order (:func:`g60rules.reports.text.to_json`), and
  read whole it is an object with a ``findings`` list and a ``summary`` object and no ``kind``/``类型``
  — a declaration (which has a kind) is never taken for one.

:func:`own_output` tells a file so marked; intake does not read it and gives one info notice per
folder (G60-FILE-012, "本工具生成的文件 675 个（letters/），未作为申报表筛查"): a folder of letters
is one notice, never one per letter, and ``--compare`` never counts it as a new problem.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from pathlib import Path

CATEGORY = "g60rules-output"
_CORE = "docProps/core.xml"
_MARK = f"<cp:category>{CATEGORY}</cp:category>".encode()
_CORE_LIMIT = 64 * 1024  # a core-properties part is a few hundred bytes; never read a huge one
_GENERATOR = b'<meta name="generator" content="g60rules'
_HEAD = 4096  # the generator meta is in the first lines of every page g60rules writes
_JSON_OPENING = re.compile(rb'\A\s*\{\s*"tool"\s*:\s*"g60rules"\s*,\s*"version"\s*:\s*"[^"]*"\s*,'
                           rb'\s*"ruleset"\s*:\s*"[^"]*"\s*,\s*"engine"\s*:')
_JSON_LIMIT = 512 * 1024 * 1024  # a report this large is never read whole to tell it: its opening says


def own_output(path: Path) -> bool:
    """Whether ``path`` is a .docx/.xlsx/.xlsm/.csv/.html/.json file g60rules wrote (module docstring). A
    file that cannot be opened is not (reading it later says why)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".docx", ".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo(_CORE)
                if info.file_size > _CORE_LIMIT:
                    return False
                return _MARK in archive.read(info)
        if suffix in (".html", ".htm"):
            with path.open("rb") as handle:
                return _GENERATOR in handle.read(_HEAD)
        if suffix == ".json":
            with path.open("rb") as handle:
                if not _JSON_OPENING.match(handle.read(_HEAD)):
                    return False
            return path.stat().st_size > _JSON_LIMIT or _json_report(path)
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


def _json_report(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, RecursionError):
        return False
    return (isinstance(data, dict) and data.get("tool") == "g60rules" and isinstance(data.get("findings"), list)
            and isinstance(data.get("summary"), dict) and not {"kind", "类型", "type"} & data.keys())
