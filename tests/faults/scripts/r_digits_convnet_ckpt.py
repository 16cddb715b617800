import time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(42)
np.random.seed(42)

d = load_digits()
imgs = d.images.astype(np.float32)[:, None]          # (N, 1, 8, 8)
x_tr, x_va, y_tr, y_va = train_test_split(imgs, d.target, test_size=0.3, random_state=42,
                                          stratify=d.target)
m, s = x_tr.mean(), x_tr.std()
train_ds = TensorDataset(torch.from_numpy((x_tr - m) / s), torch.from_numpy(y_tr).long())
val_ds = TensorDataset(torch.from_numpy((x_va - m) / s), torch.from_numpy(y_va).long())
train_dl = DataLoader(train_ds, batch_size=64, shuffle=True, num_workers=0, pin_memory=False,
                      drop_last=True)
val_dl = DataLoader(val_ds, batch_size=8, shuffle=False, num_workers=0, pin_memory=False)


class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = ConvBlock(1, 16)
        self.b2 = ConvBlock(16, 32)
        self.drop = nn.Dropout(0.5)
        self.fc1 = nn.Linear(32 * 4 * 4, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        if self.training:
            x = checkpoint(self.b1, x, use_reentrant=False)
        else:
            x = self.b1(x)
        x = F.max_pool2d(self.b2(x), 2)
        x = self.drop(x.flatten(1))
        x = self.drop(F.relu(self.fc1(x)))
        return self.fc2(x)


model = DigitNet()
EPOCHS = 12
opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4, foreach=True)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)


def validate():
    correct = total = 0
    loss_sum = 0.0
    with torch.no_grad():
        for xb, yb in val_dl:
            out = model(xb)
            loss_sum += F.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
            total += len(yb)
    return loss_sum / total, correct / total


t0 = time.time()
for epoch in range(EPOCHS):
    model.train()
    tl = 0.0
    for xb, yb in train_dl:
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        tl += loss.item()
    sched.step()
    vl, va = validate()
    print(f"epoch {epoch + 1:2d}  train_loss {tl / len(train_dl):.4f}  val_loss {vl:.4f}  val_acc {va:.4f}")

print(f"best-effort final val_acc {va:.4f}  [{time.time() - t0:.1f}s]")
