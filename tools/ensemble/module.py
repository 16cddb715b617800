"""The ensemble as one torch module, rebuilt from this file alone: build_ensemble copies it into the
run folder as its model code, so evaluate_model, profile_inference and export_model load it as any
code-mode run. Inputs are rows in the data's units; each member's standardisation is a buffer, so
exports carry it. Classification answers logits (log of the combined probabilities, or the
meta-learner's logits); regression answers values in the data's units.
"""

from __future__ import annotations

import torch
from torch import nn

from ml_expert.tools.models.registry import get_family


class Ensemble(nn.Module):
    def __init__(self, members: list[dict], task: str, method: str, num_outputs: int):
        super().__init__()
        self.task, self.method = task, method
        self.members = nn.ModuleList(get_family(m["family"]).build(m["hyperparameters"]) for m in members)
        self.shapes = [tuple(m["input_shape"]) for m in members]
        for i, m in enumerate(members):  # a member reads its own columns of the ensemble's rows
            self.register_buffer(f"columns{i}", torch.tensor(m["columns"], dtype=torch.long))
            self.register_buffer(f"x_mean{i}", torch.zeros(len(m["columns"])))
            self.register_buffer(f"x_std{i}", torch.ones(len(m["columns"])))
            self.register_buffer(f"y_mean{i}", torch.zeros(num_outputs))
            self.register_buffer(f"y_std{i}", torch.ones(num_outputs))
        # The stacking meta-learner; not named "meta", which torch.export's graph nodes use themselves.
        self.combiner = nn.Linear(len(members) * num_outputs, num_outputs) if method == "stack" else None

    def member_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Each member's probabilities (classification) or values in the data's units (regression)."""
        x = x.flatten(1)
        found = []
        for i, member in enumerate(self.members):
            scaled = (x[:, getattr(self, f"columns{i}")] - getattr(self, f"x_mean{i}")) / getattr(self, f"x_std{i}")
            out = member(scaled.reshape(-1, *self.shapes[i]))
            found.append(torch.softmax(out, dim=1) if self.task == "classification"
                         else out * getattr(self, f"y_std{i}") + getattr(self, f"y_mean{i}"))
        return found

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = self.member_outputs(x)
        if self.combiner is not None:
            return self.combiner(torch.cat(outs, dim=1))
        mean = torch.stack(outs).mean(dim=0)
        if self.task != "classification":
            return mean
        if self.method == "vote":  # vote shares; the mean probability only breaks ties
            votes = torch.stack([nn.functional.one_hot(o.argmax(dim=1), o.shape[1]) for o in outs]).float().mean(0)
            return torch.log(votes + 1e-3 * mean)
        return torch.log(mean.clamp_min(1e-12))


def ensemble(members: list[dict], task: str, method: str, num_outputs: int) -> Ensemble:
    return Ensemble(members, task, method, num_outputs)
