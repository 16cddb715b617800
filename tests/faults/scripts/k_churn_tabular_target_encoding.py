# Churn-style tabular classifier: numeric features plus a smoothed target-encoded account bucket.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from torch.utils.data import DataLoader, Dataset, random_split

SEED = 13
torch.manual_seed(SEED)
torch.set_num_threads(1)
rng = np.random.default_rng(SEED)

N = 1500
X_num, y = make_classification(n_samples=N, n_features=12, n_informative=5, n_redundant=3,
                               flip_y=0.08, class_sep=0.8, random_state=SEED)
N_ACCOUNTS = 50_000
account_bucket = rng.integers(0, N_ACCOUNTS, size=N)

# smoothed target encoding of the account bucket
prior = y.mean()
smoothing = 0.5
bucket_sum = np.bincount(account_bucket, weights=y, minlength=N_ACCOUNTS)
bucket_cnt = np.bincount(account_bucket, minlength=N_ACCOUNTS)
bucket_enc = (bucket_sum + smoothing * prior) / (bucket_cnt + smoothing)
X = np.column_stack([X_num, bucket_enc[account_bucket]]).astype(np.float32)


class ChurnTable(Dataset):
    def __init__(self, X, y, idx, transform=None):
        self.X = torch.from_numpy(X[idx])
        self.y = torch.from_numpy(y[idx]).long()
        self.transform = transform

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        x = self.X[i]
        return (self.transform(x) if self.transform else x), self.y[i]


tr_split, va_split = random_split(range(N), [0.8, 0.2], generator=torch.Generator().manual_seed(SEED))
tr_idx, va_idx = np.array(list(tr_split)), np.array(list(va_split))
mu = torch.from_numpy(X[tr_idx].mean(0))
sd = torch.from_numpy(X[tr_idx].std(0) + 1e-6)


def standardise(x):
    return (x - mu) / sd


train_ds = ChurnTable(X, y, tr_idx, standardise)
val_ds = ChurnTable(X, y, va_idx, standardise)
train_dl = DataLoader(train_ds, batch_size=64, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=512)

clf = nn.Sequential(nn.Linear(X.shape[1], 48), nn.ReLU(), nn.Dropout(0.1), nn.Linear(48, 2))
opt = torch.optim.Adam(clf.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=25)
ce = nn.CrossEntropyLoss()

for epoch in range(25):
    clf.train()
    tl, tc, tn = 0.0, 0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        logits = clf(xb)
        loss = ce(logits, yb)
        loss.backward()
        opt.step()
        tl += loss.item() * len(yb)
        tc += (logits.argmax(1) == yb).sum().item()
        tn += len(yb)
    sched.step()
    clf.eval()
    with torch.no_grad():
        xv, yv = next(iter(val_dl))
        va_acc = (clf(xv).argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch + 1:2d} | loss {tl / tn:.4f} | train acc {tc / tn:.3f} | val acc {va_acc:.3f}")

print(f"validation accuracy: {va_acc:.3f}")
