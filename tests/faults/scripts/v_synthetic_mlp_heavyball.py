"""4-class synthetic tabular problem, 3-layer MLP with layer-wise learning rates
and a hand-written heavy-ball SGD."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.manual_seed(123)
np.random.seed(123)
torch.set_num_threads(1)

BASE_LR = 0.05
LAYER_DECAY = 0.01
EPOCHS = 40
BATCH = 64


class HeavyBall(torch.optim.Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["weight_decay"] > 0:
                    d_p = d_p + group["weight_decay"] * p
                state = self.state[p]
                v = state.get("velocity")
                if v is None:
                    v = state["velocity"] = d_p.clone()
                else:
                    v.mul_(group["momentum"]).add_(d_p)
                p.add_(v, alpha=-group["lr"])


class Net(nn.Module):
    def __init__(self, d_in, n_cls):
        super().__init__()
        self.blocks = nn.ModuleList([
            nn.Linear(d_in, 16),
            nn.Linear(16, 64),
            nn.Linear(64, n_cls),
        ])

    def forward(self, x):
        for blk in self.blocks[:-1]:
            x = F.relu(blk(x))
        return self.blocks[-1](x)


X, y = make_classification(n_samples=3000, n_features=30, n_informative=12, n_redundant=4,
                           n_classes=4, n_clusters_per_class=2, class_sep=1.2, random_state=123)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=123, stratify=y)
mu, sigma = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - mu) / sigma, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sigma, dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

model = Net(X_tr.shape[1], 4)
n_blocks = len(model.blocks)
groups = []
for depth, blk in enumerate(model.blocks):
    groups.append({"params": list(blk.parameters()),
                   "lr": BASE_LR * LAYER_DECAY ** (n_blocks - 1 - depth)})
opt = HeavyBall(groups, lr=BASE_LR, momentum=0.9, weight_decay=5e-4)
for g in opt.param_groups:
    print(f"group lr {g['lr']:.2e}  ({sum(p.numel() for p in g['params'])} params)")

for epoch in range(1, EPOCHS + 1):
    model.train()
    perm = torch.randperm(len(X_tr))
    epoch_loss = 0.0
    for i in range(0, len(perm), BATCH):
        idx = perm[i:i + BATCH]
        opt.zero_grad()
        loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(idx)
    if epoch % 5 == 0 or epoch == 1:
        model.eval()
        with torch.no_grad():
            tr_acc = (model(X_tr).argmax(1) == y_tr).float().mean().item()
            va_out = model(X_va)
            va_loss = F.cross_entropy(va_out, y_va).item()
            va_acc = (va_out.argmax(1) == y_va).float().mean().item()
        print(f"epoch {epoch:3d}  loss {epoch_loss / len(perm):.4f}  train_acc {tr_acc:.3f}  "
              f"val_loss {va_loss:.4f}  val_acc {va_acc:.3f}")

print(f"final validation accuracy {va_acc:.3f}")
