"""Where a call's time goes, operator by operator: torch.profiler for torch variants, ONNX Runtime's
own profiler for the onnxruntime variant. Both write a chrome trace (chrome://tracing, Perfetto)."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

TOP_OPERATORS = 12


def _top(self_us: dict[str, float], counts: dict[str, int], calls: int) -> list[dict[str, Any]]:
    total = sum(self_us.values()) or 1.0
    ranked = sorted(self_us, key=self_us.__getitem__, reverse=True)[:TOP_OPERATORS]
    return [{"name": name, "self_ms_per_call": self_us[name] / 1000 / calls,
             "self_percent": 100 * self_us[name] / total, "calls_per_call": counts[name] / calls}
            for name in ranked]


def torch_operators(call: Callable[[Any], Any], x: Any, *, calls: int, device: str,
                    trace_path: Path) -> list[dict[str, Any]]:
    """Top operators by self time over ``calls`` calls, from torch.profiler."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device == "cuda" else [])
    with profile(activities=activities) as prof:
        for _ in range(calls):
            call(x)
        if device == "cuda":
            torch.cuda.synchronize()
    prof.export_chrome_trace(str(trace_path))
    on_device = device == "cuda"
    self_us: dict[str, float] = {}
    counts: dict[str, int] = {}
    for event in prof.key_averages():
        spent = event.self_device_time_total if on_device else event.self_cpu_time_total
        if spent > 0:
            self_us[event.key] = float(spent)
            counts[event.key] = int(event.count)
    return _top(self_us, counts, calls)


def onnxruntime_operators(session: Any, x: Any, *, calls: int, trace_path: Path) -> list[dict[str, Any]]:
    """Top ONNX operator types by kernel time, from a session created with profiling enabled."""
    feed = {session.get_inputs()[0].name: x.cpu().numpy()}
    for _ in range(calls):
        session.run(None, feed)
    written = Path(session.end_profiling())
    self_us: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for event in json.loads(written.read_text()):
        if event.get("cat") == "Node" and event.get("name", "").endswith("_kernel_time"):
            op = event.get("args", {}).get("op_name", event["name"])
            self_us[op] += float(event.get("dur", 0))
            counts[op] += 1
    shutil.move(written, trace_path)
    return _top(dict(self_us), counts, calls)
