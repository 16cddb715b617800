"""Generated churn-style table: 3 categorical + 10 numeric columns, binary target.
Minority class is upsampled to balance the classes; categorical columns get embeddings."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score

torch.manual_seed(21)
np.random.seed(21)
torch.set_num_threads(1)
rng = np.random.default_rng(21)

Xn, y = make_classification(n_samples=1500, n_features=10, n_informative=5, weights=[0.75, 0.25],
                            flip_y=0.08, class_sep=0.8, random_state=21)
cards = [6, 4, 12]
Xc = np.stack([rng.integers(0, c, size=len(y)) for c in cards], axis=1)
Xc[:, 0] = np.where(rng.random(len(y)) < 0.3, y * 3 + rng.integers(0, 3, len(y)), Xc[:, 0])

# balance classes by upsampling the minority rows
pos, neg = np.where(y == 1)[0], np.where(y == 0)[0]
idx = np.concatenate([neg, rng.choice(pos, size=len(neg), replace=True)])
Xn, Xc, y = Xn[idx], Xc[idx], y[idx]

Xn_tr, Xn_va, Xc_tr, Xc_va, y_tr, y_va = train_test_split(Xn, Xc, y, test_size=0.25, random_state=21)
sc = StandardScaler().fit(Xn_tr)
Xn_tr, Xn_va = sc.transform(Xn_tr), sc.transform(Xn_va)
t = lambda a, dt=torch.float32: torch.tensor(a, dtype=dt)
Xn_tr, Xn_va, Xc_tr, Xc_va = t(Xn_tr), t(Xn_va), t(Xc_tr, torch.long), t(Xc_va, torch.long)
y_tr, y_va = t(y_tr), t(y_va)


class EmbedMLP(nn.Module):
    def __init__(self, n_num, cards, d_emb=4, hidden=256):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(c, d_emb) for c in cards])
        d_in = n_num + d_emb * len(cards)
        self.mlp = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, 1))

    def forward(self, xn, xc):
        e = [emb(xc[:, i]) for i, emb in enumerate(self.embs)]
        return self.mlp(torch.cat([xn] + e, dim=1)).squeeze(1)


model = EmbedMLP(Xn_tr.shape[1], cards)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
lossf = nn.BCEWithLogitsLoss()
BS, EPOCHS = 64, 60
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(y_tr))
    run = 0.0
    for k in range(0, len(perm), BS):
        b = perm[k:k + BS]
        opt.zero_grad()
        loss = lossf(model(Xn_tr[b], Xc_tr[b]), y_tr[b])
        loss.backward()
        opt.step()
        run += loss.item() * len(b)
    if (epoch + 1) % 10 == 0:
        model.eval()
        with torch.no_grad():
            p = torch.sigmoid(model(Xn_va, Xc_va))
        acc = ((p > 0.5).float() == y_va).float().mean().item()
        print(f"epoch {epoch + 1}: train_bce {run / len(y_tr):.4f} val_acc {acc:.3f} "
              f"val_auc {roc_auc_score(y_va.numpy(), p.numpy()):.3f}")

print(f"final val accuracy {acc:.3f}")
