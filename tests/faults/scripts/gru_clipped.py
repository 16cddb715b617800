"""GRU counting task on generated marker sequences, with gradient-norm clipping."""

import torch
from torch import nn


def make_data(n, generator, length=25):
    marks = (torch.rand(n, length, generator=generator) < 0.2).float()
    x = marks + 0.1 * torch.randn(n, length, generator=generator)
    return x.unsqueeze(-1), marks.sum(1, keepdim=True) / 5.0


class Counter(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 32, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        _, h = self.gru(x)
        return self.out(h[-1])


g = torch.Generator().manual_seed(114)
torch.manual_seed(114)
X_train, y_train = make_data(2000, g)
X_val, y_val = make_data(400, g)
model = Counter()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()
for epoch in range(8):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 50):
        idx = perm[i:i + 50]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val = loss_fn(model(X_val), y_val).item()
    print(f"epoch {epoch}: train mse {loss.item():.4f} val mse {val:.4f} val r2 {1 - val / y_val.var().item():.3f}")
