# Wearable activity recognition: accelerometer sequence (GRU) + user profile (MLP).
# Late fusion of per-modality logits with learned weights; modality dropout
# randomly blanks one modality per sample during training so each branch
# stays useful on its own.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)
np.random.seed(1234)
torch.set_num_threads(1)

ACTIVITIES = ["walk", "run", "cycle", "sit"]
K = len(ACTIVITIES)


def simulate(n, rs):
    act = rs.randint(0, K, n)
    t = np.linspace(0, 2, 32)
    cadence = np.array([1.8, 2.8, 1.3, 0.2])[act] + rs.normal(0, 0.25, n)
    energy = np.array([1.0, 2.0, 0.8, 0.1])[act]
    acc = energy[:, None] * np.sin(2 * np.pi * cadence[:, None] * t)
    acc = np.stack([acc, 0.5 * acc + rs.normal(0, 0.3, acc.shape), rs.normal(0, 0.3, acc.shape)], -1)
    acc += rs.normal(0, 0.4, acc.shape)
    prof = rs.normal(0, 1, (n, 4))                      # age, weight, resting hr, daily steps
    prof[:, 3] += np.array([0.5, 1.2, 0.0, -1.0])[act]
    prof[:, 2] -= np.array([0.0, 0.8, 0.4, 0.0])[act]
    return acc.astype(np.float32), prof.astype(np.float32), act.astype(np.int64)


rs = np.random.RandomState(1234)
acc, prof, act = simulate(1500, rs)
split = np.random.RandomState(0).permutation(len(act))
tr, va = split[:1150], split[1150:]

acc_mu, acc_sd = acc[tr].mean((0, 1), keepdims=True), acc[tr].std((0, 1), keepdims=True)
prof_mu, prof_sd = prof[tr].mean(0), prof[tr].std(0)
acc = torch.from_numpy((acc - acc_mu) / acc_sd)
prof = torch.from_numpy((prof - prof_mu) / prof_sd)
act = torch.from_numpy(act)


class LateFusionHAR(nn.Module):
    def __init__(self, hidden=32, p_drop_modality=0.3):
        super().__init__()
        self.p = p_drop_modality
        self.gru = nn.GRU(3, hidden, batch_first=True)
        self.seq_head = nn.Linear(hidden, K)
        self.prof_net = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Dropout(0.1), nn.Linear(hidden, K))
        self.mix = nn.Parameter(torch.zeros(2))

    def forward(self, seq, profile):
        _, h = self.gru(seq)
        ls = self.seq_head(h[-1])
        lp = self.prof_net(profile)
        w = torch.softmax(self.mix, 0)
        ms = torch.ones(len(seq), 1)
        mp = torch.ones(len(seq), 1)
        if self.training:
            r = torch.rand(len(seq), 1)
            ms = (r >= self.p / 2).float()                      # drop sequence
            mp = ((r < self.p / 2) | (r >= self.p)).float()     # drop profile
        fused = w[0] * ms * ls + w[1] * mp * lp
        return fused, ls, lp


model = LateFusionHAR()
EPOCHS, BS = 16, 32
steps_per_epoch = (len(tr) + BS - 1) // BS
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, epochs=EPOCHS, steps_per_epoch=steps_per_epoch)

tr_t = torch.from_numpy(tr)
for epoch in range(EPOCHS):
    model.train()
    order = tr_t[torch.randperm(len(tr_t))]
    run_loss = 0.0
    for s in range(steps_per_epoch):
        b = order[s * BS:(s + 1) * BS]
        fused, ls, lp = model(acc[b], prof[b])
        loss = F.cross_entropy(fused, act[b]) + 0.3 * F.cross_entropy(ls, act[b]) + 0.3 * F.cross_entropy(lp, act[b])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        run_loss += loss.item()
    model.eval()
    with torch.no_grad():
        fused, ls, lp = model(acc[va], prof[va])
        yv = act[va]
        metrics = {k: (v.argmax(1) == yv).float().mean().item() for k, v in
                   [("fused", fused), ("seq", ls), ("profile", lp)]}
        vloss = F.cross_entropy(fused, yv).item()
    print(f"epoch {epoch + 1:2d} lr={scheduler.get_last_lr()[0]:.4f} loss={run_loss / steps_per_epoch:.4f} "
          f"val_loss={vloss:.4f} " + " ".join(f"{k}={v:.3f}" for k, v in metrics.items()))

model.eval()
with torch.no_grad():
    train_acc = (model(acc[tr], prof[tr])[0].argmax(1) == act[tr]).float().mean().item()
print(f"train acc {train_acc:.3f} | val acc fused {metrics['fused']:.3f} "
      f"seq-only {metrics['seq']:.3f} profile-only {metrics['profile']:.3f}")
