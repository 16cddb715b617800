# Binary detector on generated 16x16 images: "does the image contain a cross (+)?"
# Small CNN, mixup on images, BCE-with-logits, clean vs FGSM validation accuracy.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)
rng = np.random.default_rng(8)


def draw(n):
    x = rng.normal(0, 0.35, (n, 1, 16, 16)).astype(np.float32)
    y = rng.integers(0, 2, n).astype(np.float32)
    for k in range(n):
        r, c = rng.integers(4, 12, 2)
        x[k, 0, r, c - 3:c + 4] += 1.0           # every image has a horizontal stroke
        if y[k] == 1:
            x[k, 0, r - 3:r + 4, c] += 1.0       # positives also get the vertical one
    return torch.from_numpy(x), torch.from_numpy(y)


xtr, ytr = draw(1000)
xva, yva = draw(300)
mu, sd = xtr.mean(), xtr.std()
xtr, xva = (xtr - mu) / sd, (xva - mu) / sd


class CrossNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 16, 32), nn.ReLU(),
                                        nn.Linear(32, 1), nn.Sigmoid())

    def forward(self, x):
        return self.classifier(self.features(x)).squeeze(1)


model = CrossNet()
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=12)


def accuracy(x, y):
    with torch.no_grad():
        return ((torch.sigmoid(model(x)) > 0.5).float() == y).float().mean().item()


for epoch in range(12):
    model.train()
    perm = torch.randperm(len(xtr))
    tot = 0.0
    for i in range(0, len(perm), 50):
        idx = perm[i:i + 50]
        lam = float(rng.beta(0.2, 0.2))
        sh = torch.randperm(len(idx))
        xb = lam * xtr[idx] + (1 - lam) * xtr[idx][sh]
        yb = lam * ytr[idx] + (1 - lam) * ytr[idx][sh]
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        tot += loss.item() * len(idx)
    sched.step()
    model.eval()
    print(f"epoch {epoch:2d}  bce {tot / len(xtr):.4f}  val acc {accuracy(xva, yva):.3f}")

model.eval()
xa = xva.clone().requires_grad_(True)
g, = torch.autograd.grad(criterion(model(xa), yva), xa)
print(f"val acc clean {accuracy(xva, yva):.3f}   val acc fgsm(0.1) {accuracy(xva + 0.1 * g.sign(), yva):.3f}")
