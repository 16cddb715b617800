"""Stripe-orientation classifier on generated 10x10 images with a deep MLP."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, random_split

torch.manual_seed(4)
torch.set_num_threads(1)
rng = np.random.default_rng(4)
H = W = 10


def make_image(label):
    freq = rng.uniform(0.6, 1.2)
    phase = rng.uniform(0, 2 * np.pi)
    coords = np.arange(H, dtype=np.float32)
    wave = np.sin(freq * coords + phase)
    img = np.tile(wave, (H, 1)) if label == 0 else np.tile(wave[:, None], (1, W))
    return (img + rng.normal(0, 0.4, (H, W))).astype(np.float32)


class StripeImages(Dataset):
    def __init__(self, n):
        self.y = rng.integers(0, 2, size=n)
        self.x = np.stack([make_image(int(l)) for l in self.y])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return torch.from_numpy(self.x[i]), int(self.y[i])


class AugmentedView(Dataset):
    """Wraps a subset; optional transform applied on the fly."""

    def __init__(self, subset, transform=None):
        self.subset = subset
        self.transform = transform

    def __len__(self):
        return len(self.subset)

    def __getitem__(self, i):
        x, y = self.subset[i]
        if self.transform is not None:
            x = self.transform(x)
        return x.flatten(), y


def random_flip(x):
    if torch.rand(1).item() < 0.5:
        x = torch.flip(x, dims=[0, 1])
    return x


full = StripeImages(1500)
train_sub, val_sub = random_split(full, [1200, 300], generator=torch.Generator().manual_seed(4))
train_loader = DataLoader(AugmentedView(train_sub, random_flip), batch_size=50, shuffle=True)
val_loader = DataLoader(AugmentedView(val_sub), batch_size=300)


def build_mlp(widths):
    layers = []
    for d_in, d_out in zip(widths[:-2], widths[1:-1]):
        layers += [nn.Linear(d_in, d_out), nn.Sigmoid()]
    layers.append(nn.Linear(widths[-2], widths[-1]))
    return nn.Sequential(*layers)


model = build_mlp([H * W, 64, 64, 64, 64, 64, 64, 64, 64, 2])
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()

for epoch in range(25):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        out = model(xb)
        loss = criterion(out, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        correct += (out.argmax(1) == yb).sum().item()
        seen += len(yb)
    model.eval()
    with torch.no_grad():
        xv, yv = next(iter(val_loader))
        val_acc = (model(xv).argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch + 1:2d}  loss {total / seen:.4f}  train_acc {correct / seen:.3f}  val_acc {val_acc:.3f}")

print(f"final validation accuracy: {val_acc:.3f}")
