import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)

# generated multi-label data: 5 tags, each tag is a noisy linear rule of the features
n, d, k = 3000, 16, 5
X = rng.normal(size=(n, d)).astype(np.float32)
W = rng.normal(size=(d, k))
Y = ((X @ W + 0.5 * rng.normal(size=(n, k))) > 0.8).astype(np.float32)
print("tag frequencies:", Y.mean(0).round(3))

idx = rng.permutation(n)
tr, va = idx[:2400], idx[2400:]
mean, std = X[tr].mean(0), X[tr].std(0)
Xtr, Xva = (X[tr] - mean) / std, (X[va] - mean) / std

train_loader = DataLoader(TensorDataset(torch.from_numpy(Xtr), torch.from_numpy(Y[tr])), batch_size=64, shuffle=True)
Xva_t, Yva_t = torch.from_numpy(Xva), torch.from_numpy(Y[va])

model = nn.Sequential(
    nn.Linear(d, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, k), nn.Sigmoid(),
)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

for epoch in range(20):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        out = model(Xva_t)
        val_loss = criterion(out, Yva_t).item()
        pred = (torch.sigmoid(out) > 0.5).float()
        tp = (pred * Yva_t).sum()
        f1 = (2 * tp / (pred.sum() + Yva_t.sum())).item()
        elem_acc = (pred == Yva_t).float().mean().item()
    print(f"epoch {epoch:2d} train {total / len(tr):.4f} val {val_loss:.4f} micro-F1 {f1:.3f} label-acc {elem_acc:.3f}")

print(f"final micro-F1 {f1:.3f}, label accuracy {elem_acc:.3f}")
