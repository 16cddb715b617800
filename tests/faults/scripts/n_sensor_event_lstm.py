# Detect fault events in 3-channel sensor traces with an LSTM (sequence -> class).
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

T, C = 40, 3
N_CLASSES = 3


def simulate(n, rng):
    # class 0 = normal, 1 = spike on channel 0, 2 = drift on channel 2
    y = rng.choice(N_CLASSES, size=n, p=[0.92, 0.05, 0.03])
    x = rng.normal(0, 1.0, size=(n, T, C))
    t = np.arange(T)
    for i in np.where(y == 1)[0]:
        c = rng.integers(5, T - 5)
        x[i, :, 0] += 1.2 * np.exp(-0.5 * ((t - c) / 2.0) ** 2)
    for i in np.where(y == 2)[0]:
        x[i, :, 2] += np.linspace(0, 1.0, T)
    return x.astype(np.float32), y


rng = np.random.default_rng(SEED)
x_tr, y_tr = simulate(1500, rng)
x_va, y_va = simulate(600, rng)

mu = x_tr.reshape(-1, C).mean(0)
sd = x_tr.reshape(-1, C).std(0)
x_tr = (x_tr - mu) / sd
x_va = (x_va - mu) / sd

x_tr, y_tr = torch.tensor(x_tr), torch.tensor(y_tr)
x_va, y_va = torch.tensor(x_va), torch.tensor(y_va)
print("class counts (train):", torch.bincount(y_tr, minlength=N_CLASSES).tolist())


class EventNet(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(C, hidden, batch_first=True)
        self.head = nn.Linear(hidden, N_CLASSES)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


model = EventNet()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()
loader = DataLoader(TensorDataset(x_tr, y_tr), batch_size=64, shuffle=True)

for epoch in range(12):
    model.train()
    running, seen = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        running += loss.item() * len(yb)
        seen += len(yb)
    model.eval()
    with torch.no_grad():
        pred = model(x_va).argmax(1)
        acc = (pred == y_va).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train loss {running / seen:.4f}  val acc {acc:.3f}")

print(f"final validation accuracy: {acc:.3f}")
