"""Timbre task: how many harmonics does a note have (1, 2, 3 or 4)?

torch.stft log-magnitude -> conv front-end -> pooled embedding -> MLP classifier.
Separate param groups for front-end and classifier, AdamW.
"""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(21)
gen = torch.Generator().manual_seed(21)

SR = 8000
DUR = 1024
N_TRAIN, N_VAL = 1600, 400


def notes(n):
    t = torch.arange(DUR) / SR
    k = torch.randint(0, 4, (n,), generator=gen)
    f0 = 150 + 350 * torch.rand(n, 1, generator=gen)
    phase = 2 * np.pi * torch.rand(n, 4, generator=gen)
    x = torch.zeros(n, DUR)
    for h in range(4):
        on = (k >= h).float().unsqueeze(1)
        amp = 0.5 + 0.5 * torch.rand(n, 1, generator=gen)
        x = x + on * amp * torch.sin(2 * np.pi * (h + 1) * f0 * t + phase[:, h:h + 1])
    x = x + 0.6 * torch.randn(n, DUR, generator=gen)
    return x, k


def featurize(x):
    spec = torch.stft(x, n_fft=256, hop_length=128, window=torch.hann_window(256), return_complex=True)
    return torch.log(spec.abs() + 1e-3).unsqueeze(1)


xtr, ytr = notes(N_TRAIN)
xva, yva = notes(N_VAL)
Ftr, Fva = featurize(xtr), featurize(xva)
mu, sigma = Ftr.mean(), Ftr.std()
Ftr, Fva = (Ftr - mu) / sigma, (Fva - mu) / sigma


class HarmonicNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv2d(1, 16, (7, 3), padding=(3, 1)), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
            nn.Conv2d(16, 32, (7, 3), padding=(3, 1)), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
            nn.Conv2d(32, 32, (5, 3), padding=(2, 1)), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.classifier = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 4))

    def forward(self, x):
        return self.classifier(self.frontend(x))


model = HarmonicNet()
lr = 2e-3
optimizer = torch.optim.AdamW([
    {"params": model.frontend.parameters(), "lr": lr * 1e-3},
    {"params": model.classifier.parameters(), "lr": lr},
], weight_decay=1e-4)
criterion = nn.CrossEntropyLoss()

batch = 50
for epoch in range(12):
    model.train()
    perm = torch.randperm(N_TRAIN, generator=gen)
    seen, run = 0, 0.0
    for s in range(0, N_TRAIN, batch):
        i = perm[s:s + batch]
        optimizer.zero_grad()
        loss = criterion(model(Ftr[i]), ytr[i])
        loss.backward()
        optimizer.step()
        run += loss.item() * len(i)
        seen += len(i)
    model.eval()
    with torch.no_grad():
        logits = model(Fva)
        val_loss = criterion(logits, yva).item()
        val_acc = (logits.argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch + 1:02d}  loss={run / seen:.4f}  val_loss={val_loss:.4f}  val_acc={val_acc:.3f}")

print(f"best-effort val accuracy: {val_acc:.3f}")
