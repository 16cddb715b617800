import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from torch.utils.data import DataLoader, SubsetRandomSampler, TensorDataset

torch.manual_seed(11)
torch.set_num_threads(1)
np.random.seed(11)

data = load_breast_cancer()
X_all = data.data.astype(np.float32)
y_all = data.target.astype(np.int64)

idx = np.random.permutation(len(y_all))
n_val = int(0.2 * len(idx))
val_idx, train_idx = idx[:n_val], idx[n_val:]

mean = X_all[train_idx].mean(axis=0)
std = X_all[train_idx].std(axis=0) + 1e-6
X_std = (X_all - mean) / std

full = TensorDataset(torch.from_numpy(X_std), torch.from_numpy(y_all))
train_loader = DataLoader(full, batch_size=16,
                          sampler=SubsetRandomSampler(train_idx.tolist(),
                                                      generator=torch.Generator().manual_seed(11)))
val_loader = DataLoader(full, batch_size=128, sampler=list(val_idx))

counts = np.bincount(y_all[train_idx], minlength=2)
class_w = torch.tensor(len(train_idx) / (2.0 * counts), dtype=torch.float32)
print("class weights:", class_w.tolist())


class Net(nn.Module):
    def __init__(self, d_in):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(64, 32), nn.ReLU(),
        )
        self.head = nn.Linear(32, 2)

    def forward(self, x):
        return self.head(self.body(x))


net = Net(X_all.shape[1])
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
crit = nn.CrossEntropyLoss(weight=class_w)
ACCUM = 4
EPOCHS = 30

for ep in range(EPOCHS):
    net.train()
    opt.zero_grad()
    ep_loss, steps = 0.0, 0
    for i, (xb, yb) in enumerate(train_loader):
        loss = crit(net(xb), yb) / ACCUM
        loss.backward()
        ep_loss += loss.item() * ACCUM
        if (i + 1) % ACCUM == 0 or (i + 1) == len(train_loader):
            torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
            opt.step()
            opt.zero_grad()
            steps += 1
    net.eval()
    probs, ys = [], []
    with torch.no_grad():
        for xb, yb in val_loader:
            probs.append(torch.softmax(net(xb), 1)[:, 1])
            ys.append(yb)
    p = torch.cat(probs).numpy()
    t = torch.cat(ys).numpy()
    bacc = balanced_accuracy_score(t, p > 0.5)
    print(f"epoch {ep + 1:2d} | loss {ep_loss / len(train_loader):.4f} | "
          f"opt steps {steps} | val bal_acc {bacc:.3f} | val auc {roc_auc_score(t, p):.3f}")

print(f"final: balanced accuracy {bacc:.3f}, accuracy {((p > 0.5) == t).mean():.3f}")
