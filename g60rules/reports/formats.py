"""Every report format, rendered from one :class:`~g60rules.reports.summary.Report`.

:func:`render` returns the report as bytes (UTF-8 for the text formats). ``xlsx`` is binary: the
command line writes it to a file (``-o xlsx=PATH``) or to standard output only when that is not a
terminal.
"""

from __future__ import annotations

import io

from rich.console import Console

from g60rules.reports import machine
from g60rules.reports.html import to_html
from g60rules.reports.summary import Report
from g60rules.reports.tables import to_csv, to_xlsx
from g60rules.reports.text import render_text, to_json

FORMATS = ("text", "json", "html", "xlsx", "csv", *machine.FORMATS)
BINARY = ("xlsx",)


def render(fmt: str, report: Report) -> bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`). Raises ValueError for an unknown format."""
    if fmt == "text":
        console = Console(record=True, file=io.StringIO(), highlight=False, soft_wrap=True, color_system=None)
        render_text(report, console)
        return console.export_text().encode("utf-8")
    if fmt == "json":
        return (to_json(report) + "\n").encode("utf-8")
    if fmt == "html":
        return to_html(report).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "csv":
        return to_csv(report)
    return machine.render(fmt, report.result, report.ruleset, report.lang).encode("utf-8")
