"""Several processes on one study: `ml-expert worker`, the local worker pool, and a worker killed mid-trial."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna

from ml_expert.tools.job import JobContext
from ml_expert.tools.tune.objective import FAIL_REASON_ATTR, WORKER_ATTR
from ml_expert.tools.tune.run import tune_hyperparams
from ml_expert.tools.tune.schema import TuneHyperparamsSpec
from ml_expert.tools.tune.study import open_storage, open_study, publish_plan, resolve_storage
from ml_expert.tools.tune.workers import WorkerPool

BASE = {"model": {"kind": "builtin", "family": "mlp", "width": 16},
        "data": {"source": {"kind": "bundled", "name": "iris"}},
        "training": {"batch_size": 16}}
SPACE = {"training.lr": {"type": "float", "low": 1e-3, "high": 0.1, "log": True}}


def _shared_study(workspace: Path, *, n_trials: int, epochs: int):
    """A study as tune_hyperparams leaves it for joining workers: spec, target and roots published."""
    spec = TuneHyperparamsSpec.model_validate({
        "base": {**BASE, "training": {**BASE["training"], "epochs": epochs}}, "space": SPACE,
        "n_trials": n_trials, "pruner": "none", "sampler": "random"})
    url = resolve_storage(None, workspace, "shared")
    study = open_study(spec, open_storage(url), "shared", seed=0)
    publish_plan(study, spec, workspace=workspace, roots=[], run_id="run-shared")
    return url, study


def _finished_trials(url: str):
    return optuna.load_study(study_name="shared", storage=open_storage(url)).get_trials()


def test_two_ml_expert_worker_processes_share_a_study_without_duplicates(tmp_path):
    url, _ = _shared_study(tmp_path, n_trials=10, epochs=10)
    # Each worker stops after 5 trials of its own: both must take part, however their start-ups race.
    command = [sys.executable, "-m", "ml_expert", "worker", "--storage", url, "--study-name", "shared",
               "--threads", "1", "--n-trials", "5"]
    workers = [subprocess.Popen([*command, "--seed", str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for seed in (1, 2)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs[0][1][-2000:]
    assert all(out == b"" for out, _ in outputs)  # stdout stays clean: it may be a protocol channel
    trials = _finished_trials(url)
    assert [t.number for t in trials] == list(range(10))  # exactly the requested trials, none twice
    assert all(t.state.name == "COMPLETE" for t in trials)
    assert len({t.params["training.lr"] for t in trials}) == 10  # the two samplers did not repeat each other
    assert {t.user_attrs[WORKER_ATTR].rpartition(":")[2] for t in trials} == {str(w.pid) for w in workers}


def test_a_worker_for_an_unknown_study_says_so(tmp_path):
    url, _ = _shared_study(tmp_path, n_trials=1, epochs=1)
    done = subprocess.run([sys.executable, "-m", "ml_expert", "worker", "--storage", url, "--study-name", "nope"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "no study 'nope'" in done.stderr and done.stdout == ""


def test_a_killed_worker_s_trial_is_failed_and_the_others_finish_the_study(tmp_path):
    url, study = _shared_study(tmp_path, n_trials=4, epochs=40)
    pool = WorkerPool(url, "shared", indices=range(2), threads=1, seed=0, workspace=tmp_path, roots=[],
                      log_dir=tmp_path)
    victim = pool.workers[0].process
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until the victim is inside a trial
            running = [t for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
                       if t.user_attrs.get(WORKER_ATTR, "").endswith(f":{victim.pid}")]
            if running:
                break
            time.sleep(0.05)
        assert running, "the worker never started a trial"
        os.kill(victim.pid, signal.SIGKILL)
        pool.wait(study, on_poll=lambda: None)
    finally:
        pool.stop()
    trials = {t.number: t for t in study.get_trials()}
    killed = trials[running[0].number]
    assert killed.state.name == "FAIL" and "died while running this trial" in killed.user_attrs[FAIL_REASON_ATTR]
    assert len(trials) == 4 and not [t for t in trials.values() if not t.state.is_finished()]
    assert sum(t.state.name == "COMPLETE" for t in trials.values()) == 3
    assert [w.index for w in pool.crashed()] == [0]


def test_the_tool_runs_trials_in_its_own_and_a_worker_process(tmp_path):
    job = JobContext.local(tmp_path)
    events: list[dict] = []
    job._emit = events.append
    spec = TuneHyperparamsSpec.model_validate({"base": {**BASE, "training": {"epochs": 5, "batch_size": 16}},
                                               "space": SPACE, "n_trials": 8, "n_workers": 2, "pruner": "none",
                                               "significance_seeds": 0})
    result = tune_hyperparams(spec, job)
    assert result.counts.total == 8 and result.counts.running == 0
    assert any(e["message"].startswith("8/8 trials finished") for e in events)
    # Worker 0 is the job's own process; worker 1 joined the study and left when it had its 8 trials
    # (whether it ran some of them depends on how fast it started).
    [log] = [a for a in result.artifacts if a.name == "tune-worker-1.log"]
    assert "worker stops: the study has its 8 trials" in Path(log.path).read_text()
    workers = {t.user_attrs[WORKER_ATTR] for t in optuna.load_study(
        study_name=result.study_name, storage=open_storage(result.storage)).get_trials()}
    assert f"{os.uname().nodename}:{os.getpid()}" in workers
