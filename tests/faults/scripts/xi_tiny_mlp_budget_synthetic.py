# Tiny MLP for a 6-class sensor problem under a ~1.5k-parameter budget
# (target: microcontroller deployment). Reports params and fp32/int8 size.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

X, y = make_classification(n_samples=4000, n_features=30, n_informative=20, n_redundant=4,
                           n_classes=6, n_clusters_per_class=2, class_sep=1.2,
                           flip_y=0.0, random_state=5)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
mu, sigma = X_tr.mean(0), X_tr.std(0) + 1e-3
X_tr = torch.tensor((X_tr - mu) / sigma, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sigma, dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

net = nn.Sequential(
    nn.Linear(30, 24), nn.ReLU(),
    nn.Linear(24, 24), nn.ReLU(),
    nn.Linear(24, 6),
)
n_params = sum(p.numel() for p in net.parameters())
print(f"params: {n_params}  (fp32 {n_params * 4 / 1024:.1f} KiB, int8 {n_params / 1024:.1f} KiB)")

opt = torch.optim.Adam(net.parameters(), lr=0.05)
EPOCHS, BS = 30, 32

for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(X_tr))
    tot, nb, correct = 0.0, 0, 0
    for i in range(0, len(perm), BS):
        b = perm[i:i + BS]
        opt.zero_grad()
        logits = net(X_tr[b])
        loss = F.cross_entropy(logits, y_tr[b])
        loss.backward()
        opt.step()
        tot += loss.item()
        nb += 1
        correct += (logits.argmax(1) == y_tr[b]).sum().item()
    net.eval()
    with torch.no_grad():
        va_logits = net(X_va)
        va_loss = F.cross_entropy(va_logits, y_va).item()
        va_acc = (va_logits.argmax(1) == y_va).float().mean().item()
    print(f"epoch {ep + 1:2d}  train loss {tot / nb:.4f}  train acc {correct / len(X_tr):.3f}  "
          f"val loss {va_loss:.4f}  val acc {va_acc:.3f}")

print(f"final: {n_params} params, val acc {va_acc:.3f}")
