"""Predicts whether a user installs an app after seeing its store card.

Features: user segment id, app id, category id (embeddings) + 4 dense features.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)

N = 10000
N_SEG, N_APP, N_CAT = 40, 150, 12
seg = np.random.randint(0, N_SEG, N)
app = np.random.randint(0, N_APP, N)
cat = app % N_CAT
dense = np.random.randn(N, 4).astype(np.float32)

seg_pref = np.random.randn(N_SEG, N_CAT) * 0.8
app_quality = np.random.randn(N_APP) * 0.6
z = -4.2 + seg_pref[seg, cat] + app_quality[app] + 0.6 * dense[:, 0] - 0.4 * dense[:, 1]
installed = (np.random.rand(N) < 1 / (1 + np.exp(-z))).astype(np.float32)
print(f"install rate {installed.mean():.3%}")

ids = np.stack([seg, app, cat], 1)
ids_tr, ids_va, d_tr, d_va, y_tr, y_va = train_test_split(ids, dense, installed, test_size=0.2, random_state=8)
mean, std = d_tr.mean(0), d_tr.std(0)
d_tr, d_va = (d_tr - mean) / std, (d_va - mean) / std

train_loader = DataLoader(TensorDataset(torch.tensor(ids_tr), torch.tensor(d_tr), torch.tensor(y_tr)),
                          batch_size=128, shuffle=True)


class InstallModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.seg = nn.Embedding(N_SEG, 8)
        self.app = nn.Embedding(N_APP, 8)
        self.cat = nn.Embedding(N_CAT, 4)
        self.net = nn.Sequential(nn.Linear(8 + 8 + 4 + 4, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, ids, dense):
        x = torch.cat([self.seg(ids[:, 0]), self.app(ids[:, 1]), self.cat(ids[:, 2]), dense], 1)
        return self.net(x).squeeze(1)


model = InstallModel()
optim = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.BCEWithLogitsLoss()

Xi_va, Xd_va, Y_va = torch.tensor(ids_va), torch.tensor(d_va), torch.tensor(y_va)
for epoch in range(8):
    model.train()
    total = 0.0
    for b_ids, b_dense, b_y in train_loader:
        optim.zero_grad()
        loss = loss_fn(model(b_ids, b_dense), b_y)
        loss.backward()
        optim.step()
        total += loss.item() * len(b_y)
    model.eval()
    with torch.no_grad():
        logits = model(Xi_va, Xd_va)
        val_loss = loss_fn(logits, Y_va).item()
        acc = ((logits > 0).float() == Y_va).float().mean().item()
    print(f"epoch {epoch + 1}  train_loss {total / len(y_tr):.4f}  val_loss {val_loss:.4f}  val_acc {acc:.4f}")

print(f"validation accuracy: {acc:.4f}")
