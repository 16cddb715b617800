import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_num_threads(1)
SIZE = 12
CLASSES = ["hbar", "vbar", "diag", "cross", "box"]


def render(kind, rng):
    img = np.zeros((SIZE, SIZE), np.float32)
    r, c = rng.integers(2, SIZE - 2, size=2)
    L = rng.integers(3, 6)
    if kind == "hbar":
        img[r, max(0, c - L):c + L] = 1
    elif kind == "vbar":
        img[max(0, r - L):r + L, c] = 1
    elif kind == "diag":
        for k in range(-L, L):
            if 0 <= r + k < SIZE and 0 <= c + k < SIZE:
                img[r + k, c + k] = 1
    elif kind == "cross":
        img[r, max(0, c - 2):c + 3] = 1
        img[max(0, r - 2):r + 3, c] = 1
    else:
        r0, c0 = max(0, r - 2), max(0, c - 2)
        img[r0:r + 3, c0] = img[r0:r + 3, min(SIZE - 1, c + 2)] = 1
        img[r0, c0:c + 3] = img[min(SIZE - 1, r + 2), c0:c + 3] = 1
    img *= rng.uniform(0.6, 1.2)
    img += rng.normal(0, 0.25, img.shape).astype(np.float32)
    return img


def glyph_stream(seed, micro_batch):
    """Endless stream; the class mix rotates slowly so every class keeps showing up."""
    rng = np.random.default_rng(seed)
    t = 0
    while True:
        phase = 2 * np.pi * t / 400
        logits = np.cos(phase - 2 * np.pi * np.arange(len(CLASSES)) / len(CLASSES))
        probs = np.exp(0.8 * logits) / np.exp(0.8 * logits).sum()
        ys = rng.choice(len(CLASSES), size=micro_batch, p=probs)
        xs = np.stack([render(CLASSES[k], rng) for k in ys])
        t += 1
        yield torch.from_numpy(xs).unsqueeze(1), torch.from_numpy(ys)


def fixed_set(seed, n):
    rng = np.random.default_rng(seed)
    ys = rng.integers(len(CLASSES), size=n)
    xs = np.stack([render(CLASSES[k], rng) for k in ys])
    return torch.from_numpy(xs).unsqueeze(1), torch.from_numpy(ys)


# pixel statistics from a calibration sample of the training stream
calib = next(glyph_stream(seed=10, micro_batch=512))[0]
PIX_MEAN, PIX_STD = calib.mean().item(), calib.std().item()

val_x, val_y = fixed_set(seed=777, n=800)
val_x = (val_x - PIX_MEAN) / PIX_STD


class GlyphNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(128, len(CLASSES)))

    def forward(self, x):
        return self.classifier(self.features(x))


net = GlyphNet()
ACCUM, MICRO, OPT_STEPS = 4, 16, 350
optimizer = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=0.02)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=OPT_STEPS)

stream = glyph_stream(seed=1, micro_batch=MICRO)
optimizer.zero_grad()
acc_loss, micro_seen = 0.0, 0
for opt_step in range(1, OPT_STEPS + 1):
    net.train()
    for _ in range(ACCUM):
        xb, yb = next(stream)
        xb = (xb - PIX_MEAN) / PIX_STD
        loss = F.cross_entropy(net(xb), yb) / ACCUM
        loss.backward()
        acc_loss += loss.item()
        micro_seen += 1
    optimizer.step()
    optimizer.zero_grad()
    scheduler.step()
    if opt_step % 50 == 0:
        net.eval()
        with torch.no_grad():
            out = net(val_x)
            v_loss = F.cross_entropy(out, val_y).item()
            v_acc = (out.argmax(1) == val_y).float().mean().item()
        print(f"opt step {opt_step:3d}  stream loss {acc_loss * ACCUM / micro_seen:.4f}  "
              f"val loss {v_loss:.4f}  val acc {v_acc:.3f}  lr {scheduler.get_last_lr()[0]:.2e}")
        acc_loss, micro_seen = 0.0, 0

net.eval()
with torch.no_grad():
    pred = net(val_x).argmax(1)
for k, name in enumerate(CLASSES):
    m = val_y == k
    print(f"  {name:5s} acc {(pred[m] == k).float().mean().item():.3f}  (n={int(m.sum())})")
print(f"final val accuracy {(pred == val_y).float().mean().item():.3f}")
