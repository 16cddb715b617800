"""Wine cultivar classification: feature tokenizer + MLP, label smoothing, warm restarts, early stopping."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=42)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


class Tokenizer(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.w = nn.Parameter(torch.randn(n, d) * 0.3)
        self.b = nn.Parameter(torch.zeros(n, d))

    def forward(self, x):
        return x.unsqueeze(-1) * self.w + self.b


model = nn.Sequential(Tokenizer(13, 6), nn.Flatten(), nn.Linear(78, 64), nn.LayerNorm(64), nn.ReLU(),
                      nn.Dropout(0.2), nn.Linear(64, 3))
crit = nn.CrossEntropyLoss(label_smoothing=0.1)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2)

best, best_state, patience, bad = float("inf"), None, 15, 0
BS = 16
nb = (len(X_tr) + BS - 1) // BS
for epoch in range(70):
    model.train()
    perm = torch.randperm(len(X_tr))
    tl = 0.0
    for i in range(nb):
        b = perm[i * BS:(i + 1) * BS]
        opt.zero_grad()
        loss = crit(model(X_tr[b]), y_tr[b])
        loss.backward()
        opt.step()
        sched.step(epoch + (i + 1) / nb)
        tl += loss.item() / nb
    model.eval()
    with torch.no_grad():
        out = model(X_va)
        vl = crit(out, y_va).item()
        va = (out.argmax(1) == y_va).float().mean().item()
    print(f"epoch {epoch + 1:2d} train {tl:.4f} val {vl:.4f} acc {va:.3f}")
    if vl < best - 1e-4:
        best, best_state, bad = vl, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print("early stopping")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    acc = (model(X_va).argmax(1) == y_va).float().mean().item()
print(f"best val loss {best:.4f}  val accuracy {acc:.3f}")
