#!/usr/bin/env python
"""Peak-load alert: from the last 48 hourly readings, predict whether the mean load over
the next 6 hours will exceed the training-window 85th percentile (binary, imbalanced)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import balanced_accuracy_score, f1_score

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)

T = 2400
rng = np.random.default_rng(5)
hrs = np.arange(T)
ar = np.zeros(T)
for i in range(1, T):
    ar[i] = 0.9 * ar[i - 1] + rng.normal(0, 0.35)
load = 100 + 12 * np.sin(2 * np.pi * (hrs - 8) / 24) + 5 * np.sin(2 * np.pi * hrs / 168) + 2 * ar

WIN, AHEAD = 48, 6
cut = int(0.7 * T)
threshold = np.quantile(load[:cut], 0.85)
lmu, lsd = load[:cut].mean(), load[:cut].std()
z = (load - lmu) / lsd


def dataset(lo, hi, stride):
    X, y = [], []
    for i in range(lo, hi - WIN - AHEAD + 1, stride):
        X.append(np.stack([z[i:i + WIN],
                           np.sin(2 * np.pi * hrs[i:i + WIN] / 24),
                           np.cos(2 * np.pi * hrs[i:i + WIN] / 24)]))
        y.append(int(load[i + WIN:i + WIN + AHEAD].mean() > threshold))
    return torch.tensor(np.array(X), dtype=torch.float32), torch.tensor(y)


Xtr, ytr = dataset(0, cut, 2)
Xva, yva = dataset(cut - WIN, T, 1)
pos_rate = ytr.float().mean().item()
print(f"train {len(Xtr)} (pos {pos_rate:.2%})  val {len(Xva)} (pos {yva.float().mean():.2%})")

weights = torch.tensor([1.0 / (1 - pos_rate), 1.0 / pos_rate])
weights = weights / weights.sum() * 2


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(3, 16, 5, padding=2)
        self.b1 = nn.BatchNorm1d(16)
        self.c2 = nn.Conv1d(16, 32, 5, padding=4, dilation=2)
        self.b2 = nn.BatchNorm1d(32)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(32 * 2, 2)

    def forward(self, x):
        h = F.relu(self.b1(self.c1(x)))
        h = F.relu(self.b2(self.c2(h)))
        pooled = torch.cat([h.mean(-1), h[:, :, -8:].mean(-1)], dim=1)
        return self.fc(self.drop(pooled))


net = ConvNet()
EPOCHS = 30
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
crit = nn.CrossEntropyLoss(weight=weights)

best, best_ep, wait, state = -1.0, 0, 0, None
for ep in range(1, EPOCHS + 1):
    net.train()
    idx = torch.randperm(len(Xtr))
    tot = 0.0
    for s in range(0, len(idx), 32):
        b = idx[s:s + 32]
        opt.zero_grad()
        loss = crit(net(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    sched.step()
    net.eval()
    with torch.no_grad():
        vlog = net(Xva)
        vloss = crit(vlog, yva).item()
        vpred = vlog.argmax(1).numpy()
    bacc = balanced_accuracy_score(yva.numpy(), vpred)
    print(f"epoch {ep:2d}  loss {tot / len(Xtr):.4f}  val loss {vloss:.4f}  val bal-acc {bacc:.3f}")
    if bacc > best + 1e-3:
        best, best_ep, wait = bacc, ep, 0
        state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    else:
        wait += 1
        if wait == 8:
            print("no improvement for 8 epochs, stopping")
            break

net.load_state_dict(state)
net.eval()
with torch.no_grad():
    vpred = net(Xva).argmax(1).numpy()
    tpred = net(Xtr).argmax(1).numpy()
acc = (vpred == yva.numpy()).mean()
# persistence baseline: alert if the last observed value is already above the threshold
naive = (Xva[:, 0, -1].numpy() * lsd + lmu > threshold).astype(int)
print(f"best epoch {best_ep}: train bal-acc {balanced_accuracy_score(ytr.numpy(), tpred):.3f}  "
      f"val acc {acc:.3f}  val bal-acc {balanced_accuracy_score(yva.numpy(), vpred):.3f}  "
      f"val F1 {f1_score(yva.numpy(), vpred):.3f}")
print(f"naive last-value alert: bal-acc {balanced_accuracy_score(yva.numpy(), naive):.3f}")
