"""Child process of script mode: run the user's script unmodified under global probes, write the trace.

Usage: python -m ml_expert.tools.diagnose.script_runner CONFIG.json
CONFIG holds script, args, trace (output path), max_steps, time_budget_s, threads. The script
runs as __main__ with its own sys.argv; it stops after max_steps optimizer steps or the time
budget, whichever comes first, by an exception raised from a probe or a timer.
"""

from __future__ import annotations

import json
import os
import runpy
import signal
import sys
import traceback
from pathlib import Path


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    import torch

    from ml_expert.tools.diagnose.script_probe import BudgetReached, ScriptProbe

    torch.set_num_threads(int(config["threads"]))
    script = Path(config["script"])
    probe = ScriptProbe(script, int(config["max_steps"]))

    def out_of_time(signum, frame):
        raise BudgetReached(f"time budget of {config['time_budget_s']} s")

    signal.signal(signal.SIGALRM, out_of_time)
    sys.argv = [str(script), *config["args"]]
    sys.path.insert(0, str(script.parent))
    probe.install()
    signal.setitimer(signal.ITIMER_REAL, float(config["time_budget_s"]))
    try:
        runpy.run_path(str(script), run_name="__main__")
        ended = "finished"
    except BudgetReached as reached:
        ended = f"stopped by the probe budget ({reached})"
    except SystemExit as leaving:
        ended = f"exited with code {leaving.code}"
    except BaseException as error:  # noqa: BLE001 - the user's script may raise anything; report it
        traceback.print_exc()
        ended = f"error: {type(error).__name__}: {error}"[:500]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        probe.uninstall()
    trace = probe.finish(stopped=None)
    Path(config["trace"]).write_text(json.dumps({"exit": ended, "trace": trace.model_dump(mode="json")}))
    return 0


if __name__ == "__main__":
    sys.stdout.flush()
    os.environ.setdefault("MPLBACKEND", "Agg")
    raise SystemExit(main(sys.argv[1]))
