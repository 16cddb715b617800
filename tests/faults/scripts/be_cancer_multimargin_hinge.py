# Breast-cancer diagnosis with a multi-class hinge (MultiMarginLoss) MLP.
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.metrics import f1_score, balanced_accuracy_score

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

data = load_breast_cancer()
X_train, X_val, y_train, y_val = train_test_split(
    data.data, data.target, test_size=0.25, random_state=3, stratify=data.target)

train_ds = TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train))
val_X = torch.tensor(X_val, dtype=torch.float32)
val_y = torch.tensor(y_val)
loader = DataLoader(train_ds, batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2))
loss_fn = nn.MultiMarginLoss(margin=1.0)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)

for epoch in range(30):
    model.train()
    ep_loss = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(xb)
    sched.step()
    if (epoch + 1) % 5 == 0:
        model.eval()
        with torch.no_grad():
            vp = model(val_X).argmax(1)
        print(f"epoch {epoch + 1:2d} hinge {ep_loss / len(train_ds):.4f} "
              f"val acc {(vp == val_y).float().mean():.3f}")

model.eval()
with torch.no_grad():
    vp = model(val_X).argmax(1).numpy()
print(f"val balanced acc {balanced_accuracy_score(y_val, vp):.3f}  macro-F1 {f1_score(y_val, vp, average='macro'):.3f}")
