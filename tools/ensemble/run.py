"""build_ensemble: combine trained runs, score the ensemble on validation against its best member,
and save it as a run evaluate_model, profile_inference and export_model accept.

Stacking fits a linear meta-learner (logistic regression on member probabilities, or non-negative
least squares on member values) on out-of-fold outputs of the TRAINING rows: each member's recipe
is retrained on k folds of the training split and answers for the rows it left out. The
validation rows the ensemble is scored on never reach the meta-learner; ensemble.json lists the
row numbers it saw. The saved members are the runs' own models, trained on the whole training split.
"""

from __future__ import annotations

import json
import time
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.ensemble import module as ensemble_module
from ml_expert.tools.ensemble.members import Member, ensemble_data, load_members, out_of_fold
from ml_expert.tools.ensemble.schema import BuildEnsembleResult, BuildEnsembleSpec, MemberScore
from ml_expert.tools.envelope import Provenance, Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.evaluate.ledger import lineage_of
from ml_expert.tools.evaluate.predict import answer
from ml_expert.tools.evaluate.scores import compare, metrics_of
from ml_expert.tools.evaluate.verdicts import p_text
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.load import LoadedModel, save_model
from ml_expert.tools.preprocess.transforms import Preprocessing
from ml_expert.tools.train.metrics import headline_metric
from ml_expert.tools.tune.objective import imbalanced, quiet_job

PACKAGES = ("torch", "numpy", "scikit-learn", "scipy")
ENSEMBLE_FILE = "ensemble.json"
CHECKPOINT = "model.pt"


def build_ensemble(spec: BuildEnsembleSpec, job: JobContext) -> BuildEnsembleResult:
    started = time.perf_counter()
    job.progress(0, message="loading the member runs")
    members = load_members(spec.run_ids, job)
    first = members[0].loaded
    if spec.method == "vote" and first.task != "classification":
        raise SpecError("method", "vote combines class predictions; these runs do regression", "'stack' or 'average'")
    data = ensemble_data(members)
    prepared = prepare_data(data, job, field="run_ids")
    table, train, val = prepared.table, prepared.splits.train, prepared.splits.val
    metric = headline_metric(table.task, imbalanced(prepared))
    columns = [m.loaded.preprocessing.column_order(table.feature_names, m.field) for m in members]
    num_classes = len(table.class_names) if table.task == "classification" else None
    y_val = np.asarray(val.y)
    answers = [answer(m.loaded, m.loaded.preprocessing, val.X, c) for m, c in zip(members, columns, strict=True)]
    scores = [metrics_of(table.task, y_val, a, num_classes=num_classes)[metric] for a in answers]

    model = _ensemble_model(members, columns, spec.method, prepared, data)
    record: dict = {"method": spec.method, "metric": metric, "members": spec.run_ids,
                    "validation_rows": [int(r) for r in val.indices]}
    if spec.method == "stack":
        quiet = quiet_job(job)
        features = []
        for i, member in enumerate(members):
            job.progress(i, len(members) + 1, f"out-of-fold outputs of run {member.run_id}")
            rows, outputs = out_of_fold(member, spec.folds, spec.seed, quiet)
            if not np.array_equal(rows, train.indices):  # one data spec splits the same rows: a bug otherwise
                raise RuntimeError(f"run {member.run_id}'s training rows differ from the ensemble's")
            features.append(outputs)
        _fit_meta(model.module.combiner, np.concatenate(features, axis=1), np.asarray(train.y), table.task, spec.seed)
        record.update(meta_rows=[int(r) for r in train.indices], folds=spec.folds)
    mine = answer(model, model.preprocessing, val.X, np.arange(len(table.feature_names)))
    value = metrics_of(table.task, y_val, mine, num_classes=num_classes)[metric]
    best = int(np.argmax(scores))
    comparison = compare(table.task, metric, y_val, mine, answers[best], spec.run_ids[best],
                         resamples=spec.bootstrap_resamples, confidence=spec.confidence, seed=spec.seed)
    save_model(model, job, checkpoint=CHECKPOINT)

    result = BuildEnsembleResult(metric=metric, method=spec.method, value=round(value, 6), comparison=comparison,
                                 members=[MemberScore(run_id=r, value=round(s, 6))
                                          for r, s in zip(spec.run_ids, scores, strict=True)],
                                 meta_rows=len(record.get("meta_rows", [])))
    result.verdicts = [*prepared.verdicts, _versus_best(comparison, metric), _members_tested(spec.run_ids, prepared, job)]
    if spec.method == "stack":
        result.verdicts.append(_meta_rows(record["meta_rows"], record["validation_rows"]))
    result.metrics = {f"val_{metric}": result.value, f"best_member_{metric}": round(scores[best], 6),
                      "gain": comparison.diff, "gain_ci_low": comparison.ci_low, "gain_ci_high": comparison.ci_high}
    record.update(member_scores=dict(zip(spec.run_ids, scores, strict=True)), value=value,
                  comparison=comparison.model_dump())
    job.add_artifact(ENSEMBLE_FILE, "report", json.dumps(record))
    result.summary = _summary(result, spec, metric, job.run_id)
    result.artifacts = list(job.artifacts)
    result.provenance = Provenance(
        **prepared.provenance_fields(), seeds={"ensemble": spec.seed, **prepared.seeds},
        packages={name: metadata.version(name) for name in PACKAGES}, device="cpu",
        wall_time_s=round(time.perf_counter() - started, 3))
    job.progress(1, 1, "done")
    return result


