# Multi-task model for a function-generator test bench: from 64 ADC samples (mV)
# predict the waveform family (sine / square / sawtooth) and its peak amplitude (mV).
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split

np.random.seed(11)
torch.manual_seed(11)

N, L = 2000, 64
ADC_MID = 1650.0  # mV, half of a 3.3 V reference


def capture(n):
    t = np.linspace(0, 1, L, endpoint=False)
    kind = np.random.randint(0, 3, n)
    amp = np.random.uniform(100, 900, n)            # mV
    freq = np.random.uniform(1.5, 4.0, n)           # cycles per window
    ph = np.random.uniform(0, 1, n)
    arg = freq[:, None] * t[None, :] + ph[:, None]
    waves = np.stack([
        np.sin(2 * np.pi * arg),
        np.sign(np.sin(2 * np.pi * arg)),
        2 * (arg - np.floor(arg + 0.5)),
    ], axis=1)
    x = waves[np.arange(n), kind] * amp[:, None]
    x = ADC_MID + x + np.random.normal(0, 20, x.shape)
    return x.astype(np.float32), kind, amp.astype(np.float32)


class BenchDataset(Dataset):
    def __init__(self, x, kind, amp):
        self.x = torch.tensor(x, dtype=torch.float32)
        self.kind = torch.tensor(kind, dtype=torch.long)
        self.amp = torch.tensor(amp, dtype=torch.float32)

    def __len__(self):
        return len(self.kind)

    def __getitem__(self, i):
        return {"x": self.x[i], "kind": self.kind[i], "amp": self.amp[i]}


x, kind, amp = capture(N)
x_tr, x_va, k_tr, k_va, a_tr, a_va = train_test_split(x, kind, amp, test_size=0.2, random_state=0)

scaler = StandardScaler().fit(x_tr)
x_tr = scaler.transform(x_tr)
a_mu, a_sd = a_tr.mean(), a_tr.std()

train_loader = DataLoader(BenchDataset(x_tr, k_tr, (a_tr - a_mu) / a_sd), batch_size=64, shuffle=True)
val_loader = DataLoader(BenchDataset(x_va, k_va, (a_va - a_mu) / a_sd), batch_size=500)


class MultiTaskNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(L, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU())
        self.cls_head = nn.Linear(64, 3)
        self.amp_head = nn.Linear(64, 1)

    def forward(self, x):
        h = self.trunk(x)
        return self.cls_head(h), self.amp_head(h).squeeze(-1)


model = MultiTaskNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)

for ep in range(12):
    model.train()
    total = 0.0
    for b in train_loader:
        opt.zero_grad()
        logits, amp_hat = model(b["x"])
        loss = F.cross_entropy(logits, b["kind"]) + 0.5 * F.l1_loss(amp_hat, b["amp"])
        loss.backward()
        opt.step()
        total += loss.item() * len(b["kind"])
    model.eval()
    hits, err, cnt = 0, 0.0, 0
    with torch.no_grad():
        for b in val_loader:
            logits, amp_hat = model(b["x"])
            hits += (logits.argmax(1) == b["kind"]).sum().item()
            err += ((amp_hat - b["amp"]).abs() * a_sd).sum().item()
            cnt += len(b["kind"])
    print(f"ep {ep:2d} loss {total / len(train_loader.dataset):.4f} | val acc {hits / cnt:.3f} | val amp MAE {err / cnt:.1f} mV")

print(f"done: waveform accuracy {hits / cnt:.3f}, amplitude MAE {err / cnt:.1f} mV")
