"""Small CNN on 8x8 digits with 40% symmetric label noise in the training split.

Small-loss trick: at the start of every epoch all training rows are scored and
only the (1 - forget_rate) share with the lowest loss is used for that epoch.
The forget rate ramps up from 0 to the assumed noise rate over the first epochs.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

NOISE = 0.4
EPOCHS = 14
RAMP = 8
BS = 32

digits = load_digits()
imgs = digits.images.astype(np.float32)            # (n, 8, 8), values 0..16
labels = digits.target
tr_idx, va_idx = train_test_split(np.arange(len(labels)), test_size=0.3,
                                  stratify=labels, random_state=0)
mean, std = imgs[tr_idx].mean(), imgs[tr_idx].std()
imgs = (imgs - mean) / std

y_train = labels[tr_idx].copy()
noisy_mask = rng.random(len(y_train)) < NOISE
y_train[noisy_mask] = (y_train[noisy_mask] + rng.integers(1, 10, noisy_mask.sum())) % 10

X_train = torch.from_numpy(imgs[tr_idx]).unsqueeze(1)
X_val = torch.from_numpy(imgs[va_idx]).unsqueeze(1)
Y_train = torch.from_numpy(y_train).long()
Y_val = torch.from_numpy(labels[va_idx]).long()
print(f"{len(X_train)} train images ({noisy_mask.mean():.1%} relabelled), {len(X_val)} val images")


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        def block(c_in, c_out):
            return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]

        self.features = nn.Sequential(
            *block(1, 32), *block(32, 32), *block(32, 32),
            nn.MaxPool2d(2),                                   # 4x4
            *block(32, 64), *block(64, 64), *block(64, 64),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


model = SmallCNN()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)


@torch.no_grad()
def per_sample_loss(x, y, chunk=512):
    out = []
    for i in range(0, len(x), chunk):
        out.append(F.cross_entropy(model(x[i:i + chunk]), y[i:i + chunk], reduction="none"))
    return torch.cat(out)


@torch.no_grad()
def accuracy(x, y):
    model.eval()
    return (model(x).argmax(1) == y).float().mean().item()


for epoch in range(EPOCHS):
    model.train()
    forget = NOISE * min(1.0, epoch / RAMP)

    # rank rows by their current loss, keep the small-loss ones
    model.eval()
    losses = per_sample_loss(X_train, Y_train)
    n_keep = int((1 - forget) * len(X_train))
    keep = torch.argsort(losses)[:n_keep]
    clean_share = (~torch.from_numpy(noisy_mask))[keep].float().mean().item()

    perm = keep[torch.randperm(n_keep)]
    run_loss = 0.0
    for i in range(0, n_keep, BS):
        b = perm[i:i + BS]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X_train[b]), Y_train[b])
        loss.backward()
        optimizer.step()
        run_loss += loss.item() * len(b)

    val_acc = accuracy(X_val, Y_val)
    print(f"epoch {epoch + 1:2d} forget {forget:.2f} kept {n_keep} (clean {clean_share:.2f}) "
          f"loss {run_loss / n_keep:.4f} val_acc {val_acc:.4f}")

print(f"final val_acc {val_acc:.4f}")
