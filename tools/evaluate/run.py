"""evaluate_model: the one look at the sealed test split for a run, and what it says.

Order of work: load the run (model and preprocessing), prepare its data, check the ledger and
open the test split (refused when this lineage looked before, unless re-evaluating on purpose),
score the test rows with bootstrap intervals, break the score down (classes, calibration,
slices), fit baselines on the same training rows and compare with paired tests, optionally
cross-validate the run's recipe on train+validation. The result keeps the key numbers;
evaluation.json has every detail (export_model reads it for the model card).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from importlib import metadata

import numpy as np

from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.envelope import Provenance
from ml_expert.tools.errors import SpecError
from ml_expert.tools.evaluate import plots
from ml_expert.tools.evaluate.baselines import baseline_answers
from ml_expert.tools.evaluate.calibration import reliability
from ml_expert.tools.evaluate.ledger import lineage_of, open_test_once
from ml_expert.tools.evaluate.predict import Answers, answer, identity_preprocessing
from ml_expert.tools.evaluate.robustness import (
    check_robustness_applies,
    measure_robustness,
    robustness_verdict,
)
from ml_expert.tools.evaluate.schema import (
    MAX_CLASSES_LISTED,
    MAX_SLICES_LISTED,
    ClassReport,
    Comparison,
    CrossValidation,
    EvaluateModelResult,
    EvaluateModelSpec,
    SliceReport,
)
from ml_expert.tools.evaluate.scores import compare, intervals, metrics_of
from ml_expert.tools.evaluate.slices import check_slice_features, feature_bins
from ml_expert.tools.evaluate.verdicts import (
    baseline_verdict,
    calibration_verdict,
    comparison_verdict,
    data_verdict,
    p_text,
    slice_verdict,
)
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import LoadedModel, load_run
from ml_expert.tools.train.metrics import confusion_matrix, headline_metric, per_class

PACKAGES = ("torch", "numpy", "scikit-learn", "scipy")
EVALUATION_FILE = "evaluation.json"
RECORDED_EXPERIMENTS = ("experiment.json", "best_experiment.json")  # train_model's, tune_hyperparams'
STEPS = 6
MAX_MATRIX_CLASSES = 10  # a larger matrix is in evaluation.json and the PNG, not in the answer


def evaluate_model(spec: EvaluateModelSpec, job: JobContext) -> EvaluateModelResult:
    started = time.perf_counter()
    job.progress(0, STEPS, "loading the run")
    loaded = load_run(spec.run_id, job, "run_id")
    prepared, field = _prepare(spec, loaded, job)
    table = prepared.table
    if table.task != loaded.task:
        raise SpecError(field, f"the data is a {table.task} task, but run {spec.run_id}'s model does {loaded.task}",
                        "the data the run was trained on")
    preprocessing = loaded.preprocessing or identity_preprocessing(loaded, table.feature_names)
    # Every mistake in the spec is found before the test split opens: a refused call costs no look.
    _check_same_split(preprocessing.fitted_on, prepared, field)
    columns = preprocessing.column_order(table.feature_names, field)
    check_slice_features(table.feature_names, spec.slice_features)
    other = _other_run(spec, prepared, job) if spec.compare_run_id is not None else None
    if spec.robustness is not None:
        check_robustness_applies(loaded)
    experiment = _recorded_experiment(spec, job) if spec.cv_folds is not None else None
    imbalanced = any(v.check == "class_imbalance" and v.status != "pass" for v in prepared.verdicts)
    metric = headline_metric(table.task, imbalanced)
    num_classes = len(table.class_names) if table.task == "classification" else None

    lineage = lineage_of(spec.run_id, job.workspace)
    job.progress(1, STEPS, "opening the sealed test split")
    test, sealed = open_test_once(prepared, job, lineage=lineage, reevaluate=spec.reevaluate,
                                  purpose=f"evaluate_model of run {spec.run_id}"
                                          + (" (deliberate re-evaluation)" if spec.reevaluate else ""))
    opened_at = datetime.now(UTC).isoformat(timespec="seconds")
    y = np.asarray(test.y)
    mine = answer(loaded, preprocessing, test.X, columns)
    values = metrics_of(table.task, y, mine, num_classes=num_classes)
    job.progress(2, STEPS, f"test {metric} {values[metric]:.4f}; bootstrap intervals")
    cis = intervals(table.task, y, mine, list(values), resamples=spec.bootstrap_resamples,
                    confidence=spec.confidence, seed=spec.seed, num_classes=num_classes)

    result = EvaluateModelResult(lineage=lineage, reevaluation=sealed.status != "pass", test_rows=len(test),
                                 metric=metric)
    # An interval whose resamples left the metric undefined (one class drawn, for roc_auc) is left out.
    cis = {name: ci for name, ci in cis.items() if np.isfinite([ci.low, ci.high]).all()}
    result.intervals = {name: [round(ci.low, 6), round(ci.high, 6)] for name, ci in cis.items()}
    record = {"run_id": job.run_id, "model_run_id": spec.run_id, "lineage": lineage, "opened_at": opened_at,
              "reevaluation": result.reevaluation, "test_rows": len(test), "headline": metric,
              "confidence": spec.confidence, "dataset_version": table.version,
              "test_split_hash": prepared.splits.hashes["test"],
              "metrics": {name: {"value": values[name], "low": cis[name].low if name in cis else None,
                                 "high": cis[name].high if name in cis else None} for name in values}}
    verdicts = [*prepared.verdicts, sealed]
    mismatch = data_verdict(preprocessing.fitted_on, table.version)
    if mismatch:
        verdicts.append(mismatch)

    job.progress(3, STEPS, "classes, calibration and slices")
    if table.task == "classification":
        verdicts += _classification_details(y, mine, table.class_names, result, record, job)
    all_slices = [SliceReport(feature=feature, slice=label, rows=len(rows),
                              value=round(metrics_of(table.task, y, mine, rows, num_classes)[metric], 6))
                  for feature, label, rows in feature_bins(test.X, table.feature_names, spec.slice_features,
                                                           spec.n_bins)]
    result.slices = all_slices[:MAX_SLICES_LISTED]
    record["slices"] = [{"slice": f"{s.feature} in {s.slice}", "rows": s.rows, "value": s.value} for s in all_slices]
    weak = slice_verdict(metric, values[metric], all_slices, result.per_class)
    if weak:
        verdicts.append(weak)

    job.progress(4, STEPS, "baselines and comparisons")
    if spec.baselines:
        train = prepared.splits.train
        found = baseline_answers(table.task, np.asarray(train.X)[:, columns], np.asarray(train.y),
                                 np.asarray(test.X)[:, columns], preprocessing, num_classes, spec.seed)
        result.comparisons = [_compare(spec, table.task, metric, y, mine, answers, name)
                              for name, answers in found.items()]
        record["baselines"] = {c.against: c.value for c in result.comparisons}
        verdicts.append(baseline_verdict(metric, values[metric], result.comparisons))
    if other is not None:
        comparison = _compare(spec, table.task, metric, y, mine, _answers_of(other, spec, prepared, table, job),
                              spec.compare_run_id)
        result.comparisons.append(comparison)
        verdicts.append(comparison_verdict(metric, comparison))
    record["comparisons"] = [c.model_dump() for c in result.comparisons]

    if spec.cv_folds is not None:
        job.progress(5, STEPS, f"cross-validating over {spec.cv_folds} folds")
        result.cross_validation = _cross_validate(spec, experiment, prepared, job, metric)
        record["cross_validation"] = result.cross_validation.model_dump()

    if spec.robustness is not None:
        job.progress(5, STEPS, "adversarial robustness")
        rows, clean = measure_robustness(loaded, preprocessing.transform(np.asarray(test.X)[:, columns]), y,
                                         spec.robustness, resamples=spec.bootstrap_resamples,
                                         confidence=spec.confidence, seed=spec.seed)
        result.robustness = rows
        record["robustness"] = [r.model_dump() for r in rows]
        verdicts.append(robustness_verdict(rows, clean, spec.robustness.max_drop))

    result.verdicts = verdicts
    result.metrics = {f"test_{name}": round(value, 6) for name, value in values.items()}
    result.metrics.update({k: v for k, v in record.get("calibration", {}).items() if k == "ece"})
    if result.cross_validation is not None:
        result.metrics.update(cv_mean=result.cross_validation.mean, cv_std=result.cross_validation.std)
    job.add_artifact(EVALUATION_FILE, "report", json.dumps(record, indent=1))
    result.summary = _summary(spec, result, values[metric], cis[metric], imbalanced)
    result.artifacts = list(job.artifacts)
    result.provenance = Provenance(
        **prepared.provenance_fields(), seeds={"evaluate": spec.seed, **prepared.seeds},
        packages={name: metadata.version(name) for name in PACKAGES}, device="cpu",
        wall_time_s=round(time.perf_counter() - started, 3))
    job.progress(STEPS, STEPS, "done")
    return result


def _prepare(spec: EvaluateModelSpec, loaded: LoadedModel, job: JobContext) -> tuple[PreparedData, str]:
    if spec.data is not None:
        return prepare_data(spec.data, job, field="data"), "data"
    fitted = (loaded.preprocessing.fitted_on.get("data") if loaded.preprocessing else None)
    if not fitted:
        raise SpecError("data", f"run {spec.run_id} does not record the data it was trained on",
                        "a data spec (the data whose sealed test split should be opened)")
    return prepare_data(DataSpec.model_validate(fitted), job, field="run_id"), "run_id"


def _check_same_split(fitted_on: dict, prepared: PreparedData, field: str) -> None:
    """Another split of the data the model was trained on would put its training rows in the test split."""
    same_data = fitted_on.get("dataset_version") == prepared.table.version
    if same_data and fitted_on.get("train_split_hash") not in (None, prepared.splits.hashes["train"]):
        raise SpecError(f"{field}.split" if field == "data" else field,
                        "the run was trained on another split of this dataset: this test split would hold rows "
                        "the model trained on",
                        "the split the run was trained on (leave data out), or retrain on the new split first")


def _classification_details(y: np.ndarray, mine: Answers, class_names: list[str], result: EvaluateModelResult,
                            record: dict, job: JobContext) -> list:
    n = len(class_names)
    matrix = confusion_matrix(y, mine.predictions, n)
    report = per_class(y, mine.predictions, n)
    rows = [ClassReport(name=name, precision=round(float(report["precision"][k]), 4),
                        recall=round(float(report["recall"][k]), 4), f1=round(float(report["f1"][k]), 4),
                        support=int(report["support"][k])) for k, name in enumerate(class_names)]
    result.per_class = rows[:MAX_CLASSES_LISTED]
    result.confusion_matrix = matrix.tolist() if n <= MAX_MATRIX_CLASSES else None
    calibration = reliability(y, mine.probabilities)
    record.update(confusion_matrix=matrix.tolist(), class_names=class_names, calibration=calibration,
                  per_class=[r.model_dump() for r in rows])
    job.add_artifact("confusion_matrix.png", "plot", plots.confusion_png(matrix, class_names))
    job.add_artifact("reliability.png", "plot", plots.reliability_png(calibration["bins"], calibration["ece"]))
    return [calibration_verdict(calibration["ece"])]


def _compare(spec: EvaluateModelSpec, task: str, metric: str, y: np.ndarray, mine: Answers, other: Answers,
             against: str) -> Comparison:
    return compare(task, metric, y, mine, other, against, resamples=spec.bootstrap_resamples,
                   confidence=spec.confidence, seed=spec.seed)


def _other_run(spec: EvaluateModelSpec, prepared: PreparedData, job: JobContext) -> LoadedModel:
    table = prepared.table
    other = load_run(spec.compare_run_id, job, "compare_run_id")
    if other.task != table.task:
        raise SpecError("compare_run_id", f"run {spec.compare_run_id} does {other.task}, this data {table.task}",
                        "a run trained for the same task on the same data")
    preprocessing = other.preprocessing or identity_preprocessing(other, table.feature_names)
    preprocessing.column_order(table.feature_names, "compare_run_id")
    _check_same_split(preprocessing.fitted_on, prepared, "compare_run_id")
    return other


def _answers_of(other: LoadedModel, spec: EvaluateModelSpec, prepared: PreparedData, table, job: JobContext
                ) -> Answers:
    """The compared run's answers on the same test rows; its look is recorded in the ledger too."""
    preprocessing = other.preprocessing or identity_preprocessing(other, table.feature_names)
    columns = preprocessing.column_order(table.feature_names, "compare_run_id")
    test, _ = prepared.splits.open_test(job, lineage=lineage_of(spec.compare_run_id, job.workspace),
                                        purpose=f"compared with run {spec.run_id} by evaluate_model")
    return answer(other, preprocessing, test.X, columns)


