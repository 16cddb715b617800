# Deep tanh network (ModuleList of 4 hidden layers) on flattened 8x8 digits with a custom Gaussian init.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(27)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=27, stratify=y)
scaler = StandardScaler().fit(Xtr)
Xtr = torch.tensor(scaler.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(scaler.transform(Xva), dtype=torch.float32)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)


class DeepTanh(nn.Module):
    def __init__(self, sizes=(64, 128, 128, 128, 128), n_out=10):
        super().__init__()
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.out = nn.Linear(sizes[-1], n_out)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.tanh(layer(x))
        return self.out(x)


def gaussian_init(module, std=1.5):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, mean=0.0, std=std)
        nn.init.zeros_(module.bias)


net = DeepTanh()
net.apply(gaussian_init)
nn.init.normal_(net.out.weight, std=0.01)
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(20):
    net.train()
    perm = torch.randperm(len(Xtr))
    tot = 0.0
    for i in range(0, len(perm), 32):
        b = perm[i:i + 32]
        opt.zero_grad()
        loss = loss_fn(net(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    net.eval()
    with torch.no_grad():
        acc = (net(Xva).argmax(1) == yva).float().mean().item()
    if epoch % 2 == 1:
        print(f"epoch {epoch + 1:2d}  loss {tot / len(Xtr):.4f}  val_acc {acc:.3f}")

print(f"final val acc {acc:.3f}")
