"""The explicit list of ML tools: name, spec and result models, and the function that runs in a
worker, given as an import string so listing tools never imports torch."""

from __future__ import annotations

from ml_expert.tool_entry import ToolEntry
from ml_expert.tools.architecture.schema import ImplementArchitectureResult, ImplementArchitectureSpec
from ml_expert.tools.audit.schema import AuditDataResult, AuditDataSpec
from ml_expert.tools.diagnose.schema import DiagnoseTrainingResult, DiagnoseTrainingSpec
from ml_expert.tools.profile.schema import ProfileInferenceResult, ProfileInferenceSpec
from ml_expert.tools.train.schema import TrainModelResult, TrainModelSpec
from ml_expert.tools.tune.schema import TuneHyperparamsResult, TuneHyperparamsSpec

CATALOG: list[ToolEntry] = [
    ToolEntry(
        name="audit_data",
        title="Audit a dataset",
        description=(
            "Load a dataset (bundled, synthetic or a file under the server's roots), version it by content "
            "hash, split it deterministically into train/validation/sealed test, and check the splits: rows "
            "shared between splits, class imbalance, features that copy the label, and train/validation drift. "
            "Returns verdicts with evidence and fixes, split sizes and hashes, and a class-balance plot."
        ),
        spec_model=AuditDataSpec,
        result_model=AuditDataResult,
        function="ml_expert.tools.audit.run:audit_data",
    ),
    ToolEntry(
        name="implement_architecture",
        title="Implement an architecture",
        description=(
            "Build a PyTorch model from a built-in family (mlp, cnn, resnet, transformer_encoder, decoder_lm, "
            "lstm, gru) or agent-written code (file.py:factory under the roots), sized to a parameter budget, "
            "and prove it works: output shape, a finite non-zero gradient for every parameter (names those "
            "without), loss at init near ln(C), overfitting one batch, wiring faults (activation after the "
            "output, softmax into cross-entropy). Measures size at fp32/bf16/int8, FLOPs per sample, "
            "activation memory and batch-1 latency; writes a standalone model.py, the config and the initial "
            "checkpoint, and returns a run id that later tools accept as the model."
        ),
        spec_model=ImplementArchitectureSpec,
        result_model=ImplementArchitectureResult,
        function="ml_expert.tools.architecture.run:implement_architecture",
    ),
    ToolEntry(
        name="diagnose_training",
        title="Diagnose training",
        description=(
            "Find what is wrong with a training run, with evidence, and prove the fix. Modes: experiment "
            "(model + data + training config; the tool trains with probes, applies the top fix and re-runs on "
            "the same budget and seed, reporting the change with a bootstrap interval), script (the user's own "
            "training script under the roots, run unmodified under global probes; fixes point at file:line), "
            "history (a CSV/JSON metrics log or a wandb offline run folder). Each diagnosis has a label from a "
            "fixed vocabulary (lr_too_high, vanishing_gradients, missing_zero_grad, train_val_overlap, "
            "overfitting, ...), confidence, severity, evidence numbers, location and fix; healthy runs get none."
        ),
        spec_model=DiagnoseTrainingSpec,
        result_model=DiagnoseTrainingResult,
        function="ml_expert.tools.diagnose.run:diagnose_training",
    ),
    ToolEntry(
        name="profile_inference",
        title="Profile inference",
        description=(
            "Measure a model's inference honestly and find the fastest variant that keeps accuracy. Each "
            "variant (eager, inference mode, torch.compile, bf16 autocast, dynamic int8, channels_last, ONNX "
            "Runtime) runs in a fresh process with pinned threads: p50/p90/p95/p99, IQR, throughput, peak "
            "memory, size, compile time, FLOPs and share of the measured matmul peak, top operators. Checks "
            "parity against fp32 eager (task metric and SQNR) and latency/throughput/size/memory budgets; "
            "answers with the best variant or the nearest miss and what stands in the way."
        ),
        spec_model=ProfileInferenceSpec,
        result_model=ProfileInferenceResult,
        function="ml_expert.tools.profile.run:profile_inference",
    ),
    ToolEntry(
        name="tune_hyperparams",
        title="Tune hyperparameters",
        description=(
            "Search training and architecture settings of a base experiment with Optuna (TPE by default; "
            "random, grid, CMA-ES, GP) with pruning (successive halving by default), trials in parallel worker "
            "processes sharing one resumable study (journal file, or an RDB URL that `ml-expert worker` "
            "processes on other machines can join), optional k-fold CV over train+validation. Answers with the "
            "best parameters and value with an interval, a trial table, importances, plots, the best "
            "configuration retrained as a run later tools accept, a significance verdict against the base "
            "configuration over several seeds, and a narrower search space. The test split stays sealed."
        ),
        spec_model=TuneHyperparamsSpec,
        result_model=TuneHyperparamsResult,
        function="ml_expert.tools.tune.run:tune_hyperparams",
    ),
    ToolEntry(
        name="train_model",
        title="Train a model",
        description=(
            "Train a model (family spec, run id or code) on data: early stopping on validation, best checkpoint "
            "kept with its preprocessing, learning curves, train/validation gap and target verdicts. Returns a "
            "run every later tool accepts. The test split stays sealed."
        ),
        spec_model=TrainModelSpec,
        result_model=TrainModelResult,
        function="ml_expert.tools.train.run:train_model",
    ),
]
