"""Digits classifier, hand-rolled label-smoothed cross-entropy, SGD with momentum,
FGSM robustness check at the end."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(21)
np.random.seed(21)
torch.set_num_threads(1)

data = load_digits()
Xa, Xb, ya, yb = train_test_split(data.data, data.target, test_size=0.25, random_state=21,
                                  stratify=data.target)
sc = StandardScaler().fit(Xa)
Xa = torch.tensor(sc.transform(Xa), dtype=torch.float32)
Xb = torch.tensor(sc.transform(Xb), dtype=torch.float32)
ya = torch.tensor(ya, dtype=torch.long)
yb = torch.tensor(yb, dtype=torch.long)
N_CLASSES = 10


def smoothed_ce(logits, target, eps=0.1):
    soft = torch.full_like(logits, eps / (N_CLASSES - 1))
    soft.scatter_(1, target.unsqueeze(1), 1.0 - eps)
    return -(soft * F.log_softmax(logits, dim=1)).sum()


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(64, 128)
        self.l2 = nn.Linear(128, 128)
        self.l3 = nn.Linear(128, N_CLASSES)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


net = MLP()
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
BS = 128

for ep in range(20):
    net.train()
    perm = torch.randperm(len(Xa))
    losses = []
    for s in range(0, len(perm), BS):
        idx = perm[s:s + BS]
        opt.zero_grad()
        loss = smoothed_ce(net(Xa[idx]), ya[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        acc = (net(Xb).argmax(1) == yb).float().mean().item()
    print(f"epoch {ep + 1:2d}: loss {np.mean(losses):.4f}  val acc {acc:.3f}")

x_adv = Xb.clone().requires_grad_(True)
g, = torch.autograd.grad(F.cross_entropy(net(x_adv), yb), x_adv)
with torch.no_grad():
    clean = (net(Xb).argmax(1) == yb).float().mean().item()
    adv = (net(Xb + 0.2 * g.sign()).argmax(1) == yb).float().mean().item()
print(f"val clean acc {clean:.3f} | val fgsm(0.2) acc {adv:.3f}")
