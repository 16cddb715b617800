"""The measurement trace every mode produces, and every rule reads.

Experiment mode fills it from trainer callbacks, script mode from global hooks in a child
process (which writes it as JSON), history mode from logged curves only. A rule must cope
with missing parts: history traces have curves and nothing else. Pydantic only: the script
runner writes it, the parent reads it back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _TraceModel(BaseModel):
    # NaN and inf are facts here (a loss that blew up): trace.json writes them as "NaN" / "Infinity" strings,
    # which read back as floats, where JSON's null would not.
    model_config = ConfigDict(ser_json_inf_nan="strings")


class GroupStep(_TraceModel):
    """One layer group (a module's own parameters) at one sampled step."""

    grad_norm: float | None = None  # None: no gradient reached it
    grad_rms: float | None = None  # grad_norm / sqrt(numel): comparable across layer sizes
    weight_rms: float | None = None  # before the step
    update_ratio: float | None = None  # ||w_after - w_before|| / ||w_before|| over this step


class ActivationStep(_TraceModel):
    """One activation module's outputs at one sampled step."""

    kind: Literal["relu", "tanh", "sigmoid"]
    zero_fraction: float = 0.0  # outputs <= 0 (relu)
    dead_unit_fraction: float = 0.0  # units not positive for any row of the batch (relu)
    saturated_fraction: float = 0.0  # tanh/sigmoid inputs beyond +-5 (read from the outputs)


class Sample(_TraceModel):
    """The expensive probes, taken on a sample of steps (the first few, then spread out)."""

    step: int
    groups: dict[str, GroupStep] = Field(default_factory=dict)
    activations: dict[str, ActivationStep] = Field(default_factory=dict)
    batch_majority_fraction: float | None = None  # share of the batch's most common label
    loss_input_probabilities: bool | None = None  # the classification loss got probabilities, not logits


class LayerGroup(_TraceModel):
    name: str
    kind: str = ""  # the module's class name, e.g. Linear
    n_params: int
    trainable: bool  # requires_grad
    in_optimizer: bool = True
    got_grad: bool = False
    params_without_grad: int = 0  # in a group that got a gradient: trainable, held parameters that never did
    changed: bool | None = None  # weights differ between the start and the end of the run


class EpochRow(_TraceModel):
    epoch: int
    step: int | None = None
    train_loss: float | None = None
    val_loss: float | None = None
    train_metric: float | None = None
    val_metric: float | None = None
    train_metric_rows: int | None = None  # rows the train metric was scored on (script mode samples batches)
    val_metric_rows: int | None = None  # rows the validation metric was scored on


class InputStats(_TraceModel):
    """Inputs as the model's first layer saw them (flattened features)."""

    rows: int = 0
    p90_abs: float | None = None  # 90th percentile of |x|
    median_feature_std: float | None = None
    max_feature_std_ratio: float | None = None  # largest / smallest std over non-constant features
    median_abs_feature_mean: float | None = None


class DataFacts(_TraceModel):
    n_train: int | None = None
    n_val: int | None = None
    class_counts: dict[str, int] | None = None  # training rows per class
    train_inputs: InputStats | None = None
    val_inputs: InputStats | None = None
    first_layer_inputs: InputStats | None = None  # what the first weight layer receives (sampled training steps)
    val_shift_sd: float | None = None  # median |mean_val - mean_train| / std_train over features
    val_std_log_ratio: float | None = None  # median |log(std_val / std_train)| over features
    val_in_train_fraction: float | None = None  # validation rows also used for training
    leak_feature: str | None = None
    leak_score: float | None = None
    leak_suspect: bool = False
    drift_auc: float | None = None
    drift_status: str | None = None  # the audit's drift verdict: pass / warn / fail
    train_rows_fresh: bool = False  # training rows never repeat while validation rows do: augmented when drawn
    signal_score: float | None = None  # simple models' cross-validated balanced accuracy (or r2), training rows
    chance_score: float | None = None  # 1 / classes (balanced accuracy) or 0 (r2)
    simple_model_score: float | None = None  # the same models' accuracy (or r2): a floor for the network
    signal_rows: int | None = None
    overfit_batch_fraction: float | None = None  # final / initial loss when memorising one batch
    val_accuracy: float | None = None
    val_balanced_accuracy: float | None = None
    train_accuracy: float | None = None  # latest training batches' predictions, when no validation pass is seen
    train_balanced_accuracy: float | None = None
    # The script's last validation pass scored without a loss, by comparing its predictions with labels
    # (``(model(X).argmax(1) == y)``, ``accuracy_score(y, pred)``, ``r2_score(y, pred)``): the accuracy (or R^2)
    # over the rows it compared.
    val_compared_accuracy: float | None = None
    val_compared_r2: float | None = None
    val_compared_rows: int | None = None


class Wiring(_TraceModel):
    loss_kind: str | None = None  # cross_entropy, nll, mse, l1, bce, ...
    loss_calls_checked: int = 0
    loss_input_probability_calls: int = 0
    integer_targets_with_regression_loss: bool = False
    regression_target_values: int | None = None  # distinct target values seen with a regression loss
    backward_calls: int = 0
    optimizer_steps: int = 0
    zero_grad_calls: int = 0
    stale_grad_backwards: int = 0  # sampled backward() calls that found last step's gradients still there
    mode_layers: bool = False  # the model has dropout or batch-norm, so train/eval mode matters
    grad_forwards: int = 0
    grad_forwards_in_eval: int = 0
    nograd_forwards: int = 0
    nograd_forwards_in_train: int = 0
    train_row_eval_forwards: int = 0  # no-grad forwards over training rows beside a real validation pass
    loss_sum_reduction_calls: int = 0  # loss calls (or hand-written losses) that sum over the batch
    loss_batch: int | None = None  # rows per training loss call
    loss_wrong_axis_calls: int = 0  # log-probabilities / probabilities normalised over the batch axis
    loss_broadcast_calls: int = 0  # prediction and target shapes broadcast to a bigger shape inside the loss
    logits_loss_probability_calls: int = 0  # a with-logits loss received values already squashed into [0, 1]
    bounded_output_calls: int = 0  # the model's output range cannot reach a fifth or more of the targets
    output_range: str | None = None  # nonnegative / unit / symmetric_unit, when bounded_output_calls > 0
    hand_written_loss_backwards: int = 0  # backward() on a loss no nn/functional loss produced
    real_fake_steps: int = 0  # sampled steps whose loss calls had one target value each, two in all (a GAN's)
    first_class_loss: float | None = None  # the first training cross-entropy call's mean value ...
    first_class_loss_classes: int | None = None  # ... and the classes of its logits
    target_std: float | None = None  # regression targets' spread
    target_abs_mean: float | None = None
    bn_batch_of_one_forwards: int = 0  # training forwards of one row through batch-norm in train mode
    scheduler_steps: int = 0
    unreadable_tensors: int = 0  # tensors the probes could not read and skipped (torch.func wrappers ...)


class Crash(_TraceModel):
    """How a script that did not end normally ended: its exception (or exit code / signal) and the user's line."""

    exception: str  # exception type, or "exit code N" / "signal SIGSEGV"
    message: str = ""
    where: str | None = None  # innermost file:line in the user's folder
    exit: str = ""  # how the process ended: "exception", "exit code 3", "signal 11 (SIGSEGV)"


class ScriptWarning(_TraceModel):
    """A warning PyTorch (or anything) raised while the script ran, with the user's line that caused it."""

    category: str
    message: str
    where: str | None = None
    count: int = 1


class Trace(_TraceModel):
    source: Literal["experiment", "script", "history"]
    task: Literal["classification", "regression"] | None = None
    num_classes: int | None = None
    metric_name: str | None = None  # of train_metric / val_metric: accuracy or r2 (higher is better)
    optimizer: str | None = None
    lr: float | None = None
    steps: list[int] = Field(default_factory=list)  # steps with a recorded training loss
    losses: list[float] = Field(default_factory=list)
    lrs: list[float] = Field(default_factory=list)  # the learning rate each recorded step actually used
    epochs: list[EpochRow] = Field(default_factory=list)
    # Script mode: the evaluation after training ended and saved weights were loaded back (a best checkpoint
    # restored): the model the script delivers, kept out of the curves.
    restored: EpochRow | None = None
    samples: list[Sample] = Field(default_factory=list)
    groups: list[LayerGroup] = Field(default_factory=list)  # in forward order where known
    data: DataFacts = Field(default_factory=DataFacts)
    wiring: Wiring = Field(default_factory=Wiring)
    locations: dict[str, str] = Field(default_factory=dict)  # backward, step, optimizer, loss, eval_call ... -> file:line
    stopped_reason: str | None = None
    ended: Literal["finished", "budget", "crashed"] | None = None  # script mode: how the script ended
    crash: Crash | None = None
    warnings: list[ScriptWarning] = Field(default_factory=list)
    config: dict[str, float | int | str | bool | None] = Field(default_factory=dict)

    @property
    def chance_loss(self) -> float | None:
        import math

        return math.log(self.num_classes) if self.task == "classification" and self.num_classes else None
