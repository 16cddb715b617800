# Reads each 8x8 digit row by row with an LSTM (8 timesteps x 8 pixels) and predicts the digit.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(77)
torch.set_num_threads(1)

digits = load_digits()
rows = digits.images.astype(np.float32)          # (N, 8, 8): sequence of 8 rows
tr_x, va_x, tr_y, va_y = train_test_split(rows, digits.target, test_size=0.2, random_state=77)
mean, std = tr_x.mean(axis=(0, 1)), tr_x.std(axis=(0, 1)) + 1e-6
tr_x = torch.from_numpy((tr_x - mean) / std)
va_x = torch.from_numpy((va_x - mean) / std)
tr_y = torch.from_numpy(tr_y).float()
va_y = torch.from_numpy(va_y)


class RowReader(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, batch_first=True, num_layers=2, dropout=0.1)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1]).squeeze(-1)


reader = RowReader()
opt = torch.optim.Adam(reader.parameters(), lr=3e-3)
objective = nn.MSELoss()

for epoch in range(15):
    reader.train()
    perm = torch.randperm(len(tr_x))
    total = 0.0
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        loss = objective(reader(tr_x[b]), tr_y[b])
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    reader.eval()
    with torch.no_grad():
        pred = reader(va_x).round().clamp(0, 9).long()
    acc = (pred == va_y).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train_loss {total / len(tr_x):.4f}  val_acc {acc:.3f}")

print(f"final validation accuracy {acc:.3f}")
