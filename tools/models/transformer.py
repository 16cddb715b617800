"""Pre-norm transformers in the style of nanoGPT: an encoder classifier and a decoder-only LM."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ml_expert.tools.models.registry import register_family

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU}
NORMS = {"layer": nn.LayerNorm, "rms": nn.RMSNorm}


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int, dropout: float, causal: bool):
        super().__init__()
        self.heads = heads
        self.causal = causal
        self.dropout = dropout
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.proj_dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        q, k, v = (t.view(batch, length, self.heads, width // self.heads).transpose(1, 2)
                   for t in self.qkv(x).split(width, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0.0,
                                           is_causal=self.causal)
        return self.proj_dropout(self.proj(y.transpose(1, 2).reshape(batch, length, width)))


class FeedForward(nn.Module):
    def __init__(self, width: int, hidden: int, activation: str, dropout: float):
        super().__init__()
        self.fc = nn.Linear(width, hidden)
        self.activation = ACTIVATIONS[activation]()
        self.proj = nn.Linear(hidden, width)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.proj(self.activation(self.fc(x))))


class Block(nn.Module):
    def __init__(self, width: int, heads: int, ff_ratio: float, activation: str, norm: str, dropout: float,
                 causal: bool):
        super().__init__()
        self.norm1 = NORMS[norm](width)
        self.attn = SelfAttention(width, heads, dropout, causal)
        self.norm2 = NORMS[norm](width)
        self.ff = FeedForward(width, round(ff_ratio * width), activation, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.ff(self.norm2(x))


def init_weights(model: nn.Module, depth: int) -> None:
    """GPT-2 init: N(0, 0.02) everywhere, residual projections scaled down by sqrt(2 * depth)."""
    for name, param in model.named_parameters():
        if name.endswith("bias"):
            nn.init.zeros_(param)
        elif param.dim() >= 2:
            std = 0.02 * (2 * depth) ** -0.5 if name.endswith("proj.weight") else 0.02
            nn.init.normal_(param, mean=0.0, std=std)


class TransformerEncoder(nn.Module):
    def __init__(self, vocab_size: int, seq_len: int, num_outputs: int, depth: int, width: int, heads: int,
                 ff_ratio: float = 4.0, activation: str = "gelu", norm: str = "layer", dropout: float = 0.0,
                 pooling: str = "mean"):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width)) if pooling == "cls" else None
        self.position_embedding = nn.Embedding(seq_len + (pooling == "cls"), width)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(width, heads, ff_ratio, activation, norm, dropout, causal=False)
                                     for _ in range(depth)])
        self.norm = NORMS[norm](width)
        self.head = nn.Linear(width, num_outputs)
        init_weights(self, depth)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(tokens)
        if self.cls_token is not None:
            x = torch.cat([self.cls_token.expand(x.size(0), -1, -1), x], dim=1)
        x = self.dropout(x + self.position_embedding(torch.arange(x.size(1), device=x.device)))
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        return self.head(x[:, 0] if self.cls_token is not None else x.mean(dim=1))


class GPT(nn.Module):
    def __init__(self, vocab_size: int, seq_len: int, depth: int, width: int, heads: int, ff_ratio: float = 4.0,
                 activation: str = "gelu", norm: str = "layer", dropout: float = 0.0, tie_embeddings: bool = True):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.position_embedding = nn.Embedding(seq_len, width)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(width, heads, ff_ratio, activation, norm, dropout, causal=True)
                                     for _ in range(depth)])
        self.norm = NORMS[norm](width)
        self.lm_head = nn.Linear(width, vocab_size, bias=False)
        if tie_embeddings:
            self.lm_head.weight = self.token_embedding.weight
        init_weights(self, depth)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(tokens.size(1), device=tokens.device)
        x = self.dropout(self.token_embedding(tokens) + self.position_embedding(positions))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.norm(x))


def head_friendly_widths(given) -> tuple[int, ...]:
    """Width steps for budget fitting: multiples of the heads when given, else of 8, else any width."""
    return (given["heads"],) if "heads" in given else (8, 1)


def transformer_defaults(given, io, width: int) -> dict:
    if "heads" in given:
        width = given.get("width", math.ceil(width / given["heads"]) * given["heads"])
        heads = given["heads"]
    else:
        width = given.get("width", width)
        # The divisor of width whose head size is nearest 64.
        heads = min((h for h in range(1, width + 1) if width % h == 0), key=lambda h: abs(math.log(width / h / 64)))
    return {"vocab_size": io.vocab_size, "seq_len": io.input_shape[0], "depth": 2, "width": width,
            "heads": heads, "ff_ratio": 4.0, "activation": "gelu", "norm": "layer", "dropout": 0.0}


@register_family("transformer_encoder", model=TransformerEncoder, inputs=("tokens",),
                 tasks=("classification", "regression"), width_steps=head_friendly_widths,
                 aspect_ratio=64)
def transformer_encoder(given, io):
    return {**transformer_defaults(given, io, width=128), "num_outputs": io.num_outputs, "pooling": "mean",
            **given}


@register_family("decoder_lm", model=GPT, inputs=("tokens",), tasks=("language_model",),
                 width_steps=head_friendly_widths, aspect_ratio=64)
def decoder_lm(given, io):
    return {**transformer_defaults(given, io, width=256), "depth": 4, "tie_embeddings": True, **given}
