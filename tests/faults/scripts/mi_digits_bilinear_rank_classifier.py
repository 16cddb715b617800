"""
Bilinear low-rank classifier for 8x8 digit images.

Each class c scores an image X (8x8) as  s_c(X) = sum_r a_{c,r}^T X b_{c,r} + bias_c,
i.e. a rank-R matrix W_c = A_c B_c^T applied as <W_c, X>.  A ridge least-squares
classifier on flattened pixels is trained in closed form for comparison.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(123)
np.random.seed(123)
torch.set_num_threads(1)

data = load_digits()
imgs = data.images.astype(np.float32)
labels = data.target
tr_x, va_x, tr_y, va_y = train_test_split(imgs, labels, test_size=0.2, random_state=123, stratify=labels)
pix_mean = tr_x.mean(axis=0, keepdims=True)
pix_std = tr_x.std() + 1e-6
tr_x = (tr_x - pix_mean) / pix_std
va_x = (va_x - pix_mean) / pix_std
tr_x, va_x = torch.from_numpy(tr_x), torch.from_numpy(va_x)
tr_y, va_y = torch.from_numpy(tr_y).long(), torch.from_numpy(va_y).long()
C = 10

# ---- closed-form ridge classifier on one-hot targets ----
Xf = torch.cat([tr_x.reshape(len(tr_x), -1), torch.ones(len(tr_x), 1)], 1)
Xfv = torch.cat([va_x.reshape(len(va_x), -1), torch.ones(len(va_x), 1)], 1)
Y = F.one_hot(tr_y, C).float()
Wr = torch.linalg.solve(Xf.T @ Xf + 1.0 * torch.eye(Xf.shape[1]), Xf.T @ Y)
print(f"ridge least-squares  val acc: {((Xfv @ Wr).argmax(1) == va_y).float().mean():.3f}")


class BilinearRank(nn.Module):
    def __init__(self, h, w, n_cls, rank):
        super().__init__()
        self.A = nn.Parameter(0.5 * torch.randn(n_cls, rank, h) / h ** 0.5)
        self.B = nn.Parameter(torch.randn(n_cls, rank, w) / w ** 0.5)
        self.bias = nn.Parameter(torch.zeros(n_cls))

    def forward(self, x):
        return torch.einsum("nij,cri,crj->nc", x, self.A, self.B) / self.A.shape[1] ** 0.5 + self.bias


net = BilinearRank(8, 8, C, rank=4)
optim = torch.optim.Adam(net.parameters(), lr=2e-6)
ds = torch.utils.data.TensorDataset(tr_x, tr_y)
dl = torch.utils.data.DataLoader(ds, batch_size=50, shuffle=True)

n_epochs = 40
for ep in range(n_epochs):
    net.train()
    run_loss, correct = 0.0, 0
    for xb, yb in dl:
        optim.zero_grad()
        logits = net(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        optim.step()
        run_loss += loss.item() * len(yb)
        correct += (logits.argmax(1) == yb).sum().item()
    net.eval()
    with torch.no_grad():
        v_logits = net(va_x)
        v_loss = F.cross_entropy(v_logits, va_y).item()
        v_acc = (v_logits.argmax(1) == va_y).float().mean().item()
    if ep % 5 == 0 or ep == n_epochs - 1:
        print(f"epoch {ep + 1:2d}: loss {run_loss / len(ds):.4f} acc {correct / len(ds):.3f} | "
              f"val loss {v_loss:.4f} val acc {v_acc:.3f}")

print(f"bilinear rank-4 model val acc: {v_acc:.3f}")
