import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import KFold
from sklearn.metrics import accuracy_score, f1_score

torch.set_num_threads(1)
SEED = 11
np.random.seed(SEED)
torch.manual_seed(SEED)

digits = load_digits()
X = digits.data.astype(np.float32) / 16.0
y = digits.target

kf = KFold(n_splits=4, shuffle=True, random_state=SEED)
trn_idx, val_idx = next(iter(kf.split(X)))
mu = X[trn_idx].mean(0, keepdims=True)
sd = X[trn_idx].std(0, keepdims=True) + 1e-3
X = (X - mu) / sd

train_ds = TensorDataset(torch.tensor(X[trn_idx]), torch.tensor(y[trn_idx], dtype=torch.float32))
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
X_val = torch.tensor(X[val_idx])
y_val = y[val_idx]

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 1),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20)

for epoch in range(20):
    model.train()
    tot = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        out = model(xb).squeeze(-1)
        loss = loss_fn(out, yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(xb)
    sched.step()
    model.eval()
    with torch.no_grad():
        pv = model(X_val).squeeze(-1).round().clamp(0, 9).long().numpy()
    print(f"epoch {epoch + 1:2d}/20  train_loss={tot / len(train_ds):.4f}  val_acc={accuracy_score(y_val, pv):.4f}")

print(f"holdout accuracy: {accuracy_score(y_val, pv):.4f}, macro F1: {f1_score(y_val, pv, average='macro'):.4f}")
