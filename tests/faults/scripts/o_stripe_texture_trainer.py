"""Texture classifier (stripes / checks / blobs) with a small residual CNN."""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SEED = 1
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

LABELS = ["horizontal", "vertical", "checker", "blob"]


def render(n, seed):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:16, 0:16]
    out = np.empty((n, 3, 16, 16), dtype=np.float32)
    lab = rng.integers(0, 4, size=n)
    for i in range(n):
        fg = rng.uniform(0.4, 1.0, 3)
        bg = rng.uniform(0.0, 0.35, 3)
        p = rng.integers(3, 6)
        off = rng.integers(0, p)
        if lab[i] == 0:
            m = (yy + off) % p < (p + 1) // 2
        elif lab[i] == 1:
            m = (xx + off) % p < (p + 1) // 2
        elif lab[i] == 2:
            m = (((yy + off) // 2) + ((xx + off) // 2)) % 2 == 0
        else:
            r = rng.uniform(3.0, 5.0)
            cy, cx = rng.uniform(r, 16 - r, 2)
            m = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
        img = np.where(m[None], fg[:, None, None], bg[:, None, None])
        out[i] = img + rng.normal(0, 0.45, img.shape)
    return out, lab.astype(np.int64)


class Textures(Dataset):
    def __init__(self, x, y, train):
        self.x, self.y, self.train = torch.tensor(x), torch.tensor(y), train

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        img = self.x[idx]
        if self.train:
            if torch.rand(()) < 0.5:
                img = torch.flip(img, dims=[2])
            if torch.rand(()) < 0.5:
                img = torch.flip(img, dims=[1])
            padded = F.pad(img, (2, 2, 2, 2))
            i, j = np.random.randint(0, 5, size=2)
            img = padded[:, i:i + 16, j:j + 16]
        return img, self.y[idx]


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(out)))


class TextureNet(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 12, 3, padding=1, bias=False), nn.BatchNorm2d(12), nn.ReLU(), nn.MaxPool2d(2),
            Residual(12),
            nn.Conv2d(12, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU(), nn.MaxPool2d(2),
            Residual(24),
        )
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(24, n_out)

    def forward(self, x):
        h = self.features(x).mean(dim=(2, 3))
        return self.fc(self.drop(h))


class Trainer:
    def __init__(self, model, train_loader, val_loader, epochs=6, lr=2e-3):
        self.model = model
        self.train_loader = train_loader
        self.val_loader = val_loader
        self.epochs = epochs
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.02)
        total = epochs * len(train_loader)
        warm = max(1, total // 10)
        self.sched = torch.optim.lr_scheduler.LambdaLR(
            self.opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / (total - warm))))

    def evaluate(self):
        self.model.eval()
        loss_sum, hits, n = 0.0, 0, 0
        preds, targets = [], []
        with torch.no_grad():
            for xb, yb in self.val_loader:
                logits = self.model(xb)
                loss_sum += F.cross_entropy(logits, yb, reduction="sum").item()
                p = logits.argmax(1)
                hits += (p == yb).sum().item()
                n += len(yb)
                preds.append(p)
                targets.append(yb)
        return loss_sum / n, hits / n, torch.cat(preds), torch.cat(targets)

    def fit(self):
        vl, va, _, _ = self.evaluate()
        print(f"[0/{self.epochs}] untrained val_loss={vl:.4f} val_acc={va:.3f}")
        for ep in range(1, self.epochs + 1):
            tot, cnt, correct = 0.0, 0, 0
            for xb, yb in self.train_loader:
                self.opt.zero_grad(set_to_none=True)
                logits = self.model(xb)
                loss = F.cross_entropy(logits, yb)
                loss.backward()
                self.opt.step()
                self.sched.step()
                tot += loss.item() * len(yb)
                cnt += len(yb)
                correct += (logits.argmax(1) == yb).sum().item()
            vl, va, _, _ = self.evaluate()
            print(f"[{ep}/{self.epochs}] loss={tot / cnt:.4f} train_acc={correct / cnt:.3f} val_loss={vl:.4f} val_acc={va:.3f}")


xtr, ytr = render(800, 11)
xva, yva = render(300, 12)
mu = xtr.mean(axis=(0, 2, 3), keepdims=True)
sd = xtr.std(axis=(0, 2, 3), keepdims=True)
xtr, xva = (xtr - mu) / sd, (xva - mu) / sd

train_loader = DataLoader(Textures(xtr, ytr, train=True), batch_size=32, shuffle=True)
val_loader = DataLoader(Textures(xva, yva, train=False), batch_size=150)

net = TextureNet(len(LABELS))
trainer = Trainer(net, train_loader, val_loader)
trainer.fit()

_, acc, preds, targets = trainer.evaluate()
cm = torch.zeros(4, 4, dtype=torch.long)
for t, p in zip(targets, preds):
    cm[t, p] += 1
print("per-class accuracy:")
for k, name in enumerate(LABELS):
    print(f"  {name:<11s} {cm[k, k].item() / max(1, cm[k].sum().item()):.3f}")
print("confusion (rows = true):")
print(cm)
print(f"val accuracy: {acc:.3f}")
