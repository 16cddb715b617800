"""Wine quality-style ordinal model: cumulative-logit (proportional odds) head on wine cultivars
ordered 0 < 1 < 2. Cosine LR schedule with early stopping on validation NLL."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(21)
np.random.seed(21)
torch.set_num_threads(1)

X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=21, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)
K = 3


class CumLogit(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 1))
        self.raw_cuts = nn.Parameter(torch.zeros(k - 1))

    def cuts(self):
        # strictly increasing thresholds
        return torch.cumsum(torch.cat([self.raw_cuts[:1], nn.functional.softplus(self.raw_cuts[1:]) + 0.1]), 0)

    def forward(self, x):
        eta = self.f(x)                      # (N, 1)
        cdf = torch.sigmoid(self.cuts() - eta)  # P(y <= k)
        ones = torch.ones(len(x), 1)
        zeros = torch.zeros(len(x), 1)
        full = torch.cat([zeros, cdf, ones], 1)
        return (full[:, 1:] - full[:, :-1]).clamp_min(1e-7)  # class probabilities


def nll(probs, y):
    return -torch.log(probs.gather(1, y.unsqueeze(1))).mean()


model = CumLogit(X_tr.shape[1], K)
opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
EPOCHS = 80
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
best_vloss, best_mae, best_state, patience, bad = 9.0, 9.0, None, 20, 0

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_tr))
    tot = 0.0
    for i in range(0, len(perm), 16):
        b = perm[i:i + 16]
        opt.zero_grad()
        loss = nll(model(X_tr[b]), y_tr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    sched.step()
    model.eval()
    with torch.no_grad():
        pv = model(X_va)
        mae = (pv.argmax(1) - y_va).abs().float().mean().item()
        vloss = nll(pv, y_va).item()
    if epoch % 10 == 0:
        print(f"ep {epoch:3d} train nll {tot / len(perm):.4f} val nll {vloss:.4f} val MAE {mae:.3f}")
    if vloss < best_vloss - 1e-4:
        best_vloss, best_mae, best_state, bad = vloss, mae, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(X_va).argmax(1)
print(f"best val MAE {best_mae:.3f}; exact acc {(pred == y_va).float().mean():.3f}")
