"""Supervised worker processes: one message at a time each, a deadline per message, none outlives us.

:class:`WorkerPool` forks ``size`` workers. Each builds its state once (``work(*args)``) and then
answers messages (``state(message) -> reply``) until told to stop. Each :meth:`WorkerPool.imap` starts
and stops its own workers; used as a context manager, the pool starts them on entry and keeps them
through several ``imap`` calls until exit (so they are forked before the parent grows). The parent sends each message with
a deadline; a worker that dies (a C extension's SIGSEGV) or misses its deadline is killed and
replaced, and that message's result is a string saying why — the caller decides what to do with it
(:mod:`g60rules.engines.pool` re-runs it on the reference evaluator and reports a fallback).

Workers end with their parent, however it ends (hostile reproducer 11: SIGTERM from ``timeout`` or CI
cancellation and SIGKILL from the OOM killer run no exit handler):

* a forked child closes every pipe end it inherited except its own, so the parent's death is EOF on
  its pipe instead of a read that blocks for ever;
* on Linux the child asks for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``), which also
  ends a worker stuck inside a C call that never reads its pipe;
* elsewhere, and as a second check, an idle worker polls ``os.getppid()`` once a second.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import wait
from typing import Any, Iterator

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_CHECK_SECONDS = 1.0


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel for SIGKILL when the parent dies; leave now if it already has (Linux only)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no usable libc: the getppid() check below remains
            pass
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


def _worker(conn, inherited: list, parent_pid: int, work: type, args: tuple) -> None:
    """Worker process main loop; see the module docstring."""
    _die_with_parent(parent_pid)
    for other in inherited:  # the parent's ends of this and the other workers' pipes
        other.close()
    faulthandler.disable()  # a crash here is reported by the parent; no traceback dump on stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by WorkerPool._start until now
    state = work(*args)
    while True:
        try:
            while not conn.poll(PARENT_CHECK_SECONDS):
                if os.getppid() != parent_pid:
                    return
            message = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if message is None:
            return
        try:
            conn.send(state(message))
        except (BrokenPipeError, OSError):
            return


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _send_quietly(conn, message) -> None:
    """Send to a worker; a worker that died is noticed by the reader (EOF), not here.

    Runs on its own thread. The worker may die, or be killed and its pipe closed by the supervising
    thread, while the message is half sent: every failure of the send is expected here.
    """
    try:
        conn.send(message)
    except Exception:  # broken pipe, closed handle (OSError, ValueError, TypeError on a None handle)
        pass


class WorkerPool:
    """``size`` supervised workers running ``work(*args)`` objects; see the module docstring."""

    def __init__(self, work: type, args: tuple, size: int, seconds: float):
        self.ctx = _context()
        self.work = work
        self.args = args
        self.size = max(1, size)
        self.seconds = seconds
        self._ends: list = []  # the parent's end of every live worker's pipe
        self._kept: list | None = None  # idle workers kept between imap calls (context manager)

    def __enter__(self) -> WorkerPool:
        self._kept = [self._start() for _ in range(self.size)]
        return self

    def __exit__(self, *exc: object) -> None:
        kept, self._kept = self._kept or [], None
        self._stop(kept)

    def _stop(self, idle: list) -> None:
        for proc, conn in idle:
            _send_quietly(conn, None)
        for proc, conn in idle:
            proc.join(5)
            self._retire(proc, conn, None, kill=proc.is_alive())

    def _start(self):
        parent, child = self.ctx.Pipe()
        inherited = [*self._ends, parent] if self.ctx.get_start_method() == "fork" else []
        proc = self.ctx.Process(target=_worker, args=(child, inherited, os.getpid(), self.work, self.args),
                                daemon=True)
        # SIGINT stays blocked from the fork until the worker ignores it: a Ctrl-C in between would
        # otherwise print a traceback from the new process. The parent gets it as soon as it unblocks.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else None
        try:
            proc.start()
        finally:
            if blocked is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        self._ends.append(parent)
        return proc, parent

    def _retire(self, proc, conn, sender: threading.Thread | None, kill: bool) -> None:
        if kill:
            proc.kill()
        proc.join(5)
        if sender is not None:
            sender.join(5)  # the kill broke its pipe; close only after it let go of the handle
        self._ends.remove(conn)
        conn.close()

    def imap(self, messages: list) -> Iterator[tuple[int, Any]]:
        """(index, reply) for each message as it completes; the reply is a string when the worker
        died or ran out of time."""
        pending = list(range(len(messages)))[::-1]
        kept = self._kept is not None
        idle = self._kept if kept else [self._start() for _ in range(min(self.size, len(messages)))]
        while kept and messages and len(idle) < self.size:  # replace workers lost in an earlier call
            idle.append(self._start())
        busy: dict = {}
        try:
            while pending or busy:
                while pending and idle:
                    proc, conn = idle.pop()
                    index = pending.pop()
                    # The deadline starts before sending, and the send runs on its own thread: a
                    # message larger than the pipe buffer blocks until the worker reads, and a worker
                    # stuck in start-up never does. Killing the worker ends a blocked send (EPIPE).
                    sender = threading.Thread(target=_send_quietly, args=(conn, messages[index]), daemon=True)
                    busy[conn] = (proc, index, time.monotonic() + self.seconds, sender)
                    sender.start()
                timeout = max(0.0, min(entry[2] for entry in busy.values()) - time.monotonic())
                for conn in wait(list(busy), timeout=timeout):
                    proc, index, _, sender = busy.pop(conn)
                    try:
                        reply = conn.recv()
                    except (EOFError, OSError):
                        self._retire(proc, conn, sender, kill=False)
                        reply = f"worker died (exit code {proc.exitcode})"
                        if pending:
                            idle.append(self._start())
                    else:
                        idle.append((proc, conn))
                    yield index, reply
                now = time.monotonic()
                for conn, (proc, index, deadline, sender) in list(busy.items()):
                    if deadline <= now:
                        del busy[conn]
                        self._retire(proc, conn, sender, kill=True)
                        if pending:
                            idle.append(self._start())
                        yield index, f"worker timed out after {self.seconds:.0f} s"
        finally:
            for conn, (proc, _, _, sender) in busy.items():  # an interrupted run (Ctrl-C, an error)
                self._retire(proc, conn, sender, kill=True)
            if not kept:
                self._stop(idle)

    def run(self, messages: list) -> list:
        """Every message's reply, in order (a string where the worker died or ran out of time)."""
        results: list = [""] * len(messages)
        for index, reply in self.imap(messages):
            results[index] = reply
        return results
