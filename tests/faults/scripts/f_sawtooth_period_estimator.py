# Regress the period (ms) of a noisy sawtooth sweep from a 1 kHz record.
# Windows are cut from longer captures with Tensor.unfold.
import torch
import torch.nn as nn

torch.manual_seed(0)

FS = 1000.0
CAPTURE = 512
WIN, STRIDE = 96, 48


def captures(n):
    t = torch.arange(CAPTURE) / FS
    period_ms = torch.empty(n).uniform_(8.0, 40.0)
    phase = torch.rand(n, 1)
    frac = t[None, :] / (period_ms[:, None] / 1000.0) + phase
    saw = 2.0 * (frac - torch.floor(frac)) - 1.0
    saw = 1.5 * saw + 0.2 * torch.randn_like(saw)          # volts
    w = saw.unfold(1, WIN, STRIDE)                           # (n, k, WIN)
    k = w.shape[1]
    return w.reshape(-1, WIN), period_ms.repeat_interleave(k)


class SweepDataset(torch.utils.data.Dataset):
    def __init__(self, x, period):
        self.x, self.period = x, period

    def __len__(self):
        return len(self.period)

    def __getitem__(self, i):
        return {"x": self.x[i], "period": self.period[i]}


x_all, p_all = captures(240)
perm = torch.randperm(len(p_all))
x_all, p_all = x_all[perm], p_all[perm]
cut = int(0.8 * len(p_all))
x_mu, x_sd = x_all[:cut].mean(), x_all[:cut].std()
p_mu, p_sd = p_all[:cut].mean(), p_all[:cut].std()
train_ds = SweepDataset((x_all[:cut] - x_mu) / x_sd, p_all[:cut])
val_ds = SweepDataset((x_all[cut:] - x_mu) / x_sd, p_all[cut:])
train_dl = torch.utils.data.DataLoader(train_ds, batch_size=64, shuffle=True)
val_dl = torch.utils.data.DataLoader(val_ds, batch_size=512)

model = nn.Sequential(
    nn.Linear(WIN, 128), nn.SiLU(),
    nn.Linear(128, 128), nn.SiLU(),
    nn.Linear(128, 1),
)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=8, gamma=0.5)
l1 = nn.L1Loss()
EPOCHS = 20

for epoch in range(EPOCHS):
    model.train()
    tot = 0.0
    for batch in train_dl:
        optimizer.zero_grad()
        pred = model(batch["x"]).squeeze(-1)
        loss = l1(pred, (batch["period"] - p_mu) / p_sd)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        tot += loss.item() * len(batch["period"])
    model.eval()
    err, cnt = 0.0, 0
    with torch.no_grad():
        for batch in val_dl:
            pred_ms = model(batch["x"]).squeeze(-1) * p_sd + p_mu
            err += (pred_ms - batch["period"]).abs().sum().item()
            cnt += len(batch["period"])
    if epoch % 3 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch:2d}  lr {optimizer.param_groups[0]['lr']:.2e}  train L1 {tot / len(train_ds):.4f}  val MAE {err / cnt:.2f} ms")

print(f"final val MAE: {err / cnt:.2f} ms  (spread of periods: {p_all[cut:].std():.2f} ms)")
