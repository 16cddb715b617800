import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, Dataset, random_split

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)


class DigitImages(Dataset):
    def __init__(self, images, labels, mean, std, transform=None):
        self.images = images
        self.labels = labels
        self.mean = mean
        self.std = std
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = (self.images[i] - self.mean) / self.std
        x = x.unsqueeze(0)
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[i]


class RandomShiftNoise:
    def __init__(self, max_shift=1, sigma=0.1, seed=0):
        self.max_shift = max_shift
        self.sigma = sigma
        self.g = torch.Generator().manual_seed(seed)

    def __call__(self, x):
        padded = F.pad(x, (1, 1, 1, 1))
        dx, dy = torch.randint(0, 2 * self.max_shift + 1, (2,), generator=self.g).tolist()
        x = padded[:, dy:dy + 8, dx:dx + 8]
        return x + self.sigma * torch.randn(x.shape, generator=self.g)


class SmallCNN(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, n_classes)
        self.drop = nn.Dropout(0.2)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.drop(F.relu(self.fc1(x.flatten(1))))
        return self.fc2(x)


digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32)
labels = torch.tensor(digits.target, dtype=torch.long)

gen = torch.Generator().manual_seed(42)
train_idx, val_idx = random_split(range(len(labels)), [0.8, 0.2], generator=gen)
train_idx, val_idx = list(train_idx), list(val_idx)

mean = images[train_idx].mean()
std = images[train_idx].std()

train_ds = DigitImages(images[train_idx], labels[train_idx], mean, std, transform=RandomShiftNoise())
val_ds = DigitImages(images[val_idx], labels[val_idx], mean, std)
train_loader = DataLoader(train_ds, batch_size=64, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=256)

model = SmallCNN()
epochs = 10
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=3e-3, epochs=epochs, steps_per_epoch=len(train_loader))
criterion = nn.CrossEntropyLoss()


def evaluate(net):
    net.eval()
    correct, total, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            out = net(xb)
            loss_sum += criterion(out, yb).item() * len(yb)
            correct += (out.argmax(1) == yb).sum().item()
            total += len(yb)
    return loss_sum / total, correct / total


with tempfile.TemporaryDirectory() as tmp:
    ckpt = os.path.join(tmp, "best.pt")
    best_acc = -1.0
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            scheduler.step()
            running += loss.item() * len(yb)
        val_loss, val_acc = evaluate(model)
        print(f"epoch {epoch + 1:2d}  train_loss {running / len(train_ds):.4f}  "
              f"val_loss {val_loss:.4f}  val_acc {val_acc:.4f}  lr {scheduler.get_last_lr()[0]:.5f}")
        if val_acc > best_acc:
            best_acc = val_acc
            torch.save(model.state_dict(), ckpt)

    best = SmallCNN()
    best.load_state_dict(torch.load(ckpt))
    val_loss, val_acc = evaluate(best)
    print(f"best checkpoint: val_loss {val_loss:.4f}  val_acc {val_acc:.4f}")
