"""diagnose_training: spec and result. Pydantic only: the server imports this for JSON schemas.

Diagnosis vocabulary (``Diagnosis.label``):

| label | what it means | typical fix |
|---|---|---|
| lr_too_high | loss diverges, turns NaN or spikes; update/weight ratio far above 1e-3 | lower lr (to about 1e-3/ratio x lr) or clip gradients |
| lr_too_low | loss barely moves; update/weight ratio far below 1e-3 | raise lr |
| bad_update_ratio | some layer groups update 100x+ faster or slower than the rest | fix their init scale or per-group lr |
| oscillation | validation metric swings up and down by 3+ points in many epochs | lower lr, add a decaying schedule |
| plateau | loss stopped improving early at a high level | lr schedule (cosine / warmup), reduce lr on plateau |
| underfitting | train metric stays low and close to validation: capacity or training too small | bigger model, longer training |
| overfitting | train-val gap over 5 points, or val loss rising while train loss falls | regularise (weight decay, dropout), early stopping, more data |
| vanishing_gradients | first-layer gradients 1000x smaller than last-layer ones | ReLU-family activations, normalisation, residuals |
| exploding_gradients | gradient norms grow layer over layer (first/last > 70) or turn inf | fix init scale, clip gradients, normalisation |
| dying_relu | most ReLU units output 0 for every input | zero the biases, LeakyReLU, lower lr |
| saturated_activations | tanh/sigmoid pre-activations mostly beyond +-5 | smaller init (Xavier/Kaiming), normalisation |
| bad_init_loss | loss at step 0 far from ln(C) (classification) | shrink the output layer's init, zero its bias |
| unnormalized_inputs | input features far outside [-1, 1] or scales differ by 100x | standardise with training statistics |
| missing_zero_grad | gradients accumulate: zero_grad() is never called | call optimizer.zero_grad() before backward() |
| frozen_parameters | trainable-looking layers have requires_grad=False and never change | set requires_grad=True (or freeze on purpose only after loading weights) |
| params_missing_from_optimizer | parameters get gradients but the optimizer does not hold them | build the optimizer from model.parameters() after the model is final |
| softmax_into_cross_entropy | cross-entropy receives probabilities, not logits | return raw logits; cross_entropy applies log-softmax |
| regression_loss_on_classes | an MSE/L1 loss is fitted to class indices | cross-entropy on logits, one output per class |
| eval_mode_in_training | gradient-enabled forwards run with dropout/batch-norm in eval mode | call model.train() at the start of every epoch |
| train_mode_in_validation | no-grad (validation) forwards run with dropout/batch-norm in train mode | call model.eval() before validating |
| unshuffled_sorted_data | batches hold one class at a time: data sorted by label, not shuffled | shuffle the training rows every epoch |
| labels_no_signal | the model memorises a batch, yet nothing beats chance: labels detached from inputs | check that inputs and labels are shuffled together |
| train_val_overlap | rows shared between training and validation | deduplicate, split by hash before augmenting |
| label_leak_feature | one feature alone predicts the target almost perfectly | drop the feature (it copies the label) |
| class_imbalance_hidden | accuracy looks fine while balanced accuracy is far lower | class weights / resampling; report balanced accuracy |
| train_val_drift | validation inputs come from a different distribution than training | re-split at random, or adapt / re-weight |
| preprocessing_mismatch | validation inputs are scaled differently from training inputs | apply the same fitted transform to every split |
| script_crashed | the script raised, exited non-zero or was killed, for a reason no other label names | fix the error at the line named in `where` |
| optimizer_step_missing | backward() runs far more often than optimizer.step() (or step is never called): gradients are thrown away | call optimizer.step() once per batch, right after loss.backward() |
| lr_schedule_collapse | the learning rate the scheduler sets falls to a tiny share of its peak early in the run | step the scheduler per epoch (or size T_max / step_size to the run), or drop it |
| no_gradient_flow | parameters the optimizer holds and that require grad never receive a gradient: the graph is cut | remove the detach() / .data / numpy round trip / no_grad inside forward |
| weight_decay_too_high | weight decay shrinks the weights faster than the loss can grow them | lower weight_decay to about 1e-4 (SGD/Adam) or 0.01 (AdamW) |
| momentum_misconfigured | SGD momentum or Adam betas outside the range that trains stably (momentum >= 0.98, beta2 < 0.9) | momentum 0.9, betas (0.9, 0.999) |
| wrong_loss_reduction | the loss is summed where a mean was meant, or normalised over the batch axis | reduction="mean" (or divide by the batch), log_softmax(dim=1) |
| loss_shape_broadcast | prediction and target shapes broadcast inside the loss ((N, 1) against (N,)) | give both the same shape (squeeze the output or unsqueeze the target) |
| output_activation_mismatch | the output activation cannot reach the targets (ReLU on signed targets, sigmoid before a with-logits loss, raw outputs into BCELoss) | match the output layer to the loss: raw logits with BCEWithLogitsLoss, no ReLU on a regression output |
| unscaled_regression_target | regression targets on a huge raw scale: the loss and its gradients are huge | standardise the targets with the training mean and std, and invert for predictions |
| batchnorm_batch_of_one | batch-norm in training mode gets batches of one row: its statistics are undefined | drop_last=True, a larger batch, or GroupNorm/LayerNorm |
| stopped_too_early | the script ended while the loss was still falling steeply | train for more epochs (until the validation loss flattens) |
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ml_expert.tools.diagnose.trace import ScriptWarning
from ml_expert.tools.envelope import EvidenceValue, ToolResult
from ml_expert.tools.spec import ToolSpec
from ml_expert.tools.train.spec import ExperimentSpec

DiagnosisLabel = Literal[
    "lr_too_high", "lr_too_low", "bad_update_ratio", "oscillation", "plateau", "underfitting", "overfitting",
    "vanishing_gradients", "exploding_gradients", "dying_relu", "saturated_activations", "bad_init_loss",
    "unnormalized_inputs", "missing_zero_grad", "frozen_parameters", "params_missing_from_optimizer",
    "softmax_into_cross_entropy", "regression_loss_on_classes", "eval_mode_in_training", "train_mode_in_validation",
    "unshuffled_sorted_data", "labels_no_signal", "train_val_overlap", "label_leak_feature",
    "class_imbalance_hidden", "train_val_drift", "preprocessing_mismatch", "script_crashed",
    "optimizer_step_missing", "lr_schedule_collapse", "no_gradient_flow", "weight_decay_too_high",
    "momentum_misconfigured", "wrong_loss_reduction", "loss_shape_broadcast", "output_activation_mismatch",
    "unscaled_regression_target", "batchnorm_batch_of_one", "stopped_too_early",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExperimentMode(_Strict):
    """Train a model (built-in, run or code) on a data spec with probes, then prove the top fix."""

    kind: Literal["experiment"] = Field(default="experiment", description="Selects experiment mode.")
    experiment: ExperimentSpec = Field(description="Model, data and training config to diagnose.")
    max_steps: int = Field(default=1500, ge=10, le=200_000,
                           description="Budget: optimizer steps per run (the fix is re-run on the same budget).")
    prove_fix: bool = Field(default=True, description="Re-run with the top fix applied and compare.")


class ScriptMode(_Strict):
    """Run the user's own training script, unmodified, under global probes."""

    kind: Literal["script"] = Field(default="script", description="Selects script mode.")
    script: str = Field(description="Path of the training script (.py) under the server's roots.")
    args: list[str] = Field(default_factory=list, description="Command-line arguments for the script.")
    max_steps: int = Field(default=20_000, ge=5, le=100_000,
                           description="Stop the script after this many optimizer steps (the default lets a "
                                       "typical small script run to its end; probes sample the steps that run).")
    time_budget_s: float = Field(default=60.0, gt=0, le=3600, description="Stop the script after this long.")
    prove_fix: bool = Field(default=True, description="When the top fix is a run-time setting (lr, weight decay, "
                                                      "momentum/betas, scheduler, zero_grad, train/eval mode, input "
                                                      "standardisation), re-run the script with it applied through "
                                                      "the probes and compare.")


