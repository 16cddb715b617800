"""GRU waveform classifier with every weight started from the same small value."""

import math

import torch
from torch import nn


def make_waveforms(n, length, generator):
    labels = torch.randint(0, 3, (n,), generator=generator)
    t = torch.linspace(0, 4 * math.pi, length)
    phase = torch.rand(n, 1, generator=generator) * 2 * math.pi
    sine = torch.sin(t + phase)
    waves = torch.stack([sine, torch.sign(sine), ((t + phase) % (2 * math.pi)) / math.pi - 1], 1)
    return (waves[torch.arange(n), labels] + 0.3 * torch.randn(n, length, generator=generator)).unsqueeze(-1), labels


class WaveGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 32, batch_first=True)
        self.head = nn.Linear(32, 3)
        for p in self.parameters():
            nn.init.constant_(p, 0.01)

    def forward(self, x):
        _, h = self.gru(x)
        return self.head(h[-1])


g = torch.Generator().manual_seed(66)
torch.manual_seed(66)
X_train, y_train = make_waveforms(1500, 40, g)
X_val, y_val = make_waveforms(300, 40, g)
model = WaveGRU()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(8):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 50):
        idx = perm[i:i + 50]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: loss {loss.item():.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
