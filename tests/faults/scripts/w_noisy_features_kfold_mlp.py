import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedKFold

torch.manual_seed(0)
torch.set_num_threads(1)

X, y = make_classification(n_samples=2400, n_features=40, n_informative=6, n_redundant=0,
                           n_repeated=0, n_classes=4, n_clusters_per_class=1,
                           class_sep=2.0, flip_y=0.01, random_state=0)
X = X.astype(np.float32)


class EncoderHead(nn.Module):
    def __init__(self, d_in, d_code=8, n_cls=4):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d_in, 64), nn.ReLU(), nn.Linear(64, d_code))
        self.head = nn.Sequential(nn.Linear(d_code, 32), nn.ReLU(), nn.Linear(32, n_cls))

    def forward(self, x):
        z = self.encoder(x)
        z = torch.from_numpy(np.clip(z.detach().numpy(), -6.0, 6.0))
        return self.head(z)


def train_eval(xtr, ytr, xva, yva, epochs=20, bs=64, lr=2e-3):
    model = EncoderHead(xtr.shape[1])
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        tot = 0.0
        for i in range(0, len(perm), bs):
            b = perm[i:i + bs]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
            tot += loss.item() * len(b)
        if ep % 5 == 4:
            model.eval()
            with torch.no_grad():
                va = (model(xva).argmax(1) == yva).float().mean().item()
            print(f"    epoch {ep + 1:2d} train_loss {tot / len(xtr):.4f} val_acc {va:.4f}")
    model.eval()
    with torch.no_grad():
        tr_acc = (model(xtr).argmax(1) == ytr).float().mean().item()
        va_acc = (model(xva).argmax(1) == yva).float().mean().item()
    return tr_acc, va_acc


results = []
folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
for f, (tr, va) in enumerate(folds.split(X, y)):
    mu, sd = X[tr].mean(0), X[tr].std(0)
    xtr = torch.from_numpy((X[tr] - mu) / sd)
    xva = torch.from_numpy((X[va] - mu) / sd)
    ytr, yva = torch.from_numpy(y[tr]), torch.from_numpy(y[va])
    print(f"fold {f}")
    tr_acc, va_acc = train_eval(xtr, ytr, xva, yva)
    results.append(va_acc)
    print(f"fold {f}: train acc {tr_acc:.4f}  val acc {va_acc:.4f}")

print(f"mean val acc {np.mean(results):.4f}  per fold {[round(r, 4) for r in results]}")
