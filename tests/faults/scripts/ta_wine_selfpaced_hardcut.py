import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

# ---- data -------------------------------------------------------------
data = load_wine()
X_train, X_val, y_train, y_val = train_test_split(
    data.data, data.target, test_size=0.3, random_state=3, stratify=data.target)

scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_val = scaler.transform(X_val)

X_train = torch.tensor(X_train, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
X_val = torch.tensor(X_val, dtype=torch.float32)
y_val = torch.tensor(y_val, dtype=torch.long)
n_train = len(X_train)

# ---- model ------------------------------------------------------------
net = nn.Sequential(
    nn.Linear(13, 64),
    nn.ReLU(),
    nn.Linear(64, 32),
    nn.ReLU(),
    nn.Linear(32, 3),
)
criterion = nn.CrossEntropyLoss(reduction="none")
opt = torch.optim.SGD(net.parameters(), lr=1e-4, momentum=0.9)

# self-paced schedule: keep only the easiest fraction of rows per epoch,
# growing from 50% to 100% over the first 20 epochs
EPOCHS = 60
BATCH = 16


def keep_fraction(epoch):
    return min(1.0, 0.5 + 0.5 * epoch / 20)


def evaluate():
    net.eval()
    with torch.no_grad():
        out = net(X_val)
        loss = criterion(out, y_val).mean().item()
        acc = (out.argmax(dim=1) == y_val).float().mean().item()
    return loss, acc


for epoch in range(EPOCHS):
    # score every training row with the current model to find the easy ones
    net.eval()
    with torch.no_grad():
        row_loss = criterion(net(X_train), y_train)
    n_keep = int(round(keep_fraction(epoch) * n_train))
    easy_idx = torch.argsort(row_loss)[:n_keep]

    net.train()
    order = easy_idx[torch.randperm(n_keep)]
    total = 0.0
    for start in range(0, n_keep, BATCH):
        b = order[start:start + BATCH]
        opt.zero_grad()
        loss = criterion(net(X_train[b]), y_train[b]).mean()
        loss.backward()
        opt.step()
        total += loss.item() * len(b)

    val_loss, val_acc = evaluate()
    if epoch % 5 == 0 or epoch == EPOCHS - 1:
        print(f"[{epoch:02d}] kept={n_keep:3d}/{n_train} train_loss={total / n_keep:.4f} "
              f"val_loss={val_loss:.4f} val_acc={val_acc:.3f}")

print("done. val accuracy = %.3f" % val_acc)
