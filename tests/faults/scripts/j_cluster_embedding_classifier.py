"""Classify points drawn from 10 warped Gaussian clusters with an embedding MLP + linear head."""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 11
torch.manual_seed(SEED)
np.random.seed(SEED)

N_CLASSES, DIM, PER_CLASS = 10, 12, 200
centers = np.random.randn(N_CLASSES, DIM) * 1.6
X = np.concatenate([c + np.random.randn(PER_CLASS, DIM) for c in centers])
X = X + 0.3 * np.sin(2.0 * X[:, ::-1])                 # mild nonlinear warp
y = np.repeat(np.arange(N_CLASSES), PER_CLASS)

perm = np.random.permutation(len(X))
cut = int(0.8 * len(X))
tr, va = perm[:cut], perm[cut:]
mean, std = X[tr].mean(0), X[tr].std(0)
Xtr = torch.tensor((X[tr] - mean) / std, dtype=torch.float32)
Xva = torch.tensor((X[va] - mean) / std, dtype=torch.float32)
ytr, yva = torch.tensor(y[tr]), torch.tensor(y[va])


class EmbedClassifier(nn.Module):
    def __init__(self, d_in, d_emb=64, n_cls=N_CLASSES):
        super().__init__()
        self.embed = nn.Sequential(
            nn.Linear(d_in, 128), nn.ReLU(),
            nn.Linear(128, d_emb), nn.ReLU(),
        )
        self.head = nn.Linear(d_emb, n_cls)
        for m in self.embed:
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.head.weight, mean=0.0, std=2.0)
        nn.init.zeros_(self.head.bias)

    def forward(self, x):
        return self.head(self.embed(x))


model = EmbedClassifier(DIM)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

print(f"chance-level loss ln({N_CLASSES}) = {math.log(N_CLASSES):.3f}")
step = 0
for epoch in range(15):
    model.train()
    order = torch.randperm(len(Xtr))
    losses = []
    for i in range(0, len(Xtr), 32):
        idx = order[i:i + 32]
        opt.zero_grad()
        loss = F.cross_entropy(model(Xtr[idx]), ytr[idx])
        if step == 0:
            print(f"step 0 loss {loss.item():.3f}")
        loss.backward()
        opt.step()
        losses.append(loss.item())
        step += 1
    model.eval()
    with torch.no_grad():
        logits = model(Xva)
        val_loss = F.cross_entropy(logits, yva).item()
        acc = (logits.argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train loss {np.mean(losses):.3f}  val loss {val_loss:.3f}  val acc {acc:.3f}")

print(f"final validation accuracy: {acc:.3f}")
