import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


class BlockNet(nn.Module):
    def __init__(self, d_in=64, width=8, depth=2, n_out=10):
        super().__init__()
        self.blocks = [nn.Linear(d_in, width)] + [nn.Linear(width, width) for _ in range(depth - 1)]
        self.out = nn.Linear(width, n_out)

    def forward(self, x):
        for blk in self.blocks:
            x = F.relu(blk(x))
        return self.out(x)


net = BlockNet()
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
print("trainable tensors:", sum(1 for _ in net.parameters()))

bs = 32
n = len(X_tr)
for epoch in range(20):
    net.train()
    perm = torch.randperm(n)
    ep_loss = 0.0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        opt.zero_grad()
        loss = F.cross_entropy(net(X_tr[idx]), y_tr[idx])
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(idx)
    net.eval()
    with torch.no_grad():
        va_acc = (net(X_va).argmax(1) == y_va).float().mean().item()
    print(f"epoch {epoch:2d} loss {ep_loss / n:.4f} val acc {va_acc:.3f}")

print(f"val accuracy {va_acc:.3f}")
