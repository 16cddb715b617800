"""Hotel review score (1-10) regression from review token ids with an embedding + mean-pool encoder."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 4
np.random.seed(SEED)
torch.manual_seed(SEED)

VOCAB, LEN, N_REV = 1000, 20, 6000
token_value = np.random.normal(0, 1.0, VOCAB)
tokens = np.random.randint(1, VOCAB, (N_REV, LEN))
score = 6.5 + 1.2 * token_value[tokens].mean(1) * np.sqrt(LEN) / 2 + np.random.normal(0, 0.3, N_REV)
score = score.astype(np.float32)

idx = np.random.permutation(N_REV)
tr, va = idx[:4800], idx[4800:]
y_mean, y_std = score[tr].mean(), score[tr].std()
target = (score - y_mean) / y_std

train_dl = DataLoader(TensorDataset(torch.tensor(tokens[tr]), torch.tensor(target[tr])), batch_size=64, shuffle=True)
X_va, s_va = torch.tensor(tokens[va]), torch.tensor(score[va])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 32)
        self.mlp = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x):
        return self.mlp(self.emb(x).mean(1)).squeeze(-1)


model = Encoder()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.MSELoss()

for epoch in range(12):
    model.train()
    running = 0.0
    for xb, yb in train_dl:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        running += loss.item() * len(yb)
    optimizer.step()
    model.eval()
    with torch.no_grad():
        pred = model(X_va) * y_std + y_mean
        rmse = torch.sqrt(((pred - s_va) ** 2).mean()).item()
    print(f"epoch {epoch + 1:2d}  train mse (std units) {running / len(tr):.4f}  val RMSE {rmse:.3f}")

print(f"val RMSE {rmse:.3f} (score std {s_va.std().item():.3f})")
