"""The explicit list of ML tools: name, spec and result models, and the function that runs in a
worker, given as an import string so listing tools never imports torch."""

from __future__ import annotations

from ml_expert.tool_entry import ToolEntry
from ml_expert.tools.ablate.schema import AblateExperimentResult, AblateExperimentSpec
from ml_expert.tools.architecture.schema import ImplementArchitectureResult, ImplementArchitectureSpec
from ml_expert.tools.audit.schema import AuditDataResult, AuditDataSpec
from ml_expert.tools.diagnose.schema import DiagnoseTrainingResult, DiagnoseTrainingSpec
from ml_expert.tools.drift.schema import CheckDriftResult, CheckDriftSpec
from ml_expert.tools.ensemble.schema import BuildEnsembleResult, BuildEnsembleSpec
from ml_expert.tools.evaluate.schema import EvaluateModelResult, EvaluateModelSpec
from ml_expert.tools.export.schema import ExportModelResult, ExportModelSpec
from ml_expert.tools.profile.schema import ProfileInferenceResult, ProfileInferenceSpec
from ml_expert.tools.train.schema import TrainModelResult, TrainModelSpec
from ml_expert.tools.tune.schema import TuneHyperparamsResult, TuneHyperparamsSpec

CATALOG: list[ToolEntry] = [
    ToolEntry(
        name="audit_data",
        title="Audit a dataset",
        description=(
            "Load, version and split a dataset (bundled, synthetic or a file under the roots) into "
            "train/validation/sealed test; check the splits for shared rows, imbalance, label copies, drift."
        ),
        spec_model=AuditDataSpec,
        result_model=AuditDataResult,
        function="ml_expert.tools.audit.run:audit_data",
    ),
    ToolEntry(
        name="implement_architecture",
        title="Implement an architecture",
        description=(
            "Build a PyTorch model (built-in family or file.py:factory) sized to a parameter budget; prove it "
            "trains (gradients, init loss, one-batch overfit, wiring); measure size, FLOPs, latency."
        ),
        spec_model=ImplementArchitectureSpec,
        result_model=ImplementArchitectureResult,
        function="ml_expert.tools.architecture.run:implement_architecture",
    ),
    ToolEntry(
        name="diagnose_training",
        title="Diagnose training",
        description=(
            "Find what is wrong with training, with evidence, and prove the fix by a re-run: an experiment "
            "trained here with probes, your script unmodified, or a metrics log."
        ),
        spec_model=DiagnoseTrainingSpec,
        result_model=DiagnoseTrainingResult,
        function="ml_expert.tools.diagnose.run:diagnose_training",
    ),
    ToolEntry(
        name="profile_inference",
        title="Profile inference",
        description=(
            "Measure inference per variant (eager, compile, bf16, int8, channels_last, ONNX Runtime) in fresh "
            "processes: latency, throughput, memory, parity, budgets; the fastest that keeps accuracy."
        ),
        spec_model=ProfileInferenceSpec,
        result_model=ProfileInferenceResult,
        function="ml_expert.tools.profile.run:profile_inference",
    ),
    ToolEntry(
        name="tune_hyperparams",
        title="Tune hyperparameters",
        description=(
            "Search a base experiment's settings with Optuna (pruning, parallel workers, resumable study, CV): "
            "best parameters with an interval, importances, the best as a run, significance vs the base."
        ),
        spec_model=TuneHyperparamsSpec,
        result_model=TuneHyperparamsResult,
        function="ml_expert.tools.tune.run:tune_hyperparams",
    ),
    ToolEntry(
        name="train_model",
        title="Train a model",
        description=(
            "Train a model (family spec, run id or code) on data: early stopping, best checkpoint kept with its "
            "preprocessing, learning curves, gap and target verdicts. Returns a run later tools accept; the "
            "test split stays sealed."
        ),
        spec_model=TrainModelSpec,
        result_model=TrainModelResult,
        function="ml_expert.tools.train.run:train_model",
    ),
    ToolEntry(
        name="evaluate_model",
        title="Evaluate on the sealed test split",
        description=(
            "The one look at a run's sealed test split, ledgered (a repeat by the same lineage needs "
            "reevaluate=true and is flagged): metrics with bootstrap CIs, confusion matrix, calibration, slices, "
            "baselines and another run by paired tests, optional CV."
        ),
        spec_model=EvaluateModelSpec,
        result_model=EvaluateModelResult,
        function="ml_expert.tools.evaluate.run:evaluate_model",
    ),
    ToolEntry(
        name="export_model",
        title="Export a model",
        description=(
            "Package an evaluated run for serving: model.pt2 and model.onnx with the preprocessing folded in, "
            "each checked against the checkpoint on validation rows; preprocessing.json; a model card; a drift "
            "reference. Refuses a run never evaluated on the test split unless draft."
        ),
        spec_model=ExportModelSpec,
        result_model=ExportModelResult,
        function="ml_expert.tools.export.run:export_model",
    ),
    ToolEntry(
        name="check_drift",
        title="Check drift",
        description=(
            "Compare a production batch (file under the roots, labels optional) with an exported model's "
            "training data: per-feature tests corrected for multiple testing, a domain-classifier AUC, "
            "prediction drift, performance on labels. Recommends retrain, investigate or fine."
        ),
        spec_model=CheckDriftSpec,
        result_model=CheckDriftResult,
        function="ml_expert.tools.drift.run:check_drift",
    ),
    ToolEntry(
        name="ablate_experiment",
        title="Ablation study",
        description=(
            "Train a base experiment and each ablation (overrides, settings reset, a feature group removed) "
            "over paired seeds on the same splits; rank components by effect with paired-test intervals."
        ),
        spec_model=AblateExperimentSpec,
        result_model=AblateExperimentResult,
        function="ml_expert.tools.ablate.run:ablate_experiment",
    ),
    ToolEntry(
        name="build_ensemble",
        title="Build an ensemble",
        description=(
            "Combine trained runs by averaging, voting or stacking (meta-learner on out-of-fold training rows); "
            "paired test against the best member on validation; saved as a run evaluate/export accept."
        ),
        spec_model=BuildEnsembleSpec,
        result_model=BuildEnsembleResult,
        function="ml_expert.tools.ensemble.run:build_ensemble",
    ),
]
