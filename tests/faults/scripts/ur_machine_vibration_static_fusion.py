# Predictive maintenance: vibration window (GRU) + machine static specs (MLP)
# Gated fusion of the two embeddings -> 4 fault classes.
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.model_selection import train_test_split

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

N, T, C = 1600, 30, 2
labels = np.random.randint(0, 4, N)
t = np.arange(T) / T
base_freq = np.array([2.0, 4.0, 6.0, 8.0])[labels] + np.random.normal(0, 0.4, N)
amp = np.array([1.0, 1.0, 1.6, 0.7])[labels]
vib = np.stack([
    amp[:, None] * np.sin(2 * math.pi * base_freq[:, None] * t),
    np.cos(2 * math.pi * base_freq[:, None] * t + np.random.uniform(0, 6.28, (N, 1))),
], axis=-1) + np.random.normal(0, 0.5, (N, T, C))
specs = np.random.normal(0, 1, (N, 6))
specs[:, 0] += 0.8 * (labels == 1) - 0.8 * (labels == 3)   # rpm class
specs[:, 1] += 0.6 * (labels >= 2)                           # operating hours
vib, specs = vib.astype(np.float32), specs.astype(np.float32)

ids = np.arange(N)
tr_ids, va_ids = train_test_split(ids, test_size=0.25, random_state=3, stratify=labels)
v_mu, v_sd = vib[tr_ids].mean((0, 1)), vib[tr_ids].std((0, 1))
s_mu, s_sd = specs[tr_ids].mean(0), specs[tr_ids].std(0)
vib = (vib - v_mu) / v_sd
specs = (specs - s_mu) / s_sd


def to_ds(ix):
    return TensorDataset(torch.from_numpy(vib[ix]), torch.from_numpy(specs[ix]), torch.from_numpy(labels[ix]))


train_dl = DataLoader(to_ds(tr_ids), batch_size=32, shuffle=True)
val_dl = DataLoader(to_ds(va_ids), batch_size=400)


class GatedFusion(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.seq_enc = nn.GRU(C, d, batch_first=True)
        self.stat_enc = nn.Sequential(nn.Linear(6, d), nn.ReLU(), nn.Linear(d, d))
        self.gate = nn.Linear(2 * d, d)
        self.cls = nn.Linear(d, 4)

    def forward(self, seq, stat):
        _, h = self.seq_enc(seq)
        a, b = h[-1], self.stat_enc(stat)
        g = torch.sigmoid(self.gate(torch.cat([a, b], 1)))
        return self.cls(g * a + (1 - g) * b)


net = GatedFusion()
optim = torch.optim.Adam(net.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.StepLR(optim, step_size=8, gamma=0.5)
ce = nn.CrossEntropyLoss()

for epoch in range(18):
    net.train()
    ep_loss = []
    for seq, stat, y in train_dl:
        optim.zero_grad()
        loss = ce(net(seq, stat), y)
        loss.backward()
        optim.step()
        sched.step()
        ep_loss.append(loss.item())
    net.eval()
    correct = 0
    with torch.no_grad():
        for seq, stat, y in val_dl:
            correct += (net(seq, stat).argmax(1) == y).sum().item()
    print(f"epoch {epoch + 1:2d} lr {optim.param_groups[0]['lr']:.2e} "
          f"loss {np.mean(ep_loss):.4f} val_acc {correct / len(va_ids):.3f}")

print(f"final val accuracy: {correct / len(va_ids):.3f}")
