import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

SEED = 7
torch.manual_seed(SEED)
torch.set_num_threads(1)
np.random.seed(SEED)


class Standardize:
    def __init__(self, mean, std):
        self.mean = mean
        self.std = std

    def __call__(self, x):
        return (x - self.mean) / self.std


class TabularDataset(Dataset):
    def __init__(self, X, y, transform=None):
        self.X = torch.as_tensor(X, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.long)
        self.transform = transform

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        x = self.X[idx]
        if self.transform:
            x = self.transform(x)
        return x, self.y[idx]


X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)

mu = torch.tensor(X_tr.mean(axis=0), dtype=torch.float32)
sd = torch.tensor(X_tr.std(axis=0) + 1e-8, dtype=torch.float32)
scaler = Standardize(mu, sd)

train_set = TabularDataset(X_tr, y_tr, transform=scaler)
val_set = TabularDataset(X_va, y_va, transform=scaler)

counts = np.bincount(y_tr)
sample_w = 1.0 / counts[y_tr]
sampler = WeightedRandomSampler(torch.as_tensor(sample_w, dtype=torch.double),
                                num_samples=len(y_tr), replacement=True,
                                generator=torch.Generator().manual_seed(SEED))

train_dl = DataLoader(train_set, batch_size=16, sampler=sampler)
val_dl = DataLoader(val_set, batch_size=64)

net = nn.Sequential(
    nn.Linear(13, 64), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(32, 3),
)
EPOCHS = 40
opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1, EPOCHS + 1):
    net.train()
    tot, n = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * xb.size(0)
        n += xb.size(0)
    sched.step()

    net.eval()
    with torch.no_grad():
        preds, ys = [], []
        for xb, yb in val_dl:
            preds.append(net(xb).argmax(dim=1))
            ys.append(yb)
        preds, ys = torch.cat(preds), torch.cat(ys)
        acc = (preds == ys).float().mean().item()
    if epoch % 5 == 0 or epoch == 1:
        print(f"[{epoch:02d}/{EPOCHS}] loss={tot / n:.4f} val_acc={acc:.3f} lr={sched.get_last_lr()[0]:.2e}")

per_class = [(preds[ys == c] == c).float().mean().item() for c in range(3)]
print("final val accuracy: %.3f | per-class recall: %s" % (acc, ", ".join(f"{r:.2f}" for r in per_class)))
