"""Optuna's parts, chosen from the spec: sampler, pruner, storage, and the study they share.

The study carries what a joining worker needs (the spec, the trial target, the deadline) as
study user attributes, so ``ml-expert worker --storage URL --study-name NAME`` is enough to help.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import time
from pathlib import Path
from typing import Any

from ml_expert.tools.errors import SpecError
from ml_expert.tools.tune.schema import MODEL_METRICS, TuneHyperparamsSpec
from ml_expert.tools.tune.space import grid

SPEC_ATTR = "ml_expert.spec"
TARGET_ATTR = "ml_expert.target_trials"
DEADLINE_ATTR = "ml_expert.deadline_unix"
WORKSPACE_ATTR = "ml_expert.workspace"
ROOTS_ATTR = "ml_expert.roots"
RUN_ID_ATTR = "ml_expert.run_id"
RDB_SCHEMES = ("postgresql", "mysql", "sqlite")
JOURNAL_SUFFIXES = (".journal", ".log")
CLAIM_LOCK_GROUP = 0x6D6C6578  # "mlex": the first key of the advisory lock that serialises trial claims
ASHA_REDUCTION = 2  # ASHA keeps the better half at its one rung
HEARTBEAT_INTERVAL_S = 10  # RDB only: a worker that stops beating for GRACE_PERIOD_S has its trial failed
GRACE_PERIOD_S = 60


class BudgetSpent(Exception):  # noqa: N818 - a signal to stop, not an error
    """The study has all the trials it asked for, or its time is up: start no new trial."""


# --- storage --------------------------------------------------------------------------------

def resolve_storage(raw: str | None, workspace: Path, study_name: str) -> str:
    """A journal file path or an RDB URL. Journal and SQLite files live inside the workspace, and
    may be an existing file only when it already holds Optuna studies (a study to extend): never a
    run's job.log, the server's database or any other workspace file."""
    if raw is None:
        return str(_study_file((workspace / "studies" / f"{study_name}.journal").resolve(), raw, "journal"))
    if "://" in raw:
        scheme = raw.split("://", 1)[0].split("+", 1)[0]
        if scheme not in RDB_SCHEMES:
            raise SpecError("storage", f"unsupported database URL scheme in {redact(raw)!r}",
                            "postgresql://user:password@host/db, mysql://..., sqlite:////abs/path.db, or a .journal path")
        if scheme == "sqlite":
            _study_file(_sqlite_file(raw, workspace), raw, "sqlite")
        return raw
    path = Path(raw) if Path(raw).is_absolute() else workspace / raw
    if not _inside(path, workspace) or path.suffix not in JOURNAL_SUFFIXES:
        raise SpecError("storage", f"{raw!r} is not a journal file inside the workspace",
                        f"a path ending in .journal under {workspace}, or an RDB URL")
    return str(_study_file(path.resolve(), raw, "journal"))


def _sqlite_file(raw: str, workspace: Path) -> Path:
    from sqlalchemy.engine import make_url

    accepted = f"sqlite:///{workspace}/studies/<name>.db (an absolute path, no query string)"
    url = make_url(raw)
    # SQLAlchemy reads a relative path against the cwd, and ?uri=true makes the path a URI: refuse both.
    if url.query or not url.database or not Path(url.database).is_absolute():
        raise SpecError("storage", f"{raw!r} does not name an absolute SQLite file", accepted)
    database = Path(url.database)
    if not _inside(database, workspace):
        raise SpecError("storage", f"the SQLite file of {raw!r} is not inside the workspace", accepted)
    return database.resolve()


def _study_file(path: Path, raw: str | None, kind: str) -> Path:
    """``path`` (resolved) if it is new, or an existing regular file holding only Optuna's study data."""
    if not path.exists():
        return path
    is_study = path.is_file() and (_holds_journal(path) if kind == "journal" else _holds_optuna_tables(path))
    if not is_study:
        raise SpecError("storage", f"{raw!r} is {path}, an existing file that is not an Optuna {kind} study: "
                                   "the study would be written into it",
                        "a new file or an existing study: a path under <workspace>/studies/, or a postgresql:// URL")
    return path


def _holds_journal(path: Path) -> bool:
    """An Optuna journal: its first line is a JSON operation (create_study comes first)."""
    import json

    with open(path, "rb") as handle:
        first = handle.readline(1 << 16)
    try:
        operation = json.loads(first)
    except ValueError:
        return False
    return isinstance(operation, dict) and "op_code" in operation and "worker_id" in operation


def _holds_optuna_tables(path: Path) -> bool:
    """A SQLite file whose tables are all Optuna's (and include its study table)."""
    import sqlite3

    from optuna.storages._rdb.models import BaseModel

    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:  # not a SQLite file at all
        return False
    return "studies" in tables and tables <= set(BaseModel.metadata.tables) | {"alembic_version"}


