"""Progress of a long run, shown on standard error when it is a terminal.

The pipeline reports through one small interface, :class:`Progress`: ``start(stage, total)`` when a
stage knows how much it has to do, ``advance(stage, n)`` as it goes. Stages: ``read`` (declaration
files; the total is the number of files found), ``screened`` (declarations through the rules),
``written`` (letters). Code that screens takes a ``Progress`` and calls it from the parent process
only, so any worker pool stays free to report per chunk.

:func:`progress_for` picks :class:`TerminalProgress` (a rich display: bar, done/total, rate, time
left) when standard error is a terminal and ``--quiet`` is not given, else :data:`SILENT`.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress, TaskID, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

STAGES = ("read", "screened", "written")
_NAMES = {"zh": {"read": "读取文件", "screened": "检查申报", "written": "生成回函"},
          "en": {"read": "files read", "screened": "declarations screened", "written": "letters written"}}


class Progress:
    """Receives progress; this base class shows nothing (a run that is not watched)."""

    def start(self, stage: str, total: int | None) -> None:
        """Stage ``stage`` begins with ``total`` items (None: unknown)."""

    def advance(self, stage: str, n: int = 1) -> None:
        """``n`` more items of ``stage`` are done."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


SILENT = Progress()


class _Rate(TextColumn):
    """Items per second of a task, from rich's own speed estimate."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task) -> Text:  # type: ignore[override]
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


class TerminalProgress(Progress):
    """A rich progress display on standard error, one bar per stage."""

    def __init__(self, lang: str = "zh", console: Console | None = None):
        self.names = _NAMES[lang]
        self.display = RichProgress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
            TimeElapsedColumn(), TimeRemainingColumn(),
            console=console or Console(stderr=True), transient=False)
        self.tasks: dict[str, TaskID] = {}

    def start(self, stage: str, total: int | None) -> None:
        if stage in self.tasks:
            self.display.reset(self.tasks[stage], total=total)
        else:
            self.tasks[stage] = self.display.add_task(self.names.get(stage, stage), total=total)

    def advance(self, stage: str, n: int = 1) -> None:
        if stage not in self.tasks:
            self.start(stage, None)
        self.display.advance(self.tasks[stage], n)

    def __enter__(self) -> TerminalProgress:
        self.display.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.display.stop()


def progress_for(quiet: bool, lang: str = "zh") -> Progress:
    """A terminal display when standard error is a terminal and not ``quiet``; else :data:`SILENT`."""
    if quiet or not sys.stderr.isatty():
        return SILENT
    return TerminalProgress(lang)
