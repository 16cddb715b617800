"""Studies on a real PostgreSQL server: `ml-expert worker` processes joining over a database URL,
exact trial counts when they race for claims, and Optuna's heartbeat failing a killed worker's trial."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import optuna
import pytest

from ml_expert.tools.tune import study as study_module
from ml_expert.tools.tune.objective import WORKER_ATTR
from ml_expert.tools.tune.report import NO_REASON, trial_row
from ml_expert.tools.tune.schema import TuneHyperparamsSpec
from ml_expert.tools.tune.study import open_storage, open_study, publish_plan, resolve_storage
from tests.fixtures.postgres import postgres_url  # noqa: F401 - the session's server

BASE = {"model": {"kind": "builtin", "family": "mlp", "width": 8},
        "data": {"source": {"kind": "bundled", "name": "iris"}},
        "training": {"batch_size": 32}}
SPACE = {"training.lr": {"type": "float", "low": 1e-3, "high": 0.1, "log": True}}


def _published_study(url: str, workspace, *, n_trials: int, epochs: int) -> str:
    name = f"pg-{uuid.uuid4().hex[:8]}"
    spec = TuneHyperparamsSpec.model_validate({
        "base": {**BASE, "training": {**BASE["training"], "epochs": epochs}}, "space": SPACE,
        "n_trials": n_trials, "pruner": "none", "sampler": "random"})
    assert resolve_storage(url, workspace, name) == url
    study = open_study(spec, open_storage(url), name, seed=0)
    publish_plan(study, spec, workspace=workspace, roots=[], run_id=f"run-{name}")
    return name


def _worker(url: str, name: str, seed: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ml_expert", "worker", "--storage", url, "--study-name", name,
                             "--threads", "1", "--seed", str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow  # two worker start-ups and 16 trials: ~40 s on a busy 2-core machine
def test_two_worker_processes_on_postgresql_make_exactly_the_planned_trials(postgres_url, tmp_path):  # noqa: F811
    name = _published_study(postgres_url, tmp_path, n_trials=16, epochs=15)
    workers = [_worker(postgres_url, name, seed) for seed in (1, 2)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs[0][1][-2000:]
    assert all(out == b"" for out, _ in outputs)
    assert all(b"worker stops: the study has its 16 trials" in err for _, err in outputs)
    trials = optuna.load_study(study_name=name, storage=open_storage(postgres_url)).get_trials()
    # Claims are serialised by an advisory lock: never a 17th trial, however the two raced.
    assert [t.number for t in trials] == list(range(16))
    assert all(t.state.name == "COMPLETE" for t in trials)
    assert {t.user_attrs[WORKER_ATTR].rpartition(":")[2] for t in trials} == {str(w.pid) for w in workers}


def test_a_killed_worker_s_trial_is_failed_by_the_heartbeat_of_another(postgres_url, tmp_path,  # noqa: F811
                                                                        monkeypatch):
    name = _published_study(postgres_url, tmp_path, n_trials=2, epochs=400)
    study = optuna.load_study(study_name=name, storage=open_storage(postgres_url))
    victim = _worker(postgres_url, name, seed=1)
    try:
        deadline = time.monotonic() + 120
        running = []
        while not running and time.monotonic() < deadline and victim.poll() is None:
            running = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
            time.sleep(0.05)
        assert running, victim.stderr.read().decode()[-2000:] if victim.poll() is not None else "no trial started"
        time.sleep(0.5)  # its heartbeat thread writes its first beat just after the trial starts
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        victim.kill()
    # Another worker with a short grace period checks for stale trials as Optuna does before each of
    # its trials (fail_stale_trials); the victim's last beat is older than that (no pid check here).
    monkeypatch.setattr(study_module, "GRACE_PERIOD_S", 2)
    monkeypatch.setattr(study_module, "HEARTBEAT_INTERVAL_S", 1)
    time.sleep(2.5)
    optuna.storages.fail_stale_trials(optuna.load_study(study_name=name, storage=open_storage(postgres_url)))
    trials = {t.number: t for t in study.get_trials()}
    killed = trials[running[0].number]
    assert killed.state.name == "FAIL"
    assert trial_row(killed).fail_reason == NO_REASON  # Optuna fails it without a reason: the row says why
    assert list(trials) == [running[0].number]


def test_an_unreachable_database_is_a_clear_storage_error(tmp_path):
    from ml_expert.tools.errors import SpecError

    with pytest.raises(SpecError) as caught:
        open_storage(f"postgresql+psycopg://postgres:hunter2@/none?host={tmp_path}")
    assert caught.value.field == "storage" and "cannot open" in str(caught.value)
    assert "hunter2" not in str(caught.value)
