"""Helpers shared by the benchmark scripts: machine description, load, peak memory, RESULTS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shlex
import sys
import threading
import time
from pathlib import Path
from typing import Any, Self

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PROVENANCE_SHARED_DATA", REPO.parent / "shared" / "data"))
ABP = SHARED / "abp" / "abp_articles.jsonl.gz"
RESULTS = REPO / "benchmarks" / "RESULTS.md"


def machine() -> str:
    """One line: CPU model, usable cores, RAM, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    ram = ""
    try:
        import psutil

        ram = f", {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    except ImportError:
        pass
    return f"{cpu}, {cores} cores{ram}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def load() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared: every figure carries them)."""
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def now() -> str:
    """UTC timestamp."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def command() -> str:
    """The command line that ran this script."""
    return "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], REPO), *sys.argv[1:]])


class PeakRSS:
    """Samples the memory of this process and all its descendants (workers) in a thread.

    ``/usr/bin/time -v`` reports the largest single process; the figure that matters for a
    2 GiB budget is the sum over the parent and its worker processes. Two sums are kept:
    RSS, and PSS (proportional set size, Linux ``/proc/PID/smaps_rollup``), which counts a
    page shared by several processes once in total. They differ when matching forks a child
    (``match.background``): the child shares the parent's tables copy-on-write, so the RSS
    sum counts them twice while only one copy is in memory.
    """

    def __init__(self, interval: float = 0.25) -> None:
        import psutil

        self.interval = interval
        self.proc = psutil.Process()
        self.peak = 0
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}  # pid -> latest user+system CPU seconds seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[int, int]:
        """(RSS sum, PSS sum) in bytes; PSS is the RSS where smaps_rollup cannot be read."""
        import psutil

        total = pss = 0
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:
            return 0, 0
        for p in procs:
            try:
                rss = p.memory_info().rss
                t = p.cpu_times()
                self.cpu[p.pid] = t.user + t.system
            except psutil.Error:
                continue
            total += rss
            pss += _pss(p.pid, rss)
        return total, pss

    def _update(self) -> None:
        rss, pss = self._sample()
        self.peak = max(self.peak, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._update()
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self._update()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def tree_cpu_s(self) -> float:
        """CPU seconds of this process and its descendants, as last seen (children's own CPU)."""
        return sum(self.cpu.values())

    @property
    def mib(self) -> float:
        """Peak of the RSS sum in MiB."""
        return self.peak / 2**20

    @property
    def pss_mib(self) -> float:
        """Peak of the PSS sum in MiB."""
        return self.peak_pss / 2**20


def _pss(pid: int, rss: int) -> int:
    """A process's PSS in bytes from ``/proc/PID/smaps_rollup``, or ``rss`` where it cannot be read."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss


class Clock:
    """Wall and CPU (this process) seconds of a block, with the load average at its start."""

    def __enter__(self) -> Self:
        self.load = load()
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace (or append) the section between ``<!-- name -->`` markers in RESULTS.md."""
    text = path.read_text("utf-8") if path.exists() else "# Benchmark results\n\n"
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    pat = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = pat.sub(lambda _: block, text) if pat.search(text) else text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, "utf-8")


def table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    """A Markdown table."""
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    return "\n".join(out)
