import numpy as np
import torch
from torch import nn
from sklearn.model_selection import train_test_split
from sklearn.metrics import accuracy_score, f1_score

rng = np.random.default_rng(11)
torch.manual_seed(11)

# listings: sqft, lot size, year built, distance to center (m), rooms, bathrooms, + neighbourhood id
n = 3000
sqft = rng.normal(1800, 600, n).clip(300)
lot = rng.normal(8000, 3000, n).clip(500)
year = rng.integers(1920, 2022, n).astype(float)
dist = rng.gamma(2.0, 3000.0, n)
rooms = rng.integers(1, 8, n).astype(float)
baths = rng.integers(1, 4, n).astype(float)
hood = rng.integers(0, 10, n)
hood_bias = rng.normal(0, 0.6, 10)
score = (0.9 * (rooms - 4) / 2 + 0.8 * (baths - 2) + 0.6 * (sqft - 1800) / 600
         - 0.5 * (dist - 6000) / 4000 + 0.4 * (year - 1970) / 30 + hood_bias[hood])
score += rng.normal(0, 0.5, n)
label = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))  # low / mid / high value

num = np.stack([sqft, lot, year, dist, rooms, baths], axis=1)
tr, va = train_test_split(np.arange(n), test_size=0.2, random_state=11, stratify=label)


def tensors(rows):
    return {"numeric": torch.tensor(num[rows], dtype=torch.float32),
            "hood": torch.tensor(hood[rows], dtype=torch.long)}, torch.tensor(label[rows])


Xtr, ytr = tensors(tr)
Xva, yva = tensors(va)


class ValuationModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.hood = nn.Embedding(10, 4)
        self.net = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))

    def forward(self, numeric, hood):
        return self.net(torch.cat([numeric, self.hood(hood)], dim=1))


model = ValuationModel()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
ce = nn.CrossEntropyLoss()

for epoch in range(25):
    model.train()
    perm = torch.randperm(len(ytr))
    losses = []
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        loss = ce(model(**{k: v[b] for k, v in Xtr.items()}), ytr[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        pv = model(**Xva).argmax(1)
    print(f"epoch {epoch + 1:02d} | loss {np.mean(losses):.4f} | val acc {accuracy_score(yva, pv):.3f}")

print("val macro-F1 %.3f" % f1_score(yva, pv, average="macro"))
