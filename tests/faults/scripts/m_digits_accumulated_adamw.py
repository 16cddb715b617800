import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.metrics import accuracy_score, f1_score

torch.manual_seed(42)
np.random.seed(42)

digits = load_digits()
X = digits.data.astype(np.float32)
y = digits.target
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
pix_mean, pix_std = Xtr.mean(), Xtr.std()
Xtr = (Xtr - pix_mean) / pix_std
Xva = (Xva - pix_mean) / pix_std

loader = DataLoader(TensorDataset(torch.from_numpy(Xtr), torch.from_numpy(ytr)), batch_size=16, shuffle=True)
Xva_t = torch.from_numpy(Xva)


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.drop = nn.Dropout(0.25)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, pixels):
        h = self.drop(F.relu(self.fc1(pixels)))
        h = F.relu(self.fc2(h))
        return self.fc3(h)


model = DigitNet()
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-3)
ACCUM = 4
EPOCHS = 25

for epoch in range(EPOCHS):
    model.train()
    optimizer.zero_grad()
    seen, loss_sum = 0, 0.0
    for step, (xb, yb) in enumerate(loader, start=1):
        loss = F.cross_entropy(model(pixels=xb), yb)
        (loss / ACCUM).backward()
        loss_sum += loss.item() * len(yb)
        seen += len(yb)
        if step % ACCUM == 0 or step == len(loader):
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    with torch.no_grad():
        va_pred = model(pixels=Xva_t).argmax(dim=1).numpy()
    print(f"epoch {epoch+1:2d}/{EPOCHS}  train_loss={loss_sum/seen:.4f}  val_acc={accuracy_score(yva, va_pred):.4f}")

print(f"final: val acc {accuracy_score(yva, va_pred):.4f}, macro F1 {f1_score(yva, va_pred, average='macro'):.4f}")
