"""Next-week store demand regression.

Modality A: last 24 days of sales (1D conv encoder).
Modality B: store attributes from sklearn's make_regression (MLP encoder).
Batches are dicts; targets standardised on the train split and inverted for R^2.
ReduceLROnPlateau on val loss plus early stopping with best-weight restore.
"""
import copy
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.datasets import make_regression
from sklearn.metrics import r2_score, mean_absolute_error
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
torch.set_num_threads(1)
rng = np.random.default_rng(8)

N = 1400
store_x, store_effect = make_regression(n_samples=N, n_features=8, n_informative=5, noise=5.0, random_state=8)
level = 200 + 40 * rng.normal(size=N)
trend = rng.normal(0, 2, N)
days = np.arange(24)
weekly = 25 * np.sin(2 * np.pi * days / 7)
sales = level[:, None] + trend[:, None] * days[None, :] + weekly[None, :] + rng.normal(0, 8, (N, 24))
target = 7 * (level + trend * 27) + 3.0 * store_effect + rng.normal(0, 30, N)   # units sold next week

i_tr, i_va = train_test_split(np.arange(N), test_size=0.25, random_state=8)
sales_mu, sales_sd = sales[i_tr].mean(), sales[i_tr].std()
st_mu, st_sd = store_x[i_tr].mean(0), store_x[i_tr].std(0)
y_mu, y_sd = target[i_tr].mean(), target[i_tr].std()


class DemandData(Dataset):
    def __init__(self, ix):
        self.sales = torch.tensor((sales[ix] - sales_mu) / sales_sd, dtype=torch.float32).unsqueeze(1)
        self.store = torch.tensor((store_x[ix] - st_mu) / st_sd, dtype=torch.float32)
        self.y = torch.tensor((target[ix] - y_mu) / y_sd, dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"sales": self.sales[i], "store": self.store[i], "y": self.y[i]}


train_dl = DataLoader(DemandData(i_tr), batch_size=32, shuffle=True)
val_dl = DataLoader(DemandData(i_va), batch_size=256)


class DemandNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(
            nn.Conv1d(1, 16, 5, padding=2), nn.ReLU(),
            nn.Conv1d(16, 16, 5, padding=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(4), nn.Flatten(), nn.Linear(64, 32), nn.ReLU())
        self.tab = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 32), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, batch):
        z = torch.cat([self.seq(batch["sales"]), self.tab(batch["store"])], dim=-1)
        return self.head(z).squeeze(-1)


model = DemandNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
mse = nn.MSELoss()


def run_eval(dl):
    model.eval()
    preds, ys = [], []
    with torch.no_grad():
        for b in dl:
            preds.append(model(b))
            ys.append(b["y"])
    p, t = torch.cat(preds), torch.cat(ys)
    return mse(p, t).item(), p.numpy() * y_sd + y_mu, t.numpy() * y_sd + y_mu


best_loss, best_state, bad_epochs, patience = float("inf"), None, 0, 6
for epoch in range(1, 61):
    model.train()
    losses = []
    for b in train_dl:
        opt.zero_grad()
        loss = mse(model(b), b["y"])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    val_loss, p, t = run_eval(val_dl)
    plateau.step(val_loss)
    print(f"epoch {epoch:2d}  train_mse {np.mean(losses):.4f}  val_mse {val_loss:.4f}  "
          f"val_r2 {r2_score(t, p):.3f}  lr {opt.param_groups[0]['lr']:.1e}")
    if val_loss < best_loss - 1e-4:
        best_loss, best_state, bad_epochs = val_loss, copy.deepcopy(model.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(best_state)
_, p, t = run_eval(val_dl)
_, ptr, ttr = run_eval(DataLoader(DemandData(i_tr), batch_size=512))
print(f"best val_mse {best_loss:.4f} | train R2 {r2_score(ttr, ptr):.3f} | val R2 {r2_score(t, p):.3f} "
      f"| val MAE {mean_absolute_error(t, p):.1f} units")