class HistoryMode(_Strict):
    """Read curves only: a CSV or JSON log of per-step/epoch metrics, or a wandb offline run folder."""

    kind: Literal["history"] = Field(default="history", description="Selects history mode.")
    path: str = Field(description="CSV, JSON / JSON-lines file, or a wandb offline run folder "
                                  "(wandb/offline-run-*) under the server's roots.")
    task: Literal["classification", "regression"] | None = Field(
        default=None, description="Helps read metric columns; default: guessed from column names.")
    num_classes: int | None = Field(default=None, ge=2, description="Lets the tool judge the loss against ln(C).")


Mode = Annotated[ExperimentMode | ScriptMode | HistoryMode, Field(discriminator="kind")]


class DiagnoseTrainingSpec(ToolSpec):
    """Find what is wrong with a training run, with evidence; in experiment mode, prove the fix."""

    mode: Mode = Field(description="experiment (the tool trains), script (your script under probes) or history "
                                   "(curves only).")


class Diagnosis(BaseModel):
    """One finding: what is wrong, how sure, the numbers behind it, where, and the fix."""

    label: DiagnosisLabel = Field(description="From the vocabulary in the tool's description.")
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the rule is, 0-1.")
    severity: Literal["critical", "major", "minor"] = Field(
        description="critical: training cannot work; major: results are wrong or much worse; minor: costs quality.")
    message: str = Field(description="One sentence an agent can quote.")
    evidence: dict[str, EvidenceValue] = Field(default_factory=dict)
    where: str | None = Field(default=None, description="Layer group, or file:line in the user's script.")
    fix: str = Field(description="A concrete fix.")
    patch: dict[str, EvidenceValue] = Field(
        default_factory=dict, description="The fix as experiment overrides (dotted names), when it is one.")


