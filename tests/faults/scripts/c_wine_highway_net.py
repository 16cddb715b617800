"""Highway network (gated residual layers) for the 3-class wine dataset."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
torch.set_num_threads(1)

features, target = load_wine(return_X_y=True)
f_tr, f_va, t_tr, t_va = train_test_split(features, target, test_size=0.3, stratify=target, random_state=0)
f_tr = torch.tensor(f_tr, dtype=torch.float32)
f_va = torch.tensor(f_va, dtype=torch.float32)
t_tr, t_va = torch.tensor(t_tr), torch.tensor(t_va)


class Highway(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.h = nn.Linear(d, d)
        self.t = nn.Linear(d, d)
        nn.init.constant_(self.t.bias, -1.0)

    def forward(self, x):
        gate = torch.sigmoid(self.t(x))
        return gate * torch.relu(self.h(x)) + (1 - gate) * x


class HighwayNet(nn.Module):
    def __init__(self, d_in, d=32, n_layers=3, n_out=3):
        super().__init__()
        self.inp = nn.Linear(d_in, d)
        self.layers = nn.ModuleList([Highway(d) for _ in range(n_layers)])
        self.out = nn.Linear(d, n_out)

    def forward(self, x):
        x = torch.relu(self.inp(x))
        for layer in self.layers:
            x = layer(x)
        return self.out(x)


net = HighwayNet(f_tr.shape[1])
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss()

for epoch in range(60):
    net.train()
    perm = torch.randperm(len(f_tr))
    ls = []
    for i in range(0, len(perm), 16):
        b = perm[i:i + 16]
        opt.zero_grad()
        loss = crit(net(f_tr[b]), t_tr[b])
        loss.backward()
        opt.step()
        ls.append(loss.item())
    if (epoch + 1) % 10 == 0:
        net.eval()
        with torch.no_grad():
            acc = (net(f_va).argmax(1) == t_va).float().mean().item()
        print(f"epoch {epoch + 1:3d}  loss {np.mean(ls):.4f}  val_acc {acc:.3f}")

print(f"validation accuracy: {acc:.3f}")
