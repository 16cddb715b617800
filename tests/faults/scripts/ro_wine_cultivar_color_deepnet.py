# Wine: predict the cultivar and, as a side task, the colour intensity,
# from the remaining 12 chemical measurements. One deep shared body, two heads.
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

wine = load_wine()
names = list(wine.feature_names)
col = names.index("color_intensity")
X_all = np.delete(wine.data, col, axis=1)
color = wine.data[:, col]
cultivar = wine.target

Xtr, Xva, ctr, cva, ytr, yva = train_test_split(
    X_all, color, cultivar, test_size=0.3, random_state=SEED, stratify=cultivar)

xs = StandardScaler().fit(Xtr)
Xtr, Xva = xs.transform(Xtr), xs.transform(Xva)
c_mean, c_std = ctr.mean(), ctr.std()
ctr, cva = (ctr - c_mean) / c_std, (cva - c_mean) / c_std

to_t = lambda a, dt=torch.float32: torch.tensor(a, dtype=dt)
train = {"x": to_t(Xtr), "cultivar": to_t(ytr, torch.long), "color": to_t(ctr)}
val = {"x": to_t(Xva), "cultivar": to_t(yva, torch.long), "color": to_t(cva)}


def body(width=32, depth=8):
    layers, d_in = [], 12
    for _ in range(depth):
        lin = nn.Linear(d_in, width)
        nn.init.kaiming_normal_(lin.weight)
        nn.init.zeros_(lin.bias)
        layers += [lin, nn.Sigmoid()]
        d_in = width
    return nn.Sequential(*layers)


class WineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = body()
        self.cls_head = nn.Linear(32, 3)
        self.reg_head = nn.Linear(32, 1)

    def forward(self, x):
        z = self.body(x)
        return self.cls_head(z), self.reg_head(z).squeeze(1)


net = WineNet()
opt = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
ce, mse = nn.CrossEntropyLoss(), nn.MSELoss()
W_CLS, W_REG = 1.0, 0.5
BS = 16
n = len(train["x"])

for ep in range(1, 41):
    net.train()
    perm = torch.randperm(n)
    tot = 0.0
    for s in range(0, n, BS):
        b = {k: v[perm[s:s + BS]] for k, v in train.items()}
        opt.zero_grad()
        logits, col_hat = net(b["x"])
        l_cls, l_reg = ce(logits, b["cultivar"]), mse(col_hat, b["color"])
        loss = W_CLS * l_cls + W_REG * l_reg
        loss.backward()
        opt.step()
        tot += loss.item() * len(b["x"])
    net.eval()
    with torch.no_grad():
        logits, col_hat = net(val["x"])
        acc = (logits.argmax(1) == val["cultivar"]).float().mean().item()
        vr = mse(col_hat, val["color"]).item()
    if ep % 5 == 0:
        print(f"[{ep:3d}] loss={tot / n:.4f} val_cultivar_acc={acc:.3f} val_color_mse={vr:.3f}")

print(f"done: cultivar acc {acc:.3f}, colour mse {vr:.3f}")
