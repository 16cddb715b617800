"""What an agent may say about a training run. Pydantic only: the server imports this for schemas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.models.spec import ModelRef


class TrainingConfig(BaseModel):
    """How to train: optimizer, schedule, batches, loss, precision. Defaults train a small model well."""

    model_config = ConfigDict(extra="forbid")

    optimizer: Literal["sgd", "adam", "adamw", "rmsprop"] = Field(default="adamw", description="Default adamw.")
    lr: float = Field(default=1e-3, gt=0.0, le=100.0, description="Peak learning rate (after warmup).")
    momentum: float = Field(default=0.9, ge=0.0, lt=1.0,
                            description="SGD/RMSprop momentum; for adam/adamw it is beta1.")
    weight_decay: float = Field(default=0.0, ge=0.0, le=10.0,
                                description="L2 penalty (sgd, adam, rmsprop) or decoupled decay (adamw).")
    schedule: Literal["constant", "cosine", "step", "warmup_cosine", "onecycle"] = Field(
        default="constant", description="constant; cosine decay to 0; step (x0.1 at 50% and 75% of the steps); "
                                        "warmup_cosine (linear warmup over warmup_steps, then cosine); onecycle.")
    warmup_steps: int = Field(default=0, ge=0, le=1_000_000, description="Used by warmup_cosine.")
    batch_size: int = Field(default=64, ge=1, le=1_000_000, description="Rows per optimizer step.")
    epochs: int = Field(default=20, ge=1, le=100_000, description="Passes over the training rows.")
    max_steps: int | None = Field(default=None, ge=1, le=10_000_000,
                                  description="Stop after this many optimizer steps even if epochs remain.")
    loss: Literal["auto", "cross_entropy", "mse", "bce"] = Field(
        default="auto", description="auto: cross_entropy for classification, mse for regression. mse on a "
                                    "classification task compares outputs with one-hot targets; bce treats every "
                                    "output as an independent logit against one-hot targets.")
    label_smoothing: float = Field(default=0.0, ge=0.0, lt=1.0, description="cross_entropy only.")
    grad_clip: float | None = Field(default=None, gt=0.0, description="Clip the global gradient norm to this.")
    precision: Literal["fp32", "bf16", "fp16"] = Field(default="fp32", description="bf16: autocast in bfloat16 "
                                                                                   "(CPU or CUDA); fp16: CUDA, "
                                                                                   "with a GradScaler.")
    checkpointing: bool = Field(default=False, description="Activation checkpointing: recompute sqrt(n)-layer "
                                                           "segments of the model's Sequential in backward.")
    memory_limit_gb: float | None = Field(default=None, gt=0.0, description="Refuse a step estimated above "
                                                                             "this (default: free memory).")
    class_weights: Literal["none", "balanced"] = Field(
        default="none", description="balanced: weight the loss by inverse class frequency in the training rows.")
    shuffle: bool = Field(default=True, description="Reshuffle training rows every epoch.")
    normalize_inputs: bool = Field(default=True, description="Standardise features with the TRAINING rows' mean "
                                                             "and standard deviation (never validation's).")
    log_skewed: bool = Field(default=False, description="log1p heavily skewed non-negative feature columns "
                                                         "(skewness > 2 in the training rows).")
    normalize_targets: bool = Field(default=True, description="Regression: standardise targets with the training "
                                                              "rows' statistics while training; predictions and "
                                                              "metrics are reported in the original units.")
    device: Literal["auto", "cpu", "cuda"] = Field(default="auto", description="auto: CUDA when available.")


class ExperimentSpec(BaseModel):
    """A model, the data it learns from and how it is trained.

    A built-in or code model may leave out ``input``/``output`` and ``data``: its shapes and
    classes come from the experiment's ``data``.
    """

    model_config = ConfigDict(extra="forbid")

    model: ModelRef = Field(description="Built-in family spec, code factory 'file.py:factory', or a run_id.")
    data: DataSpec = Field(description="The dataset and its split; training sees train and validation only.")
    training: TrainingConfig = Field(default_factory=TrainingConfig)

    @model_validator(mode="before")
    @classmethod
    def _model_shapes_from_data(cls, raw: Any) -> Any:
        return model_shapes_from_data(raw)


def model_shapes_from_data(raw: Any) -> Any:
    """A model reference must describe its I/O; beside a ``data`` field, that data does."""
    if isinstance(raw, dict) and isinstance(raw.get("model"), dict) and raw.get("data") is not None:
        model = raw["model"]
        if model.get("kind") in ("builtin", "code") and model.get("input") is None and model.get("data") is None:
            raw = {**raw, "model": {**model, "data": raw["data"]}}
    return raw
