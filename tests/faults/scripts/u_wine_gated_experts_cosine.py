import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(1)
np.random.seed(1)

X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=1)
mu, sigma = X_tr.mean(axis=0), X_tr.std(axis=0)
X_tr = torch.tensor((X_tr - mu) / sigma, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sigma, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)


class GatedExperts(nn.Module):
    def __init__(self, d_in, n_cls, n_exp=3, hidden=32, top_k=2):
        super().__init__()
        self.top_k = top_k
        self.trunk = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Dropout(0.2))
        self.experts = nn.ModuleList(
            [nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_cls)) for _ in range(n_exp)]
        )
        self.router = nn.Linear(hidden, n_exp)

    def forward(self, x):
        h = self.trunk(x)
        gate_logits = self.router(h)
        top_val, top_idx = gate_logits.topk(self.top_k, dim=-1)
        gates = torch.full_like(gate_logits, float("-inf")).scatter(-1, top_idx, top_val).softmax(-1)
        expert_out = torch.stack([e(h) for e in self.experts], dim=1)
        return torch.einsum("be,bec->bc", gates, expert_out)


model = GatedExperts(X_tr.shape[1], 3)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
EPOCHS = 80
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
bs = 16
best_loss, best_state, patience, bad = float("inf"), None, 15, 0

for ep in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_tr))
    run = 0.0
    for i in range(0, len(perm), bs):
        j = perm[i:i + bs]
        opt.zero_grad()
        loss = F.cross_entropy(model(X_tr[j]), y_tr[j])
        loss.backward()
        opt.step()
        run += loss.item() * len(j)
    sched.step()

    model.eval()
    with torch.no_grad():
        out = model(X_va)
        vl = F.cross_entropy(out, y_va).item()
        va = (out.argmax(1) == y_va).float().mean().item()
    if ep % 5 == 0:
        print(f"ep {ep:3d} lr {sched.get_last_lr()[0]:.5f} train {run / len(perm):.4f} val {vl:.4f} acc {va:.3f}")
    if vl < best_loss - 1e-4:
        best_loss, best_state, bad = vl, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {ep}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    acc = (model(X_va).argmax(1) == y_va).float().mean().item()
print(f"best val loss {best_loss:.4f}  val accuracy {acc:.3f}")
