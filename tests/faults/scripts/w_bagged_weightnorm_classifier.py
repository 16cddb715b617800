"""Bagging ensemble of weight-normalised MLPs on a synthetic tabular task.

Every member is trained on a bootstrap resample of the training rows with a
short head warm-up, then the whole network; validation probabilities are
averaged over members.
"""
import numpy as np
import torch
from torch import nn
from torch.nn.utils.parametrizations import weight_norm
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(11)
torch.set_num_threads(1)
rng = np.random.default_rng(11)

X, y = make_classification(n_samples=2400, n_features=36, n_informative=6, n_redundant=2,
                           n_classes=4, n_clusters_per_class=1, class_sep=2.0,
                           random_state=11)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=11)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


class WNNet(nn.Module):
    def __init__(self, d_in, n_out, h=64):
        super().__init__()
        self.body = nn.Sequential(
            weight_norm(nn.Linear(d_in, h)), nn.ReLU(),
            weight_norm(nn.Linear(h, 16)), nn.ReLU(),
        )
        self.head = nn.Linear(16, n_out)

    def forward(self, x):
        return self.head(self.body(x))


def set_trainable(module, flag):
    for p in module.parameters():
        p.requires_grad = flag


def fit_member(Xb, yb, epochs=20, warmup=2, bs=64):
    net = WNNet(Xb.shape[1], 4)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.05)
    loss_fn = nn.CrossEntropyLoss()
    set_trainable(net.body, False)
    for ep in range(epochs):
        if ep == warmup:
            set_trainable(net.head, True)
        net.train()
        perm = torch.randperm(len(Xb))
        total = 0.0
        for s in range(0, len(perm), bs):
            i = perm[s:s + bs]
            opt.zero_grad()
            loss = loss_fn(net(Xb[i]), yb[i])
            loss.backward()
            opt.step()
            total += loss.item() * len(i)
        if ep % 5 == 4:
            print(f"   epoch {ep + 1:2d}  loss {total / len(Xb):.4f}")
    return net


members, probs = [], []
for m in range(3):
    idx = torch.from_numpy(rng.integers(0, len(X_tr), len(X_tr)))
    print(f"member {m}: bootstrap of {len(idx)} rows ({len(torch.unique(idx))} unique)")
    net = fit_member(X_tr[idx], y_tr[idx])
    net.eval()
    with torch.no_grad():
        p = torch.softmax(net(X_va), dim=1)
        tr_acc = (net(X_tr).argmax(1) == y_tr).float().mean().item()
    probs.append(p)
    print(f"member {m}: train acc {tr_acc:.4f}  val acc {(p.argmax(1) == y_va).float().mean().item():.4f}")

p_bag = torch.stack(probs).mean(0)
print(f"bagged val acc {(p_bag.argmax(1) == y_va).float().mean().item():.4f}")
