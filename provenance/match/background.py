"""Independent matching stages run side by side: one in a forked child process.

Matching runs in one process while the machine has idle cores. Some stages do not read each
other's output (source grouping and figure clustering do not read the claims; syndication
does not read the text clusters), so one of them runs in a child process while this process
does the other. The child is forked: it sees this process's tables without copying or
pickling them (copy-on-write), and only its result is sent back (pickled through a pipe).

Results are identical either way: the child calls the same function on the same tables. If
the child fails (an exception, killed for memory), the function is run again here.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import traceback
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Tables smaller than this (rows of figures and claims) are matched in one process: forking
#: and pickling the result back cost more than the stage on a small corpus.
MIN_ROWS = 50_000


def usable_processes(config: Mapping[str, Any]) -> int:
    """Processes matching may use: ``[engine] workers`` (0 = every core this process may run
    on), 1 under the Dask engine or where processes cannot be forked."""
    from provenance.engine.local import resolve_workers

    eng = config.get("engine") or {}
    if eng.get("engine") == "dask" or "fork" not in mp.get_all_start_methods():
        return 1
    return resolve_workers(int(eng.get("workers") or 0))


def side_by_side(config: Mapping[str, Any], rows: int) -> bool:
    """Whether independent stages run in a child process (2+ processes and ``MIN_ROWS`` rows)."""
    return rows >= MIN_ROWS and usable_processes(config) >= 2


class Deferred(Generic[T]):
    """``fn()``, computed in a forked child when ``background`` is set, else here on ``result()``.

    Args:
        fn: The stage, a closure over the tables it reads (not pickled: the child is forked).
        background: Start the child now; otherwise ``fn`` runs in this process, when asked for.
        name: Stage name for the log.
    """

    def __init__(self, fn: Callable[[], T], background: bool, name: str = "stage") -> None:
        self.fn, self.name = fn, name
        self._proc: Any = None
        self._conn: Any = None
        if background:
            ctx = mp.get_context("fork")
            recv, send = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(fn, send), name=f"provenance-{name}", daemon=True)
            self._proc.start()
            send.close()  # the child holds the only sending end: EOF when it dies
            self._conn = recv

    def result(self) -> T:
        """The stage's result (waits for the child; runs ``fn`` here if it failed)."""
        if self._proc is None:
            return self.fn()
        try:
            ok, value = self._conn.recv()
        except (EOFError, OSError):
            ok, value = False, "the child process ended without a result"
        finally:
            self._conn.close()
            self._proc.join()
            self._proc = None
        if ok:
            return value  # type: ignore[no-any-return]
        log.warning("%s in a child process failed (%s); running it in this process", self.name, value)
        return self.fn()


def _child(fn: Callable[[], Any], conn: Any) -> None:
    """Child process body: run ``fn`` and send (ok, result or error text) back."""
    try:
        out: tuple[bool, Any] = (True, fn())
    except BaseException:  # noqa: BLE001 - reported to the parent, which runs the stage itself
        out = (False, traceback.format_exc(limit=5))
    try:
        conn.send(out)
    except Exception:  # noqa: BLE001 - an unpicklable result: the parent runs the stage
        conn.send((False, traceback.format_exc(limit=5)))
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers or finalizers of the parent's objects in the child


__all__ = ["MIN_ROWS", "Deferred", "side_by_side", "usable_processes"]
