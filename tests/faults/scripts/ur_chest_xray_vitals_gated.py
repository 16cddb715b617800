"""Chest x-ray thumbnail + vitals gated fusion (pneumonia vs normal vs effusion).

Classes are imbalanced (70/20/10), so the loss uses inverse-frequency class weights
and we report balanced accuracy alongside plain accuracy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

SEED = 21
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)
rng = np.random.default_rng(SEED)

N = 1800
y = rng.choice(3, size=N, p=[0.7, 0.2, 0.1])
yy, xx = np.mgrid[0:14, 0:14]
xr = rng.normal(0, 1, (N, 1, 14, 14))
left_lobe = ((xx - 4) ** 2 + (yy - 8) ** 2) < 9
lower_band = yy > 10
xr[y == 1, 0] += 1.0 * left_lobe            # opacity in one lobe
xr[y == 2, 0] += 1.2 * lower_band           # fluid line at the base
vitals = rng.normal(0, 1, (N, 5))           # temp, hr, rr, spo2, wbc
vitals[y == 1, 0] += 1.2
vitals[y == 1, 4] += 0.8
vitals[y == 2, 3] -= 1.0
vitals[:, 0] = 37.0 + 0.6 * vitals[:, 0]    # degrees C
vitals[:, 1] = 85 + 14 * vitals[:, 1]       # bpm
vitals[:, 2] = 18 + 4 * vitals[:, 2]
vitals[:, 3] = 96 + 2 * vitals[:, 3]
vitals[:, 4] = 9 + 3 * vitals[:, 4]

i_tr, i_va = train_test_split(np.arange(N), test_size=0.3, stratify=y, random_state=SEED)
xr_mu, xr_sd = xr[i_tr].mean(), xr[i_tr].std()
v_mu, v_sd = vitals[i_tr].mean(0), vitals[i_tr].std(0)
xr_n = ((xr - xr_mu) / xr_sd).astype(np.float32)
vit_n = ((vitals - v_mu) / v_sd).astype(np.float32)


def make_ds(ix):
    return TensorDataset(torch.from_numpy(xr_n[ix]), torch.from_numpy(vit_n[ix]), torch.from_numpy(y[ix]).long())


train_loader = DataLoader(make_ds(i_tr), batch_size=64, shuffle=True)
val_loader = DataLoader(make_ds(i_va), batch_size=512)


class GatedXrayVitals(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(128, d), nn.ReLU())
        self.mlp = nn.Sequential(nn.Linear(5, d), nn.ReLU(), nn.Linear(d, d), nn.ReLU())
        self.gate = nn.Sequential(nn.Linear(2 * d, d), nn.Sigmoid())
        self.drop = nn.Dropout(0.2)
        self.out = nn.Linear(d, 3)

    def forward(self, img, vit):
        a, b = self.cnn(img), self.mlp(vit)
        g = self.gate(torch.cat([a, b], 1))
        return self.out(self.drop(g * a + (1 - g) * b))


counts = np.bincount(y[i_tr], minlength=3)
class_w = torch.tensor(counts.sum() / (3 * counts), dtype=torch.float32)
print("class counts:", counts.tolist(), "weights:", [round(w, 2) for w in class_w.tolist()])

EPOCHS = 14
model = GatedXrayVitals()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)


def predict(loader):
    model.eval()
    preds, gts = [], []
    with torch.no_grad():
        for img, vit, t in loader:
            preds.append(model(img, vit).argmax(1))
            gts.append(t)
    return torch.cat(gts).numpy(), torch.cat(preds).numpy()


for ep in range(EPOCHS):
    model.train()
    tot, cnt = 0.0, 0
    for img, vit, t in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(img, vit), t, weight=class_w)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tot += loss.item() * len(t)
        cnt += len(t)
    sched.step()
    g, p = predict(val_loader)
    print(f"ep {ep + 1:2d} lr {sched.get_last_lr()[0]:.5f} loss {tot / cnt:.4f} "
          f"val_acc {(g == p).mean():.3f} val_bal_acc {balanced_accuracy_score(g, p):.3f}")

g, p = predict(DataLoader(make_ds(i_tr), batch_size=512))
print(f"train_acc {(g == p).mean():.3f} train_bal_acc {balanced_accuracy_score(g, p):.3f}")
g, p = predict(val_loader)
print(f"val_acc {(g == p).mean():.3f} val_bal_acc {balanced_accuracy_score(g, p):.3f}")
