"""GRU waveform classifier; the training sequences are generated one waveform type at a time."""

import math

import torch
from torch import nn


def waveform(kind, n, length, generator):
    t = torch.linspace(0, 4 * math.pi, length)
    phase = torch.rand(n, 1, generator=generator) * 2 * math.pi
    sine = torch.sin(t + phase)
    wave = [sine, torch.sign(sine), ((t + phase) % (2 * math.pi)) / math.pi - 1][kind]
    return (wave + 0.3 * torch.randn(n, length, generator=generator)).unsqueeze(-1)


class WaveGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 32, batch_first=True)
        self.head = nn.Linear(32, 3)

    def forward(self, x):
        _, h = self.gru(x)
        return self.head(h[-1])


g = torch.Generator().manual_seed(85)
torch.manual_seed(85)
X_train = torch.cat([waveform(k, 500, 40, g) for k in range(3)])
y_train = torch.arange(3).repeat_interleave(500)
X_val = torch.cat([waveform(k, 100, 40, g) for k in range(3)])
y_val = torch.arange(3).repeat_interleave(100)

model = WaveGRU()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(6):
    for i in range(0, len(X_train), 50):
        optimizer.zero_grad()
        loss = criterion(model(X_train[i:i + 50]), y_train[i:i + 50])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: last loss {loss.item():.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
