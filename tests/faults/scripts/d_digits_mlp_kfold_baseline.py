import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import accuracy_score, f1_score

torch.set_num_threads(1)

SEED = 42
np.random.seed(SEED)
torch.manual_seed(SEED)


def get_fold(n_splits=5, fold=1):
    X, y = load_digits(return_X_y=True)
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
    tr, va = list(skf.split(X, y))[fold]
    scaler_mu = X[tr].mean(0)
    scaler_sd = X[tr].std(0)
    scaler_sd[scaler_sd == 0] = 1.0
    Xtr = (X[tr] - scaler_mu) / scaler_sd
    Xva = (X[va] - scaler_mu) / scaler_sd
    return (torch.tensor(Xtr, dtype=torch.float32), torch.tensor(y[tr]),
            torch.tensor(Xva, dtype=torch.float32), torch.tensor(y[va]))


class Net(nn.Module):
    def __init__(self, d_in=64, hid=256, n_out=10):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hid)
        self.fc2 = nn.Linear(hid, hid)
        self.out = nn.Linear(hid, n_out)
        nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")
        nn.init.kaiming_uniform_(self.fc2.weight, nonlinearity="relu")
        nn.init.normal_(self.out.weight, mean=0.0, std=1.0)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.out(x)


def train_one_epoch(model, opt, X, y, bs=64):
    model.train()
    perm = torch.randperm(len(X))
    losses = []
    for i in range(0, len(X), bs):
        b = perm[i:i + bs]
        opt.zero_grad()
        loss = F.cross_entropy(model(X[b]), y[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def predict(model, X):
    model.eval()
    return model(X).argmax(1).numpy()


Xtr, ytr, Xva, yva = get_fold()
model = Net()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

for ep in range(8):
    losses = train_one_epoch(model, opt, Xtr, ytr)
    if ep == 0:
        print(f"first batch loss: {losses[0]:.3f}")
    acc = accuracy_score(yva.numpy(), predict(model, Xva))
    print(f"epoch {ep + 1} loss {np.mean(losses):.4f} val_acc {acc:.4f}")

pred = predict(model, Xva)
print("final val accuracy:", round(accuracy_score(yva.numpy(), pred), 4),
      "macro f1:", round(f1_score(yva.numpy(), pred, average="macro"), 4))
