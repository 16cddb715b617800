import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

digits = load_digits()
images = digits.images.astype(np.float32) / 16.0
labels = digits.target
tr_img, va_img, tr_lab, va_lab = train_test_split(images, labels, test_size=0.2, random_state=3, stratify=labels)
pix_mean, pix_std = tr_img.mean(), tr_img.std()
tr_img = (tr_img - pix_mean) / pix_std
va_img = (va_img - pix_mean) / pix_std

train_ds = TensorDataset(torch.from_numpy(tr_img).unsqueeze(1), torch.from_numpy(tr_lab).long())
val_ds = TensorDataset(torch.from_numpy(va_img).unsqueeze(1), torch.from_numpy(va_lab).long())
train_dl = DataLoader(train_ds, batch_size=64, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=256)


class SmallCNN(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 2 * 2, 64)
        self.fc2 = nn.Linear(64, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return F.softmax(self.fc2(x), dim=1)


def expected_calibration_error(conf, correct, n_bins=10):
    edges = torch.linspace(0, 1, n_bins + 1)
    ece = torch.zeros(())
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += mask.float().mean() * (conf[mask].mean() - correct[mask].float().mean()).abs()
    return ece.item()


model = SmallCNN()
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

for epoch in range(15):
    model.train()
    losses = []
    for xb, yb in train_dl:
        optimizer.zero_grad()
        out = model(xb)
        loss = criterion(out, yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    model.eval()
    conf_all, correct_all = [], []
    with torch.no_grad():
        for xb, yb in val_dl:
            probs = model(xb)
            conf, pred = probs.max(dim=1)
            conf_all.append(conf)
            correct_all.append(pred == yb)
    conf_all = torch.cat(conf_all)
    correct_all = torch.cat(correct_all)
    print(f"epoch {epoch + 1:2d}  loss {np.mean(losses):.4f}  val acc {correct_all.float().mean():.4f}  "
          f"ECE {expected_calibration_error(conf_all, correct_all):.4f}")

print(f"final validation accuracy: {correct_all.float().mean():.4f}")
