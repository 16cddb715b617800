import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, Dataset, random_split

torch.manual_seed(21)
torch.set_num_threads(1)
np.random.seed(21)


class GaussianNoise:
    def __init__(self, sigma):
        self.sigma = sigma

    def __call__(self, x):
        return x + self.sigma * torch.randn_like(x)


class DigitsDataset(Dataset):
    def __init__(self, X, y, indices, mean, std, transform=None):
        self.X = X[indices]
        self.y = y[indices]
        self.mean, self.std = mean, std
        self.transform = transform

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        x = (self.X[i] - self.mean) / self.std
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y[i]


X_np, y_np = load_digits(return_X_y=True)
X = torch.tensor(X_np, dtype=torch.float32)
y = torch.tensor(y_np, dtype=torch.long)

split_gen = torch.Generator().manual_seed(21)
tr_sub, va_sub = random_split(np.arange(len(y)), [1437, 360], generator=split_gen)
tr_idx = np.array(tr_sub.indices)
va_idx = np.array(va_sub.indices)
mean = X[tr_idx].mean(0)
std = X[tr_idx].std(0) + 1e-3

train_ds = DigitsDataset(X, y, tr_idx, mean, std, transform=GaussianNoise(0.05))
val_ds = DigitsDataset(X, y, va_idx, mean, std)
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True,
                          generator=torch.Generator().manual_seed(21))
val_loader = DataLoader(val_ds, batch_size=360)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
criterion = nn.CrossEntropyLoss()

history = []
for epoch in range(30):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)

    model.eval()
    with torch.no_grad():
        xb, yb = next(iter(val_loader))
        logits = model(xb)
        val_loss = criterion(logits, yb).item()
        val_acc = (logits.argmax(1) == yb).float().mean().item()
    history.append(val_acc)
    print(f"epoch {epoch + 1:02d} train_loss {total / len(train_ds):.4f} val_loss {val_loss:.4f} val_acc {val_acc:.4f}")

print(f"final val acc {history[-1]:.4f} (best {max(history):.4f} at epoch {int(np.argmax(history)) + 1})")
