"""export_model: the package for a trained run (model.pt2, model.onnx, preprocessing.json,
package.json), its model card (README.md) and its drift reference, each file an artifact.

A run that evaluate_model never evaluated is refused unless the spec says draft; then the card
says DRAFT and reports validation numbers only.
"""

from __future__ import annotations

import json
import shutil
import time

import numpy as np

from ml_expert.tools.drift.reference import write_reference
from ml_expert.tools.drift.source import reference_from_run, run_outputs
from ml_expert.tools.envelope import Provenance, Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.export import package
from ml_expert.tools.export.card import CardFacts, model_card, weak_slices
from ml_expert.tools.export.evaluation import find_evaluation
from ml_expert.tools.export.schema import ExportModelResult, ExportModelSpec, Parity
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_run
from ml_expert.tools.preprocess.features import describe
from ml_expert.tools.preprocess.files import PREPROCESSING_FILE

CARD_FILE = "README.md"  # the name the Hugging Face Hub reads a model card from
TRAINING_FILE = "experiment.json"


def export_model(spec: ExportModelSpec, job: JobContext) -> ExportModelResult:
    started = time.perf_counter()
    job.progress(0, 4, "loading the run and checking its evaluation")
    loaded = load_run(spec.run_id, job, "run_id")
    evaluation = find_evaluation(spec.run_id, job)
    if evaluation is None and not spec.draft:
        raise SpecError("run_id", f"run {spec.run_id!r} was never evaluated on the sealed test split",
                        "run evaluate_model on it first, or set draft: true to export a draft (the card says so)")
    job.progress(1, 4, "computing the drift reference on the training split")
    reference, prepared = reference_from_run(loaded, job, "run_id")
    val_X = prepared.splits.val.X[:, loaded.preprocessing.column_order(prepared.table.feature_names, "run_id")]
    job.progress(2, 4, "exporting model.pt2 and model.onnx")
    parities = _export_files(loaded, val_X, job)
    job.progress(3, 4, "writing the package, the card and the drift reference")
    shutil.copyfile(job.workspace / "runs" / spec.run_id / PREPROCESSING_FILE, job.run_dir / PREPROCESSING_FILE)
    job.add_artifact(PREPROCESSING_FILE, "config", job.run_dir / PREPROCESSING_FILE)
    job.add_artifact(package.MANIFEST_FILE, "config", json.dumps(package.manifest(loaded, parities), indent=1))
    for path in write_reference(reference, job.run_dir):
        job.add_artifact(path.name, "data", path)
    facts = _facts(spec, loaded, prepared, reference, parities, evaluation, job)
    job.add_artifact(CARD_FILE, "report", model_card(facts))
    verdicts = _verdicts(parities, evaluation, facts)
    result = ExportModelResult(
        summary=_summary(spec, parities, evaluation, facts), verdicts=verdicts,
        metrics={f"{name}_max_abs_diff": p["max_abs_diff"] for name, p in parities.items()},
        package=[a.name for a in job.artifacts], parity={k: Parity(**v) for k, v in parities.items()},
        draft=evaluation is None, evaluation_run=evaluation["run_id"] if evaluation else None,
        artifacts=list(job.artifacts),
        provenance=Provenance(**prepared.provenance_fields(), seeds={"export": job.seed},
                              wall_time_s=round(time.perf_counter() - started, 3)))
    job.progress(4, 4, "done")
    return result


def _export_files(loaded, val_X: np.ndarray, job: JobContext) -> dict[str, dict]:
    """Write both files, then load each back and compare with the checkpoint on validation rows."""
    import torch

    serving = package.serving_module(loaded)
    n_features = val_X.shape[1]
    try:
        program = package.write_pt2(serving, n_features, job.run_dir)
    except Exception as error:  # torch.export raises many types for code it cannot trace
        raise SpecError("run_id", f"the model cannot be traced by torch.export: {type(error).__name__}: "
                                  f"{str(error)[:300]}",
                        "a model without data-dependent Python control flow in forward (torch.export's rules)",
                        ) from error
    onnx_path = package.write_onnx(program, n_features, job.run_dir)
    expected = run_outputs(loaded, val_X)
    parities = {
        "pt2": package.parity(expected, package.pt2_outputs(torch.export.load(str(job.run_dir / package.PT2_FILE)),
                                                            val_X), loaded.task),
        "onnx": package.parity(expected, package.onnx_outputs(package.onnx_session(onnx_path), val_X), loaded.task)}
    job.add_artifact(package.PT2_FILE, "checkpoint", job.run_dir / package.PT2_FILE)
    job.add_artifact(package.ONNX_FILE, "checkpoint", onnx_path)
    return parities


