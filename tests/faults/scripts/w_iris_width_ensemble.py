"""Small deep ensemble on iris: members differ in hidden width and seed,
class probabilities are averaged on the validation split."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)

X, y = load_iris(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)

HIDDEN_SIZES = [32, 48, 64]
N_CLASSES = 3


class TwoLayerNet(nn.Module):
    def __init__(self, d_in, width):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(d_in, width), nn.Tanh(),
                                    nn.Linear(width, width), nn.Tanh())
        self.classifier = nn.Linear(HIDDEN_SIZES[0], N_CLASSES)

    def forward(self, x):
        return self.classifier(self.hidden(x))


def train(width, seed, epochs=50, bs=16):
    torch.manual_seed(seed)
    net = TwoLayerNet(X_tr.shape[1], width)
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)
    ce = nn.CrossEntropyLoss()
    for ep in range(epochs):
        net.train()
        perm = torch.randperm(len(X_tr))
        run = 0.0
        for s in range(0, len(perm), bs):
            i = perm[s:s + bs]
            opt.zero_grad()
            loss = ce(net(X_tr[i]), y_tr[i])
            loss.backward()
            opt.step()
            run += loss.item() * len(i)
        sched.step()
        if (ep + 1) % 10 == 0:
            print(f"  width={width} epoch {ep + 1} loss {run / len(X_tr):.4f}")
    return net


ensemble = []
for m, width in enumerate(HIDDEN_SIZES):
    print(f"member {m} (width {width})")
    net = train(width, seed=100 + m)
    net.eval()
    with torch.no_grad():
        acc = (net(X_va).argmax(1) == y_va).float().mean().item()
    print(f"member {m} val acc {acc:.4f}")
    ensemble.append(net)

with torch.no_grad():
    p = torch.stack([torch.softmax(n(X_va), dim=1) for n in ensemble]).mean(0)
print(f"ensemble val acc {(p.argmax(1) == y_va).float().mean().item():.4f}")
