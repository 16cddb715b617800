# LSTM classifies the frequency band of a noisy sine wave (4 bands, imbalanced).
# Class-weighted CE, dropout, gradient accumulation over 4 micro-batches, StepLR per epoch.
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import balanced_accuracy_score

torch.manual_seed(2024)
torch.set_num_threads(1)
rs = np.random.RandomState(2024)

T = 40
FREQS = np.array([0.5, 1.2, 2.0, 3.0])
PRIORS = np.array([0.45, 0.30, 0.15, 0.10])


def make_waves(n):
    cls = rs.choice(4, size=n, p=PRIORS)
    t = np.linspace(0, 2 * np.pi, T)
    f = FREQS[cls] * rs.uniform(0.9, 1.1, n)
    ph = rs.uniform(0, 2 * np.pi, n)
    amp = rs.uniform(0.5, 1.5, n)
    x = amp[:, None] * np.sin(f[:, None] * t[None] + ph[:, None]) + 0.2 * rs.randn(n, T)
    return x.astype(np.float32)[..., None], cls


x_tr, c_tr = make_waves(2000)
x_va, c_va = make_waves(500)
mu, sigma = x_tr.mean(), x_tr.std()
x_tr, x_va = (x_tr - mu) / sigma, (x_va - mu) / sigma
x_tr, x_va = torch.from_numpy(x_tr), torch.from_numpy(x_va)
c_tr_t, c_va_t = torch.from_numpy(c_tr), torch.from_numpy(c_va)

counts = np.bincount(c_tr, minlength=4)
class_w = torch.tensor(len(c_tr) / (4 * counts), dtype=torch.float32)


class WaveLSTM(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(self.drop(out.mean(1)))


model = WaveLSTM()
opt = torch.optim.Adam(model.parameters(), lr=4e-3)
step_lr = torch.optim.lr_scheduler.StepLR(opt, step_size=6, gamma=0.5)
criterion = nn.CrossEntropyLoss(weight=class_w)
MICRO, ACCUM = 16, 4

for epoch in range(15):
    model.train()
    perm = torch.randperm(len(x_tr))
    opt.zero_grad()
    run, nb = 0.0, 0
    for it, s in enumerate(range(0, len(perm), MICRO)):
        idx = perm[s:s + MICRO]
        loss = criterion(model(x_tr[idx]), c_tr_t[idx]) / ACCUM
        loss.backward()
        if (it + 1) % ACCUM == 0:
            nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            opt.step()
            opt.zero_grad()
        run += loss.item() * ACCUM
        nb += 1
    step_lr.step()
    model.eval()
    with torch.no_grad():
        pred = model(x_va).argmax(1).numpy()
    acc = (pred == c_va).mean()
    bal = balanced_accuracy_score(c_va, pred)
    print(f"epoch {epoch:2d} loss {run / nb:.4f} val_acc {acc:.3f} val_bal_acc {bal:.3f}")

print(f"final: val acc {acc:.3f}, balanced acc {bal:.3f}")
