"""Trials in parallel: worker processes that share one study through its storage.

Every worker loads the data once and runs trials until the study has its target number of
trials or its time is up (the storage refuses further trials). The tune job watches the
storage for progress, and fails the RUNNING trials of a worker that died, so no trial stays
RUNNING forever. On an RDB storage Optuna's heartbeat does the same for workers on other machines.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext, MemoryRecords
from ml_expert.tools.measure.timing import torch_threads
from ml_expert.tools.tune.objective import FAIL_REASON_ATTR, WORKER_ATTR, TrialObjective
from ml_expert.tools.tune.schema import TuneHyperparamsSpec
from ml_expert.tools.tune.study import (
    ROOTS_ATTR,
    RUN_ID_ATTR,
    SPEC_ATTR,
    WORKSPACE_ATTR,
    BudgetSpent,
    is_rdb,
    make_pruner,
    make_sampler,
    open_storage,
    prunes,
    redact,
)

log = logging.getLogger(__name__)
POLL_INTERVAL_S = 0.5
UNLABELLED_GRACE_S = 60
WORKER_MODULE = "ml_expert.tools.tune.worker_cli"
LAUNCHER_VARIABLE = "ML_EXPERT_TRIAL_LAUNCHER"  # set by server/jobs/ray_executor.py


def optimize(study, spec: TuneHyperparamsSpec, prepared: PreparedData, job: JobContext, *,
             n_trials: int | None = None, callbacks=()) -> None:
    """Run trials in this process until the study's budget (or ``n_trials`` of this worker's) is spent."""
    objective = TrialObjective(spec, prepared, job, prune=prunes(spec))
    try:
        # catch=Exception: a failing trial is recorded FAIL (with its reason) and the study goes on.
        study.optimize(objective, n_trials=n_trials, catch=(Exception,), callbacks=list(callbacks))
    except BudgetSpent as done:
        log.info("worker stops: %s", done)


def run_worker(storage_url: str, study_name: str, *, seed: int, workspace: Path | None = None,
               roots: list[Path] | None = None, n_trials: int | None = None, threads: int | None = None) -> None:
    """Join the study: read its spec, load the data once, run trials. The body of ``ml-expert worker``."""
    import optuna

    if not is_rdb(storage_url) and not Path(storage_url).is_file():
        raise SpecError("--storage", f"no journal file at {storage_url}", "the storage a tune result reported")
    storage = open_storage(storage_url)
    try:
        attrs = optuna.load_study(study_name=study_name, storage=storage).user_attrs
    except KeyError as error:
        raise SpecError("--study-name", f"no study {study_name!r} in {redact(storage_url)}",
                        "the study_name a tune result reported") from error
    if SPEC_ATTR not in attrs:
        raise SpecError("--study-name", f"study {study_name!r} was not made by tune_hyperparams",
                        "a study that tune_hyperparams created")
    spec = TuneHyperparamsSpec.model_validate(attrs[SPEC_ATTR])
    workspace = workspace or Path(attrs[WORKSPACE_ATTR])
    roots = roots if roots is not None else [Path(r) for r in attrs[ROOTS_ATTR]]
    job = JobContext(job_id=f"worker-{os.getpid()}", run_id=attrs[RUN_ID_ATTR], tool="tune_hyperparams.worker",
                     workspace=workspace, roots=roots, seed=spec.seed, tracking="none", records=MemoryRecords(),
                     emit=lambda event: None)
    prepared = prepare_data(spec.base.data, job, field="base.data")
    study = optuna.load_study(study_name=study_name, storage=storage, sampler=make_sampler(spec, seed),
                              pruner=make_pruner(spec))
    with torch_threads(threads) if threads is not None else contextlib.nullcontext():
        optimize(study, spec, prepared, job, n_trials=n_trials)


# --- dead workers ---------------------------------------------------------------------------

def fail_orphaned_trials(study, storage) -> list[int]:
    """Fail RUNNING trials whose worker was a process on this host that no longer exists.

    A trial that never got its worker label (the worker died right after claiming it) is failed
    once it is UNLABELLED_GRACE_S old. ``storage`` is the study's (Optuna's public storage API marks
    trials another process created).
    """
    from optuna.trial import TrialState

    host = socket.gethostname()
    study_id = storage.get_study_id_from_name(study.study_name)
    failed = []
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        label = trial.user_attrs.get(WORKER_ATTR)
        if label is None:
            age = (datetime.now() - trial.datetime_start).total_seconds() if trial.datetime_start else 0.0
            if age < UNLABELLED_GRACE_S:
                continue
            reason = "its worker never started it (died right after claiming it)"
        else:
            worker_host, _, pid = label.rpartition(":")
            if worker_host != host or not pid.isdigit() or _alive(int(pid)):
                continue
            reason = f"worker {label} died while running this trial"
        trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)
        storage.set_trial_user_attr(trial_id, FAIL_REASON_ATTR, reason)
        storage.set_trial_state_values(trial_id, TrialState.FAIL)
        failed.append(trial.number)
    return failed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


# --- a pool of local worker processes -------------------------------------------------------

def threads_per_worker(n_workers: int) -> int:
    """torch threads for each of ``n_workers`` processes: together they use the job's share of the
    cores (the server sets OMP_NUM_THREADS per job), no more."""
    share = os.environ.get("OMP_NUM_THREADS", "")
    return max(1, (int(share) if share.isdigit() else os.cpu_count() or 1) // n_workers)


def launcher() -> list[str]:
    """The command prefix that starts a trial worker elsewhere, when the server's executor sets one
    (the Ray executor: a Ray task on any node); none, for a process on this machine."""
    prefix = os.environ.get(LAUNCHER_VARIABLE)
    return json.loads(prefix) if prefix else []


@dataclass
class WorkerProcess:
    index: int
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 2000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


class WorkerPool:
    """Worker processes on this machine; their output goes to log files, never to stdout.

    (The job worker's stdout may be the MCP protocol channel.) Worker ``i`` seeds its sampler
    with ``seed + i``, so no two workers draw the same sequence of parameters.
    """

    def __init__(self, storage_url: str, study_name: str, *, indices: range, threads: int, seed: int,
                 workspace: Path, roots: list[Path], log_dir: Path):
        self.storage = open_storage(storage_url)  # to fail the trials of dead workers
        self.workers: list[WorkerProcess] = []
        for index in indices:
            log_path = log_dir / f"tune-worker-{index}.log"
            command = [*launcher(), sys.executable, "-m", WORKER_MODULE, "--storage", storage_url,
                       "--study-name", study_name, "--workspace", str(workspace), "--seed", str(seed + index), "--threads", str(threads),
                       "--die-with-parent", *[arg for root in roots for arg in ("--root", str(root))]]
            with open(log_path, "ab") as log_file:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                           stderr=subprocess.STDOUT)
            self.workers.append(WorkerProcess(index, process, log_path))

    def running(self) -> list[WorkerProcess]:
        return [w for w in self.workers if w.process.poll() is None]  # poll() also reaps dead children

    def crashed(self) -> list[WorkerProcess]:
        return [w for w in self.workers if w.process.poll() not in (None, 0)]

    def check(self, study) -> None:
        """Reap exited workers, then fail the RUNNING trials of the dead ones."""
        self.running()  # a zombie still answers os.kill(pid, 0): reap first
        fail_orphaned_trials(study, self.storage)

    def wait(self, study, on_poll: Callable[[], None]) -> None:
        """Until every worker has exited: report progress and fail the trials of dead workers."""
        while self.running():
            time.sleep(POLL_INTERVAL_S)
            self.check(study)
            on_poll()
        self.check(study)

    def stop(self) -> None:
        for worker in self.running():
            worker.process.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
