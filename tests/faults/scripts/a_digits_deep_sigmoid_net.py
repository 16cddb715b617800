import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
scaler = StandardScaler()
X_tr = scaler.fit_transform(X_tr)
X_te = scaler.transform(X_te)
X_tr, X_te = torch.FloatTensor(X_tr), torch.FloatTensor(X_te)
y_tr, y_te = torch.LongTensor(y_tr), torch.LongTensor(y_te)

layers = []
width = 64
in_f = 64
for _ in range(10):
    layers += [nn.Linear(in_f, width), nn.Sigmoid()]
    in_f = width
layers.append(nn.Linear(width, 10))
net = nn.Sequential(*layers)

optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()

bs = 64
n = len(X_tr)
for epoch in range(30):
    net.train()
    perm = torch.randperm(n)
    losses = []
    for i in range(0, n, bs):
        b = perm[i:i + bs]
        optimizer.zero_grad()
        loss = loss_fn(net(X_tr[b]), y_tr[b])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        acc = (net(X_te).argmax(dim=1) == y_te).float().mean().item()
    print(f"epoch {epoch + 1}/30  loss={np.mean(losses):.4f}  test_acc={acc:.3f}")

print(f"test accuracy: {acc:.3f}")