class RuleFailure(BaseModel):
    """A rule that raised on this trace: its finding is missing, every other one stands."""

    rule: str
    error: str


class ProofRun(BaseModel):
    """One run of the proof pair."""

    val_metric: float | None = None
    val_loss: float | None = None
    train_metric: float | None = None
    symptom_present: bool = False
    stopped_reason: str | None = None


class Proof(BaseModel):
    """The top fix applied and the run repeated on the same budget and seed."""

    label: str = Field(description="The diagnosis whose fix was applied.")
    applied: dict[str, EvidenceValue] = Field(default_factory=dict, description="What changed.")
    metric: str = Field(default="accuracy", description="The validation metric compared (higher is better).")
    before: ProofRun = Field(default_factory=ProofRun)
    after: ProofRun = Field(default_factory=ProofRun)
    change: float | None = Field(default=None, description="after - before on the validation metric.")
    change_ci: list[float] | None = Field(default=None, description="95% paired bootstrap interval of the change.")
    fixed: bool = Field(default=False, description="Symptom gone and the metric not significantly worse (the "
                                                   "interval reaches 0 or above), or the symptom gone where the "
                                                   "metric was inflated (leak, overlap).")
    improved: bool = Field(default=False, description="The whole interval of the change lies above 0.")
    note: str = ""


class DiagnoseTrainingResult(ToolResult):
    """What is wrong with the run, ranked; the proof of the top fix; curves and plots as artifacts."""

    mode: Literal["experiment", "script", "history"] | None = None
    healthy: bool | None = Field(default=None, description="True when no fault was found.")
    diagnoses: list[Diagnosis] = Field(default_factory=list, description="Most likely root cause first.")
    proof: Proof | None = Field(default=None, description="Before/after of the top fix (experiment mode, and script "
                                                          "mode when the fix is a run-time setting).")
    proof_skipped: str | None = Field(default=None, description="Why no proof was run, when it was not.")
    steps_observed: int = Field(default=0, description="Optimizer steps (or history rows) the diagnosis saw.")
    script_output_tail: str | None = Field(default=None, description="Script mode: the last lines the script "
                                                                     "printed (stdout and stderr).")
    script_exit: str | None = Field(default=None, description="Script mode: how the script ended (budget, "
                                                              "finished, error ...).")
    script_warnings: list[ScriptWarning] = Field(default_factory=list, description="Script mode: warnings raised "
                                                 "while the script ran, each with the user's file:line.")
    rule_failures: list[RuleFailure] = Field(default_factory=list, description="Rules that raised on this run "
                                             "(a tool bug): their findings are missing, the others stand.")
