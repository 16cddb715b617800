import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.metrics import mean_absolute_error

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

X, y = make_regression(n_samples=4000, n_features=8, n_informative=8, noise=5.0, random_state=SEED)
rng = np.random.RandomState(SEED)
vehicle = rng.randint(0, 6, size=len(y))
vehicle_effect = np.array([-40.0, -10.0, 0.0, 15.0, 30.0, 60.0])
y = y + vehicle_effect[vehicle] + 0.5 * X[:, 0] * X[:, 1] * 20

X_tr, X_va, v_tr, v_va, y_tr, y_va = train_test_split(X, vehicle, y, test_size=0.2, random_state=SEED)
mu, sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = y_tr.mean(), y_tr.std()


class ClaimsData(Dataset):
    def __init__(self, x, v, t):
        self.x = torch.tensor((x - mu) / sd, dtype=torch.float32)
        self.v = torch.tensor(v, dtype=torch.long)
        self.t = torch.tensor((t - y_mu) / y_sd, dtype=torch.float32)

    def __len__(self):
        return len(self.t)

    def __getitem__(self, i):
        return {"num": self.x[i], "vehicle": self.v[i]}, self.t[i]


train_dl = DataLoader(ClaimsData(X_tr, v_tr, y_tr), batch_size=128, shuffle=True)
val_dl = DataLoader(ClaimsData(X_va, v_va, y_va), batch_size=512)


class ClaimsModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.veh = nn.Embedding(6, 4)
        self.mlp = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, num, vehicle):
        return self.mlp(torch.cat([num, self.veh(vehicle)], 1)).squeeze(1)


model = ClaimsModel()
opt = torch.optim.Adam(model.parameters(), lr=3e-4)
loss_fn = nn.MSELoss()
EPOCHS = 3

for ep in range(EPOCHS):
    model.train()
    tot, cnt = 0.0, 0
    for inputs, target in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(**inputs), target)
        loss.backward()
        opt.step()
        tot += loss.item() * len(target)
        cnt += len(target)
    model.eval()
    preds, trues = [], []
    with torch.no_grad():
        for inputs, target in val_dl:
            preds.append(model(**inputs))
            trues.append(target)
    p = torch.cat(preds).numpy() * y_sd + y_mu
    t = torch.cat(trues).numpy() * y_sd + y_mu
    print(f"epoch {ep+1}: train_mse {tot/cnt:.4f}  val_mae {mean_absolute_error(t, p):.2f}")

print(f"done. final val MAE = {mean_absolute_error(t, p):.2f} (target std {y_sd:.1f})")
