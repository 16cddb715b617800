"""Per-timestep regression: an Elman RNN (ReLU) predicts the running sum of a
noisy input stream at every step."""
import math
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(3)
np.random.seed(3)
torch.set_num_threads(1)

SEQ, HID = 30, 64

g = torch.Generator().manual_seed(3)
x_all = torch.randn(1200, SEQ, 1, generator=g) + 0.3
y_all = torch.cumsum(x_all, dim=1)

x_train, y_train = x_all[:1000], y_all[:1000]
x_val, y_val = x_all[1000:], y_all[1000:]

x_mu, x_sd = x_train.mean(), x_train.std()
y_mu, y_sd = y_train.mean(), y_train.std()
norm_x = lambda t: (t - x_mu) / x_sd
norm_y = lambda t: (t - y_mu) / y_sd


class SumRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, HID, batch_first=True, nonlinearity="relu")
        self.out = nn.Linear(HID, 1)
        for name, p in self.rnn.named_parameters():
            if "weight_hh" in name:
                nn.init.normal_(p, mean=0.0, std=2.0 / math.sqrt(HID))
            elif "weight_ih" in name:
                nn.init.xavier_uniform_(p)
            else:
                nn.init.zeros_(p)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(h)


model = SumRNN()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
mse = nn.MSELoss()

BATCH = 50
for epoch in range(15):
    model.train()
    perm = torch.randperm(len(x_train))
    losses = []
    for i in range(0, len(perm), BATCH):
        idx = perm[i:i + BATCH]
        pred = model(norm_x(x_train[idx]))
        loss = mse(pred, norm_y(y_train[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_loss = mse(model(norm_x(x_val)), norm_y(y_val)).item()
    print(f"epoch {epoch:02d}  train mse {np.mean(losses):.4g}  val mse {val_loss:.4g}")

with torch.no_grad():
    pred = model(norm_x(x_val)) * y_sd + y_mu
    mae = (pred - y_val).abs().mean().item()
print(f"val MAE on raw running sum: {mae:.4f}")