def _inside(path: Path, workspace: Path) -> bool:
    return path.resolve().is_relative_to(workspace.resolve())


def redact(url: str) -> str:
    """The URL with its password hidden (journal paths come back unchanged)."""
    if "://" not in url:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def is_rdb(url: str) -> bool:
    return "://" in url


def open_storage(url: str):
    """A storage that refuses to create trials past the study's target or deadline.

    Journal file (default): one machine, fast, exact trial count (claims serialised by a file
    lock). RDB: several machines, with Optuna's heartbeat failing the trials of dead workers.
    """
    from optuna.storages import JournalStorage, RDBStorage
    from optuna.storages.journal import JournalFileBackend

    if is_rdb(url):
        if url.startswith("sqlite"):
            Path(url.split(":///", 1)[-1]).parent.mkdir(parents=True, exist_ok=True)

        class BudgetedRDBStorage(RDBStorage):
            # Optuna's cache in front of an RDB storage calls this private method, not create_new_trial
            # (hence the pin on Optuna's major version in pyproject.toml).
            def _create_new_trial(self, study_id: int, template_trial=None):
                if template_trial is not None:  # enqueued trials are part of the plan, not a new claim
                    return super()._create_new_trial(study_id, template_trial)
                with _claim_lock(self.engine, url, study_id):  # workers on other machines claim too
                    _check_budget(self, study_id)
                    return super()._create_new_trial(study_id, template_trial)

        # SQLite is one machine's file: the pid check finds dead workers, and a heartbeat thread
        # writing beside the trial's own writes stalls on SQLite's database lock.
        heartbeat = {} if url.startswith("sqlite") else {"heartbeat_interval": HEARTBEAT_INTERVAL_S,
                                                         "grace_period": GRACE_PERIOD_S}
        try:
            return BudgetedRDBStorage(url, **heartbeat)
        except ImportError as error:
            raise SpecError("storage", f"the database driver for {redact(url)!r} is not installed: {error}",
                            "postgresql+psycopg://... with psycopg[binary] installed on the server (or "
                            "postgresql://... with psycopg2-binary), or the default journal file") from error
        except Exception as error:  # sqlalchemy's OperationalError and kin: the database cannot be reached
            raise SpecError("storage", f"cannot open {redact(url)!r}: {type(error).__name__}: {error}"[:400],
                            "a reachable database URL, or the default journal file") from error

    class BudgetedJournalStorage(JournalStorage):
        def create_new_trial(self, study_id: int, template_trial=None) -> int:
            if template_trial is not None:
                return super().create_new_trial(study_id, template_trial)
            # Count and create under one lock, so parallel workers never overshoot the target.
            with _file_lock(Path(url + ".claim")):
                _check_budget(self, study_id)
                return super().create_new_trial(study_id, template_trial)

    Path(url).parent.mkdir(parents=True, exist_ok=True)
    return BudgetedJournalStorage(JournalFileBackend(url))


@contextlib.contextmanager
def _file_lock(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the OS if this process dies
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _claim_lock(engine, url: str, study_id: int):
    """Count-and-create as one step across processes and machines: a database lock on PostgreSQL
    and MySQL (held by one connection while the storage's own creates the trial), a file lock beside
    a SQLite file."""
    from sqlalchemy import text

    dialect = engine.dialect.name
    if dialect == "sqlite":
        with _file_lock(Path(url.split(":///", 1)[-1] + ".claim")):
            yield
        return
    take, give = {"postgresql": ("SELECT pg_advisory_lock(:group, :study)", "SELECT pg_advisory_unlock(:group, :study)"),
                  "mysql": ("SELECT GET_LOCK(CONCAT(:group, '.', :study), -1)",
                            "SELECT RELEASE_LOCK(CONCAT(:group, '.', :study))")}[dialect]
    keys = {"group": CLAIM_LOCK_GROUP, "study": study_id}
    with engine.connect() as connection:
        connection.execute(text(take), keys)
        try:
            yield
        finally:
            connection.execute(text(give), keys)


def _check_budget(storage, study_id: int) -> None:
    attrs = storage.get_study_user_attrs(study_id)
    deadline, target = attrs.get(DEADLINE_ATTR), attrs.get(TARGET_ATTR)
    if deadline is not None and time.time() >= deadline:
        raise BudgetSpent("the study's time budget is spent")
    if target is not None and len(storage.get_all_trials(study_id, deepcopy=False)) >= target:
        raise BudgetSpent(f"the study has its {target} trials")


# --- sampler and pruner -------------------------------------------------------------------

def make_sampler(spec: TuneHyperparamsSpec, seed: int):
    import optuna

    if spec.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if spec.sampler == "grid":
        return optuna.samplers.GridSampler(grid(spec.space), seed=seed)
    if spec.sampler == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    if spec.sampler == "gp":
        return optuna.samplers.GPSampler(seed=seed, n_startup_trials=_startup_trials(spec),
                                         warn_independent_sampling=False)
    # constant_liar: a worker sampling while others run trials treats those as bad results, so two
    # workers do not spend their trials on the same region.
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=_startup_trials(spec), constant_liar=True)


