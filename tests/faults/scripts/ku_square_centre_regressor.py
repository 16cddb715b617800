import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_num_threads(1)
rng = np.random.default_rng(3)
S = 20


def gen(n):
    X = rng.normal(0, 0.3, (n, 1, S, S)).astype(np.float32)
    c = np.zeros((n, 2), np.float32)
    for i in range(n):
        h = rng.integers(2, 5)
        cx, cy = rng.integers(h, S - h, 2)
        X[i, 0, cy - h:cy + h, cx - h:cx + h] += 1.2
        c[i] = [cx / S, cy / S]
    return torch.tensor(X), torch.tensor(c)


Xtr, ctr = gen(800)
Xva, cva = gen(200)
mean, std = Xtr.mean(), Xtr.std()
Xtr, Xva = (Xtr - mean) / std, (Xva - mean) / std


class CentreNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 12, 3, padding=1)
        self.c2 = nn.Conv2d(12, 24, 3, padding=1)
        self.fc1 = nn.Linear(24 * 5 * 5, 64)
        self.out = nn.Linear(64, 2)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.out(F.relu(self.fc1(x.flatten(1))))


model = CentreNet()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr, ctr), batch_size=32, shuffle=True)

for epoch in range(20):
    model.train()
    total = 0.0
    for xb, cb in loader:
        optimizer.zero_grad()
        loss = F.smooth_l1_loss(model(xb), cb, beta=0.02)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        err = (model(Xva) - cva).abs().mul(S).mean().item()
    print(f"epoch {epoch+1} train {total/len(Xtr):.5f} val_px_err {err:.2f} lr {optimizer.param_groups[0]['lr']:.2e}")
print(f"mean centre error on validation: {err:.2f} px")
