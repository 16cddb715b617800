"""LSTM waveform classifier with a compact recurrent state."""

import math

import torch
from torch import nn

HIDDEN = 1


def make_waveforms(n, length, generator):
    labels = torch.randint(0, 4, (n,), generator=generator)
    t = torch.linspace(0, 4 * math.pi, length)
    phase = torch.rand(n, 1, generator=generator) * 2 * math.pi
    sine = torch.sin(t + phase)
    waves = torch.stack([sine, torch.sign(sine), ((t + phase) % (2 * math.pi)) / math.pi - 1,
                         torch.sin(2 * t + phase)], 1)
    return (waves[torch.arange(n), labels] + 0.3 * torch.randn(n, length, generator=generator)).unsqueeze(-1), labels


class WaveLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, 4)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


g = torch.Generator().manual_seed(68)
torch.manual_seed(68)
X_train, y_train = make_waveforms(1500, 40, g)
X_val, y_val = make_waveforms(300, 40, g)
model = WaveLSTM()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()
for epoch in range(10):
    model.train()
    perm = torch.randperm(len(X_train))
    total = 0.0
    for i in range(0, len(perm), 50):
        idx = perm[i:i + 50]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: train loss {total / len(X_train):.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