def _facts(spec, loaded, prepared, reference, parities, evaluation, job: JobContext) -> CardFacts:
    table, audit = prepared.table, prepared.audit
    training_file = job.workspace / "runs" / spec.run_id / TRAINING_FILE
    ranges = {f["name"]: (f["quantiles"]["0.01"], f["quantiles"]["0.99"])
              for f in reference.stats["features"] if f["kind"] == "numeric"}
    return CardFacts(
        run_id=spec.run_id, model={k: v for k, v in loaded.config.items() if k in ("kind", "family", "target",
                                                                                   "hyperparameters")},
        task=loaded.task, feature_names=loaded.preprocessing.feature_names,
        class_names=loaded.preprocessing.class_names, data_source=table.source, dataset_version=table.version,
        split_hashes=prepared.splits.hashes, split_sizes=prepared.splits.sizes,
        audit=[v.model_dump(mode="json") for v in prepared.verdicts],
        class_counts=audit.class_counts.get("train") if audit.class_counts else None, feature_ranges=ranges,
        validation=reference.stats["performance"], parity=parities, evaluation=evaluation,
        intended_use=spec.intended_use,
        training=json.loads(training_file.read_text()) if training_file.is_file() else None,
        encodings=None if loaded.preprocessing.encodings is None else describe(loaded.preprocessing.encodings))


def _verdicts(parities: dict[str, dict], evaluation, facts: CardFacts) -> list[Verdict]:
    verdicts = []
    for name, p in parities.items():
        evidence = {"max_abs_diff": p["max_abs_diff"], "relative_diff": p["relative_diff"],
                    "tolerance": p["tolerance"], "rows": p["rows"]}
        text = f"{name} vs checkpoint on {p['rows']} validation rows: max |diff| {p['max_abs_diff']:.2g}"
        verdicts.append(Verdict(check=f"parity_{name}", status="pass", evidence=evidence,
                                message=f"{text}, within {p['tolerance']:g} of the output scale.")
                        if p["passed"] else
                        Verdict(check=f"parity_{name}", status="fail", evidence=evidence,
                                message=f"{text}: beyond the tolerance {p['tolerance']:g}.",
                                fix="Do not serve this file; profile_inference the run to find the operator that "
                                    "differs, or serve the other format."))
    if evaluation is None:
        verdicts.append(Verdict(check="test_evaluation", status="warn", evidence={"draft": True},
                                message="Draft: the run was never evaluated on the sealed test split.",
                                fix="Run evaluate_model on the run, then export again without draft."))
    else:
        verdicts.append(Verdict(check="test_evaluation", status="pass",
                                evidence={"evaluation_run": evaluation["run_id"], "test_rows": evaluation["test_rows"],
                                          "reevaluation": bool(evaluation.get("reevaluation"))},
                                message=f"The card reports the test evaluation of run {evaluation['run_id']}."))
    weak = weak_slices(evaluation)
    if weak:
        verdicts.append(Verdict(check="weak_slices", status="warn", evidence={"slices": len(weak),
                                                                              "weakest": weak[0]["slice"]},
                                message=f"{len(weak)} slice(s) score well below the overall test score; the card "
                                        "names them under Limitations.",
                                fix="Collect or weight more rows like the weak slices and retrain, or state the "
                                    "restriction in the intended use."))
    return verdicts


def _summary(spec, parities, evaluation, facts: CardFacts) -> str:
    worst = max(p["relative_diff"] for p in parities.values())
    passed = all(p["passed"] for p in parities.values())
    card = ("a DRAFT card (never evaluated on test)" if evaluation is None
            else f"a card with the test evaluation of run {evaluation['run_id']}")
    return (f"Exported run {spec.run_id} as model.pt2 and model.onnx with the preprocessing folded in; parity with "
            f"the checkpoint on {facts.validation['rows']} validation rows "
            f"{'passes' if passed else 'FAILS'} (worst relative difference {worst:.2g}). "
            f"The package holds {card}, preprocessing.json and the drift reference; next, check_drift on each "
            "production batch.")
