"""Script mode, parent side: run the user's script in a child process under probes and read its trace.

The child's stdout and stderr go to a log file (never to the protocol channel); the result gets
the log's tail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

from ml_expert.tools.diagnose.schema import ScriptMode
from ml_expert.tools.diagnose.trace import Trace
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


def run_script(mode: ScriptMode, job: JobContext) -> ScriptRun:
    script = resolve_under_roots("mode.script", mode.script, job.roots)
    if script.suffix != ".py" or not script.is_file():
        raise SpecError("mode.script", f"{mode.script!r} is not a Python file", "a .py training script under the roots")
    import torch

    folder = job.run_dir / "script"
    folder.mkdir(exist_ok=True)
    config = folder / "config.json"
    trace_path, log_path = folder / "trace_raw.json", folder / "output.log"
    threads = torch.get_num_threads()
    config.write_text(json.dumps({"script": str(script), "args": mode.args, "trace": str(trace_path),
                                  "max_steps": mode.max_steps, "time_budget_s": mode.time_budget_s,
                                  "threads": threads}))
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", "WANDB_MODE": "disabled",
           "OMP_NUM_THREADS": str(threads)}
    with open(log_path, "wb") as log:
        try:
            subprocess.run([sys.executable, "-m", "ml_expert.tools.diagnose.script_runner", str(config)],
                           cwd=script.parent, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           env=env, timeout=mode.time_budget_s + GRACE_S, check=False)
        except subprocess.TimeoutExpired:
            pass  # the trace is missing: reported below with the output
    output = log_path.read_text(errors="replace")
    job.add_artifact("script_output.log", "log", log_path)
    tail = output[-TAIL_CHARS:]
    if not trace_path.is_file():
        raise SpecError("mode.script", f"the script ended without a trace; its output ends with: {tail[-500:]!r}",
                        "a script that runs under `python script.py ARGS` from its own folder")
    raw = json.loads(trace_path.read_text())
    trace = Trace.model_validate(raw["trace"])
    if trace.wiring.optimizer_steps == 0:
        raise SpecError("mode.script", f"the script {raw['exit']} before its first optimizer step; its output ends "
                                       f"with: {tail[-500:]!r}",
                        "a script that trains with a torch.optim optimizer (optimizer.step())")
    return ScriptRun(trace, raw["exit"], tail)