def _recorded_experiment(spec: EvaluateModelSpec, job: JobContext):
    from ml_expert.tools.train.spec import ExperimentSpec

    run_dir = job.workspace / "runs" / spec.run_id
    recorded = next((run_dir / name for name in RECORDED_EXPERIMENTS if (run_dir / name).is_file()), None)
    if recorded is None:
        raise SpecError("cv_folds", f"run {spec.run_id} records no experiment to retrain on folds",
                        "a run from train_model or tune_hyperparams, or cv_folds=null")
    return ExperimentSpec.model_validate(json.loads(recorded.read_text())["experiment"])


def _cross_validate(spec: EvaluateModelSpec, experiment, prepared: PreparedData, job: JobContext, metric: str,
                    ) -> CrossValidation:
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.tune.objective import cv_folds, quiet_job

    quiet = quiet_job(job)
    scores = [fit(experiment, quiet, prepared=prepared, rows=rows, seed=spec.seed, epoch_train_metric=False,
                  field="cv_folds").val_metrics[metric]
              for rows in cv_folds(prepared, spec.cv_folds, spec.seed)]
    return CrossValidation(folds=[round(s, 6) for s in scores], mean=round(float(np.mean(scores)), 6),
                           std=round(float(np.std(scores, ddof=1)), 6))


def _summary(spec: EvaluateModelSpec, result: EvaluateModelResult, value: float, ci, imbalanced: bool) -> str:
    first = (f"Run {spec.run_id} on the sealed test split ({result.test_rows} rows): {result.metric} {value:.4f} "
             f"({spec.confidence:.0%} CI {ci.low:.4f}–{ci.high:.4f})"
             + (", balanced accuracy because the classes are imbalanced" if imbalanced else "")
             + (" — a deliberate re-evaluation, so the score is optimistic." if result.reevaluation else "."))
    baselines = [c for c in result.comparisons if c.against != spec.compare_run_id]
    second = ""
    if baselines:
        best = max(baselines, key=lambda c: c.value)
        word = {"better": "beats", "worse": "loses to", "not_significant": "is not significantly different from"}
        second = f" It {word[best.verdict]} the best baseline, {best.against} ({best.value:.4f}, {p_text(best.p_value)})."
    third = " Recorded in the test-split ledger; next: profile_inference or export_model."
    return first + second + third
