# Skin lesion triage from a tiny dermoscopy crop + clinical questionnaire.
# Pilot study: only a couple hundred labelled patients are available.
import numpy as np
import torch
import torch.nn as nn
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)

rs = np.random.RandomState(5)
N = 700
y = rs.randint(0, 2, N)
# questionnaire: 40 answers, only 3 carry signal
quest = rs.normal(0, 1, (N, 40))
quest[:, 0] += 0.35 * (2 * y - 1)
quest[:, 1] -= 0.3 * (2 * y - 1)
quest[:, 2] += 0.25 * (2 * y - 1)
# crops: 1x10x10, an asymmetric dark patch for malignant cases, mostly noise
crops = rs.normal(0, 1, (N, 1, 10, 10))
crops[:, 0, 2:6, 2:6] += 0.12 * (2 * y - 1)[:, None, None]

idx = rs.permutation(N)
tr, va = idx[:200], idx[200:]

q_scaler = StandardScaler().fit(quest[tr])
quest_s = q_scaler.transform(quest).astype(np.float32)
c_mu, c_sd = crops[tr].mean(), crops[tr].std()
crops_s = ((crops - c_mu) / c_sd).astype(np.float32)

Xq_tr, Xq_va = torch.from_numpy(quest_s[tr]), torch.from_numpy(quest_s[va])
Xc_tr, Xc_va = torch.from_numpy(crops_s[tr]), torch.from_numpy(crops_s[va])
y_tr = torch.from_numpy(y[tr]).float()
y_va = torch.from_numpy(y[va]).float()


class DermFusion(nn.Module):
    def __init__(self):
        super().__init__()
        self.crop_net = nn.Sequential(
            nn.Flatten(), nn.Linear(100, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU())
        self.quest_net = nn.Sequential(nn.Linear(40, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 1))

    def forward(self, crop, q):
        return self.head(torch.cat([self.crop_net(crop), self.quest_net(q)], dim=1)).squeeze(1)


model = DermFusion()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
bce = nn.BCEWithLogitsLoss()
batch = 25
n_tr = len(y_tr)


def scores(Xc, Xq, yy):
    model.eval()
    with torch.no_grad():
        logit = model(Xc, Xq)
        loss = bce(logit, yy).item()
        acc = ((logit > 0).float() == yy).float().mean().item()
        auc = roc_auc_score(yy.numpy(), logit.numpy())
    return loss, acc, auc


for epoch in range(1, 121):
    model.train()
    perm = torch.randperm(n_tr)
    running = 0.0
    for i in range(0, n_tr, batch):
        b = perm[i:i + batch]
        opt.zero_grad()
        loss = bce(model(Xc_tr[b], Xq_tr[b]), y_tr[b])
        loss.backward()
        opt.step()
        running += loss.item() * len(b)
    if epoch % 10 == 0 or epoch == 1:
        tl, ta, _ = scores(Xc_tr, Xq_tr, y_tr)
        vl, vacc, vauc = scores(Xc_va, Xq_va, y_va)
        print(f"epoch {epoch:3d}  train_loss {running / n_tr:.4f}  train_acc {ta:.3f}  "
              f"val_loss {vl:.4f}  val_acc {vacc:.3f}  val_auc {vauc:.3f}")

_, ta, _ = scores(Xc_tr, Xq_tr, y_tr)
_, vacc, vauc = scores(Xc_va, Xq_va, y_va)
print(f"final: train_acc {ta:.3f}  val_acc {vacc:.3f}  val_auc {vauc:.3f}")
