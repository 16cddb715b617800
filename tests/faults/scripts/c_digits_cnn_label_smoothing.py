# Digits 8x8 CNN trained with a hand-written label-smoothing cross-entropy.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(17)
torch.set_num_threads(1)

data = load_digits()
X_train, X_val, y_train, y_val = train_test_split(
    data.images.astype(np.float32), data.target, test_size=0.25, random_state=17)
mean, std = X_train.mean(), X_train.std()
X_train = torch.from_numpy((X_train - mean) / std).unsqueeze(1)
X_val = torch.from_numpy((X_val - mean) / std).unsqueeze(1)
y_train, y_val = torch.from_numpy(y_train), torch.from_numpy(y_val)


def smoothed_cross_entropy(logits, target, eps=0.1):
    n_cls = logits.size(-1)
    logp = F.log_softmax(logits, dim=0)
    soft = torch.full_like(logp, eps / (n_cls - 1))
    soft.scatter_(1, target.unsqueeze(1), 1.0 - eps)
    return -(soft * logp).sum(dim=1).mean()


class SmallConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(32 * 16, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


net = SmallConvNet()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
batch_size = 64

for epoch in range(12):
    net.train()
    perm = torch.randperm(len(X_train))
    total = 0.0
    for i in range(0, len(perm), batch_size):
        b = perm[i:i + batch_size]
        opt.zero_grad()
        loss = smoothed_cross_entropy(net(X_train[b]), y_train[b])
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        logits = net(X_val)
        val_acc = (logits.argmax(1) == y_val).float().mean().item()
        val_ce = F.cross_entropy(logits, y_val).item()
    print(f"epoch {epoch:2d} | train loss {total / len(X_train):.4f} | val ce {val_ce:.4f} | val acc {val_acc:.4f}")

print(f"final val acc {val_acc:.4f}")
