"""Progress on a terminal, silence elsewhere, and Ctrl-C that leaves no worker process behind."""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from g60rules.engines.pool import screen
from g60rules.progress import SILENT, TerminalProgress, progress_for
from season import write_season

G60RULES = [sys.executable, "-c", "from g60rules.cli import main; main()"]


def _big_season(directory: Path, copies: int) -> Path:
    for i in range(copies):
        write_season(directory / f"u{i:04d}")
    return directory


def test_terminal_progress_shows_each_stage(tmp_path, shanghai):
    season = write_season(tmp_path / "d")
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with TerminalProgress("en", console) as progress:
        screen([season], shanghai, engine="reference", progress=progress)
    text = out.getvalue()
    assert "files read" in text and "7/7" in text
    assert "declarations screened" in text


def test_progress_only_on_a_terminal():
    assert progress_for(quiet=True) is SILENT
    assert progress_for(quiet=False) is SILENT  # pytest's stderr is not a terminal


def _run_on_a_pty(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run with standard error on a pseudo-terminal (as in a shell), standard output to a pipe."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.communicate(timeout=60)
    os.close(leader)
    return proc.returncode, seen.decode("utf-8", "replace")


def test_check_shows_progress_on_a_terminal_and_not_with_quiet(tmp_path):
    season = write_season(tmp_path / "d")
    code, shown = _run_on_a_pty([*G60RULES, "check", str(season), "--engine", "reference", "-f", "json"], tmp_path)
    assert code == 1
    assert "读取文件" in shown and "检查申报" in shown and "7/7" in shown
    code, shown = _run_on_a_pty([*G60RULES, "check", str(season), "--engine", "reference", "-f", "json", "-q"],
                                tmp_path)
    assert code == 1 and shown == ""


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(p) for p in text.split()}


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to see worker processes")
def test_ctrl_c_leaves_no_worker_behind(tmp_path):
    season = _big_season(tmp_path / "d", 400)  # 2,800 declarations: the workers run for a while
    # Its own process group, as a shell runs a job; Ctrl-C signals the whole group.
    proc = subprocess.Popen([*G60RULES, "check", str(season), "--engine", "durable", "--jobs", "2", "-q"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
        workers |= _children(proc.pid)
        time.sleep(0.02)
    assert len(workers) >= 2, "the durable workers never started"
    # Ctrl-C; pressed again after 10 s as a person would if nothing happened (Python can lose a
    # SIGINT that lands in a finalizer: it prints "Exception ignored" and carries on).
    while proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err.replace("Exception ignored", "")  # none from a worker or the command
    time.sleep(0.5)
    assert [pid for pid in workers if _alive(pid)] == []


def test_import_shows_progress_on_a_terminal_and_not_with_quiet(tmp_path):
    """Issue 9: progress for check, impact, import and letters; import had none."""
    import shutil

    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(Path(__file__).parent.parent / "declarations" / "examples" / "national-2021.xlsx", source / "表一.xlsx")
    code, shown = _run_on_a_pty([*G60RULES, "import", str(source), "--out", str(tmp_path / "a")], tmp_path)
    assert code == 0 and "读取文件" in shown and "1/1" in shown, shown
    code, shown = _run_on_a_pty([*G60RULES, "import", str(source), "--out", str(tmp_path / "b"), "-q"], tmp_path)
    assert code == 0 and shown == ""
    assert len(list((tmp_path / "b").glob("*.yaml"))) == 1
