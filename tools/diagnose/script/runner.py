"""Child process of script mode: run the user's script unmodified under global probes, write the trace.

Usage: python -m ml_expert.tools.diagnose.script.runner CONFIG.json
CONFIG holds script, args, trace (output path), max_steps, time_budget_s, threads and optional
overrides (the proof's re-run). The script runs as __main__ with its own sys.argv; it stops after
max_steps optimizer steps or the time budget, whichever comes first, by an exception raised from
a probe or a timer. However it ends (an exception, sys.exit, os._exit) the trace is written with
how it ended; a crash in native code leaves faulthandler's traceback in the output instead.
"""

from __future__ import annotations

import faulthandler
import json
import os
import runpy
import signal
import sys
import traceback
import warnings
from pathlib import Path

MAX_WARNINGS = 20


def _crash_where(probe, error: BaseException) -> str | None:
    """The innermost frame of the traceback that lies in the user's folder."""
    found = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        name = frame.f_code.co_filename
        if name.startswith(probe.user_dir) and "site-packages" not in name:
            found = f"{name}:{line}"
    return found


class _Warnings:
    """Records each warning with the user's line that led to it, then shows it as Python would."""

    def __init__(self, probe):
        self.probe = probe
        self.seen: dict[tuple[str, str, str | None], int] = {}
        self.original = warnings.showwarning

    def __call__(self, message, category, filename, lineno, file=None, line=None):
        where = self.probe.where(sys._getframe(1))
        key = (category.__name__, str(message)[:300], where)
        if key in self.seen or len(self.seen) < MAX_WARNINGS:
            self.seen[key] = self.seen.get(key, 0) + 1
        self.original(message, category, filename, lineno, file, line)

    def recorded(self):
        from ml_expert.tools.diagnose.trace import ScriptWarning

        return [ScriptWarning(category=c, message=m, where=w, count=n) for (c, m, w), n in self.seen.items()]


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    faulthandler.enable()  # a segfault still prints the Python stack, with the user's line, to the log
    import torch

    from ml_expert.tools.diagnose.script.probe import BudgetReached, ScriptProbe
    from ml_expert.tools.diagnose.script.trace import build_trace
    from ml_expert.tools.diagnose.trace import Crash

    torch.set_num_threads(int(config["threads"]))
    if "seed" in config:
        torch.manual_seed(int(config["seed"]))
    script = Path(config["script"])
    probe = ScriptProbe(script, int(config["max_steps"]), config.get("overrides"))
    recorder = _Warnings(probe)
    trace_path = Path(config["trace"])

    def write(ended: str, crash: Crash | None, reason: str = "") -> None:
        probe.uninstall()
        trace = build_trace(probe, ended, crash, recorder.recorded())
        save_arrays(probe, trace_path.with_name("arrays.npz"))
        trace_path.write_text(json.dumps({"exit": _describe(ended, crash, reason),
                                          "trace": trace.model_dump(mode="json")}))

    def out_of_time(signum, frame):
        raise BudgetReached(f"time budget of {config['time_budget_s']} s")

    original_exit = os._exit

    def hard_exit(code: int) -> None:  # os._exit skips every finally: write the trace first
        signal.setitimer(signal.ITIMER_REAL, 0)
        write("finished" if code == 0 else "crashed",
              None if code == 0 else Crash(exception=f"os._exit({code})", where=probe.where(sys._getframe(1)),
                                           exit=f"exit code {code}"))
        original_exit(code)

    signal.signal(signal.SIGALRM, out_of_time)
    sys.argv = [str(script), *config["args"]]
    sys.path.insert(0, str(script.parent))
    warnings.showwarning = recorder
    os._exit = hard_exit
    probe.install()
    signal.setitimer(signal.ITIMER_REAL, float(config["time_budget_s"]))
    crash, ended, reason = None, "finished", ""
    try:
        runpy.run_path(str(script), run_name="__main__")
    except BudgetReached as reached:
        ended, reason = "budget", str(reached)
    except SystemExit as leaving:
        if leaving.code not in (None, 0):
            ended = "crashed"
            crash = Crash(exception="SystemExit", message=str(leaving.code), where=_crash_where(probe, leaving),
                          exit=f"exit code {leaving.code}")
    except BaseException as error:  # noqa: BLE001 - the user's script may raise anything; report it
        traceback.print_exc()
        ended = "crashed"
        crash = Crash(exception=type(error).__name__, message=str(error)[:1000], where=_crash_where(probe, error),
                      exit="exception")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        os._exit = original_exit
        warnings.showwarning = recorder.original
    write(ended, crash, reason)
    return 0


def save_arrays(probe, path: Path) -> None:
    """What the proof's re-run needs from this run: validation targets and predictions, input moments."""
    import numpy as np

    arrays = {}
    if probe.val_targets is not None:
        arrays.update(val_targets=probe.val_targets, val_preds=probe.val_preds)
    widths = {rows.shape[1] for rows in probe.train_rows}
    if len(widths) == 1:
        rows = np.concatenate(probe.train_rows).astype(np.float64)
        if np.isfinite(rows).all():
            std = rows.std(0)
            arrays.update(input_mean=rows.mean(0), input_std=np.maximum(std, max(1e-2 * float(np.median(std)), 1e-6)))
    np.savez(path, **arrays)


def _describe(ended: str, crash, reason: str) -> str:
    if crash is not None:
        return f"error: {crash.exception}: {crash.message}"[:500] if crash.exit == "exception" else crash.exit
    return f"stopped by the probe budget ({reason})" if ended == "budget" else "finished"


if __name__ == "__main__":
    sys.stdout.flush()
    os.environ.setdefault("MPLBACKEND", "Agg")
    raise SystemExit(main(sys.argv[1]))
