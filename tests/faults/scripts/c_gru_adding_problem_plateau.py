"""GRU regressor on the 'adding problem': sum the values at the two marked timesteps.

ReduceLROnPlateau on validation MSE, gradient-norm clipping.
"""
import math
import torch
import torch.nn as nn

torch.manual_seed(7)
torch.set_num_threads(1)

SEQ_LEN = 20


def adding_batch(n, gen):
    vals = torch.rand(n, SEQ_LEN, generator=gen) * 2 - 1
    marks = torch.zeros(n, SEQ_LEN)
    for i in range(n):
        a, b = torch.randperm(SEQ_LEN, generator=gen)[:2]
        marks[i, a] = 1.0
        marks[i, b] = 1.0
    x = torch.stack([vals, marks], dim=-1)
    y = (vals * marks).sum(1)
    return x, y


g = torch.Generator().manual_seed(123)
x_train, y_train = adding_batch(2000, g)
x_val, y_val = adding_batch(600, g)
y_mu, y_sd = y_train.mean(), y_train.std()


class AddingGRU(nn.Module):
    def __init__(self, hidden=48):
        super().__init__()
        self.rnn = nn.GRU(2, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(h[:, -1]).squeeze(-1)


net = AddingGRU()
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
mse = nn.MSELoss()
batch = 100

for ep in range(1, 19):
    net.train()
    order = torch.randperm(len(x_train))
    tot = 0.0
    for k in range(0, len(order), batch):
        ids = order[k:k + batch]
        pred = net(x_train[ids])
        loss = mse(pred, (y_train[ids] - y_mu) / y_sd)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        tot += loss.item() * len(ids)
    net.eval()
    with torch.no_grad():
        pv = net(x_val) * y_sd + y_mu
        val_mse = mse(pv, y_val).item()
    plateau.step(val_mse)
    r2 = 1 - val_mse / y_val.var().item()
    print(f"ep {ep:02d} train_mse(std) {tot / len(x_train):.4f} val_mse {val_mse:.4f} val_r2 {r2:.3f} lr {opt.param_groups[0]['lr']:.1e}")

print(f"final val R^2 = {r2:.3f}  (rmse {math.sqrt(val_mse):.3f})")
