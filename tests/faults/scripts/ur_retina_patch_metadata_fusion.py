"""Retina patch + patient metadata fusion classifier.

Small CNN over a 12x12 grayscale fundus patch, MLP over patient metadata,
concatenated embeddings -> linear head. Binary label: referable / not.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

N = 1600
rng = np.random.default_rng(0)

# metadata: age (years), systolic bp (mmHg), glucose (mg/dL), cholesterol (mg/dL), income, bmi
age = rng.normal(58, 12, N)
sbp = rng.normal(132, 18, N)
glucose = rng.normal(140, 45, N)
chol = rng.normal(205, 38, N)
income = rng.normal(52000, 16000, N)
bmi = rng.normal(28, 5, N)
meta = np.stack([age, sbp, glucose, chol, income, bmi], axis=1).astype(np.float32)

risk = (0.9 * (age - 58) / 12 + 1.1 * (glucose - 140) / 45 - 0.8 * (income - 52000) / 16000
        + 0.6 * (sbp - 132) / 18 * (bmi - 28) / 5)

# images: noise + a lesion blob whose intensity carries a weaker part of the signal
yy, xx = np.mgrid[0:12, 0:12]
imgs = rng.normal(0.0, 1.0, (N, 1, 12, 12)).astype(np.float32)
cx = rng.integers(3, 9, N)
cy = rng.integers(3, 9, N)
lesion = rng.normal(0, 1, N) + 0.5 * risk
for i in range(N):
    blob = np.exp(-((xx - cx[i]) ** 2 + (yy - cy[i]) ** 2) / 4.0)
    imgs[i, 0] += 1.2 * lesion[i] * blob
score = risk + 0.4 * lesion + rng.normal(0, 0.5, N)
labels = (score > np.median(score)).astype(np.int64)

perm = rng.permutation(N)
tr_idx, va_idx = perm[:1200], perm[1200:]

img_mean = imgs[tr_idx].mean()
img_std = imgs[tr_idx].std()
imgs_n = (imgs - img_mean) / img_std

Xi_tr, Xi_va = torch.tensor(imgs_n[tr_idx]), torch.tensor(imgs_n[va_idx])
Xm_tr, Xm_va = torch.tensor(meta[tr_idx]), torch.tensor(meta[va_idx])
y_tr, y_va = torch.tensor(labels[tr_idx]), torch.tensor(labels[va_idx])

train_loader = DataLoader(TensorDataset(Xi_tr, Xm_tr, y_tr), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(Xi_va, Xm_va, y_va), batch_size=256)


class PatchEncoder(nn.Module):
    def __init__(self, out_dim=16):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 3 * 3, out_dim)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.fc(x.flatten(1)))


class MetaEncoder(nn.Module):
    def __init__(self, in_dim=6, out_dim=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, 32), nn.ReLU(), nn.Linear(32, out_dim), nn.ReLU())

    def forward(self, x):
        return self.net(x)


class FusionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.img_enc = PatchEncoder()
        self.meta_enc = MetaEncoder()
        self.head = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))

    def forward(self, img, meta):
        z = torch.cat([self.img_enc(img), self.meta_enc(meta)], dim=1)
        return self.head(z)


model = FusionNet()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()


def evaluate(loader):
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for img, meta_b, y in loader:
            logits = model(img, meta_b)
            loss_sum += criterion(logits, y).item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            total += len(y)
    return loss_sum / total, correct / total


EPOCHS = 15
for epoch in range(1, EPOCHS + 1):
    model.train()
    running, seen = 0.0, 0
    for img, meta_b, y in train_loader:
        optimizer.zero_grad()
        logits = model(img, meta_b)
        loss = criterion(logits, y)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(y)
        seen += len(y)
    val_loss, val_acc = evaluate(val_loader)
    if epoch % 3 == 0 or epoch == 1:
        print(f"epoch {epoch:3d}  train_loss {running / seen:.4f}  val_loss {val_loss:.4f}  val_acc {val_acc:.3f}")

_, train_acc = evaluate(DataLoader(TensorDataset(Xi_tr, Xm_tr, y_tr), batch_size=256))
_, val_acc = evaluate(val_loader)
print(f"final train_acc {train_acc:.3f}  val_acc {val_acc:.3f}")
