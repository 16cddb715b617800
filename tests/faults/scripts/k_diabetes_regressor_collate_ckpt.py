import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(8)
torch.set_num_threads(1)
np.random.seed(8)

X, y = load_diabetes(return_X_y=True)
order = np.random.permutation(len(y))
n_tr = int(0.8 * len(y))
tr, va = order[:n_tr], order[n_tr:]

x_mu, x_sd = X[tr].mean(0), X[tr].std(0)
y_mu, y_sd = y[tr].mean(), y[tr].std()


class PatientRecords(Dataset):
    """Returns dict records, like a row-oriented feature store would."""

    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        j = self.rows[i]
        return {"features": (X[j] - x_mu) / x_sd, "target": (y[j] - y_mu) / y_sd}


def collate_records(batch):
    feats = torch.tensor(np.stack([b["features"] for b in batch]), dtype=torch.float32)
    target = torch.tensor([b["target"] for b in batch], dtype=torch.float32).unsqueeze(1)
    return feats, target


train_loader = DataLoader(PatientRecords(tr), batch_size=32, shuffle=True, collate_fn=collate_records)
val_loader = DataLoader(PatientRecords(va), batch_size=128, collate_fn=collate_records)


class Regressor(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d, 64), nn.ReLU(),
            nn.Linear(64, 32), nn.ReLU(),
            nn.Linear(32, 1), nn.ReLU(),
        )

    def forward(self, x):
        return self.net(x)


model = Regressor(X.shape[1])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
mse = nn.MSELoss()


def validate(m):
    m.eval()
    preds, ts = [], []
    with torch.no_grad():
        for xb, yb in val_loader:
            preds.append(m(xb))
            ts.append(yb)
    p, t = torch.cat(preds), torch.cat(ts)
    val_mse = mse(p, t).item()
    r2 = 1 - ((p - t) ** 2).sum().item() / ((t - t.mean()) ** 2).sum().item()
    mae_raw = ((p - t).abs().mean() * y_sd).item()
    return val_mse, r2, mae_raw


with tempfile.TemporaryDirectory() as workdir:
    best_path = os.path.join(workdir, "regressor.pt")
    best_mse = float("inf")
    for epoch in range(60):
        model.train()
        run = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = mse(model(xb), yb)
            loss.backward()
            optimizer.step()
            run += loss.item() * len(xb)
        val_mse, r2, mae = validate(model)
        if val_mse < best_mse:
            best_mse = val_mse
            torch.save(model.state_dict(), best_path)
        if (epoch + 1) % 5 == 0:
            print(f"epoch {epoch + 1:3d} train_mse {run / len(tr):.4f} val_mse {val_mse:.4f} val_r2 {r2:.3f}")

    final = Regressor(X.shape[1])
    final.load_state_dict(torch.load(best_path))
    val_mse, r2, mae = validate(final)
    print(f"best checkpoint -> val_mse {val_mse:.4f}  R^2 {r2:.3f}  MAE {mae:.1f} (disease-progression units)")
