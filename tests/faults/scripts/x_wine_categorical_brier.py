"""Wine cultivar classifier trained with a Categorical likelihood; reports Brier score."""
import numpy as np
import torch
import torch.nn as nn
from torch.distributions import Categorical
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(7)
np.random.seed(7)

X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=7)

X_tr = torch.tensor(X_tr, dtype=torch.float32)
X_va = torch.tensor(X_va, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)

n_classes = 3
model = nn.Sequential(
    nn.Linear(X_tr.shape[1], 32),
    nn.ReLU(),
    nn.Linear(32, 32),
    nn.ReLU(),
    nn.Linear(32, n_classes),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)


def brier(probs, targets):
    onehot = torch.nn.functional.one_hot(targets, n_classes).float()
    return ((probs - onehot) ** 2).sum(dim=1).mean().item()


batch_size = 16
n = X_tr.shape[0]
for epoch in range(40):
    model.train()
    perm = torch.randperm(n)
    total = 0.0
    for i in range(0, n, batch_size):
        idx = perm[i:i + batch_size]
        opt.zero_grad()
        dist = Categorical(logits=model(X_tr[idx]))
        loss = -dist.log_prob(y_tr[idx]).mean()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 5 == 0 or epoch == 39:
        model.eval()
        with torch.no_grad():
            probs = torch.softmax(model(X_va), dim=1)
            acc = (probs.argmax(1) == y_va).float().mean().item()
        print(f"epoch {epoch:3d}  train nll {total / n:.4f}  val acc {acc:.3f}  val brier {brier(probs, y_va):.4f}")

model.eval()
with torch.no_grad():
    probs = torch.softmax(model(X_va), dim=1)
print(f"final val accuracy {(probs.argmax(1) == y_va).float().mean().item():.3f}  brier {brier(probs, y_va):.4f}")
