import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(7)
np.random.seed(7)
torch.set_num_threads(1)

X, y = load_wine(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=7, stratify=y)
scaler = StandardScaler().fit(Xtr)
Xtr = torch.tensor(scaler.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(scaler.transform(Xva), dtype=torch.float32)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)

widths = [13, 128, 128, 128, 128, 128, 128, 3]
layers = []
for i in range(len(widths) - 1):
    lin = nn.Linear(widths[i], widths[i + 1])
    nn.init.normal_(lin.weight, mean=0.0, std=1.0)
    nn.init.zeros_(lin.bias)
    layers.append(lin)
    if i < len(widths) - 2:
        layers.append(nn.ReLU())
model = nn.Sequential(*layers)

opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(30):
    model.train()
    perm = torch.randperm(len(Xtr))
    losses = []
    for i in range(0, len(Xtr), 16):
        idx = perm[i:i + 16]
        opt.zero_grad()
        loss = loss_fn(model(Xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        acc = (model(Xva).argmax(1) == yva).float().mean().item()
    if epoch % 3 == 0 or epoch == 29:
        print(f"epoch {epoch:2d}  loss {np.mean(losses):.4g}  val acc {acc:.3f}")
print("validation accuracy:", acc)
