# FT-Transformer-style model for tabular data: one token per feature + a learned [CLS] token.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(8)
torch.set_num_threads(1)
rng = np.random.default_rng(8)

X, y = make_classification(n_samples=1500, n_features=10, n_informative=4, n_redundant=2,
                           class_sep=0.6, flip_y=0.05, random_state=8)
account_flag = y + 0.05 * rng.standard_normal(len(y))
X = np.column_stack([X, account_flag])

Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=8, stratify=y)
sc = StandardScaler().fit(Xtr)
Xtr = torch.tensor(sc.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(sc.transform(Xva), dtype=torch.float32)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)


class FTTransformer(nn.Module):
    def __init__(self, n_feat, d=16):
        super().__init__()
        self.w = nn.Parameter(torch.randn(n_feat, d) * 0.1)
        self.b = nn.Parameter(torch.zeros(n_feat, d))
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        layer = nn.TransformerEncoderLayer(d, 2, dim_feedforward=32, dropout=0.1, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 2))

    def forward(self, x):
        tok = x.unsqueeze(-1) * self.w + self.b             # (B, F, d)
        tok = torch.cat([self.cls.expand(len(x), -1, -1), tok], 1)
        return self.head(self.enc(tok)[:, 0])


model = FTTransformer(Xtr.shape[1])
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
ce = nn.CrossEntropyLoss()

for epoch in range(12):
    model.train()
    perm = torch.randperm(len(Xtr))
    acc_loss = 0.0
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        loss = ce(model(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        acc_loss += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        va = (model(Xva).argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch + 1:2d}  loss {acc_loss / len(Xtr):.4f}  val_acc {va:.3f}")

print(f"validation accuracy {va:.3f}")
