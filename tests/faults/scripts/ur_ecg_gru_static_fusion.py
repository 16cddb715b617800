# ECG rhythm + patient static features -> arrhythmia flag
# GRU encodes a short 1-lead trace, MLP encodes static covariates,
# a deep fusion tower mixes both embeddings.
import numpy as np
import torch
from torch import nn

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)


def make_data(n, rng):
    t = np.linspace(0, 1, 40)
    y = rng.integers(0, 2, n)
    freq = np.where(y == 1, rng.uniform(6, 9, n), rng.uniform(3, 5.5, n))
    phase = rng.uniform(0, 2 * np.pi, n)
    seq = np.sin(2 * np.pi * freq[:, None] * t[None, :] + phase[:, None])
    seq += rng.normal(0, 0.6, seq.shape)
    static = rng.normal(0, 1, (n, 5))
    static[:, 0] += 0.9 * (2 * y - 1)           # age-adjusted risk score
    static[:, 2] -= 0.6 * (2 * y - 1)           # potassium level
    return seq[:, :, None].astype(np.float32), static.astype(np.float32), y.astype(np.int64)


rng = np.random.default_rng(SEED)
seq_all, st_all, y_all = make_data(1400, rng)
idx = rng.permutation(len(y_all))
tr, va = idx[:1050], idx[1050:]

# per-modality standardisation, fitted on training rows only
s_mu, s_sd = seq_all[tr].mean(), seq_all[tr].std()
st_mu, st_sd = st_all[tr].mean(0), st_all[tr].std(0)
seq_all = (seq_all - s_mu) / s_sd
st_all = (st_all - st_mu) / st_sd

train = {k: torch.from_numpy(v[tr]) for k, v in [("seq", seq_all), ("static", st_all), ("y", y_all)]}
valid = {k: torch.from_numpy(v[va]) for k, v in [("seq", seq_all), ("static", st_all), ("y", y_all)]}


class ECGFusion(nn.Module):
    def __init__(self, hid=24, depth=5):
        super().__init__()
        self.gru = nn.GRU(1, hid, batch_first=True)
        self.static_mlp = nn.Sequential(nn.Linear(5, hid), nn.ReLU())
        tower = []
        width = 2 * hid
        for _ in range(depth):
            tower += [nn.Linear(width, 32), nn.Sigmoid()]
            width = 32
        self.tower = nn.Sequential(*tower)
        self.out = nn.Linear(32, 2)

    def forward(self, seq, static):
        _, h = self.gru(seq)
        z = torch.cat([h[-1], self.static_mlp(static)], dim=1)
        return self.out(self.tower(z))


model = ECGFusion()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
BATCH = 50
EPOCHS = 20


def accuracy(split):
    model.eval()
    with torch.no_grad():
        logits = model(split["seq"], split["static"])
        return (logits.argmax(1) == split["y"]).float().mean().item(), loss_fn(logits, split["y"]).item()


n_train = len(train["y"])
for ep in range(EPOCHS):
    model.train()
    order = torch.randperm(n_train)
    tot = 0.0
    for b in range(0, n_train, BATCH):
        sel = order[b:b + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(train["seq"][sel], train["static"][sel]), train["y"][sel])
        loss.backward()
        opt.step()
        tot += loss.item() * len(sel)
    va_acc, va_loss = accuracy(valid)
    print(f"[{ep + 1:02d}/{EPOCHS}] loss={tot / n_train:.4f} val_loss={va_loss:.4f} val_acc={va_acc:.3f}")

tr_acc, _ = accuracy(train)
va_acc, _ = accuracy(valid)
print(f"done. train_acc={tr_acc:.3f} val_acc={va_acc:.3f}")
