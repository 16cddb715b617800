import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

digits = load_digits()
X_tr, X_va, y_tr, y_va = train_test_split(digits.data, digits.target, test_size=0.2,
                                          random_state=123, stratify=digits.target)
scaler = StandardScaler().fit(X_tr)
tr_ds = TensorDataset(torch.tensor(scaler.transform(X_tr), dtype=torch.float32), torch.tensor(y_tr))
va_ds = TensorDataset(torch.tensor(scaler.transform(X_va), dtype=torch.float32), torch.tensor(y_va))
tr_dl = DataLoader(tr_ds, batch_size=64, shuffle=True)
va_dl = DataLoader(va_ds, batch_size=256)


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(64, 256)
        self.l2 = nn.Linear(256, 128)
        self.l3 = nn.Linear(128, 10)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        x = self.drop(F.relu(self.l1(x)))
        x = self.drop(F.relu(self.l2(x)))
        return self.l3(x)


model = DigitNet()
EPOCHS = 20
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=EPOCHS, steps_per_epoch=len(tr_dl))

for epoch in range(EPOCHS):
    model.train()
    total = 0.0
    for xb, yb in tr_dl:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(yb)
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in va_dl:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d} lr {scheduler.get_last_lr()[0]:.4f} loss {total / len(tr_ds):.4f} "
          f"val_acc {correct / len(va_ds):.4f}")

print(f"validation accuracy: {correct / len(va_ds):.4f}")
