# Handwritten digits: two views of the same scan.
#   view 1: the 8x8 image through a small CNN
#   view 2: row/column ink profiles (16 numbers) through an MLP
# Concatenate, classify. Warmup then cosine, stepped once per epoch.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(99)
torch.set_num_threads(1)

digits = load_digits()
images = digits.images.astype(np.float32)            # (1797, 8, 8), values 0..16
profiles = np.concatenate([images.sum(1), images.sum(2)], axis=1)   # column + row ink
target = digits.target

Xi_tr, Xi_va, Xp_tr, Xp_va, y_tr, y_va = train_test_split(
    images, profiles, target, test_size=0.25, random_state=99, stratify=target)

pix_mean, pix_std = Xi_tr.mean(), Xi_tr.std()
Xi_tr = (Xi_tr - pix_mean) / pix_std
Xi_va = (Xi_va - pix_mean) / pix_std
prof_scaler = StandardScaler().fit(Xp_tr)
Xp_tr = prof_scaler.transform(Xp_tr).astype(np.float32)
Xp_va = prof_scaler.transform(Xp_va).astype(np.float32)


def loader(xi, xp, y, shuffle, bs):
    ds = TensorDataset(torch.from_numpy(xi).unsqueeze(1), torch.from_numpy(xp), torch.from_numpy(y).long())
    return DataLoader(ds, batch_size=bs, shuffle=shuffle)


train_loader = loader(Xi_tr, Xp_tr, y_tr, True, 64)
val_loader = loader(Xi_va, Xp_va, y_va, False, 512)


class TwoViewDigits(nn.Module):
    def __init__(self):
        super().__init__()
        self.pixels = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 16, 64), nn.ReLU())
        self.profile = nn.Sequential(nn.Linear(16, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.classifier = nn.Sequential(nn.Dropout(0.3), nn.Linear(96, 10))

    def forward(self, img, prof):
        return self.classifier(torch.cat([self.pixels(img), self.profile(prof)], 1))


net = TwoViewDigits()
EPOCHS = 15
optimizer = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=5e-4)
warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.2, total_iters=2)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS - 2)
scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, cosine], milestones=[2])
criterion = nn.CrossEntropyLoss(label_smoothing=0.05)


@torch.no_grad()
def accuracy(dl):
    net.eval()
    right = total = 0
    for img, prof, y in dl:
        right += (net(img, prof).argmax(1) == y).sum().item()
        total += len(y)
    return right / total


for epoch in range(EPOCHS):
    net.train()
    loss_sum, n = 0.0, 0
    for img, prof, y in train_loader:
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(net(img, prof), y)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(y)
        n += len(y)
    scheduler.step()
    print(f"epoch {epoch + 1:02d}  lr {optimizer.param_groups[0]['lr']:.5f}  "
          f"train_loss {loss_sum / n:.4f}  val_acc {accuracy(val_loader):.4f}")

print(f"train_acc {accuracy(loader(Xi_tr, Xp_tr, y_tr, False, 512)):.4f}  val_acc {accuracy(val_loader):.4f}")
