"""Worker processes end with their parent (hostile reproducer 11), and a dying worker is quiet.

Each test runs the parent in a subprocess, kills it the way CI cancellation, ``timeout`` or the OOM
killer does, and waits (with a deadline, polling) until every worker it had is gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _kill_all(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# A parent whose two workers are busy in a call that never returns (a stand-in for durable-rules
# looping in C) or idle, waiting for the next message. It prints READY once both exist.
PARENT = textwrap.dedent("""
    import os, sys, threading, time
    from pathlib import Path
    from g60rules.engines import workers

    class Work:
        def __init__(self, mode):
            self.mode = mode
        def __call__(self, message):
            if self.mode == "busy":
                time.sleep(3600)
            return message

    mode, pdeathsig = sys.argv[1], sys.argv[2] == "on"
    if not pdeathsig:  # leave only the closed pipe ends and the getppid() check
        workers._die_with_parent = lambda parent_pid: None
    pool = workers.WorkerPool(Work, (mode,), 2, 3600)
    replies = pool.imap([1, 2, 3, 4])
    if mode == "idle":
        next(replies)  # one reply is back: that worker now waits in recv for its next message
        next(replies)
        print("READY", flush=True)
        time.sleep(3600)

    def ready():
        me = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
        while len(Path(me).read_text().split()) < 2:
            time.sleep(0.02)
        print("READY", flush=True)

    threading.Thread(target=ready, daemon=True).start()
    list(replies)  # the pool's main loop, waiting on two workers that never answer
""")


def _parent(mode: str, pdeathsig: bool, stop_after: float = 60) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", PARENT, mode, "on" if pdeathsig else "off"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True)
    line = proc.stdout.readline()
    assert line.strip() == "READY", proc.stderr.read()
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
@pytest.mark.parametrize("mode,pdeathsig", [("busy", True), ("idle", True), ("idle", False)])
def test_workers_exit_when_the_parent_is_killed(sig, mode, pdeathsig):
    parent = _parent(mode, pdeathsig)
    workers = _children(parent.pid)
    try:
        assert len(workers) == 2
        parent.send_signal(sig)
        parent.wait(10)
        assert _wait_until(lambda: not any(_alive(w) for w in workers), 10), \
            f"workers {workers} outlived their parent ({mode}, {sig.name})"
    finally:
        _kill_all([parent.pid, *workers])


def test_check_leaves_no_worker_after_sigterm(tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(corpus), "--count", "2000", "--seed", "7"],
                   check=True, capture_output=True)
    run = subprocess.Popen([sys.executable, "-c", "from g60rules.cli import main; main()", "check", str(corpus),
                            "--engine", "durable", "-f", "json", "--fail-on", "never", "--jobs", "2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    seen: list[int] = []
    try:
        assert _wait_until(lambda: bool(seen.extend(_children(run.pid)) or seen) or run.poll() is not None, 60)
        assert seen, "the run ended before it started a worker"
        run.send_signal(signal.SIGTERM)
        run.wait(10)
        assert _wait_until(lambda: not any(_alive(w) for w in seen), 10), f"workers {seen} outlived the run"
        assert b"Traceback" not in run.stderr.read()
    finally:
        _kill_all([run.pid, *seen])


def test_a_worker_dying_while_its_message_is_sent_gives_no_traceback():
    # The message is far larger than the pipe buffer and the worker dies before reading it: the
    # sender thread's write fails (EPIPE, or a handle closed under it). That is the reader's news,
    # reported as "worker died", with nothing on stderr.
    script = textwrap.dedent("""
        import os
        from g60rules.engines import workers

        class Work:
            def __init__(self):
                os._exit(3)

        print(workers.WorkerPool(Work, (), 1, 30).run([b"x" * 8_000_000] * 3))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("worker died (exit code 3)") == 3
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr
