"""Prototypical network on sklearn digits, 5-way 5-shot episodes.

Train/val split is by rows (stratified); validation episodes are drawn only
from the held-out rows.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

N_WAY, K_SHOT, N_QUERY = 5, 5, 10
EPISODES_PER_EPOCH = 30
EPOCHS = 10


class Encoder(nn.Module):
    def __init__(self, d_in=64, d_hid=128, d_emb=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_in, d_hid), nn.BatchNorm1d(d_hid), nn.ReLU(),
            nn.Linear(d_hid, d_hid), nn.BatchNorm1d(d_hid), nn.ReLU(),
            nn.Linear(d_hid, d_emb),
        )

    def forward(self, x):
        return self.net(x)


def sample_episode(X, y, rng):
    classes = rng.choice(np.unique(y), N_WAY, replace=False)
    sup, qry = [], []
    for c in classes:
        idx = rng.choice(np.where(y == c)[0], K_SHOT + N_QUERY, replace=False)
        sup.append(X[idx[:K_SHOT]])
        qry.append(X[idx[K_SHOT:]])
    xs = torch.cat(sup)
    xq = torch.cat(qry)
    yq = torch.arange(N_WAY).repeat_interleave(N_QUERY)
    return xs, xq, yq


def proto_logits(model, xs, xq):
    emb = model(torch.cat([xs, xq]))
    es, eq = emb[: len(xs)], emb[len(xs):]
    protos = es.view(N_WAY, K_SHOT, -1).mean(1)
    return -torch.cdist(eq, protos).pow(2)


def main():
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)

    model = Encoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
    rng = np.random.default_rng(0)
    val_rng = np.random.default_rng(123)

    for epoch in range(EPOCHS):
        model.train()
        tot_loss, tot_acc = 0.0, 0.0
        for _ in range(EPISODES_PER_EPOCH):
            xs, xq, yq = sample_episode(X_tr, y_tr, rng)
            logits = proto_logits(model, xs, xq)
            loss = F.cross_entropy(logits, yq)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot_loss += loss.item()
            tot_acc += (logits.argmax(1) == yq).float().mean().item()
        sched.step()
        print(f"epoch {epoch + 1:2d}  loss {tot_loss / EPISODES_PER_EPOCH:.4f}  "
              f"train ep-acc {tot_acc / EPISODES_PER_EPOCH:.3f}  lr {sched.get_last_lr()[0]:.2e}")

    model.eval()
    accs = []
    with torch.no_grad():
        for _ in range(100):
            xs, xq, yq = sample_episode(X_va, y_va, val_rng)
            accs.append((proto_logits(model, xs, xq).argmax(1) == yq).float().mean().item())
    accs = np.array(accs)
    print(f"val episode accuracy: {accs.mean():.3f} +- {1.96 * accs.std() / np.sqrt(len(accs)):.3f}")


if __name__ == "__main__":
    main()