def _ensemble_model(members: list[Member], columns: list[np.ndarray], method: str, prepared: PreparedData,
                    data: DataSpec) -> LoadedModel:
    """The members' modules, columns and standardisation in one module, saved as a code-mode model."""
    first, table, train = members[0].loaded, prepared.table, prepared.splits.train
    kwargs = {"members": [{"family": m.loaded.config["family"], "hyperparameters": m.loaded.config["hyperparameters"],
                           "input_shape": list(m.loaded.input_shape), "columns": [int(c) for c in cols]}
                          for m, cols in zip(members, columns, strict=True)],
              "task": first.task, "method": method, "num_outputs": first.num_outputs}
    module = ensemble_module.ensemble(**kwargs)
    with torch.no_grad():
        for i, member in enumerate(members):
            module.members[i].load_state_dict(member.loaded.module.state_dict())
            p = member.loaded.preprocessing
            for name, values in (("x_mean", p.x_mean), ("x_std", p.x_std), ("y_mean", p.y_mean), ("y_std", p.y_std)):
                if values is not None:
                    getattr(module, f"{name}{i}").copy_(torch.as_tensor(values, dtype=torch.float32))
    io = {k: getattr(first, k) for k in ("task", "input_kind", "input_shape", "vocab_size", "num_outputs")}
    if len(table.feature_names) != int(np.prod(first.input_shape)):
        io.update(input_kind="tabular", input_shape=(len(table.feature_names),))
    source = Path(ensemble_module.__file__)
    config = {"kind": "code", "target": f"{source}:ensemble", "kwargs": kwargs, "io": ModelIO(**io).to_dict()}
    # Rows go in as they are in the data: each member's standardisation is inside the module.
    fitted_on = {"data": data.model_dump(mode="json"), "dataset_version": table.version,
                 "train_split_hash": train.hash, "train_rows": len(train)}
    preprocessing = Preprocessing(task=first.task, feature_names=list(table.feature_names),
                                  class_names=table.class_names, fitted_on=fitted_on)
    return LoadedModel(**io, module=module.eval(), config=config, preprocessing=preprocessing)


