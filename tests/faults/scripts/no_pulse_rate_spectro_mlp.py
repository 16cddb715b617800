"""
Pulse-train repetition-rate classifier.

Each clip is a train of short Gaussian-windowed bursts at one of four repetition
rates, buried in noise with random jitter.  Features: log power of torch.stft,
averaged into a compact time-frequency grid, fed to an MLP.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
np.random.seed(7)

SAMPLE_RATE = 2000
CLIP_LEN = 1024
RATES_HZ = [12, 20, 31, 45]


class PulseTrains(Dataset):
    def __init__(self, per_class, seed):
        rng = np.random.default_rng(seed)
        sigs, labs = [], []
        for label, rate in enumerate(RATES_HZ):
            for _ in range(per_class):
                sigs.append(self._clip(rate, rng))
                labs.append(label)
        sigs = torch.tensor(np.stack(sigs), dtype=torch.float32)
        self.x = self._features(sigs)
        self.y = torch.tensor(labs)

    @staticmethod
    def _clip(rate, rng):
        t = np.arange(CLIP_LEN) / SAMPLE_RATE
        period = 1.0 / (rate * rng.uniform(0.95, 1.05))
        start = rng.uniform(0, period)
        centres = np.arange(start, t[-1], period)
        centres = centres + rng.normal(0, 0.03 * period, len(centres))
        carrier = np.sin(2 * np.pi * rng.uniform(250, 400) * t)
        env = np.zeros_like(t)
        for c in centres:
            env += np.exp(-0.5 * ((t - c) / 0.004) ** 2)
        return env * carrier + rng.normal(0, 0.4, CLIP_LEN)

    @staticmethod
    def _features(sigs):
        spec = torch.stft(sigs, n_fft=64, hop_length=16, window=torch.hann_window(64),
                          return_complex=True)
        logp = torch.log(spec.abs() ** 2 + 1e-4)          # (N, 33, 65)
        # energy envelope per frame + coarse spectral profile
        env = logp.mean(dim=1)                             # (N, 65)
        prof = logp.mean(dim=2)                            # (N, 33)
        env_fft = torch.fft.rfft(env - env.mean(1, keepdim=True)).abs()[:, :24]
        return torch.cat([env_fft, prof], dim=1)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


train_set = PulseTrains(per_class=400, seed=1)
val_set = PulseTrains(per_class=100, seed=2)

mean = train_set.x.mean(0)
std = train_set.x.std(0) + 1e-6
train_set.x = (train_set.x - mean) / std
val_set.x = (val_set.x - mean) / std

train_loader = DataLoader(train_set, batch_size=40, shuffle=False)
val_loader = DataLoader(val_set, batch_size=200)

model = nn.Sequential(
    nn.Linear(train_set.x.shape[1], 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, len(RATES_HZ)),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()


def evaluate():
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            out = model(xb)
            loss_sum += criterion(out, yb).item() * len(yb)
            correct += (out.argmax(1) == yb).sum().item()
            total += len(yb)
    return loss_sum / total, correct / total


for epoch in range(1, 11):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(yb)
    vloss, vacc = evaluate()
    print(f"epoch {epoch:02d} | train loss {epoch_loss / len(train_set):.4f} | "
          f"val loss {vloss:.4f} | val acc {vacc:.3f}")

print(f"Final validation accuracy: {vacc:.3f}")
