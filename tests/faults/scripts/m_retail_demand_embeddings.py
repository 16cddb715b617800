import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.metrics import mean_absolute_error

rs = np.random.RandomState(99)
torch.manual_seed(99)

N_STORES, N_ITEMS, N = 15, 40, 5000
store = rs.randint(0, N_STORES, N)
item = rs.randint(0, N_ITEMS, N)
price = rs.uniform(1, 30, N)
promo = rs.binomial(1, 0.3, N).astype(float)
temp = rs.normal(18, 8, N)
dow = rs.randint(0, 7, N)
store_lvl = rs.gamma(3, 20, N_STORES)
item_lvl = rs.gamma(2, 15, N_ITEMS)
units = (store_lvl[store] * 0.5 + item_lvl[item] - 1.8 * price + 25 * promo
         + 0.8 * temp + 10 * (dow >= 5) + rs.normal(0, 6, N))
units = np.maximum(units, 0)

num = np.column_stack([price, promo, temp])
tr, va = train_test_split(np.arange(N), test_size=0.2, random_state=99)
num_mu, num_sd = num[tr].mean(0), num[tr].std(0)
y_mu, y_sd = units[tr].mean(), units[tr].std()


def make(rows):
    feats = {"numeric": torch.tensor((num[rows] - num_mu) / num_sd, dtype=torch.float32),
             "store": torch.tensor(store[rows]), "item": torch.tensor(item[rows]),
             "dow": torch.tensor(dow[rows])}
    return feats, torch.tensor((units[rows] - y_mu) / y_sd, dtype=torch.float32)


Xtr, ytr = make(tr)
Xva, yva = make(va)


class DemandModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.store = nn.Embedding(N_STORES, 6)
        self.item = nn.Embedding(N_ITEMS, 8)
        self.dow = nn.Embedding(7, 3)
        self.mlp = nn.Sequential(nn.Linear(3 + 6 + 8 + 3, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, numeric, store, item, dow):
        z = torch.cat([numeric, self.store(store), self.item(item), self.dow(dow)], dim=1)
        return self.mlp(z).squeeze(-1)


model = DemandModel()
optim = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.StepLR(optim, step_size=10, gamma=0.5)
loss_fn = nn.SmoothL1Loss()

for epoch in range(30):
    model.train()
    perm = torch.randperm(len(ytr))
    total = 0.0
    for i in range(0, len(perm), 128):
        b = perm[i:i + 128]
        optim.zero_grad()
        loss = loss_fn(model(**{k: v[b] for k, v in Xtr.items()}), ytr[b])
        loss.backward()
        optim.step()
        total += loss.item() * len(b)
    sched.step()
    model.eval()
    with torch.no_grad():
        pred = model(**Xva).numpy() * y_sd + y_mu
    if epoch % 5 == 4:
        print(f"epoch {epoch+1:2d} train_loss {total/len(perm):.4f} val_MAE {mean_absolute_error(units[va], pred):.2f}")

base = mean_absolute_error(units[va], np.full(len(va), y_mu))
print(f"val MAE {mean_absolute_error(units[va], pred):.2f} units (predict-mean baseline {base:.2f})")
