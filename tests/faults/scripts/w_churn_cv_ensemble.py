"""Customer-churn style binary task: 3-fold CV, each fold trains a small
2-member ensemble and reports the averaged validation accuracy."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

SEED = 21
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

X, y = make_classification(n_samples=3000, n_features=16, n_informative=5, n_redundant=3,
                           weights=[0.95, 0.05], class_sep=1.0, flip_y=0.0,
                           random_state=SEED)
print(f"rows {len(y)}, churn rate {y.mean():.3f}")


def make_net():
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.1),
                         nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2))


def train_net(xt, yt, epochs=25, bs=128):
    net = make_net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    crit = nn.CrossEntropyLoss()
    for ep in range(epochs):
        net.train()
        perm = torch.randperm(len(xt))
        acc_loss = 0.0
        for i in range(0, len(perm), bs):
            b = perm[i:i + bs]
            opt.zero_grad()
            loss = crit(net(xt[b]), yt[b])
            loss.backward()
            opt.step()
            acc_loss += loss.item() * len(b)
        if ep in (0, epochs // 2, epochs - 1):
            print(f"    epoch {ep + 1:2d} loss {acc_loss / len(xt):.4f}")
    return net


fold_scores = []
skf = StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED)
for fold, (tr, va) in enumerate(skf.split(X, y)):
    sc = StandardScaler().fit(X[tr])
    xt = torch.tensor(sc.transform(X[tr]), dtype=torch.float32)
    xv = torch.tensor(sc.transform(X[va]), dtype=torch.float32)
    yt, yv = torch.tensor(y[tr]), torch.tensor(y[va])
    probs = []
    for member in range(2):
        print(f"  fold {fold} member {member}")
        net = train_net(xt, yt)
        net.eval()
        with torch.no_grad():
            probs.append(torch.softmax(net(xv), dim=1))
    pred = torch.stack(probs).mean(0).argmax(1)
    acc = (pred == yv).float().mean().item()
    fold_scores.append(acc)
    print(f"fold {fold}: val accuracy {acc:.4f}")

print(f"CV accuracy {np.mean(fold_scores):.4f} +- {np.std(fold_scores):.4f}")
