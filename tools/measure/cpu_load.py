"""How busy the CPUs are with other work: latency measured beside it is disturbed.

With several intra-op threads, every parallel region waits for its slowest thread; when another
process takes a core, that thread is descheduled and a 1 ms call can take 100 ms.
"""

from __future__ import annotations

import time
from pathlib import Path

_STAT = Path("/proc/stat")


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