def _fit_meta(meta: torch.nn.Linear, features: np.ndarray, y: np.ndarray, task: str, seed: int) -> None:
    """Logistic regression on member probabilities, or non-negative least squares on member values,
    written into the module's linear layer."""
    from sklearn.linear_model import LinearRegression, LogisticRegression

    if task == "classification":
        fitted = LogisticRegression(max_iter=2000, random_state=seed).fit(features, y)
        weight, bias = fitted.coef_, fitted.intercept_
        if weight.shape[0] == 1:  # binary: sklearn gives the logit of class 1 only
            weight, bias = np.vstack([np.zeros_like(weight), weight]), np.array([0.0, bias[0]])
    else:
        fitted = LinearRegression(positive=True).fit(features, y.reshape(len(y), -1))
        weight, bias = fitted.coef_, fitted.intercept_
    with torch.no_grad():
        meta.weight.copy_(torch.as_tensor(np.asarray(weight).reshape(meta.weight.shape), dtype=torch.float32))
        meta.bias.copy_(torch.as_tensor(np.asarray(bias).reshape(meta.bias.shape), dtype=torch.float32))


def _versus_best(comparison, metric: str) -> Verdict:
    evidence = {"best_member": comparison.against, "diff": comparison.diff, "ci_low": comparison.ci_low,
                "ci_high": comparison.ci_high, "p_value": comparison.p_value, "test": comparison.test}
    said = (f"the ensemble's validation {metric} minus the best member's ({comparison.against}) is "
            f"{comparison.diff:+.4f} [{comparison.ci_low:+.4f}, {comparison.ci_high:+.4f}], {p_text(comparison.p_value)}")
    if comparison.verdict == "better":
        return Verdict(check="beats_best_member", status="pass", message=f"Significantly better: {said}.",
                       evidence=evidence)
    fix = (f"Keep the best member, run {comparison.against}, or add members that err differently "
           "(other families, depths or data views).")
    status = "fail" if comparison.verdict == "worse" else "warn"
    word = "Significantly worse" if status == "fail" else "No significant gain"
    return Verdict(check="beats_best_member", status=status, message=f"{word}: {said}.", evidence=evidence, fix=fix)


def _members_tested(run_ids: list[str], prepared: PreparedData, job: JobContext) -> Verdict:
    """The ensemble is a new lineage: its first test look is not optimistic only if no member looked first."""
    test_hash = prepared.splits.hashes["test"]
    seen = [r for r in run_ids if job.records.earlier_test_openings(test_hash, lineage_of(r, job.workspace))]
    if not seen:
        return Verdict(check="members_test_unseen", status="pass", evidence={"members_evaluated": 0},
                       message="No member has opened the test split: the ensemble's evaluation will be a first look.")
    return Verdict(check="members_test_unseen", status="warn", evidence={"members_evaluated": len(seen)},
                   message=f"Members {', '.join(seen)} were already evaluated on this test split; an ensemble "
                           "chosen after those scores gets an optimistic test score.",
                   fix="Choose between the ensemble and its members on validation (this comparison); report the "
                       "test score of the one chosen, noting the earlier looks.")


def _meta_rows(meta_rows: list[int], validation_rows: list[int]) -> Verdict:
    shared = len(set(meta_rows) & set(validation_rows))
    if shared:  # the folds are built from the training split, so this would be a bug, not a user error
        raise RuntimeError(f"{shared} validation rows reached the meta-learner")
    return Verdict(check="meta_learner_rows", status="pass",
                   message=f"The meta-learner was fitted on out-of-fold outputs of {len(meta_rows)} training rows; "
                           "none of the validation rows it is scored on.",
                   evidence={"meta_rows": len(meta_rows), "validation_rows": len(validation_rows), "shared": 0})


def _summary(result: BuildEnsembleResult, spec: BuildEnsembleSpec, metric: str, run_id: str) -> str:
    c = result.comparison
    word = {"better": "beats", "worse": "loses to", "not_significant": "is not significantly different from"}
    return (f"A {spec.method} ensemble of {len(spec.run_ids)} runs scores validation {metric} {result.value:.4f}; it "
            f"{word[c.verdict]} the best member, run {c.against} ({c.value:.4f}; diff {c.diff:+.4f} "
            f"[{c.ci_low:+.4f}, {c.ci_high:+.4f}], {c.test} {p_text(c.p_value)}). "
            f"Saved as run {run_id}; next: evaluate_model, profile_inference or export_model.")
