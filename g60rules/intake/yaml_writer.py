"""Write a declaration read from a table file as declaration YAML, naming each value's source cell.

Shapes: :func:`declaration_yaml` takes a :class:`~g60rules.intake.layout.RawDeclaration` and the
reader's findings about its file and returns YAML text: ``kind``/``form``, the header fields, the
``funds`` mapping and the ``indicators`` list, with English keys; every value is followed by a
comment naming its cell (``# 宣传推广 › C14``). Values are written as read: text as text (template
hint text included — the rules strip it), numbers in exact plain notation, dates as ISO dates,
amounts the form stated in another unit as "N万元"; an empty cell is ``~``; an unreadable cell
(#REF!…) is ``~`` and its key is listed under ``unreadable``. Findings of the reader (cells it could
not place, skipped sheets) are kept as comments at the top, so nothing is lost in the text form.

Loading the result with :mod:`g60rules.intake.yaml_loader` gives the same model as reading the table.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from g60rules.findings import Finding
from g60rules.intake.build import UNREADABLE, Entry, Record
from g60rules.intake.layout import RawDeclaration
from g60rules.model import Location, place, render_location


def _scalar(value: Any) -> str:
    if value is None or value is UNREADABLE:
        return "~"
    if isinstance(value, Decimal):
        return json.dumps(format(value, "f"))
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    # JSON strings are YAML double-quoted scalars: nothing in the text is read as YAML syntax
    return json.dumps(str(value), ensure_ascii=False)


def _comment(where: Location) -> str:
    return f"  # {place(where) or render_location(where)}"


def _mapping(record: Record, indent: str, first_prefix: str | None = None) -> list[str]:
    lines: list[str] = []
    unreadable = [e.key for e in record.entries if e.value is UNREADABLE]
    for number, entry in enumerate(record.entries):
        prefix = first_prefix if number == 0 and first_prefix is not None else indent
        lines.extend(_entry(entry, prefix, indent))
    if unreadable:
        lines.append(f"{indent}unreadable: [{', '.join(unreadable)}]  # 单元格存在但无法读取 / present but unreadable")
    return lines


def _entry(entry: Entry, prefix: str, indent: str) -> list[str]:
    value = entry.value
    if isinstance(value, Record):
        if not value.entries:
            return [f"{prefix}{entry.key}: {{}}"]
        return [f"{prefix}{entry.key}:", *_mapping(value, indent + "  ")]
    if isinstance(value, list):
        if not value:
            return [f"{prefix}{entry.key}: []"]
        lines = [f"{prefix}{entry.key}:"]
        for row in value:
            lines.extend(_mapping(row, indent + "    ", first_prefix=indent + "  - "))
        return lines
    return [f"{prefix}{entry.key}: {_scalar(value)}{_comment(entry.location)}"]


def declaration_yaml(raw: RawDeclaration, findings: list[Finding] = ()) -> str:
    """YAML text of one declaration read from a table (module docstring)."""
    at = raw.record.location
    head = [f"# 导入自 {render_location(at)}（表式 {raw.form}）；每个值后的注释是它的源单元格",
            f"# imported from {render_location(at)} (form {raw.form}); the comment after each value names its cell"]
    for f in findings:
        head.append(f"# {f.rule_id} {f.cell or f.line}: " + f.message_zh.replace("\n", " "))
    entries = [e for e in raw.record.entries if e.key != "kind"]
    body = ["kind: project", *_mapping(Record(at, entries), "")]
    return "\n".join(head + body) + "\n"
