"""Memory a job can still take, and refusing work that would not fit before it starts.

A job that asks for more than the machine has dies late (the OOM killer, a MemoryError deep in
numpy) or takes the machine down with it; a spec error with the estimate costs nothing.
"""

from __future__ import annotations

import resource
from pathlib import Path

from ml_expert.tools.errors import SpecError

GIB = 2 ** 30
# Bytes each table cell costs while a dataset loads: the float64 values read or generated, and the
# float32 copies Table.build makes of them, all alive at once.
TABLE_BYTES_PER_CELL = 8 + 4 + 4 + 4


def _proc_kib(path: str, key: str) -> int | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def available_bytes() -> int | None:
    """What this process can still allocate: the machine's available memory, or less when the job's
    RLIMIT_DATA (the server's --job-memory-limit) leaves less. None where neither is known."""
    limits = []
    machine = _proc_kib("/proc/meminfo", "MemAvailable")
    if machine is not None:
        limits.append(machine)
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    if soft != resource.RLIM_INFINITY:
        used = _proc_kib("/proc/self/status", "VmData") or 0
        limits.append(max(0, soft - used))
    return min(limits) if limits else None


def human_bytes(n_bytes: float) -> str:
    return f"{n_bytes / GIB:,.1f} GiB" if n_bytes >= GIB else f"{n_bytes / 2 ** 20:,.0f} MiB"


def refuse_unless_it_fits(field: str, needed: float, what: str, accepted: str) -> None:
    """SpecError naming ``field`` when ``needed`` bytes exceed what the job can still allocate."""
    available = available_bytes()
    if available is not None and needed > available:
        raise SpecError(field, f"{what} needs about {human_bytes(needed)} of memory, and this job has {human_bytes(available)} "
                               "available", accepted)
