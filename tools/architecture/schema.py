"""implement_architecture: spec and result. Pydantic only: the server imports this for schemas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.models.spec import ModelRef
from ml_expert.tools.spec import ToolSpec


class Limits(BaseModel):
    """Hard limits; each one given becomes a pass/fail verdict."""

    model_config = ConfigDict(extra="forbid")

    max_params: int | None = Field(default=None, ge=1, description="Most parameters allowed.")
    max_size_mb: float | None = Field(default=None, gt=0, description="Most megabytes of fp32 weights allowed.")
    max_latency_ms: float | None = Field(default=None, gt=0,
                                         description="Slowest batch-1 forward pass allowed (median, on this machine's CPU).")


class ImplementArchitectureSpec(ToolSpec):
    """Build a model (built-in family, agent code, or a saved run), size it, and prove it works."""

    model: ModelRef = Field(
        description="The model. Built-in: {'kind': 'builtin', 'family': 'decoder_lm', 'input': {'kind': 'tokens', "
                    "'vocab_size': 50257, 'seq_len': 256}} (families: mlp, cnn, resnet, transformer_encoder, "
                    "decoder_lm, lstm, gru; every hyperparameter optional; 'data' may replace input/output). "
                    "Code: {'kind': 'code', 'target': 'models/net.py:build', 'kwargs': {...}, 'input': ..., "
                    "'output': ...}. Saved: {'kind': 'run', 'run_id': '...'}.")
    param_budget: int | None = Field(
        default=None, ge=1, le=100_000_000_000,
        description="Target parameter count, e.g. 25000000. Built-in families fit the width (and depth for "
                    "transformers) they were not given; code mode fits `scale_arg`.")
    tolerance: float = Field(default=0.05, gt=0.0, le=1.0,
                             description="Allowed relative distance from param_budget: 0.02 means +-2%.")
    scale_arg: str | None = Field(
        default=None, description="Code mode: the integer factory argument moved to meet param_budget, e.g. 'd_model'.")
    scale_multiple: int = Field(default=1, ge=1, le=4096,
                                description="Code mode: scale_arg moves in multiples of this (e.g. the head count).")
    limits: Limits = Field(default_factory=Limits)
    batch_size: int = Field(default=32, ge=1, le=65_536,
                            description="Training batch size at which activation memory is reported.")
    check_batch_size: int = Field(default=16, ge=2, le=1024,
                                  description="Samples in the batch the forward, gradient and overfit checks use. "
                                              "Token models use 16 positions of each sequence there, language "
                                              "models at most 4 sequences.")
    overfit_steps: int = Field(default=200, ge=1, le=5000,
                               description="Most Adam steps for the overfit-one-batch check (it stops early on success).")
    overfit_lr: float = Field(default=1e-3, gt=0.0, le=1.0, description="Adam learning rate of the overfit check.")
    overfit_target: float = Field(default=0.1, gt=0.0, lt=1.0,
                                  description="The overfit check passes when the loss falls below this fraction "
                                              "of its starting value.")
    measure_latency: bool = Field(default=True, description="Time batch-1 forward passes (about a second; a slow "
                                                            "model gets at least 20 calls, up to 10 s).")
    threads: int | None = Field(default=None, ge=1, description="Intra-op threads for the latency measurement. "
                                                                "Default: the job's thread share. 1 is steadiest "
                                                                "on a busy machine.")

    @model_validator(mode="after")
    def _scale_arg_needs_code_and_budget(self) -> ImplementArchitectureSpec:
        if self.scale_arg is not None and self.model.kind != "code":
            raise ValueError("scale_arg applies to code models; built-in families fit width/depth on their own")
        if self.scale_arg is not None and self.param_budget is None:
            raise ValueError("scale_arg needs param_budget: it names the argument moved to meet the budget")
        return self


class LayerRow(BaseModel):
    name: str = Field(description="Module path; 'blocks.0-11' stands for 12 identical consecutive modules.")
    type: str
    output_shape: list[int] | None = Field(default=None, description="For a batch of one; None for containers "
                                                                     "that are never called themselves.")
    params: int = Field(description="Parameters of one such module, its children included; a tied weight counts "
                                    "in the first module that holds it, so the top-level rows sum to param_count.")
    shared: int = Field(default=0, description="Parameters this module uses that an earlier row already counts "
                                               "(tied weights, e.g. an output layer sharing the embedding).")
    repeat: int = 1


class ImplementArchitectureResult(ToolResult):
    """The model's numbers and the verdicts of its checks; pass `model` to later tools."""

    model: dict[str, Any] = Field(default_factory=dict,
                                  description="Reference to this model for later tools: {'kind': 'run', 'run_id': ...}.")
    family: str | None = Field(default=None, description="Built-in family, or 'code' / 'run'.")
    hyperparameters: dict[str, Any] = Field(
        default_factory=dict, description="Every constructor argument of the built model (built-in), or the factory "
                                          "kwargs with scale_arg resolved (code).")
    fitted: dict[str, int] = Field(default_factory=dict,
                                   description="The knobs budget fitting chose, e.g. {'depth': 5, 'width': 352}.")
    task: Literal["classification", "regression", "language_model"] | None = None
    input_shape: list[int] = Field(default_factory=list, description="One sample, without the batch dimension.")
    num_outputs: int | None = Field(default=None, description="Classes, regression targets, or vocabulary size.")
    param_count: int | None = Field(default=None, description="Distinct parameters (tied weights count once).")
    trainable_param_count: int | None = None
    param_budget: int | None = None
    budget_deviation: float | None = Field(default=None,
                                           description="(param_count - param_budget) / param_budget.")
    sizes_mb: dict[str, float] = Field(default_factory=dict,
                                       description="Weights and buffers at fp32, bf16 and int8 (1 byte a value, "
                                                   "scales ignored), in MB (10^6 bytes).")
    flops_per_sample: int | None = Field(default=None,
                                         description="FLOPs of one forward pass of one sample (multiply-add = 2).")
    attention_flops_per_sample: int | None = None
    activation_memory_mb: float | None = Field(
        default=None, description="Tensors autograd keeps for backward (forward and loss) at batch_size, in MB; "
                                  "weights, gradients and optimizer state not included.")
    activation_batch_size: int | None = None
    latency_ms_batch1: float | None = Field(default=None, description="Median batch-1 forward time, eval mode, CPU.")
    latency_threads: int | None = Field(default=None, description="Intra-op threads latency_ms_batch1 was timed on.")
    latency_samples: int | None = Field(default=None, description="Timed calls behind latency_ms_batch1.")
    layer_table: list[LayerRow] = Field(default_factory=list, description="At most 40 rows; repeats folded.")
    layer_table_note: str = Field(default="", description="What was folded away; the full table is an artifact.")
