"""Quantisation-aware training of a digits MLP: 4-bit weights and 8-bit
activations in the hidden layers (fake-quant with a straight-through
estimator), full-precision classifier head."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

W_BITS, A_BITS = 4, 8


def round_ste(x):
    return x + (torch.round(x) - x).detach()


def quantize_weight(w, bits):
    qmax = 2 ** (bits - 1) - 1
    scale = w.abs().max().clamp(min=1e-8) / qmax
    return torch.clamp(round_ste(w / scale), -qmax, qmax) * scale


def quantize_act(x, bits):
    # unsigned, per-tensor dynamic range (inputs are post-ReLU)
    qmax = 2 ** bits - 1
    scale = x.detach().max().clamp(min=1e-8) / qmax
    return torch.clamp(round_ste(x / scale), 0, qmax) * scale


class QuantLinear(nn.Linear):
    def __init__(self, d_in, d_out, w_bits=W_BITS):
        super().__init__(d_in, d_out)
        self.w_bits = w_bits

    def forward(self, x):
        w_q = quantize_weight(self.weight.data, self.w_bits)
        return F.linear(x, w_q, self.bias)


class QATNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = QuantLinear(64, 48)
        self.fc2 = QuantLinear(48, 48)
        self.head = nn.Linear(48, 10)

    def forward(self, x):
        x = quantize_act(F.relu(self.fc1(x)), A_BITS)
        x = quantize_act(F.relu(self.fc2(x)), A_BITS)
        return self.head(x)


X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=3, stratify=y)
mean, std = X_tr.mean(0), X_tr.std(0) + 1e-3
X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std
X_tr, X_va = torch.from_numpy(X_tr), torch.from_numpy(X_va)
y_tr, y_va = torch.from_numpy(y_tr), torch.from_numpy(y_va)

net = QATNet()
optimizer = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
EPOCHS, BS = 25, 64
steps_per_epoch = math.ceil(len(X_tr) / BS)

for epoch in range(EPOCHS):
    net.train()
    order = torch.randperm(len(X_tr))
    epoch_loss = 0.0
    for s in range(steps_per_epoch):
        idx = order[s * BS:(s + 1) * BS]
        optimizer.zero_grad()
        loss = F.cross_entropy(net(X_tr[idx]), y_tr[idx])
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    net.eval()
    with torch.no_grad():
        val_logits = net(X_va)
        val_loss = F.cross_entropy(val_logits, y_va).item()
        val_acc = (val_logits.argmax(1) == y_va).float().mean().item()
    print(f"epoch {epoch + 1:2d}/{EPOCHS}  train loss {epoch_loss / steps_per_epoch:.4f}  "
          f"val loss {val_loss:.4f}  val acc {val_acc:.3f}")

q_params = sum(m.weight.numel() for m in net.modules() if isinstance(m, QuantLinear))
fp_params = sum(p.numel() for p in net.parameters()) - q_params
size_kb = (q_params * W_BITS + fp_params * 32) / 8 / 1024
print(f"{q_params} int{W_BITS} weights + {fp_params} fp32 params = {size_kb:.1f} KiB "
      f"(fp32 model: {(q_params + fp_params) * 4 / 1024:.1f} KiB)")
print(f"final val acc {val_acc:.3f}")