def _startup_trials(spec: TuneHyperparamsSpec) -> int:
    # Optuna's 10 random start-up trials would be half of a 20-trial budget; a quarter explores enough.
    return 10 if spec.n_trials is None else min(10, max(4, spec.n_trials // 4))


def check_sampler(spec: TuneHyperparamsSpec) -> None:
    """Refuse combinations the sampler cannot do, before any worker starts."""
    if spec.sampler == "cmaes":
        if importlib.util.find_spec("cmaes") is None:
            raise SpecError("sampler", "cmaes needs the 'cmaes' package, which is not installed",
                            "sampler 'tpe' or 'gp', or `pip install cmaes` on the server")
        if len(spec.objectives) > 1:
            raise SpecError("sampler", "cmaes optimises one objective", "'tpe', 'random', 'grid' or 'gp'")


def prunes(spec: TuneHyperparamsSpec) -> bool:
    """Pruning needs one objective with per-epoch values (Optuna cannot prune multi-objective studies)."""
    return (spec.pruner != "none" and len(spec.objectives) == 1
            and spec.objectives[0].metric not in MODEL_METRICS)


def make_pruner(spec: TuneHyperparamsSpec):
    import optuna

    if not prunes(spec):
        return optuna.pruners.NopPruner()
    first = min_epochs_before_pruning(spec)
    if spec.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=first)
    if spec.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=first, reduction_factor=3)
    return optuna.pruners.SuccessiveHalvingPruner(min_resource=first, reduction_factor=ASHA_REDUCTION)


def min_epochs_before_pruning(spec: TuneHyperparamsSpec) -> int:
    """The spec's value, else just over a quarter of a trial's epochs (its seeds and folds together).

    ASHA's next rung (ASHA_REDUCTION x) then falls past the pruning window (the first half of a
    trial), so a trial meets one cut and about half of the trials complete. From a tenth of the
    epochs with a reduction factor of 3 (the old default), rungs at 1 and 3 of 10 epochs left 2 to 4
    of 20 trials complete: only a few configurations were really compared (bench_tune_rungs.py).
    """
    if spec.min_epochs_before_pruning is not None:
        return spec.min_epochs_before_pruning
    runs = spec.seeds_per_trial * (spec.cv_folds or 1)
    return spec.base.training.epochs * runs // 4 + 1


# --- the study ----------------------------------------------------------------------------

def directions(spec: TuneHyperparamsSpec) -> list[str]:
    return [objective.resolved_direction for objective in spec.objectives]


def open_study(spec: TuneHyperparamsSpec, storage, study_name: str, *, seed: int):
    """Create the study, or load it when it exists (same objectives required)."""
    import optuna

    try:
        existing = optuna.load_study(study_name=study_name, storage=storage)
    except KeyError:
        return optuna.create_study(study_name=study_name, storage=storage, directions=directions(spec),
                                   sampler=make_sampler(spec, seed), pruner=make_pruner(spec))
    had = [d.name.lower() for d in existing.directions]
    if had != directions(spec):
        raise SpecError("objectives", f"study {study_name!r} exists with directions {had}; this call asks for "
                                      f"{directions(spec)}", "the study's objectives, or a new study_name")
    return optuna.load_study(study_name=study_name, storage=storage, sampler=make_sampler(spec, seed),
                             pruner=make_pruner(spec))


def publish_plan(study, spec: TuneHyperparamsSpec, *, workspace: Path, roots: list[Path], run_id: str) -> int:
    """Write what joining workers need into the study; return how many trials it held before."""
    before = len(study.get_trials(deepcopy=False))
    target = before + spec.n_trials if spec.n_trials is not None else None
    deadline = time.time() + spec.time_budget_s if spec.time_budget_s is not None else None
    values: dict[str, Any] = {SPEC_ATTR: spec.model_dump(mode="json"), TARGET_ATTR: target,
                              DEADLINE_ATTR: deadline, WORKSPACE_ATTR: str(workspace),
                              ROOTS_ATTR: [str(r) for r in roots], RUN_ID_ATTR: run_id}
    for key, value in values.items():
        study.set_user_attr(key, value)
    return before
