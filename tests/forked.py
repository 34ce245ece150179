"""Run a function in a forked child of the test process, as a subprocess would run the CLI.

The fault tests kill ``provenance`` with SIGKILL, limit its file size and run two of it at once,
so each run needs a process of its own. A fresh interpreter per run re-imports pandas, dateparser
and the extractors: about a second on a quiet machine, and over a minute each on a loaded CI host,
where the fault tests alone took longer than the whole CI budget. A fork of the test process
starts with all of that imported, and the code under test is the same: only the interpreter
start-up is skipped. The child never returns into pytest: it leaves with ``os._exit``.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path


class Child:
    """A forked child: ``returncode`` as ``subprocess`` gives it (``-9`` when SIGKILL ended it),
    and what it wrote to stdout and stderr, read from the files they went to."""

    def __init__(self, pid: int, out: Path, err: Path) -> None:
        self.pid, self._out, self._err = pid, out, err
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float = 600) -> int:
        """The exit code; a child still running after ``timeout`` seconds is killed and fails the test."""
        end = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > end:
                self.kill()
                self.wait()
                raise TimeoutError(f"child {self.pid} still running after {timeout} s: {self.stderr}")
            time.sleep(0.02)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self, timeout: float = 600) -> tuple[str, str]:
        self.wait(timeout)
        return self.stdout, self.stderr

    @property
    def stdout(self) -> str:
        return self._out.read_text("utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self._err.read_text("utf-8", errors="replace")


def _exit_code(exc: SystemExit) -> int:
    """What the interpreter would exit with for ``sys.exit(exc.code)``."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _share_parents_fork_server() -> None:
    """In the child: use the fork server the test process already runs, if it runs one.

    multiprocessing keeps one fork server per process and checks that it is alive with
    ``waitpid``, which only its parent may call: a forked child inherits the server's address
    but the check fails (``ChildProcessError``), so the local engine's first pool would too.
    The child checks it with a signal 0 instead and asks the same server for its workers, which
    it has warmed up (``provenance.engine.warm``): no interpreter to start, no model to load.
    With no server in the parent, the child starts its own on its first pool, as usual.
    """
    from multiprocessing import forkserver, resource_tracker

    server = forkserver._forkserver  # private: no public way to share it with a forked child
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return

    def ensure_running() -> None:
        resource_tracker.ensure_running()
        os.kill(pid, 0)  # raises if the parent's server has gone

    server.ensure_running = ensure_running  # type: ignore[method-assign]


def fork(target: Callable[[], object], *, env: dict[str, str] | None = None, fsize: int | None = None,
         cwd: Path | None = None) -> Child:
    """Start ``target()`` in a forked child with its own stdout and stderr files, ``env`` added
    to its environment and, with ``fsize``, writes past that many bytes failing with EFBIG (a
    full disk; Python ignores SIGXFSZ). Its exit code is 0, ``SystemExit``'s code, or 1 with
    the traceback on stderr, as an interpreter's would be."""
    fd_out, out = tempfile.mkstemp(prefix="child-", suffix=".out")
    fd_err, err = tempfile.mkstemp(prefix="child-", suffix=".err")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.close(fd_out)
        os.close(fd_err)
        return Child(pid, Path(out), Path(err))
    code = 1
    try:
        _share_parents_fork_server()
        os.dup2(fd_out, 1)
        os.dup2(fd_err, 2)
        # pytest's capture replaced sys.stdout/err with objects writing to its own files
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        try:
            target()
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException:  # noqa: BLE001 - reported as an interpreter reports an uncaught error
            traceback.print_exc()
            code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
