"""Benchmark diagnose_training on the fault set (tests/faults/cases.py) and measure probe overhead.

    nice -n 10 .venv/bin/python bench/bench_diagnose.py                 # tuning half, then held-out, overhead
    nice -n 10 .venv/bin/python bench/bench_diagnose.py --half tune     # the tuning half only, case by case
    nice -n 10 .venv/bin/python bench/bench_diagnose.py --half heldout  # held-out figures only
    .venv/bin/python bench/bench_diagnose.py --overhead                 # probe overhead only

For the tuning half (and the experiment/history cases) it prints every case; for the held-out
half only the totals, so that nobody tunes on it. Figures: top-1 accuracy on the faulty runs,
false alarms on the healthy controls, the median time to a diagnosis in script mode, the share of
proofs that removed the symptom, and the speed of a training loop with probes relative to the
same loop without them (interleaved repeats, median of paired ratios of user CPU time), for the
trainer's callbacks and for script mode's global hooks. ``--budget-factor 10`` runs the scripts
with ten times the default max_steps (raising the budget must never lower the score).
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
from ml_expert.tools.diagnose.schema import DiagnoseTrainingSpec, ScriptMode  # noqa: E402
from ml_expert.tools.job import JobContext  # noqa: E402
from tests.faults.cases import CASES, FAULTS, Case  # noqa: E402


def run_case(case: Case, budget_factor: int = 1, prove: bool = True, workspace: Path | None = None) -> dict:
    mode = dict(case.mode)
    if mode["kind"] in ("experiment", "script"):
        mode["prove_fix"] = prove
    if mode["kind"] == "script" and budget_factor != 1:
        mode["max_steps"] = min(ScriptMode.model_fields["max_steps"].default * budget_factor, 100_000)
    job = JobContext.local(workspace or Path(tempfile.mkdtemp()), roots=[FAULTS], seed=0)
    started = time.perf_counter()
    result = diagnose_training(DiagnoseTrainingSpec.model_validate({"mode": mode}), job)
    total = time.perf_counter() - started
    labels = [d.label for d in result.diagnoses]
    return {"case": case, "top": labels[0] if labels else None,
            "correct": judged_correct(case, labels, result.healthy is True), "labels": labels,
            "diagnosis_s": result.metrics["seconds_to_diagnosis"], "total_s": total, "proof": result.proof,
            "failures": result.rule_failures,
            "trace_path": next(a.path for a in result.artifacts if a.name == "trace.json")}


def judged_correct(case: Case, labels: list[str], healthy: bool = True) -> bool:
    """A fault is found when its label ranks first; a control, when nothing is found and it is called healthy."""
    return labels[:1] == [case.expect] if case.expect else (not labels and healthy)


def score(rows: list[dict]) -> str:
    faults = [r for r in rows if r["case"].expect]
    controls = [r for r in rows if not r["case"].expect]
    hits = sum(r["correct"] for r in faults)
    alarms = sum(not r["correct"] for r in controls)
    return (f"top-1 {hits}/{len(faults)} = {hits / max(len(faults), 1):.1%}, false alarms {alarms}/{len(controls)}"
            f" = {alarms / max(len(controls), 1):.1%}")


# Labels whose fix is a run-time setting: script mode proves them by a re-run (the proof's own figure).
RUNTIME_FIXES = {"lr_too_high", "lr_too_low", "missing_zero_grad", "eval_mode_in_training", "train_mode_in_validation",
                 "unnormalized_inputs", "lr_schedule_collapse", "momentum_misconfigured", "weight_decay_too_high",
                 "oscillation"}


def run_fault_set(half: str, budget_factor: int, kinds: set[str], prove: bool = True,
                  proof_set: bool = False) -> list[dict]:
    rows = []
    cases = [c for c in CASES if c.mode["kind"] in kinds and (c.half == half or (c.half is None and half == "tune"))
             and (not proof_set or c.expect in RUNTIME_FIXES)]
    for case in cases:
        row = run_case(case, budget_factor, prove)
        rows.append(row)
        if half == "tune":
            proof = row["proof"]
            print(f"{'ok ' if row['correct'] else 'MISS'} {case.name:28s} {case.mode['kind']:10s} "
                  f"expect={case.expect!s:28s} got={','.join(row['labels'][:3]) or '-':60s} "
                  f"{row['diagnosis_s']:5.1f}s" + (f" proof fixed={proof.fixed}" if proof else "")
                  + (f" RULE FAILURES {row['failures']}" if row["failures"] else ""), flush=True)
    print(f"\n[{half} half{f', budget x{budget_factor}' if budget_factor != 1 else ''}] {len(cases)} cases")
    for kind in sorted(kinds):
        part = [r for r in rows if r["case"].mode["kind"] == kind]
        if part:
            print(f"  {kind:10s}: {score(part)}")
    scripts = [r for r in rows if r["case"].mode["kind"] == "script"]
    if scripts:
        print(f"  median time to a diagnosis in script mode: {statistics.median(r['diagnosis_s'] for r in scripts):.2f}"
              " s")
    proofs = [r["proof"] for r in rows if r["proof"] is not None]
    if proofs:
        print(f"  proofs run: {len(proofs)}, symptom gone and metric not worse: {sum(p.fixed for p in proofs)} "
              f"({sum(p.fixed for p in proofs) / len(proofs):.0%}), interval above 0: {sum(p.improved for p in proofs)}")
    failures = sum(bool(r["failures"]) for r in rows)
    print(f"  cases with a rule failure: {failures}", flush=True)
    return rows


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
    from ml_expert.tools.diagnose.experiment.probe import ExperimentProbe
    from ml_expert.tools.diagnose.script.probe import ScriptProbe
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
    # A short loop pays the first pass's row hashing and the dense early samples over few steps; the
    # longer one is the length of a typical small script.
    for width, loop_steps in ((256, steps), (256, 5 * steps), (1024, steps)):
        def with_script_probes(width=width, loop_steps=loop_steps) -> None:
            probe = ScriptProbe(Path(__file__), loop_steps + 1)  # a budget the loop never reaches: no stop
            probe.install()
            try:
                plain_loop(X, y, loop_steps, width)
            finally:
                probe.uninstall()  # building the trace afterwards is analysis, not loop overhead

        plain, probed, ratio = _ratio(lambda width=width, loop_steps=loop_steps: plain_loop(X, y, loop_steps, width),
                                      with_script_probes, repeats)
        print(f"script mode ({loop_steps} steps, MLP {width}x2 loop, global hooks): plain {plain:.3f} s, probed "
              f"{probed:.3f} s, speed with probes {ratio:.3f}x the plain loop")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--overhead", action="store_true", help="measure probe overhead only")
    parser.add_argument("--half", choices=("tune", "heldout", "both"), default="both")
    parser.add_argument("--kinds", default="experiment,script,history", help="modes to run, comma-separated")
    parser.add_argument("--budget-factor", type=int, default=1, help="scripts' max_steps x this")
    parser.add_argument("--no-overhead", action="store_true")
    parser.add_argument("--no-proof", action="store_true", help="diagnose only (no re-run of the top fix)")
    parser.add_argument("--proof-set", action="store_true", help="only the faults whose fix is a run-time setting")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=11, help="overhead: interleaved plain/probed pairs")
    options = parser.parse_args()
    torch.set_num_threads(options.threads)
    if not options.overhead:
        for half in ("tune", "heldout") if options.half == "both" else (options.half,):
            run_fault_set(half, options.budget_factor, set(options.kinds.split(",")), prove=not options.no_proof,
                          proof_set=options.proof_set)
            print()
    if not options.no_overhead:
        probe_overhead(repeats=options.repeats)
