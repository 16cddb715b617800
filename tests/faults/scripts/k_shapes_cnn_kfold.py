# Classify generated 12x12 images (horizontal bar / vertical bar / diagonal / ring)
# Evaluation on one held-out fold of a manual 5-fold split.
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(5)
torch.set_num_threads(1)
rng = np.random.default_rng(5)
SIZE = 12


def draw(kind, rng):
    img = np.zeros((SIZE, SIZE), dtype=np.float32)
    c = rng.integers(3, SIZE - 3)
    w = rng.integers(1, 3)
    if kind == 0:
        img[c:c + w, 1:SIZE - 1] = 1.0
    elif kind == 1:
        img[1:SIZE - 1, c:c + w] = 1.0
    elif kind == 2:
        off = rng.integers(-3, 4)
        for i in range(SIZE):
            j = i + off
            if 0 <= j < SIZE:
                img[i, j] = 1.0
    else:
        yy, xx = np.mgrid[:SIZE, :SIZE]
        cy, cx = rng.uniform(4.5, 6.5, size=2)
        r = np.hypot(yy - cy, xx - cx)
        img[(r > 2.5) & (r < 4.0)] = 1.0
    img *= rng.uniform(0.6, 1.0)
    img += rng.normal(0, 0.45, img.shape).astype(np.float32)
    return img


N = 1200
labels = rng.integers(0, 4, size=N)
images = np.stack([draw(k, rng) for k in labels])

K = 5
folds = np.array_split(rng.permutation(N), K)
val_fold = 2
val_idx = folds[val_fold]
train_idx = np.concatenate([f for i, f in enumerate(folds) if i != val_fold])

pix_mean = images[train_idx].mean()
pix_std = images[train_idx].std()


def random_flip(img):
    # a 180-degree rotation leaves every shape class unchanged
    if rng.random() < 0.5:
        img = img[::-1, ::-1].copy()
    return img


class ShapeSet(Dataset):
    def __init__(self, idx, augment=None):
        self.idx = idx
        self.augment = augment

    def __len__(self):
        return len(self.idx)

    def __getitem__(self, i):
        j = self.idx[i]
        img = images[j]
        if self.augment is not None:
            img = self.augment(img)
        img = (img - pix_mean) / pix_std
        return torch.from_numpy(np.ascontiguousarray(img)).unsqueeze(0), int(labels[j])


train_loader = DataLoader(ShapeSet(train_idx, augment=random_flip), batch_size=32, shuffle=True)
val_loader = DataLoader(ShapeSet(val_idx), batch_size=128)

model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 3 * 3, 32), nn.ReLU(), nn.Linear(32, 4),
)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.3)
loss_fn = nn.CrossEntropyLoss()


def run_eval(m):
    m.eval()
    hits = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            hits += (m(xb).argmax(1) == yb).sum().item()
    return hits / len(val_idx)


with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "shapes_best.pt")
    best = 0.0
    for epoch in range(10):
        model.train()
        total, seen, hits = 0.0, 0, 0
        for xb, yb in train_loader:
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            hits += (out.argmax(1) == yb).sum().item()
            seen += len(yb)
        sched.step()
        acc = run_eval(model)
        print(f"epoch {epoch:2d}: train loss {total / seen:.4f}, train acc {hits / seen:.3f}, fold-{val_fold} acc {acc:.3f}")
        if acc > best:
            best = acc
            torch.save({"epoch": epoch, "state": model.state_dict()}, path)
    saved = torch.load(path)
    model.load_state_dict(saved["state"])
    print(f"reloaded epoch {saved['epoch']} checkpoint: fold-{val_fold} accuracy {run_eval(model):.3f}")
