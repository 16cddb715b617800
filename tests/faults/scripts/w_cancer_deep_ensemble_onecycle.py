"""Deep ensemble of small MLPs for breast-cancer classification.

Each member gets its own seed and init; validation probabilities are
averaged across members.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score, balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
rng = np.random.RandomState(123)

data = load_breast_cancer()
Xtr, Xva, ytr, yva = train_test_split(data.data, data.target, test_size=0.3,
                                      stratify=data.target, random_state=123)
scaler = StandardScaler()
Xtr = scaler.fit_transform(Xtr).astype(np.float32)
Xva = scaler.transform(Xva).astype(np.float32)
Xtr_t, Xva_t = torch.from_numpy(Xtr), torch.from_numpy(Xva)
ytr_t = torch.from_numpy(ytr.astype(np.float32))

# positives are the majority here; weight the loss so both classes count equally
n_pos = float(ytr.sum())
n_neg = float(len(ytr) - n_pos)
pos_weight = torch.tensor(n_neg / n_pos)


class Member(nn.Module):
    def __init__(self, d_in, width):
        super().__init__()
        self.fc1 = nn.Linear(d_in, width)
        self.fc2 = nn.Linear(width, width // 2)
        self.out = nn.Linear(width // 2, 1)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        x = self.drop(F.gelu(self.fc1(x)))
        x = F.gelu(self.fc2(x))
        return self.out(x).squeeze(-1)


def train_member(seed, width=32, epochs=25, bs=32, max_lr=1e-2):
    torch.manual_seed(seed)
    net = Member(Xtr.shape[1], width)
    opt = torch.optim.Adam(net.parameters(), lr=max_lr / 25, weight_decay=1e-4)
    steps_per_epoch = int(np.ceil(len(Xtr_t) / bs))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, epochs=epochs,
                                                steps_per_epoch=steps_per_epoch)
    for ep in range(epochs):
        net.train()
        order = torch.randperm(len(Xtr_t))
        total = 0.0
        for s in range(0, len(order), bs):
            b = order[s:s + bs]
            logits = net(Xtr_t[b])
            loss = F.binary_cross_entropy_with_logits(logits, ytr_t[b], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(b)
        if ep % 5 == 4:
            print(f"  member seed={seed} epoch {ep + 1:2d} loss {total / len(order):.4f}")
    return net


members = []
for k, seed in enumerate([11, 22, 33, 44]):
    print(f"training member {k}")
    members.append(train_member(seed, width=int(rng.choice([32, 48, 64]))))

probs = []
with torch.no_grad():
    for k, m in enumerate(members):
        m.eval()
        p = torch.sigmoid(m(Xva_t)).numpy()
        probs.append(p)
        print(f"member {k}: val acc {((p > 0.5) == yva).mean():.4f}  auc {roc_auc_score(yva, p):.4f}")

p_ens = np.mean(probs, axis=0)
pred = (p_ens > 0.5).astype(int)
print(f"ensemble: val acc {(pred == yva).mean():.4f}  "
      f"balanced acc {balanced_accuracy_score(yva, pred):.4f}  auc {roc_auc_score(yva, p_ens):.4f}")
