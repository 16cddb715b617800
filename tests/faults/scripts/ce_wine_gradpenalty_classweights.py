"""Wine (3 classes) MLP with an input-gradient penalty (double backprop),
balanced class weights, dropout and StepLR."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight

torch.manual_seed(11)
np.random.seed(11)
torch.set_num_threads(1)

X, y = load_wine(return_X_y=True)
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.3, random_state=11, stratify=y)
mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
X_train = torch.tensor((X_train - mu) / sigma, dtype=torch.float32)
X_valid = torch.tensor((X_valid - mu) / sigma, dtype=torch.float32)
y_train = torch.tensor(y_train)
y_valid = torch.tensor(y_valid)

weights = torch.tensor(compute_class_weight("balanced", classes=np.arange(3), y=y_train.numpy()),
                       dtype=torch.float32)


class WineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(13, 48), nn.ReLU(), nn.Dropout(0.25),
                                  nn.Linear(48, 24), nn.ReLU())
        self.head = nn.Linear(24, 3)

    def forward(self, x):
        return self.head(self.body(x))


model = WineNet()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=15, gamma=0.5)
GP_WEIGHT = 0.05
batch = 16

for epoch in range(40):
    model.train()
    perm = torch.randperm(len(X_train))
    ce_sum = gp_sum = 0.0
    for k in range(0, len(perm), batch):
        ids = perm[k:k + batch]
        xb = X_train[ids].clone().requires_grad_(True)
        yb = y_train[ids]
        ce = F.cross_entropy(model(xb), yb, weight=weights)
        grad_x, = torch.autograd.grad(ce, xb, create_graph=True)
        gp = grad_x.pow(2).sum(1).mean()
        loss = ce + GP_WEIGHT * gp
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        ce_sum += ce.item() * len(ids)
        gp_sum += gp.item() * len(ids)
    scheduler.step()
    if epoch % 5 == 4 or epoch == 0:
        model.eval()
        with torch.no_grad():
            acc = (model(X_valid).argmax(1) == y_valid).float().mean().item()
        print(f"epoch {epoch + 1:3d}  ce {ce_sum / len(X_train):.4f}  grad-pen {gp_sum / len(X_train):.4f}  "
              f"valid acc {acc:.3f}")

model.eval()
with torch.no_grad():
    pred = model(X_valid).argmax(1)
acc = (pred == y_valid).float().mean().item()
bal = np.mean([(pred[y_valid == c] == c).float().mean().item() for c in range(3)])
print(f"valid accuracy {acc:.3f}  balanced accuracy {bal:.3f}")
