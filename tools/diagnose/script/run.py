"""Script mode, parent side: run the user's script in a child process under probes and read its trace.

The child's stdout and stderr go to a log file (never to the protocol channel); the result gets
the log's tail.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ml_expert.tools.diagnose.schema import ScriptMode
from ml_expert.tools.diagnose.trace import Crash, Trace
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.paths import resolve_under_roots

TAIL_CHARS = 2000
GRACE_S = 60  # on top of the time budget: interpreter start, imports, writing the trace


@dataclass
class ScriptRun:
    trace: Trace
    exit: str
    output_tail: str
    arrays: dict = field(default_factory=dict)  # val_targets, val_preds, input_mean, input_std when recorded


def script_path(mode: ScriptMode, job: JobContext) -> Path:
    script = resolve_under_roots("mode.script", mode.script, job.roots)
    if script.suffix != ".py" or not script.is_file():
        raise SpecError("mode.script", f"{mode.script!r} is not a Python file", "a .py training script under the roots")
    return script


def run_script(mode: ScriptMode, job: JobContext, seed: int, overrides: dict | None = None,
               name: str = "script") -> ScriptRun:
    """One probed run of the script, torch seeded with ``seed`` before it starts (the script may seed
    again); ``overrides`` (the proof's re-run) change run-time settings."""
    script = script_path(mode, job)
    import torch

    folder = job.run_dir / name
    folder.mkdir(exist_ok=True)
    config = folder / "config.json"
    trace_path, log_path = folder / "trace_raw.json", folder / "output.log"
    threads = torch.get_num_threads()
    config.write_text(json.dumps({"script": str(script), "args": mode.args, "trace": str(trace_path),
                                  "max_steps": mode.max_steps, "time_budget_s": mode.time_budget_s,
                                  "threads": threads, "overrides": overrides or {}, "seed": seed}))
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", "WANDB_MODE": "disabled",
           "OMP_NUM_THREADS": str(threads)}
    returncode = None
    with open(log_path, "wb") as log:
        try:
            returncode = subprocess.run(
                [sys.executable, "-m", "ml_expert.tools.diagnose.script.runner", str(config)], cwd=script.parent,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                timeout=mode.time_budget_s + GRACE_S, check=False).returncode
        except subprocess.TimeoutExpired:
            pass  # the trace is missing: reported below with the output
    output = log_path.read_text(errors="replace")
    job.add_artifact(f"{name}_output.log", "log", log_path)
    tail = output[-TAIL_CHARS:]
    if trace_path.is_file():
        raw = json.loads(trace_path.read_text())
        return ScriptRun(Trace.model_validate(raw["trace"]), raw["exit"], tail, _arrays(folder / "arrays.npz"))
    if returncode is None:
        raise SpecError("mode.script", f"the script did not stop within time_budget_s + {GRACE_S} s; its output "
                                       f"ends with: {tail[-500:]!r}", "a script that the probes can stop in time")
    crash = _native_crash(returncode, output, str(script.parent))
    return ScriptRun(Trace(source="script", ended="crashed", crash=crash), crash.exit, tail)


def _arrays(path: Path) -> dict:
    if not path.is_file():
        return {}
    import numpy as np

    with np.load(path) as saved:
        return {name: saved[name] for name in saved.files}


def _native_crash(returncode: int, output: str, user_dir: str) -> Crash:
    """A child that died without writing its trace: a signal (segfault, kill) or a native abort."""
    if returncode < 0:
        number = -returncode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown signal"
        how = f"signal {number} ({name})"
    else:
        how = f"exit code {returncode}"
    # faulthandler prints the Python stack, innermost frame first: the first line in the user's folder.
    frames = re.findall(r'File "([^"]+)", line (\d+)', output)
    where = next((f"{f}:{n}" for f, n in frames if f.startswith(user_dir) and "site-packages" not in f), None)
    fatal = re.search(r"Fatal Python error: (.+)", output)
    return Crash(exception=how, message=fatal.group(1).strip() if fatal else "", where=where, exit=how)
