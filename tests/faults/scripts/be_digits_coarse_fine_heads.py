"""Hierarchical digit classifier: coarse head (small <5 / large >=5) + fine head (0-9)."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

digits = load_digits()
X = digits.data.astype(np.float32)
y_fine = digits.target
y_coarse = (y_fine >= 5).astype(np.int64)

Xtr, Xva, ftr, fva, ctr, cva = train_test_split(
    X, y_fine, y_coarse, test_size=0.25, random_state=SEED, stratify=y_fine)
mean, std = Xtr.mean(0), Xtr.std(0) + 1e-6
Xtr, Xva = (Xtr - mean) / std, (Xva - mean) / std

Xtr, Xva = torch.from_numpy(Xtr), torch.from_numpy(Xva)
ftr, fva = torch.from_numpy(ftr), torch.from_numpy(fva)
ctr, cva = torch.from_numpy(ctr), torch.from_numpy(cva)


class TwoLevelNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU())
        self.coarse = nn.Linear(64, 2)
        self.fine = nn.Linear(64 + 2, 10)

    def forward(self, x):
        h = self.trunk(x)
        c = self.coarse(h)
        f = self.fine(torch.cat([h, c], dim=1))
        return c.softmax(dim=1), f.softmax(dim=1)


net = TwoLevelNet()
ce = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)

for ep in range(15):
    net.train()
    order = torch.randperm(len(Xtr))
    total = 0.0
    for s in range(0, len(order), 64):
        b = order[s:s + 64]
        optimizer.zero_grad()
        pc, pf = net(Xtr[b])
        loss = 0.3 * ce(pc, ctr[b]) + ce(pf, ftr[b])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        pc, pf = net(Xva)
        acc_c = (pc.argmax(1) == cva).float().mean().item()
        acc_f = (pf.argmax(1) == fva).float().mean().item()
    print(f"[{ep + 1:2d}/15] loss {total / len(order):.4f} | val coarse {acc_c:.3f} fine {acc_f:.3f}")

consistent = ((pf.argmax(1) >= 5).long() == pc.argmax(1)).float().mean().item()
print(f"final: fine acc {acc_f:.3f}, coarse acc {acc_c:.3f}, head agreement {consistent:.3f}")
