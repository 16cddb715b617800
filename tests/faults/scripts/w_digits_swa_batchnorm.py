# Digits classifier trained with SGD, then averaged with SWA over the last epochs.
import numpy as np
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

digits = load_digits()
X_train, X_val, y_train, y_val = train_test_split(
    digits.data.astype(np.float32), digits.target, test_size=0.25,
    stratify=digits.target, random_state=SEED)
sc = StandardScaler().fit(X_train)
X_train, X_val = sc.transform(X_train), sc.transform(X_val)

train_ds = TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train))
val_ds = TensorDataset(torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val))
train_dl = DataLoader(train_ds, batch_size=64, shuffle=True, drop_last=True)
val_dl = DataLoader(val_ds, batch_size=256)


class Net(nn.Module):
    def __init__(self, d_in=64, h=128, n_out=10):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, h), nn.BatchNorm1d(h), nn.ReLU(),
            nn.Linear(h, h), nn.BatchNorm1d(h), nn.ReLU(),
        )
        self.head = nn.Linear(h, n_out)

    def forward(self, x):
        return self.head(self.body(x))


@torch.no_grad()
def accuracy(m, loader):
    m.eval()
    hits = n = 0
    for xb, yb in loader:
        hits += (m(xb).argmax(1) == yb).sum().item()
        n += len(yb)
    return hits / n


model = Net()
swa_model = AveragedModel(model)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
EPOCHS, SWA_START = 30, 20
base_sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=SWA_START, eta_min=0.01)
swa_sched = SWALR(opt, swa_lr=0.01, anneal_epochs=3)
criterion = nn.CrossEntropyLoss()

for epoch in range(EPOCHS):
    model.train()
    tot, cnt = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(yb)
        cnt += len(yb)
    if epoch >= SWA_START:
        swa_model.update_parameters(model)
        swa_sched.step()
    else:
        base_sched.step()
    print(f"epoch {epoch + 1:2d}  lr {opt.param_groups[0]['lr']:.4f}  "
          f"train_loss {tot / cnt:.4f}  val_acc {accuracy(model, val_dl):.4f}")

update_bn(train_dl, swa_model)
print(f"final SGD model val acc: {accuracy(model, val_dl):.4f}")
print(f"SWA model val acc:       {accuracy(swa_model, val_dl):.4f}")
