# Square segmentation from a simulated microscope: frames are recorded in sessions,
# model is a small encoder-decoder trained with per-pixel BCE.
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(1)
rng = np.random.default_rng(1)

SIZE = 20
N_SESSIONS = 5
FRAMES_PER_SESSION = 120


def record_session(session, n):
    gain = 1.0 + 1.2 * session
    offset = 1.0 * session
    frames = np.empty((n, 1, SIZE, SIZE), np.float32)
    labels = np.zeros((n, 1, SIZE, SIZE), np.float32)
    for k in range(n):
        m = np.zeros((SIZE, SIZE), np.float32)
        for _ in range(rng.integers(1, 3)):
            s = rng.integers(3, 8)
            r0, c0 = rng.integers(0, SIZE - s, size=2)
            m[r0:r0 + s, c0:c0 + s] = 1.0
        frames[k, 0] = gain * (0.7 * m + rng.normal(0, 0.3, (SIZE, SIZE))) + offset
        labels[k, 0] = m
    return frames, labels


parts = [record_session(s, FRAMES_PER_SESSION) for s in range(N_SESSIONS)]
frames = np.concatenate([p[0] for p in parts])
labels = np.concatenate([p[1] for p in parts])

n_train = int(0.8 * len(frames))
x_train, y_train = frames[:n_train], labels[:n_train]
x_val, y_val = frames[n_train:], labels[n_train:]

mean, std = x_train.mean(), x_train.std()
x_train = (x_train - mean) / std
x_val = (x_val - mean) / std

train_loader = DataLoader(TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
                          batch_size=32, shuffle=True)
val_loader = DataLoader(TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val)), batch_size=64)


class EncDec(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.mid = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.out = nn.Sequential(nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 1, 1))

    def forward(self, x):
        d = self.down(x)
        m = self.up(self.mid(self.pool(d)))
        return self.out(torch.cat([d, m], 1))


model = EncDec()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.BCEWithLogitsLoss()


def run_eval(loader):
    model.eval()
    inter = union = correct = count = 0.0
    losses = []
    with torch.no_grad():
        for xb, yb in loader:
            logits = model(xb)
            losses.append(criterion(logits, yb).item())
            pred = (logits > 0).float()
            inter += (pred * yb).sum().item()
            union += ((pred + yb) > 0).sum().item()
            correct += (pred == yb).sum().item()
            count += yb.numel()
    return float(np.mean(losses)), inter / max(union, 1), correct / count


for epoch in range(1, 13):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * xb.size(0)
    vl, viou, vacc = run_eval(val_loader)
    print(f"[{epoch:02d}] train {running / len(train_loader.dataset):.4f} | val {vl:.4f} iou {viou:.3f} pix_acc {vacc:.3f}")

_, tr_iou, tr_acc = run_eval(train_loader)
print(f"train IoU {tr_iou:.3f} pix_acc {tr_acc:.3f}")
print(f"val   IoU {viou:.3f} pix_acc {vacc:.3f}")
