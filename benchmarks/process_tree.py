"""Peak memory and CPU time of a process and all its descendants (Spark's JVM is a child of the Python process,
so this process's own rusage misses it), sampled from /proc."""

from __future__ import annotations

import os
import threading
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): fields 3.. of proc(5)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descendants(root_pid: int) -> set[int]:
    """`root_pid` and every process below it."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat_fields(entry)[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root_pid}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return tree


class TreeMeter:
    """Samples the tree under this process every `interval` seconds from start() to stop(): the largest total
    resident memory seen, and the CPU seconds each process used (its last sample; a process that ends between
    samples loses at most one interval)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self._cpu_ticks: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeMeter:
        self._sample()
        self._start_ticks = dict(self._cpu_ticks)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
        self._sample()

    @property
    def cpu_seconds(self) -> float:
        used = sum(ticks - self._start_ticks.get(pid, 0) for pid, ticks in self._cpu_ticks.items())
        return used / _TICKS

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        total = 0
        for pid in descendants(os.getpid()):
            try:
                fields = _stat_fields(pid)
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
                self._cpu_ticks[pid] = int(fields[11]) + int(fields[12])   # utime + stime
            except (OSError, IndexError, ValueError):
                continue
        self.peak_bytes = max(self.peak_bytes, total)
