# Residual CNN on sklearn 8x8 digits, cosine annealing (stepped per epoch), AdamW + weight decay.
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(42)
torch.set_num_threads(1)

digits = load_digits()
X = digits.images.astype(np.float32)[:, None]  # (N, 1, 8, 8)
y = digits.target.astype(np.int64)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
mean, std = Xtr.mean(), Xtr.std()
Xtr = torch.tensor((Xtr - mean) / std)
Xva = torch.tensor((Xva - mean) / std)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(ch, ch, 3, padding=1, bias=False), nn.BatchNorm2d(ch), nn.ReLU(),
            nn.Conv2d(ch, ch, 3, padding=1, bias=False), nn.BatchNorm2d(ch),
        )

    def forward(self, x):
        return torch.relu(x + self.body(x))


class DigitResNet(nn.Module):
    def __init__(self, ch=16, n_blocks=2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, ch, 3, padding=1), nn.BatchNorm2d(ch), nn.ReLU())
        self.blocks = nn.ModuleList([ResBlock(ch) for _ in range(n_blocks)])
        self.head = nn.Linear(ch, 10)

    def forward(self, x):
        x = self.stem(x)
        for blk in self.blocks:
            x = blk(x)
        return self.head(x.mean(dim=(2, 3)))


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    elif isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


model = DigitResNet()
model.apply(init_weights)
EPOCHS = 12
BS = 64
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr))
    running = 0.0
    for i in range(0, len(Xtr), BS):
        idx = perm[i:i + BS]
        optimizer.zero_grad()
        out = model(Xtr[idx])
        loss = loss_fn(out, ytr[idx])
        loss.backward()
        optimizer.step()
        running += loss.item() * len(idx)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        va_logits = model(Xva)
        va_loss = loss_fn(va_logits, yva).item()
        va_acc = (va_logits.argmax(1) == yva).float().mean().item()
    print(f"[{epoch + 1:02d}/{EPOCHS}] train {running / len(Xtr):.4f} | val loss {va_loss:.4f} acc {va_acc:.4f}")

print(f"val accuracy {va_acc:.4f}")
