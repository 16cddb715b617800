# Two-headed CNN on 1x16x16 blob images: classify blob count (1/2/3) and regress the mean blob size.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(6)
torch.set_num_threads(1)
rng = np.random.default_rng(6)
S = 16
yy, xx = np.mgrid[0:S, 0:S]


def render(n):
    X = np.zeros((n, 1, S, S), np.float32)
    count = rng.integers(1, 4, n)
    size = np.zeros(n, np.float32)
    for i in range(n):
        sig = rng.uniform(0.8, 2.0, count[i])
        for k in range(count[i]):
            cy, cx = rng.uniform(2, S - 2, 2)
            X[i, 0] += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * sig[k] ** 2))
        size[i] = sig.mean()
    X += 0.1 * rng.standard_normal(X.shape).astype(np.float32)
    return X, count - 1, size


X, c, r = render(1500)
Xt, ct, rt = torch.tensor(X[:1200]), torch.tensor(c[:1200]), torch.tensor(r[:1200])
Xv, cv, rv = torch.tensor(X[1200:]), torch.tensor(c[1200:]), torch.tensor(r[1200:])
px_mu, px_sd = Xt.mean(), Xt.std()
r_mu, r_sd = rt.mean(), rt.std()
Xt, Xv = (Xt - px_mu) / px_sd, (Xv - px_mu) / px_sd


class TwoHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 16, 64), nn.ReLU())
        self.count_head = nn.Linear(64, 3)
        self.size_head = nn.Linear(64, 1)

    def forward(self, x):
        h = self.trunk(x)
        return self.count_head(h), self.size_head(h).squeeze(1)


net = TwoHead()
opt = torch.optim.SGD(net.parameters(), lr=1.5, momentum=0.9)
ce, mse = nn.CrossEntropyLoss(), nn.MSELoss()

for epoch in range(8):
    net.train()
    perm = torch.randperm(len(Xt))
    agg = 0.0
    for i in range(0, len(perm), 32):
        b = perm[i:i + 32]
        logits, size_pred = net(Xt[b])
        loss = ce(logits, ct[b]) + mse(size_pred, (rt[b] - r_mu) / r_sd)
        opt.zero_grad()
        loss.backward()
        opt.step()
        agg += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        lv, sv = net(Xv)
        acc = (lv.argmax(1) == cv).float().mean().item()
        size_mae = (sv * r_sd + r_mu - rv).abs().mean().item()
    print(f"epoch {epoch + 1}  loss {agg / len(Xt):.4f}  val_count_acc {acc:.3f}  val_size_mae {size_mae:.3f}")

print(f"final: count acc {acc:.3f}, size MAE {size_mae:.3f}")
