"""Small CNN on synthetic 16x16 shape images, trained with FGSM adversarial
examples mixed 50/50 with clean ones. OneCycle LR stepped every batch."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)


def make_shapes(n, rng):
    """4 classes: horizontal bar, vertical bar, square outline, diagonal."""
    imgs = np.zeros((n, 1, 16, 16), dtype=np.float32)
    labels = rng.integers(0, 4, size=n)
    for i, c in enumerate(labels):
        r, s = rng.integers(3, 12), rng.integers(3, 12)
        if c == 0:
            imgs[i, 0, r, max(0, s - 3):s + 4] = 1.0
        elif c == 1:
            imgs[i, 0, max(0, r - 3):r + 4, s] = 1.0
        elif c == 2:
            a, b = max(0, r - 3), max(0, s - 3)
            imgs[i, 0, a, b:b + 6] = 1.0
            imgs[i, 0, a + 5 if a + 5 < 16 else 15, b:b + 6] = 1.0
            imgs[i, 0, a:a + 6, b] = 1.0
            imgs[i, 0, a:a + 6, b + 5 if b + 5 < 16 else 15] = 1.0
        else:
            for k in range(-3, 4):
                if 0 <= r + k < 16 and 0 <= s + k < 16:
                    imgs[i, 0, r + k, s + k] = 1.0
    imgs += 0.3 * rng.standard_normal(imgs.shape).astype(np.float32)
    return imgs, labels.astype(np.int64)


rng = np.random.default_rng(0)
x_tr, y_tr = make_shapes(800, rng)
x_va, y_va = make_shapes(300, rng)
mu, sd = x_tr.mean(), x_tr.std()
x_tr = (x_tr - mu) / sd
x_va = (x_va - mu) / sd

train_dl = DataLoader(TensorDataset(torch.from_numpy(x_tr), torch.from_numpy(y_tr)),
                      batch_size=64, shuffle=True)
val_dl = DataLoader(TensorDataset(torch.from_numpy(x_va), torch.from_numpy(y_va)),
                    batch_size=256)


class SmallCNN(nn.Module):
    def __init__(self, n_classes=4):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 4 * 4, 64)
        self.out = nn.Linear(64, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.fc(x.flatten(1)))
        return self.out(x)


def fgsm(model, x, y, eps):
    x = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), y)
    (g,) = torch.autograd.grad(loss, x)
    return (x + eps * g.sign()).detach()


model = SmallCNN()
EPOCHS = 12
EPS = 0.15
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=6e-3, epochs=EPOCHS,
                                            steps_per_epoch=len(train_dl))


def evaluate(model, dl, eps):
    model.eval()
    clean, adv, n = 0, 0, 0
    for xb, yb in dl:
        with torch.no_grad():
            clean += (model(xb).argmax(1) == yb).sum().item()
        xa = fgsm(model, xb, yb, eps)
        with torch.no_grad():
            adv += (model(xa).argmax(1) == yb).sum().item()
        n += len(yb)
    return clean / n, adv / n


for epoch in range(EPOCHS):
    model.train()
    tot, seen = 0.0, 0
    for xb, yb in train_dl:
        xa = fgsm(model, xb, yb, EPS)
        opt.zero_grad()
        loss = 0.5 * F.cross_entropy(model(xb), yb) + 0.5 * F.cross_entropy(model(xa), yb)
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item() * len(yb)
        seen += len(yb)
    c, a = evaluate(model, val_dl, EPS)
    print(f"epoch {epoch + 1:2d}  loss {tot / seen:.4f}  val clean {c:.3f}  val fgsm {a:.3f}  "
          f"lr {sched.get_last_lr()[0]:.2e}")

c, a = evaluate(model, val_dl, EPS)
print(f"final: clean acc {c:.3f} | adversarial acc {a:.3f}")
