#!/usr/bin/env python
"""Wine cultivar classifier with cross-layer weight sharing: the same 32x32
hidden layer is reused three times. Micro-batches of 8 with gradient
accumulation (effective batch 32), AdamW, dropout."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(123)
np.random.seed(123)
torch.set_num_threads(1)

ACCUM = 4
MICRO_BS = 8
EPOCHS = 40


class SharedMLP(nn.Module):
    def __init__(self, d_in, d_hidden, n_out, depth=3, p_drop=0.2):
        super().__init__()
        self.inp = nn.Linear(d_in, d_hidden)
        self.hidden = nn.Linear(d_hidden, d_hidden)  # reused `depth` times
        self.depth = depth
        self.drop = nn.Dropout(p_drop)
        self.out = nn.Linear(d_hidden, n_out)

    def forward(self, x):
        h = torch.relu(self.inp(x))
        for _ in range(self.depth):
            h = self.drop(torch.relu(self.hidden(h))) + h
        return self.out(h)


X, y = load_wine(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=123, stratify=y)
m, s = Xtr.mean(0), Xtr.std(0)
Xtr, Xva = (Xtr - m) / s, (Xva - m) / s
Xtr, Xva = torch.tensor(Xtr, dtype=torch.float32), torch.tensor(Xva, dtype=torch.float32)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)

model = SharedMLP(13, 32, 3)
shared = sum(p.numel() for p in model.parameters())
unshared = shared + (model.depth - 1) * sum(p.numel() for p in model.hidden.parameters())
print(f"params {shared} (unshared equivalent {unshared})")

optim = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1, EPOCHS + 1):
    model.train()
    perm = torch.randperm(len(Xtr))
    micro = [perm[i:i + MICRO_BS] for i in range(0, len(perm), MICRO_BS)]
    optim.zero_grad()
    running = 0.0
    for k, idx in enumerate(micro, start=1):
        loss = loss_fn(model(Xtr[idx]), ytr[idx])
        (loss / ACCUM).backward()
        running += loss.item() * len(idx)
        if k % ACCUM == 0 or k == len(micro):
            optim.step()
            optim.zero_grad()
    model.eval()
    with torch.no_grad():
        logits = model(Xva)
        val_loss = loss_fn(logits, yva).item()
        val_acc = (logits.argmax(1) == yva).float().mean().item()
        train_acc = (model(Xtr).argmax(1) == ytr).float().mean().item()
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:3d}  train loss {running / len(Xtr):.4f}  train acc {train_acc:.3f}  "
              f"val loss {val_loss:.4f}  val acc {val_acc:.3f}")

print(f"final val acc {val_acc:.3f}")
