"""What a model takes and gives, resolved to numbers: the contract between a model and its checks."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

Task = Literal["classification", "regression", "language_model"]
InputKind = Literal["tabular", "image", "tokens"]


@dataclass(frozen=True)
class ModelIO:
    """One sample's input (shape without the batch) and the output the task expects.

    ``num_outputs`` is the number of classes, of regression targets, or the vocabulary size
    for a language model, whose output is one row of logits per input position.
    """

    task: Task
    input_kind: InputKind
    input_shape: tuple[int, ...]
    vocab_size: int | None
    num_outputs: int

    @property
    def input_dtype(self):
        import torch

        return torch.long if self.input_kind == "tokens" else torch.float32

    def example_input(self, batch_size: int, generator=None):
        """A random batch of the right shape and dtype: token ids, or standard normal values."""
        import torch

        shape = (batch_size, *self.input_shape)
        if self.input_kind == "tokens":
            return torch.randint(0, self.vocab_size, shape, generator=generator)
        return torch.randn(shape, generator=generator)

    def output_shape(self, batch_size: int, seq_len: int | None = None) -> tuple[int, ...]:
        """The output a correct model gives for a batch (a language model: one row per position)."""
        if self.task == "language_model":
            return (batch_size, seq_len or self.input_shape[0], self.num_outputs)
        return (batch_size, self.num_outputs)

    @property
    def chance_loss(self) -> float | None:
        """Cross-entropy of a uniform guess, ln C: where a well-initialised classifier starts."""
        return None if self.task == "regression" else math.log(self.num_outputs)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["input_shape"] = list(self.input_shape)
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ModelIO:
        return cls(task=raw["task"], input_kind=raw["input_kind"], input_shape=tuple(raw["input_shape"]),
                   vocab_size=raw.get("vocab_size"), num_outputs=int(raw["num_outputs"]))
