"""Peak memory of the current process over a stretch of work.

CPU: torch's allocations bypass tracemalloc, so the process's resident set is measured instead.
On Linux, writing 5 to /proc/self/clear_refs resets the kernel's high-water mark (VmHWM), so
the peak of each stretch is its own; elsewhere ``ru_maxrss`` (the peak since the process
started) is the best available and can only over-state a later stretch.
CUDA: the caching allocator's own peak (``torch.cuda.max_memory_allocated``).
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")
MB = 1024 * 1024


def _status_kb(field: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def resident_mb() -> float:
    """Resident memory of this process now."""
    kb = _status_kb("VmRSS")
    return kb / 1024 if kb is not None else peak_resident_mb()


def reset_peak_resident() -> bool:
    """Start a new high-water mark at the current resident size; False where the OS can't."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_resident_mb() -> float:
    """Highest resident memory since the last reset (or since the process started)."""
    kb = _status_kb("VmHWM")
    if kb is not None:
        return kb / 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / MB if sys.platform == "darwin" else maxrss / 1024  # bytes on macOS, KiB on Linux


def reset_peak_cuda() -> None:
    import torch

    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()


def peak_cuda_mb() -> float:
    import torch

    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() / MB
