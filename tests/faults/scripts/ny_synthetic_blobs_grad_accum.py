"""Exercise 6: 4-class synthetic problem, micro-batches with gradient accumulation.

Effective batch = MICRO * ACCUM = 16 * 4 = 64.  The loss of each micro-batch is
divided by ACCUM so that the accumulated gradient equals the mean over 64 rows.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification

torch.manual_seed(11)
np.random.seed(11)

# Section 1 ---------------------------------------------------- data
X, y = make_classification(n_samples=2000, n_features=20, n_informative=10, n_redundant=4,
                           n_classes=4, n_clusters_per_class=1, class_sep=1.5, random_state=11)
rng = np.random.default_rng(11)
order = rng.permutation(len(X))
tr_idx, va_idx = order[:1600], order[1600:]
assert len(set(tr_idx) & set(va_idx)) == 0
mu = X[tr_idx].mean(0)
sigma = X[tr_idx].std(0)
Xt = torch.tensor((X - mu) / sigma, dtype=torch.float32)
yt = torch.tensor(y, dtype=torch.long)
X_train, y_train = Xt[tr_idx], yt[tr_idx]
X_val, y_val = Xt[va_idx], yt[va_idx]
assert X_train.shape == (1600, 20) and X_val.shape == (400, 20)

# Section 2 ---------------------------------------------------- model
class MLP(nn.Module):
    def __init__(self, d_in=20, h=64, c=4, p=0.2):
        super().__init__()
        self.fc1 = nn.Linear(d_in, h)
        self.fc2 = nn.Linear(h, h)
        self.out = nn.Linear(h, c)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.out(x)

model = MLP()
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=8, gamma=0.5)
MICRO, ACCUM, EPOCHS = 16, 4, 24

# Section 3 ---------------------------------------------------- training
history = []
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_train))
    optimizer.zero_grad()
    run_loss, n_seen = 0.0, 0
    for step, start in enumerate(range(0, len(perm), MICRO)):
        idx = perm[start:start + MICRO]
        logits = model(X_train[idx])
        assert logits.shape == (len(idx), 4)
        loss = F.cross_entropy(logits, y_train[idx])
        (loss / ACCUM).backward()
        run_loss += loss.item() * len(idx)
        n_seen += len(idx)
        if (step + 1) % ACCUM == 0:
            optimizer.step()
            optimizer.zero_grad()
    scheduler.step()

    model.eval()
    with torch.no_grad():
        tr_acc = (model(X_train).argmax(1) == y_train).float().mean().item()
        v_logits = model(X_val)
        v_loss = F.cross_entropy(v_logits, y_val).item()
        v_acc = (v_logits.argmax(1) == y_val).float().mean().item()
    history.append((epoch + 1, run_loss / n_seen, tr_acc, v_loss, v_acc))

# Section 4 ---------------------------------------------------- report
print("| epoch | train loss | train acc | val loss | val acc |")
print("|-------|------------|-----------|----------|---------|")
for e, tl, ta, vl, va in history:
    print(f"| {e:5d} | {tl:10.4f} | {ta:9.3f} | {vl:8.4f} | {va:7.3f} |")
print(f"\nfinal: val accuracy {history[-1][4]:.3f}")
