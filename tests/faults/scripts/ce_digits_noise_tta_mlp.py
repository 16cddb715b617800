"""Digit recogniser (sklearn digits), small MLP; Gaussian-noise augmentation during
training and noise TTA (8 draws averaged) at evaluation."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(4)
np.random.seed(4)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=4)
mean = X_train.mean(axis=0)
std = X_train.std(axis=0) + 1e-2
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
y_val = torch.tensor(y_val, dtype=torch.long)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 1),
)
loss_fn = nn.MSELoss()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
NOISE = 0.2


def predict(x, draws=8):
    model.eval()
    with torch.no_grad():
        out = torch.stack([model(x + NOISE * torch.randn_like(x)) for _ in range(draws)]).mean(0)
    return out.squeeze(1).round().clamp(0, 9).long()


for epoch in range(40):
    model.train()
    order = torch.randperm(len(X_train))
    epoch_loss = 0.0
    for start in range(0, len(order), 64):
        ix = order[start:start + 64]
        xb = X_train[ix] + NOISE * torch.randn(len(ix), 64)
        out = model(xb).squeeze(1)
        loss = loss_fn(out, y_train[ix].float())
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(ix)
    if epoch % 5 == 4:
        tr_acc = (predict(X_train) == y_train).float().mean().item()
        va_acc = (predict(X_val) == y_val).float().mean().item()
        print(f"epoch {epoch + 1:2d}  loss {epoch_loss / len(X_train):.4f}  "
              f"train acc {tr_acc:.3f}  val acc (tta) {va_acc:.3f}")

print(f"final val accuracy (noise TTA x8): {(predict(X_val) == y_val).float().mean().item():.3f}")
