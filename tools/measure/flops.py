"""FLOPs of one forward pass, counted by PyTorch's FlopCounterMode with its CPU blind spots filled.

FlopCounterMode counts matmuls and convolutions (a multiply-add is 2 FLOPs) but scores 0 for
some fused CPU kernels. Checked on torch 2.13: ``scaled_dot_product_attention`` runs as
``_scaled_dot_product_flash_attention_for_cpu`` and LSTM layers as ``mkldnn_rnn_layer``, both
uncounted; ``nn.MultiheadAttention``'s fast path (eval, no grad) is one uncounted fused op.
Here the first two get analytic formulas and the fast path is switched off while counting.
Causal attention is counted in full, as PyTorch counts it on GPU.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

aten = torch.ops.aten


def _cpu_attention_flops(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs) -> int:
    return sdpa_flop_count(query_shape, key_shape, value_shape)


def _mkldnn_rnn_layer_flops(input_shape, weight_ih_shape, weight_hh_shape, *args, out_shape=None, **kwargs) -> int:
    # One layer, one direction: every step multiplies the input by W_ih and the state by W_hh.
    steps = 1
    for size in input_shape[:-1]:
        steps *= size
    return 2 * steps * (weight_ih_shape[0] * weight_ih_shape[1] + weight_hh_shape[0] * weight_hh_shape[1])


ANALYTIC_FORMULAS = {
    aten._scaled_dot_product_flash_attention_for_cpu: _cpu_attention_flops,
    aten.mkldnn_rnn_layer: _mkldnn_rnn_layer_flops,
}


@dataclass(frozen=True)
class FlopCount:
    """FLOPs of one forward pass of the input given (all of its batch).

    ``by_operator`` maps aten operators to their FLOPs; ``analytic`` is the part of it that
    came from the formulas above because PyTorch's counter scores those operators 0.
    """

    total: int
    by_operator: dict[str, int]
    analytic: dict[str, int]

    @property
    def attention(self) -> int:
        return sum(v for k, v in self.by_operator.items() if "attention" in k)


@contextmanager
def _mha_fast_path_disabled():
    enabled = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        torch.backends.mha.set_fastpath_enabled(enabled)


def count_flops(module: torch.nn.Module, example_input) -> FlopCount:
    """Count the FLOPs of ``module(example_input)`` (a tensor, or a tuple of positional inputs).

    Runs one forward pass without gradients; meta-device module and input work too.
    """
    inputs = example_input if isinstance(example_input, tuple) else (example_input,)
    counter = FlopCounterMode(display=False, custom_mapping=ANALYTIC_FORMULAS)
    with _mha_fast_path_disabled(), counter, torch.no_grad():
        module(*inputs)
    by_operator = {str(op): int(flops) for op, flops in counter.get_flop_counts().get("Global", {}).items()}
    analytic_names = {str(op) for op in ANALYTIC_FORMULAS}
    analytic = {name: flops for name, flops in by_operator.items() if name in analytic_names}
    return FlopCount(total=int(counter.get_total_flops()), by_operator=by_operator, analytic=analytic)
