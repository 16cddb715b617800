"""Mini VGG-style CNN (conv-conv-pool x2) on sklearn digits, SGD with momentum and L2 regularisation."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(2)
torch.set_num_threads(1)


def conv_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True)]


class MiniVGG(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*conv_relu(1, 16), *conv_relu(16, 16), nn.MaxPool2d(2),
                                      *conv_relu(16, 32), *conv_relu(32, 32), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(),
                                        nn.Dropout(0.3), nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


ds = load_digits()
Xtr, Xva, ytr, yva = train_test_split(ds.images.astype(np.float32), ds.target, test_size=0.2,
                                      random_state=2, stratify=ds.target)
mu, sigma = Xtr.mean(), Xtr.std()
Xtr = torch.from_numpy((Xtr - mu) / sigma).unsqueeze(1)
Xva = torch.from_numpy((Xva - mu) / sigma).unsqueeze(1)
ytr, yva = torch.from_numpy(ytr), torch.from_numpy(yva)

model = MiniVGG()
optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, weight_decay=0.1)
criterion = nn.CrossEntropyLoss()

for epoch in range(12):
    model.train()
    perm = torch.randperm(len(Xtr))
    total = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(Xtr[idx]), ytr[idx])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        va_acc = (model(Xva).argmax(1) == yva).float().mean().item()
    wnorm = sum(p.norm() ** 2 for p in model.parameters()).sqrt().item()
    print(f"epoch {epoch + 1:2d}  train_loss {total / len(Xtr):.4f}  val_acc {va_acc:.3f}  |w| {wnorm:.2f}")

print(f"val accuracy {va_acc:.3f}")
