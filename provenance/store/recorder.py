"""A run's record (``Session.finish``) written by a forked child while this process writes the report.

``pipeline.write_while_recording`` writes the report and records the run at the same time.
In a thread, the record's inserts (about 28 CPU s on ABP, most of it binding values and
building SQLite records) take turns with the report for the GIL: the two took 37.5 s for
49 CPU s. In a child process each has a core. The child is forked, so it reads this
process's tables without copying or pickling them; it opens its own connection (this process
closes its own before the fork and reopens it after: SQLite's state must not cross a fork),
inserts everything in one transaction, and then waits for this process's word to commit,
given once the report is written; if the report fails, the child is ended before its commit.
The store's contents are those the thread wrote: the same ``Session.finish`` on the same
tables.

Failures:

- The child reports an error (a ``StoreError``: the store locked too long, a full disk): it is
  raised here, after the report, as the thread's would be.
- The child ends without a word (killed, out of memory): the run is recorded in this process,
  unless the store shows that the child committed it before it ended.
- This process ends (killed) before its word: the child is killed with it on Linux
  (``PR_SET_PDEATHSIG``), otherwise it rolls back when it finds the pipe closed. Either way
  the transaction is never committed, and SQLite leaves the store at its last commit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing as mp
import os
import signal
import sys
import traceback
from typing import TYPE_CHECKING, Any

from provenance.errors import ProvenanceError, StoreError

if TYPE_CHECKING:
    import pandas as pd

    from provenance.store.incremental import Session

log = logging.getLogger(__name__)

#: ``prctl`` option: the signal a process gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    """Whether this platform starts processes by forking (Linux, and macOS on request)."""
    return "fork" in mp.get_all_start_methods()


class _NoGo(Exception):
    """Raised in the child to roll its transaction back: the report was not written."""


class ChildRecord:
    """``session.finish(frames, tables)`` in a forked child, committed on ``commit(True)``.

    The session's pending extractions and query-table rows are completed here first
    (``Session.complete_rows``: the derive process is this process's child, which the forked
    one could not wait for).

    Args:
        session: The command's store session (its connection is closed and reopened here).
        frames: The run's tables (``articles`` and ``rejected`` are read).
        tables: The matching tables to keep with the run.
    """

    def __init__(self, session: Session, frames: dict[str, pd.DataFrame],
                 tables: dict[str, pd.DataFrame] | None) -> None:
        self.session, self.frames, self.tables = session, frames, tables
        self.run_id: int | None = None  # the child's run id once its inserts are done
        session.complete_rows()
        store = session.store
        ctx = mp.get_context("fork")
        self._conn, child_end = ctx.Pipe(duplex=True)
        store.close()
        try:
            self._proc: Any = ctx.Process(target=_child, args=(session, frames, tables, child_end, os.getpid()),
                                          name="provenance-store-record", daemon=True)
            self._proc.start()
        finally:
            child_end.close()  # the child holds the only other end: EOF here when it ends
            store.reopen()

    def commit(self, go: bool) -> int | None:
        """Tell the child to commit (``go``) or to roll back, and wait for it.

        Returns:
            The run id (None when ``go`` is False: nothing was recorded).

        Raises:
            StoreError: The child could not write the store (nothing of the run is recorded).
        """
        try:
            if not go:
                # Do not wait for inserts that will be rolled back: ended now, the child leaves
                # the store at its last commit, as a killed run does.
                self._proc.terminate()
                return None
            first = self._recv()
            if first is not None and first[0] == "ready":
                self.run_id = int(first[1])
                self._send(True)
                first = self._recv()
            if first is not None and first[0] == "done":
                return int(first[1])
            if first is not None and first[0] == "error":
                raise first[1]
            return self._after_silent_end()
        finally:
            self._conn.close()
            self._proc.join()

    def _send(self, go: bool) -> None:
        try:
            self._conn.send(go)
        except OSError:
            pass  # the child has ended; commit() finds out from recv

    def _recv(self) -> tuple[str, Any] | None:
        """The child's next message; None when it ended without one."""
        try:
            msg: tuple[str, Any] = self._conn.recv()
        except (EOFError, OSError):
            return None
        return msg

    def _after_silent_end(self) -> int:
        """The child ended without a word: record here, unless it committed before it ended."""
        self._proc.join()
        why = f"exit code {self._proc.exitcode}"
        store = self.session.store
        if self.run_id is not None:
            row = store.conn.execute("SELECT command, started FROM runs WHERE run_id = ?", (self.run_id,)).fetchone()
            if row == (self.session.command, self.session.started):
                log.warning("the process recording the run in the store ended after its commit (%s)", why)
                return self.run_id
        log.warning("the process recording the run in the store ended (%s); recording it in this process", why)
        return self.session.finish(self.frames, self.tables)


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent ends (Linux); exit now if it has."""
    name = ctypes.util.find_library("c")
    if name:
        try:
            ctypes.CDLL(name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # not Linux: the child rolls back when it finds the pipe closed
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(1)


def _child(session: Session, frames: dict[str, pd.DataFrame], tables: dict[str, pd.DataFrame] | None,
           conn: Any, parent: int) -> None:
    """Child process body: record the run on a new connection, commit on the parent's word."""
    from provenance.store.db import Store

    _die_with_parent(parent)
    # A new stderr object on the same file: the inherited one's lock may have been held by the
    # parent's progress thread at the fork, and so may its terminal display's.
    err = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = err
    old = session.store
    code = 0
    try:
        # The wait for another writer is told as the parent's callback would, a plain line.
        def tell(msg: str) -> None:
            err.write(msg + "\n")

        store = Store(old.path, wait=old.wait, on_wait=tell if old.on_wait is not None else None,
                      warn_after=old.warn_after)
        session.store = store

        def ready() -> None:
            run_id = store.conn.execute("SELECT max(run_id) FROM runs").fetchone()[0]
            conn.send(("ready", run_id))
            try:
                go = conn.recv()
            except (EOFError, OSError):
                go = False
            if not go:
                raise _NoGo

        try:
            out: tuple[str, Any] = ("done", session.finish(frames, tables, ready=ready))
        finally:
            store.close()
    except _NoGo:
        out = ("aborted", None)
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it after the report
        out = ("error", exc)
        code = 0 if isinstance(exc, ProvenanceError) else 1
        if code:
            log.debug("recording the run failed: %s", traceback.format_exc(limit=5))
    try:
        try:
            conn.send(out)
        except Exception:  # noqa: BLE001 - an unpicklable error: send its text
            conn.send(("error", StoreError(f"recording the run failed: {out[1]!r}")))
    except OSError:
        pass  # the parent has ended
    finally:
        conn.close()
        os._exit(code)  # no atexit handlers or finalizers of the parent's objects in the child


__all__ = ["ChildRecord", "can_fork"]
