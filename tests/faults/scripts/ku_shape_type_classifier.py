import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(11)
torch.set_num_threads(1)
rng = np.random.default_rng(11)
R = 16
yy, xx = np.mgrid[0:R, 0:R]


def draw(kind):
    img = rng.normal(0, 0.3, (R, R)).astype(np.float32)
    r = rng.integers(3, 6)
    cx, cy = rng.integers(r, R - r, 2)
    if kind == 0:
        m = (np.abs(xx - cx) <= r) & (np.abs(yy - cy) <= r)
    elif kind == 1:
        m = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
    else:
        m = (np.abs(xx - cx) + np.abs(yy - cy)) <= r
    img[m] += 1.5
    return img


labels = np.repeat(np.arange(3), 400)
images = np.stack([draw(k) for k in labels])[:, None]

# shuffle before splitting (the generator emits classes in blocks)
images = images[rng.permutation(len(images))]
labels = labels[rng.permutation(len(labels))]

n_tr = 960
Xtr, Xva = torch.tensor(images[:n_tr]), torch.tensor(images[n_tr:])
ytr, yva = torch.tensor(labels[:n_tr]), torch.tensor(labels[n_tr:])
mu, sig = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - mu) / sig, (Xva - mu) / sig

model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 3),
)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
ce = nn.CrossEntropyLoss()
ds = torch.utils.data.TensorDataset(Xtr, ytr)
dl = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)

for ep in range(20):
    model.train()
    tl, tc = 0.0, 0
    for xb, yb in dl:
        opt.zero_grad()
        out = model(xb)
        loss = ce(out, yb)
        loss.backward()
        opt.step()
        tl += loss.item() * len(xb)
        tc += (out.argmax(1) == yb).sum().item()
    model.eval()
    with torch.no_grad():
        va = (model(Xva).argmax(1) == yva).float().mean().item()
    print(f"ep {ep+1:2d} loss {tl/n_tr:.4f} train_acc {tc/n_tr:.3f} val_acc {va:.3f}")
print(f"shape classification val accuracy {va:.3f}")
