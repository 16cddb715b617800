"""How busy the CPUs are with other work: latency measured beside it is disturbed.

With several intra-op threads, every parallel region waits for its slowest thread; when another
process takes a core, that thread is descheduled and a 1 ms call can take 100 ms.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ml_expert.tools.envelope import Verdict
from ml_expert.tools.errors import SpecError

_STAT = Path("/proc/stat")
BUSY_CPU = 0.25  # other work keeping this much of the machine busy disturbs multi-threaded timings


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies over all CPUs since boot; None where /proc/stat is missing."""
    try:
        fields = [int(v) for v in _STAT.read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_fraction(seconds: float = 0.25) -> float | None:
    """Fraction of all CPU time spent busy over the next ``seconds``, while this process sleeps."""
    before = _cpu_times()
    time.sleep(seconds)
    after = _cpu_times()
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def resolve_threads(requested: int | None, field: str = "threads") -> int:
    """The intra-op threads to time with: all the cores this process may use, or ``requested``."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if requested is None:
        return available
    if requested > available:
        raise SpecError(field, f"{requested} threads asked, but this process may use {available} cores; "
                               "more threads than cores only adds contention", f"1..{available}")
    return requested


def contention_verdict(busy: float | None, threads: int) -> Verdict | None:
    if busy is None:
        return None
    evidence = {"cpu_busy_fraction": busy, "threads": threads}
    if busy <= BUSY_CPU:
        return Verdict(check="quiet_machine", status="pass", evidence=evidence,
                       message=f"Other work kept {busy:.0%} of the CPUs busy just before measuring.")
    return Verdict(check="quiet_machine", status="warn", evidence=evidence,
                   message=f"Other work kept {busy:.0%} of the CPUs busy just before measuring; with {threads} "
                           f"intra-op thread(s), a call stalls whenever one of its threads is descheduled, so "
                           f"absolute latencies here overstate a quiet machine's.",
                   fix="Measure on a quiet machine" + (", or pass threads=1 (a single thread is not held up "
                                                       "waiting for a descheduled one)" if threads > 1 else "")
                       + "; compare variants by their ratios within one run.")
