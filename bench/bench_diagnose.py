"""Benchmark diagnose_training on the fault set (tests/faults/cases.py) and measure probe overhead.

    .venv/bin/python bench/bench_diagnose.py            # everything
    .venv/bin/python bench/bench_diagnose.py --overhead # probe overhead only

Prints top-1 accuracy on the faulty runs, false alarms on the healthy controls, the median time
to a diagnosis (and with the proof run), the share of proofs that removed the symptom, and the
speed of a training loop with probes relative to the same loop without them (interleaved
repeats, median of paired ratios of user CPU time), for the trainer's callbacks and for script
mode's global hooks.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ml_expert.tools.diagnose.run import diagnose_training  # noqa: E402
from ml_expert.tools.diagnose.schema import DiagnoseTrainingSpec  # noqa: E402
from ml_expert.tools.job import JobContext  # noqa: E402
from tests.faults.cases import CASES, FAULTS  # noqa: E402


def run_fault_set() -> None:
    rows = []
    for case in CASES:
        job = JobContext.local(Path(tempfile.mkdtemp()), roots=[FAULTS], seed=0)
        started = time.perf_counter()
        result = diagnose_training(DiagnoseTrainingSpec.model_validate({"mode": case.mode}), job)
        total = time.perf_counter() - started
        top = result.diagnoses[0].label if result.diagnoses else None
        correct = top == case.expect if case.expect else not result.diagnoses
        rows.append((case, top, correct, result.metrics["seconds_to_diagnosis"], total, result.proof))
        print(f"{'ok ' if correct else 'MISS'} {case.name:32s} {case.mode['kind']:10s} expect={case.expect!s:28s} "
              f"top={top!s:28s} diagnosis {result.metrics['seconds_to_diagnosis']:5.1f}s total {total:5.1f}s"
              + (f" proof fixed={result.proof.fixed} change={result.proof.change:+.3f}" if result.proof else ""))
    faults = [r for r in rows if r[0].expect]
    controls = [r for r in rows if not r[0].expect]
    proofs = [r[5] for r in rows if r[5] is not None]
    print()
    print(f"top-1 accuracy: {sum(r[2] for r in faults)}/{len(faults)} = {sum(r[2] for r in faults) / len(faults):.1%}")
    for mode in ("experiment", "script", "history"):
        part = [r for r in faults if r[0].mode["kind"] == mode]
        print(f"  {mode:10s}: {sum(r[2] for r in part)}/{len(part)}")
    print(f"false alarms on controls: {sum(not r[2] for r in controls)}/{len(controls)}")
    print(f"median time to a diagnosis: {statistics.median(r[3] for r in rows):.2f} s "
          f"(experiment {statistics.median(r[3] for r in rows if r[0].mode['kind'] == 'experiment'):.2f} s, "
          f"script {statistics.median(r[3] for r in rows if r[0].mode['kind'] == 'script'):.2f} s, "
          f"history {statistics.median(r[3] for r in rows if r[0].mode['kind'] == 'history'):.2f} s)")
    print(f"median wall time per case including the proof run: {statistics.median(r[4] for r in rows):.2f} s")
    print(f"proofs run: {len(proofs)}, symptom gone and metric not worse: {sum(p.fixed for p in proofs)}, "
          f"interval of the change above 0: {sum(p.improved for p in proofs)}")


# --- probe overhead ---------------------------------------------------------------------------

def _digits_tensors():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = (X - X.mean(0)) / (X.std(0) + 1e-6)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y)


def plain_loop(X, y, steps: int, width: int = 256) -> None:
    """A training loop written the usual way: the script-mode overhead is measured on it."""
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, width), nn.ReLU(), nn.Dropout(0.1), nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    step = 0
    while step < steps:
        model.train()
        perm = torch.randperm(len(X))
        for i in range(0, len(X) - 63, 64):
            idx = perm[i:i + 64]
            optimizer.zero_grad()
            loss = criterion(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
            step += 1
            if step >= steps:
                break
        model.eval()
        with torch.no_grad():
            criterion(model(X[:256]), y[:256])


def _time(fn) -> float:
    # User CPU time: other jobs on a shared machine move wall time, and glibc's adaptive mmap
    # threshold moves kernel time (page faults of freed-and-refaulted gradient buffers) by up to
    # a second per run for plain and probed loops alike; neither is the probes' cost.
    started = os.times().user
    fn()
    return os.times().user - started


def _ratio(plain, probed, repeats: int) -> tuple[float, float, float]:
    """Median times, and the median over adjacent (plain, probed) pairs of plain / probed: pairing
    cancels the slow drifts of a shared machine's load."""
    plain(), probed()  # warm up both
    plain_times, probed_times = [], []
    for _ in range(repeats):
        plain_times.append(_time(plain))
        probed_times.append(_time(probed))
    ratios = [p / q for p, q in zip(plain_times, probed_times, strict=True)]
    return statistics.median(plain_times), statistics.median(probed_times), statistics.median(ratios)


def probe_overhead(repeats: int = 11, steps: int = 400) -> None:
    from ml_expert.tools.diagnose.experiment_probe import ExperimentProbe
    from ml_expert.tools.diagnose.script_probe import ScriptProbe
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.train.spec import ExperimentSpec

    job = JobContext.local(Path(tempfile.mkdtemp()))
    experiment = ExperimentSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "width": 256},
        "data": {"source": {"kind": "bundled", "name": "digits"}},
        "training": {"epochs": 100, "max_steps": steps, "batch_size": 64}})
    from ml_expert.tools.data.prepare import prepare_data

    prepared = prepare_data(experiment.data, job)
    plain, probed, ratio = _ratio(lambda: fit(experiment, job, prepared=prepared),
                                  lambda: fit(experiment, job, prepared=prepared, callbacks=[ExperimentProbe(steps)]),
                                  repeats)
    print(f"experiment mode ({steps} steps, digits MLP 256x2): plain {plain:.3f} s, probed {probed:.3f} s, "
          f"speed with probes {ratio:.3f}x the plain loop")

    X, y = _digits_tensors()
    for width in (256, 1024):
        def with_script_probes(width=width) -> None:
            probe = ScriptProbe(Path(__file__), steps + 1)  # a budget the loop never reaches: no stop
            probe.install()
            try:
                plain_loop(X, y, steps, width)
            finally:
                probe.uninstall()  # building the trace afterwards is analysis, not loop overhead

        plain, probed, ratio = _ratio(lambda width=width: plain_loop(X, y, steps, width), with_script_probes, repeats)
        print(f"script mode ({steps} steps, MLP {width}x2 loop, global hooks): plain {plain:.3f} s, probed "
              f"{probed:.3f} s, speed with probes {ratio:.3f}x the plain loop")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--overhead", action="store_true", help="measure probe overhead only")
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()
    torch.set_num_threads(options.threads)
    if not options.overhead:
        run_fault_set()
        print()
    probe_overhead()
