import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import accuracy_score, f1_score, balanced_accuracy_score

torch.set_num_threads(1)
np.random.seed(17)
torch.manual_seed(17)

# ---------------- data: 14 numeric columns + 'region' (9 levels) --------------------------
Xn, y0 = make_classification(n_samples=3500, n_features=14, n_informative=9, n_redundant=2,
                             n_classes=3, n_clusters_per_class=2, class_sep=1.4,
                             weights=[0.5, 0.3, 0.2], random_state=17)
region = np.random.randint(0, 9, size=len(y0))
shift = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2])
y = np.where(region >= 6, y0, (y0 + shift[region]) % 3)

skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=17)
trn_idx, val_idx = next(skf.split(Xn, y))


class ColumnPrep:
    """numeric: quantile-clip + z-score; categorical: passthrough as int index"""

    def fit(self, Xnum):
        self.lo, self.hi = np.percentile(Xnum, [0.5, 99.5], axis=0)
        clipped = np.clip(Xnum, self.lo, self.hi)
        self.mu, self.sd = clipped.mean(0), clipped.std(0) + 1e-6
        return self

    def transform(self, Xnum, cat):
        z = (np.clip(Xnum, self.lo, self.hi) - self.mu) / self.sd
        return z.astype(np.float32), cat.astype(np.int64)


prep = ColumnPrep().fit(Xn[trn_idx])


class TabDS(Dataset):
    def __init__(self, idx):
        self.xn, self.xc = prep.transform(Xn[idx], region[idx])
        self.y = y[idx].astype(np.int64)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.xn[i], self.xc[i], self.y[i]


train_dl = DataLoader(TabDS(trn_idx), batch_size=64, shuffle=True)
valid_dl = DataLoader(TabDS(val_idx), batch_size=256, shuffle=False)


class EmbMLP(nn.Module):
    def __init__(self, n_num, n_levels, emb_dim=4, hidden=128, n_out=3, p=0.2):
        super().__init__()
        self.emb = nn.Embedding(n_levels, emb_dim)
        self.fc1 = nn.Linear(n_num + emb_dim, hidden)
        self.ln1 = nn.LayerNorm(hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.ln2 = nn.LayerNorm(hidden)
        self.drop = nn.Dropout(p)
        self.out = nn.Linear(hidden, n_out)

    def forward(self, xn, xc):
        h = torch.cat([xn, self.emb(xc)], dim=1)
        h = self.drop(F.gelu(self.ln1(self.fc1(h))))
        h = h + self.drop(F.gelu(self.ln2(self.fc2(h))))
        return self.out(h)


counts = np.bincount(y[trn_idx], minlength=3)
class_w = torch.tensor(len(trn_idx) / (3 * counts), dtype=torch.float32)

model = EmbMLP(14, 9)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.02)
EPOCHS = 24
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-5)


def evaluate():
    model.eval()
    preds, tgts, loss_sum = [], [], 0.0
    with torch.no_grad():
        for xn, xc, t in valid_dl:
            logits = model(xn, xc)
            loss_sum += F.cross_entropy(logits, t, weight=class_w, reduction="sum").item()
            preds.append(logits.argmax(1))
            tgts.append(t)
    p, t = torch.cat(preds).numpy(), torch.cat(tgts).numpy()
    return loss_sum / len(t), p, t


for epoch in range(EPOCHS):
    model.train()
    tl, n = 0.0, 0
    for xn, xc, t in train_dl:
        opt.zero_grad()
        loss = F.cross_entropy(model(xn, xc), t, weight=class_w)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        tl += loss.item() * len(t)
        n += len(t)
    sched.step()
    vl, p, t = evaluate()
    if epoch % 5 == 0 or epoch == EPOCHS - 1:
        print(f"ep {epoch:02d} lr {sched.get_last_lr()[0]:.2e} train {tl / n:.4f} valid {vl:.4f} "
              f"bal_acc {balanced_accuracy_score(t, p):.4f}")

vl, p, t = evaluate()
print(f"VALID acc={accuracy_score(t, p):.4f} balanced_acc={balanced_accuracy_score(t, p):.4f} "
      f"macroF1={f1_score(t, p, average='macro'):.4f}")
