"""Two-moons classification with orthogonal random Fourier features.

Frequencies are drawn as Omega = S Q / lengthscale where Q comes from a QR
decomposition (orthogonal random features, Yu et al. 2016) and S holds
chi-distributed row norms.  A closed-form kernel ridge classifier on the same
features is the reference; the trained model adds a small hidden layer on top.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)

X, y = make_moons(n_samples=2000, noise=0.15, random_state=8)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=8, stratify=y)
m, s = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - m) / s, dtype=torch.float32)
X_va = torch.tensor((X_va - m) / s, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)


def orthogonal_frequencies(d, n_feat, lengthscale, gen):
    blocks = []
    for _ in range(math.ceil(n_feat / d)):
        q, _ = torch.linalg.qr(torch.randn(d, d, generator=gen))
        norms = torch.randn(d, d, generator=gen).norm(dim=1)
        blocks.append(norms[:, None] * q)
    return torch.cat(blocks, 0)[:n_feat].T / lengthscale          # (d, n_feat)


g = torch.Generator().manual_seed(8)
D_FEAT = 200
Omega = orthogonal_frequencies(2, D_FEAT, lengthscale=0.5, gen=g)
phase = 2 * math.pi * torch.rand(D_FEAT, generator=g)


def rff(x):
    return math.sqrt(2.0 / D_FEAT) * torch.cos(torch.einsum("nd,df->nf", x, Omega) + phase)


Phi_tr, Phi_va = rff(X_tr), rff(X_va)

# closed-form kernel ridge on +-1 targets
t = (2 * y_tr - 1).float()
alpha = torch.linalg.solve(Phi_tr.T @ Phi_tr + 1e-2 * torch.eye(D_FEAT), Phi_tr.T @ t)
krr_acc = (((Phi_va @ alpha) > 0).long() == y_va).float().mean().item()
print(f"kernel ridge (RFF, closed form) val acc: {krr_acc:.4f}")


class RFFNet(nn.Module):
    def __init__(self, n_feat, hidden=32):
        super().__init__()
        self.hidden = nn.Linear(n_feat, hidden)
        self.out = nn.Linear(hidden, 2)
        nn.init.kaiming_normal_(self.hidden.weight, nonlinearity="relu")
        nn.init.zeros_(self.hidden.bias)
        nn.init.normal_(self.out.weight, std=0.01)
        nn.init.zeros_(self.out.bias)

    def forward(self, phi):
        return self.out(F.relu(self.hidden(phi)))


net = RFFNet(D_FEAT)
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[20, 30], gamma=0.2)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Phi_tr, y_tr), batch_size=64, shuffle=True)

for epoch in range(1, 36):
    net.train()
    tot, correct = 0.0, 0
    for pb, yb in loader:
        opt.zero_grad()
        logits = net(pb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(yb)
        correct += (logits.argmax(1) == yb).sum().item()
    sched.step()
    net.eval()
    with torch.no_grad():
        vl = net(Phi_va)
        v_loss = F.cross_entropy(vl, y_va).item()
        v_acc = (vl.argmax(1) == y_va).float().mean().item()
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.3f}  loss {tot / len(y_tr):.4f}  "
              f"train acc {correct / len(y_tr):.4f}  val loss {v_loss:.4f}  val acc {v_acc:.4f}")

print(f"RFF net val acc {v_acc:.4f} | kernel ridge {krr_acc:.4f}")
