import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=2, stratify=y)
ss = StandardScaler().fit(X_train)
X_train = torch.tensor(ss.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(ss.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(
    nn.Linear(13, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 3),
)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.constant_(m.bias, -4.0)


model.apply(init_weights)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss()

bs = 16
n = len(X_train)
for epoch in range(40):
    model.train()
    perm = torch.randperm(n)
    tot = 0.0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        opt.zero_grad()
        loss = crit(model(X_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
        tot += loss.item() * len(idx)
    if epoch % 5 == 0 or epoch == 39:
        model.eval()
        with torch.no_grad():
            acc = (model(X_val).argmax(1) == y_val).float().mean().item()
        print(f"epoch {epoch:2d} loss {tot / n:.4f} val_acc {acc:.3f}")

print("val acc:", round(acc, 3))
