"""Two-moons classifier trained from a streaming IterableDataset."""
import math

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_moons
from torch.utils.data import DataLoader, IterableDataset

torch.manual_seed(3)
torch.set_num_threads(1)
rng = np.random.default_rng(3)

X, y = make_moons(n_samples=2000, noise=0.2, random_state=3)
perm = rng.permutation(len(X))
cut = int(0.8 * len(X))
tr, va = perm[:cut], perm[cut:]
X_train, y_train = X[tr], y[tr]
X_val, y_val = X[va], y[va]

feat_mean = X_train.mean(0)
feat_std = X_train.std(0)


class MoonStream(IterableDataset):
    """Yields (features, label) rows; reshuffles each pass when shuffle=True."""

    def __init__(self, X, y, shuffle, seed=0):
        self.X = ((X - feat_mean) / feat_std).astype(np.float32)
        self.y = y.astype(np.int64)
        self.shuffle = shuffle
        self.epoch = 0
        self.seed = seed

    def __len__(self):
        return len(self.y)

    def __iter__(self):
        order = np.arange(len(self.y))
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(order)
            self.epoch += 1
        for i in order:
            yield self.X[i], self.y[i]


def collate_rows(rows):
    xs, ys = zip(*rows)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.array(ys))


train_stream = MoonStream(X_train, y_train, shuffle=True)
val_stream = MoonStream(X_val, y_val, shuffle=False)
train_loader = DataLoader(train_stream, batch_size=32, collate_fn=collate_rows)
val_loader = DataLoader(val_stream, batch_size=200, collate_fn=collate_rows)

model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2)
criterion = nn.CrossEntropyLoss()

best_val, bad_epochs, patience = math.inf, 0, 6
best_state = None
for epoch in range(1, 41):
    model.train()
    losses = []
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    model.eval()
    v_loss, v_correct, v_n = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            logits = model(xb)
            v_loss += criterion(logits, yb).item() * len(yb)
            v_correct += (logits.argmax(1) == yb).sum().item()
            v_n += len(yb)
    v_loss /= v_n
    scheduler.step(v_loss)
    print(f"epoch {epoch:2d} train {np.mean(losses):.4f} val {v_loss:.4f} "
          f"acc {v_correct / v_n:.3f} lr {optimizer.param_groups[0]['lr']:.4f}")

    if v_loss < best_val - 1e-4:
        best_val, bad_epochs = v_loss, 0
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    xb, yb = collate_rows(list(val_stream))
    acc = (model(xb).argmax(1) == yb).float().mean().item()
print(f"restored best model: val_loss {best_val:.4f} val_acc {acc:.3f}")
