"""Churn model on an assembled customer table (numeric + plan category)."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 7
np.random.seed(SEED)
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)

# ---- assemble the table from separate sources ----
n_rows = 5000
customer_id = rng.integers(0, 1200, size=n_rows)
tenure = rng.gamma(2.0, 12.0, size=n_rows)
monthly_spend = np.exp(rng.normal(3.5, 0.8, size=n_rows))
support_calls = rng.poisson(1.5, size=n_rows).astype(float)
usage = rng.normal(0, 1, size=(n_rows, 5))
plan_names = np.array(["basic", "plus", "pro", "family", "student", "legacy_a", "legacy_b", "promo"])
plan_p = np.array([0.35, 0.25, 0.15, 0.12, 0.08, 0.02, 0.02, 0.01])
plan = rng.choice(plan_names, size=n_rows, p=plan_p)

score = (-0.04 * tenure + 0.5 * support_calls + 0.6 * usage[:, 0] - 0.4 * usage[:, 1]
         + 0.3 * (plan == "promo") + rng.normal(0, 1.0, size=n_rows))
threshold = np.quantile(score, 0.96)
churn = (score > threshold).astype(np.int64)

numeric = np.column_stack([tenure, monthly_spend, support_calls, usage])
numeric[rng.random(numeric.shape) < 0.08] = np.nan

# ---- group-aware split: no customer in both splits ----
groups = np.unique(customer_id)
rng.shuffle(groups)
val_groups = set(groups[: int(0.25 * len(groups))].tolist())
is_val = np.array([c in val_groups for c in customer_id])
tr, va = ~is_val, is_val

# ---- audit ----
print(f"rows={n_rows} train={tr.sum()} val={va.sum()} features={numeric.shape[1]}")
print("missing rate per column:", np.round(np.isnan(numeric).mean(0), 3))
print("class counts train:", np.bincount(churn[tr]), "val:", np.bincount(churn[va]))

# ---- preprocessing fitted on train only ----
skewed = [0, 1, 2]
numeric[:, skewed] = np.log1p(numeric[:, skewed])
miss = np.isnan(numeric).astype(np.float32)
med = np.nanmedian(numeric[tr], axis=0)
numeric = np.where(np.isnan(numeric), med, numeric)
lo, hi = np.quantile(numeric[tr], [0.01, 0.99], axis=0)
numeric = np.clip(numeric, lo, hi)
mu, sd = numeric[tr].mean(0), numeric[tr].std(0) + 1e-8
numeric = (numeric - mu) / sd
X_num = np.hstack([numeric, miss]).astype(np.float32)

counts = {p: (plan[tr] == p).sum() for p in plan_names}
kept = [p for p in plan_names if counts[p] >= 100]
vocab = {p: i for i, p in enumerate(kept)}
other_id = len(vocab)
plan_idx = np.array([vocab.get(p, other_id) for p in plan], dtype=np.int64)
print("plan vocab:", kept, "+ other")


class ChurnNet(nn.Module):
    def __init__(self, n_num, n_cat, emb_dim=4):
        super().__init__()
        self.emb = nn.Embedding(n_cat, emb_dim)
        self.mlp = nn.Sequential(
            nn.Linear(n_num + emb_dim, 64), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(64, 32), nn.ReLU(),
            nn.Linear(32, 2),
        )

    def forward(self, x_num, x_cat):
        return self.mlp(torch.cat([x_num, self.emb(x_cat)], dim=1))


def to_t(mask):
    return (torch.from_numpy(X_num[mask]), torch.from_numpy(plan_idx[mask]),
            torch.from_numpy(churn[mask]))


train_ds = TensorDataset(*to_t(tr))
Xv_num, Xv_cat, yv = to_t(va)
loader = DataLoader(train_ds, batch_size=128, shuffle=True)

model = ChurnNet(X_num.shape[1], other_id + 1)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)

for epoch in range(1, 21):
    model.train()
    total, seen = 0.0, 0
    for xb, cb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb, cb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        seen += len(yb)
    model.eval()
    with torch.no_grad():
        logits = model(Xv_num, Xv_cat)
        val_loss = criterion(logits, yv).item()
        val_acc = (logits.argmax(1) == yv).float().mean().item()
    if epoch % 2 == 0 or epoch == 1:
        print(f"epoch {epoch:02d} train_loss={total / seen:.4f} val_loss={val_loss:.4f} val_acc={val_acc:.4f}")

print(f"final validation accuracy: {val_acc:.4f}")
