"""Two-layer GRU regressor: predict the sum of the values at the marked positions of a sequence."""
import torch
import torch.nn as nn

torch.manual_seed(19)
torch.set_num_threads(1)
T = 16


def make_data(n, g):
    v = torch.rand(n, T, generator=g) * 2 - 1
    mask = (torch.rand(n, T, generator=g) < 0.2).float()
    return torch.stack([v, mask], -1), (v * mask).sum(1)


g = torch.Generator().manual_seed(19)
X_train, y_train = make_data(2000, g)
X_val, y_val = make_data(500, g)
t_mean, t_std = y_train.mean(), y_train.std()


class MarkedSumNet(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.embed = nn.Linear(2, hidden)
        self.encoder = nn.GRU(hidden, hidden, num_layers=2, batch_first=True)
        self.readout = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x):
        h, _ = self.encoder(self.embed(x))
        return self.readout(h[:, -1]).squeeze(-1)


model = MarkedSumNet()
model.encoder.requires_grad_(False)
optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=3e-3)
loss_fn = nn.MSELoss()

for epoch in range(15):
    model.train()
    perm = torch.randperm(len(X_train))
    run = 0.0
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[b]), (y_train[b] - t_mean) / t_std)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        run += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        pred = model(X_val) * t_std + t_mean
        r2 = 1 - ((pred - y_val) ** 2).mean() / y_val.var()
    print(f"epoch {epoch + 1:2d} train_mse {run / len(X_train):.4f} val_r2 {r2.item():.3f}")

print(f"validation R^2: {r2.item():.3f}")
