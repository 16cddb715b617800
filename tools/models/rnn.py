"""LSTM and GRU over token sequences: a classifier reads the final state, a language model every step."""

from __future__ import annotations

import torch
from torch import nn

from ml_expert.tools.errors import SpecError
from ml_expert.tools.models.registry import register_family


class RecurrentNet(nn.Module):
    def __init__(self, cell: str, vocab_size: int, num_outputs: int, depth: int, width: int, embedding_dim: int,
                 bidirectional: bool = False, dropout: float = 0.0, every_step: bool = False):
        super().__init__()
        self.every_step = every_step
        self.directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        rnn_class = nn.LSTM if cell == "lstm" else nn.GRU
        # PyTorch applies dropout between stacked layers only, and warns when there is one layer.
        self.rnn = rnn_class(embedding_dim, width, depth, batch_first=True, bidirectional=bidirectional,
                             dropout=dropout if depth > 1 else 0.0)
        self.head = nn.Linear(width * self.directions, num_outputs)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        outputs, state = self.rnn(self.embedding(tokens))
        if self.every_step:
            return self.head(outputs)
        final = state[0] if isinstance(state, tuple) else state  # LSTM state is (h, c)
        # The top layer's final hidden state of each direction: (batch, directions * width).
        top = final[-self.directions:].transpose(0, 1).reshape(tokens.size(0), -1)
        return self.head(top)


def recurrent(cell: str, given, io) -> dict:
    language_model = io.task == "language_model"
    if language_model and given.get("bidirectional"):
        raise SpecError("model.bidirectional", "a language model must not see the tokens it predicts",
                        "false (or leave it out)")
    width = given.get("width", 128)
    return {"cell": cell, "vocab_size": io.vocab_size, "num_outputs": io.num_outputs, "depth": 2,
            "width": width, "embedding_dim": width, "bidirectional": False, "dropout": 0.0,
            "every_step": language_model, **given}


@register_family("lstm", model=RecurrentNet, inputs=("tokens",),
                 tasks=("classification", "regression", "language_model"))
def lstm(given, io):
    return recurrent("lstm", given, io)


@register_family("gru", model=RecurrentNet, inputs=("tokens",),
                 tasks=("classification", "regression", "language_model"))
def gru(given, io):
    return recurrent("gru", given, io)
