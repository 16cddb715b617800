"""Multi-label topic classifier on make_classification-derived tags, OneCycle LR,
per-label thresholds chosen on validation; reports micro/macro F1 and Hamming loss."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import f1_score, hamming_loss

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

X, base = make_classification(n_samples=2500, n_features=30, n_informative=15, n_redundant=5,
                              n_classes=8, n_clusters_per_class=1, class_sep=1.5, random_state=42)
# each row gets its own class tag plus the tag of a "parent" group
parent = {0: 4, 1: 4, 2: 5, 3: 5, 4: 6, 5: 7, 6: 7, 7: 6}
Y = np.zeros((len(X), 8), dtype=np.float32)
Y[np.arange(len(X)), base] = 1
Y[np.arange(len(X)), [parent[b] for b in base]] = 1

Xtr, Xva, Ytr, Yva = train_test_split(X, Y, test_size=0.2, random_state=42)
sc = StandardScaler().fit(Xtr)
Xtr, Xva = sc.transform(Xtr).astype(np.float32), sc.transform(Xva).astype(np.float32)
dl = DataLoader(TensorDataset(torch.from_numpy(Xtr), torch.from_numpy(Ytr)), batch_size=64, shuffle=True)

net = nn.Sequential(nn.Linear(30, 128), nn.ReLU(), nn.Dropout(0.2),
                    nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 8))
crit = nn.BCEWithLogitsLoss()
EPOCHS = 20
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, epochs=EPOCHS, steps_per_epoch=len(dl))

for ep in range(EPOCHS):
    net.train()
    s = 0.0
    for xb, yb in dl:
        opt.zero_grad()
        loss = crit(net(xb), yb)
        loss.backward()
        opt.step()
        sched.step()
        s += loss.item() * len(xb)
    if ep % 4 == 0 or ep == EPOCHS - 1:
        print(f"epoch {ep:2d} bce {s / len(Xtr):.4f} lr {sched.get_last_lr()[0]:.2e}")

net.eval()
with torch.no_grad():
    P = torch.sigmoid(net(torch.from_numpy(Xva))).numpy()
thr = np.array([max(np.linspace(0.1, 0.9, 17), key=lambda t: f1_score(Yva[:, j], P[:, j] > t))
                for j in range(8)])
pred = (P > thr).astype(int)
print("per-label thresholds:", thr.round(2))
print(f"val micro-F1 {f1_score(Yva, pred, average='micro'):.3f} macro-F1 {f1_score(Yva, pred, average='macro'):.3f} "
      f"Hamming {hamming_loss(Yva, pred):.4f}")
