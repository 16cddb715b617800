"""Small CNN that classifies which quadrant a Gaussian blob sits in (1x16x16 images).

OneCycle schedule stepped per batch, BatchNorm in the conv stack.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)


def make_blobs_images(n, size=16, rng=None):
    rng = rng or np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size]
    imgs = np.zeros((n, 1, size, size), dtype=np.float32)
    labels = np.zeros(n, dtype=np.int64)
    for i in range(n):
        q = rng.integers(4)
        cy = rng.uniform(2, 6) + (8 if q >= 2 else 0)
        cx = rng.uniform(2, 6) + (8 if q % 2 == 1 else 0)
        s = rng.uniform(1.0, 2.5)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
        imgs[i, 0] = blob + 0.3 * rng.standard_normal((size, size))
        labels[i] = q
    return imgs, labels


rng = np.random.default_rng(1)
X, y = make_blobs_images(1500, rng=rng)
X_tr, y_tr, X_va, y_va = X[:1200], y[:1200], X[1200:], y[1200:]
mu, sd = X_tr.mean(), X_tr.std()
X_tr = (X_tr - mu) / sd
X_va = (X_va - mu) / sd

train_dl = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)), batch_size=64, shuffle=True)
val_dl = DataLoader(TensorDataset(torch.from_numpy(X_va), torch.from_numpy(y_va)), batch_size=256)


class QuadrantNet(nn.Module):
    def __init__(self, n_classes=4):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 4 * 4, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


model = QuadrantNet()
epochs = 6
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, epochs=epochs, steps_per_epoch=len(train_dl))
criterion = nn.CrossEntropyLoss()

for epoch in range(epochs):
    model.train()
    total, n = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        opt.step()
        sched.step()
        total += loss.item() * len(xb)
        n += len(xb)
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_dl:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d}  train_loss {total / n:.4f}  val_acc {correct / len(y_va):.3f}  lr {sched.get_last_lr()[0]:.2e}")

print(f"final val accuracy: {correct / len(y_va):.3f}")
