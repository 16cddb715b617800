import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=356, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr = scaler.transform(X_tr).astype(np.float32)
X_va = scaler.transform(X_va).astype(np.float32)

train_ds = TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr).long())
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
X_va_t, y_va_t = torch.from_numpy(X_va), torch.from_numpy(y_va).long()
print(f"train {len(train_ds)} rows, val {len(X_va)} rows")


class Expert(nn.Module):
    def __init__(self, d_in, d_hid, n_out):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_in, d_hid),
            nn.BatchNorm1d(d_hid),
            nn.ReLU(),
            nn.Linear(d_hid, n_out),
        )

    def forward(self, x):
        return self.net(x)


class MoEClassifier(nn.Module):
    """Soft mixture of experts: a gating net weights the experts' logits."""

    def __init__(self, d_in, n_out, n_experts=4, d_hid=48):
        super().__init__()
        self.experts = nn.ModuleList([Expert(d_in, d_hid, n_out) for _ in range(n_experts)])
        self.gate = nn.Sequential(nn.Linear(d_in, 32), nn.Tanh(), nn.Linear(32, n_experts))

    def forward(self, x):
        weights = torch.softmax(self.gate(x), dim=-1)                    # (B, E)
        outs = torch.stack([e(x) for e in self.experts], dim=1)          # (B, E, C)
        return (weights.unsqueeze(-1) * outs).sum(dim=1), weights


model = MoEClassifier(64, 10)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss()

for epoch in range(1, 16):
    model.train()
    running, seen = 0.0, 0
    for xb, yb in train_dl:
        logits, gate_w = model(xb)
        # small load-balancing term keeps every expert in use
        balance = (gate_w.mean(0) * gate_w.size(1)).pow(2).mean()
        loss = criterion(logits, yb) + 0.01 * balance
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
        seen += len(xb)

    model.eval()
    with torch.no_grad():
        logits, gate_w = model(X_va_t)
        acc = (logits.argmax(1) == y_va_t).float().mean().item()
        usage = gate_w.mean(0).numpy().round(2)
    print(f"epoch {epoch:2d} loss {running / seen:.4f} val_acc {acc:.3f} expert_usage {usage}")

print(f"final val accuracy {acc:.3f}")
