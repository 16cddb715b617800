"""FLOP counts: PyTorch's counter, with CPU attention and LSTM layers filled in analytically."""

import torch
from torch import nn

from ml_expert.tools.measure.flops import count_flops
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.load import build_builtin


def test_linear_layers_count_two_flops_per_multiply_add():
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 3))
    assert count_flops(model, torch.randn(4, 10)).total == 2 * 4 * (10 * 20 + 20 * 3)


def test_cpu_attention_is_added_where_pytorch_counts_zero():
    class Attention(nn.Module):
        def forward(self, q):
            return nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True)

    batch, heads, length, head_dim = 2, 4, 16, 8
    flops = count_flops(Attention(), torch.randn(batch, heads, length, head_dim))
    expected = 2 * (2 * batch * heads * length * length * head_dim)  # QK^T and AV
    assert flops.total == flops.attention == expected
    assert flops.analytic == {"aten._scaled_dot_product_flash_attention_for_cpu": expected}


def test_lstm_layers_are_counted():
    model = nn.LSTM(16, 32, num_layers=2, batch_first=True)
    batch, steps = 2, 10
    weights = 4 * 32 * 16 + 4 * 32 * 32 + 4 * 32 * 32 + 4 * 32 * 32  # W_ih, W_hh of both layers
    assert count_flops(model, torch.randn(batch, steps, 16)).total == 2 * batch * steps * weights


def test_mha_fast_path_counts_the_same_as_training_mode():
    layer = nn.TransformerEncoderLayer(32, 4, 64, batch_first=True)
    x = torch.randn(2, 16, 32)
    training = count_flops(layer.train(), x).total
    assert training > 0 and count_flops(layer.eval(), x).total == training


def test_gpt_forward_matches_the_analytic_count():
    io = ModelIO("language_model", "tokens", (64,), 1000, 1000)
    gpt = build_builtin("decoder_lm", {"depth": 2, "width": 64, "heads": 2}, io).module
    flops = count_flops(gpt, io.example_input(1))
    matmul_weights = sum(p.numel() for n, p in gpt.named_parameters() if n.endswith("weight") and p.dim() == 2
                         and "embedding" not in n) + 1000 * 64  # tied lm_head
    attention = 2 * 2 * 2 * (2 * 64 * 64 * 32)  # layers x (QK^T, AV) x 2 FLOPs x heads*T*T*head_dim
    assert flops.total == 2 * 64 * matmul_weights + attention


def test_meta_device_gives_the_same_count():
    io = ModelIO("language_model", "tokens", (32,), 500, 500)
    gpt = build_builtin("decoder_lm", {"depth": 1, "width": 32}, io).module
    tokens = io.example_input(1)
    on_cpu = count_flops(gpt, tokens).total
    assert count_flops(gpt.to("meta"), tokens.to("meta")).total == on_cpu
