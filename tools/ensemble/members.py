"""The member runs: loaded, checked to share one dataset and split, and their out-of-fold outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.data.splits import Split
from ml_expert.tools.errors import SpecError
from ml_expert.tools.evaluate.run import RECORDED_EXPERIMENTS
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import LoadedModel, load_run
from ml_expert.tools.train.metrics import softmax
from ml_expert.tools.train.spec import ExperimentSpec


@dataclass(frozen=True)
class Member:
    run_id: str
    loaded: LoadedModel
    field: str


def load_members(run_ids: list[str], job: JobContext) -> list[Member]:
    """Built-in models trained (with preprocessing) for one task on one data spec and split."""
    members = [Member(run_id, load_run(run_id, job, f"run_ids[{i}]"), f"run_ids[{i}]")
               for i, run_id in enumerate(run_ids)]
    first = members[0].loaded
    if first.task not in ("classification", "regression"):
        raise SpecError("run_ids[0]", f"run {run_ids[0]} does {first.task.replace('_', ' ')}",
                        "runs of classifiers or regressors")
    for member in members:
        model = member.loaded
        if model.config["kind"] != "builtin" or model.preprocessing is None or model.input_kind == "tokens":
            raise SpecError(member.field, f"run {member.run_id} is not a trained built-in model on features or "
                                          "images (code models, token inputs and untrained runs are not combined)",
                            "runs saved by train_model or tune_hyperparams for a built-in family")
        same = {"task": model.task == first.task, "outputs": model.num_outputs == first.num_outputs,
                "data and split": _rows_of(model) == _rows_of(first)}
        wrong = [name for name, ok in same.items() if not ok]
        if wrong:
            raise SpecError(member.field, f"run {member.run_id} differs from run {run_ids[0]} in its "
                                          f"{', '.join(wrong)}",
                            "runs trained for the same task on the same data and split (feature columns may differ)")
    return members


def _rows_of(model: LoadedModel) -> str:
    """The data spec without its feature columns: the same spec splits the same rows the same way."""
    data = json.loads(json.dumps(model.preprocessing.fitted_on.get("data") or {}))
    data.get("source", {}).pop("features", None)
    return json.dumps(data, sort_keys=True)


def ensemble_data(members: list[Member]) -> DataSpec:
    """The members' data, with every column any member uses (in order of first use)."""
    data = DataSpec.model_validate(members[0].loaded.preprocessing.fitted_on["data"])
    names = list(dict.fromkeys(n for m in members for n in m.loaded.preprocessing.feature_names))
    if all(m.loaded.preprocessing.feature_names == names for m in members):
        return data
    return data.model_copy(update={"source": data.source.model_copy(update={"features": names})})


def recorded_experiment(member: Member, job: JobContext) -> tuple[ExperimentSpec, int]:
    """What trained the member, its epochs set to the kept epoch, and its seed."""
    run_dir = job.workspace / "runs" / member.run_id
    path = next((run_dir / name for name in RECORDED_EXPERIMENTS if (run_dir / name).is_file()), None)
    if path is None:
        raise SpecError(member.field, f"run {member.run_id} records no experiment to retrain on folds",
                        "runs from train_model or tune_hyperparams, or method 'average' or 'vote'")
    record = json.loads(path.read_text())
    experiment = ExperimentSpec.model_validate(record["experiment"])
    if record.get("best_epoch"):
        experiment = experiment.model_copy(update={"training": experiment.training.model_copy(
            update={"epochs": int(record["best_epoch"]), "max_steps": None})})
    return experiment, int(record.get("seed", 0))


def training_folds(train: Split, task: str, k: int, seed: int) -> list[tuple[Split, Split]]:
    """k folds of the TRAINING rows only: validation rows never reach the meta-learner."""
    from sklearn.model_selection import KFold, StratifiedKFold

    splitter = (StratifiedKFold if task == "classification" else KFold)(n_splits=k, shuffle=True, random_state=seed)
    return [(Split.of(f"fold{i}-fit", train.X[a], train.y[a], train.indices[a]),
             Split.of(f"fold{i}-out", train.X[b], train.y[b], train.indices[b]))
            for i, (a, b) in enumerate(splitter.split(train.X, train.y if task == "classification" else None))]


def out_of_fold(member: Member, k: int, fold_seed: int, job: JobContext) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of the training split and, for them, the member's recipe retrained on each fold, answering for the training rows it left out, in the
    training split's row order: probabilities (classification) or values in the data's units."""
    from ml_expert.tools.train.loop import fit

    experiment, seed = recorded_experiment(member, job)
    prepared = prepare_data(experiment.data, job, field=member.field)  # the member's own columns
    train = prepared.splits.train
    position = {int(row): i for i, row in enumerate(train.indices)}
    outputs: np.ndarray | None = None
    # The folds depend only on the rows and targets, which every member shares: the same folds for all.
    for fit_rows, held_out in training_folds(train, member.loaded.task, k, fold_seed):
        fitted = fit(experiment, job, prepared=prepared, rows=(fit_rows, held_out), seed=seed, field=member.field,
                     epoch_train_metric=False)
        values = (softmax(fitted.val_outputs.astype(np.float64)) if member.loaded.task == "classification"
                  else fitted.val_predictions.reshape(len(held_out), -1))
        if outputs is None:
            outputs = np.zeros((len(train), values.shape[1]))
        outputs[[position[int(r)] for r in held_out.indices]] = values
    return np.asarray(train.indices), outputs
