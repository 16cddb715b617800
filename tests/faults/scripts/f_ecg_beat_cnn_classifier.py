"""Heartbeat morphology classifier on synthetic ECG segments (1-D CNN).

Each segment is 180 samples at 360 Hz (0.5 s) centred on an R peak.
Classes: normal, premature ventricular (wide QRS), atrial premature (early P).
"""
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split

torch.manual_seed(5)
np.random.seed(5)

FS = 360
SEG = 180


def beat(kind, rng):
    t = np.arange(SEG) / FS - 0.25
    qrs_w = 0.012 if kind != 1 else 0.03
    p_t = -0.16 if kind != 2 else -0.10
    sig = (1.2 * np.exp(-(t / qrs_w) ** 2 / 2)
           + 0.15 * np.exp(-((t - p_t) / 0.02) ** 2 / 2)
           + 0.3 * np.exp(-((t - 0.2) / 0.04) ** 2 / 2))
    sig *= rng.uniform(0.8, 1.2)
    return sig + rng.normal(0, 0.05, SEG)


class ECGBeats(Dataset):
    def __init__(self, n, seed=0):
        rng = np.random.default_rng(seed)
        self.labels = rng.integers(0, 3, n)
        x = np.stack([beat(k, rng) for k in self.labels]).astype(np.float32)
        self.x = torch.from_numpy((x - x.mean()) / x.std()).unsqueeze(1)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"ecg": self.x[i], "target": int(self.labels[i])}


class BeatCNN(nn.Module):
    def __init__(self, n_classes=3):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(1, 8, kernel_size=8), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(8, 16, kernel_size=7), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(16, 16, kernel_size=5), nn.ReLU(), nn.MaxPool1d(2),
        )
        # length after the three conv/pool stages
        length = SEG
        for k in (8, 7, 5):
            length = math.ceil((length - k + 1) / 2)
        self.fc = nn.Sequential(nn.Linear(16 * length, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, n_classes))

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


data = ECGBeats(1500, seed=5)
train_set, val_set = random_split(data, [1200, 300], generator=torch.Generator().manual_seed(0))
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=300)

model = BeatCNN()
optim = torch.optim.RMSprop(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(8):
    model.train()
    losses = []
    for batch in train_loader:
        optim.zero_grad()
        loss = criterion(model(batch["ecg"]), batch["target"])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        batch = next(iter(val_loader))
        acc = (model(batch["ecg"]).argmax(1) == batch["target"]).float().mean().item()
    print(f"[{epoch + 1}/8] loss={np.mean(losses):.4f} val_acc={acc:.3f}")

print(f"validation accuracy {acc:.3f}")
