"""Adversarial robustness on the test rows: accuracy under FGSM (Goodfellow et al. 2015) and PGD
(Madry et al. 2018) at L-infinity radii ``epsilon`` in the model's input space (standardised
features, or pixels as the model sees them), and under random sign noise of the same size.

Random signs times epsilon have exactly the L-infinity and L2 norms of FGSM's perturbation, so
the gap between the two is what the gradient's direction adds. PGD starts at a random point of
the ball and takes ``steps`` signed steps of 2.5 epsilon / steps (Madry et al.), projected back.
Each drop from clean accuracy has a paired bootstrap interval over the test rows.
"""

from __future__ import annotations

import numpy as np

from ml_expert.tools.envelope import Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.evaluate.schema import RobustnessRow, RobustnessSpec
from ml_expert.tools.models.load import LoadedModel
from ml_expert.tools.stats.bootstrap import paired_bootstrap_test

ATTACKS = ("fgsm", "pgd", "noise")
CHUNK = 1024


def check_robustness_applies(loaded: LoadedModel) -> None:
    if loaded.task != "classification":
        raise SpecError("robustness", f"the run's model does {loaded.task}; robustness scores accuracy",
                        "a classification run, or robustness=null")
    if loaded.input_kind == "tokens":
        raise SpecError("robustness", "token ids have no continuous input space to perturb",
                        "a run on tabular or image inputs, or robustness=null")


def measure_robustness(loaded: LoadedModel, inputs: np.ndarray, y: np.ndarray, spec: RobustnessSpec, *,
                       resamples: int, confidence: float, seed: int) -> tuple[list[RobustnessRow], float]:
    """Rows per (epsilon, attack) and the clean accuracy; ``inputs`` are model-space rows (n x features)."""
    import torch

    torch.manual_seed(seed)
    module = loaded.module.eval()
    x = torch.as_tensor(np.asarray(inputs, dtype=np.float32)).reshape(len(inputs), *loaded.input_shape)
    target = torch.tensor(np.asarray(y, dtype=np.int64))
    clean = _predict(module, x)
    rows = []
    for epsilon in spec.epsilons:
        perturbed = {"fgsm": _pgd(module, x, target, epsilon, steps=1, random_start=False, step_size=epsilon),
                     "pgd": _pgd(module, x, target, epsilon, steps=spec.pgd_steps, random_start=True,
                                 step_size=2.5 * epsilon / spec.pgd_steps),
                     "noise": x + epsilon * torch.sign(torch.randn_like(x))}
        for attack in ATTACKS:
            predictions = _predict(module, perturbed[attack])
            drop, p_value = paired_bootstrap_test(_accuracy, y, predictions, clean, confidence=confidence,
                                                  n_resamples=resamples, seed=seed)
            rows.append(RobustnessRow(epsilon=epsilon, attack=attack, accuracy=round(_accuracy(y, predictions), 4),
                                      drop=round(drop.estimate, 4), low=round(drop.low, 4), high=round(drop.high, 4)))
    return rows, _accuracy(y, clean)


def _accuracy(y: np.ndarray, predictions: np.ndarray) -> float:
    return float((np.asarray(y) == np.asarray(predictions)).mean())


def _predict(module, x) -> np.ndarray:
    import torch

    with torch.no_grad():
        return torch.cat([module(x[i:i + CHUNK]).argmax(dim=1) for i in range(0, len(x), CHUNK)]).numpy()


def _pgd(module, x, target, epsilon: float, *, steps: int, random_start: bool, step_size: float):
    """L-infinity projected gradient ascent on the cross-entropy; one step from x itself is FGSM."""
    import torch
    import torch.nn.functional as F

    adversarial = x + (torch.empty_like(x).uniform_(-epsilon, epsilon) if random_start else 0.0)
    for _ in range(steps):
        adversarial = adversarial.detach().requires_grad_(True)
        loss = F.cross_entropy(module(adversarial), target)
        (gradient,) = torch.autograd.grad(loss, adversarial)
        adversarial = x + (adversarial + step_size * gradient.sign() - x).clamp(-epsilon, epsilon)
    return adversarial.detach()


def robustness_verdict(rows: list[RobustnessRow], clean: float, max_drop: float) -> Verdict:
    """Fails when the strongest attack's drop exceeds ``max_drop`` at any epsilon asked for."""
    worst = {}
    for row in rows:
        if row.attack != "noise" and row.drop > worst.get(row.epsilon, (-1.0, None))[0]:
            worst[row.epsilon] = (row.drop, row)
    failing = [row for drop, row in worst.values() if drop > max_drop]
    evidence = {"clean_accuracy": round(clean, 4), "max_drop": max_drop,
                **{f"{row.attack}_drop_at_{row.epsilon:g}": row.drop for _, row in worst.values()}}
    if not failing:
        largest = max(worst)
        return Verdict(check="adversarial_robustness", status="pass", evidence=evidence,
                       message=f"Accuracy drops at most {worst[largest][0]:.3f} under attack up to epsilon "
                               f"{largest:g} (limit {max_drop:g}).")
    first = min(failing, key=lambda r: r.epsilon)
    return Verdict(check="adversarial_robustness", status="fail", evidence=evidence,
                   message=f"At epsilon {first.epsilon:g}, {first.attack.upper()} lowers accuracy from {clean:.3f} to "
                           f"{first.accuracy:.3f} (drop {first.drop:.3f} [{first.low:.3f}, {first.high:.3f}]), "
                           f"over the limit {max_drop:g}.",
                   fix="adversarial training (train on PGD examples), stronger weight decay or input smoothing; "
                       "or accept a smaller epsilon as the threat model")
