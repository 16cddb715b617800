import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.manual_seed(1)
np.random.seed(1)
torch.set_num_threads(1)

X, y = make_moons(n_samples=2000, noise=0.2, random_state=1)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=1)
mu, sigma = X_train.mean(0), X_train.std(0)
X_train = torch.tensor((X_train - mu) / sigma, dtype=torch.float32)
X_val = torch.tensor((X_val - mu) / sigma, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32)
y_val = torch.tensor(y_val, dtype=torch.float32)


class DropoutMLP(nn.Module):
    def __init__(self, p=0.2, width=64):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(2, width), nn.ReLU(), nn.Dropout(p),
            nn.Linear(width, width), nn.ReLU(), nn.Dropout(p),
            nn.Linear(width, 1),
        )

    def forward(self, x):
        return self.layers(x).squeeze(-1)


model = DropoutMLP()
epochs, bs = 30, 50
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_train, y_train), batch_size=bs, shuffle=True)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, epochs=epochs, steps_per_epoch=len(loader))
loss_fn = nn.BCEWithLogitsLoss()

for ep in range(epochs):
    model.train()
    run = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        run += loss.item() * len(yb)
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        vloss = loss_fn(logits, y_val).item()
        vacc = ((logits > 0).float() == y_val).float().mean().item()
    if ep % 3 == 2:
        print(f"ep {ep + 1:2d} lr={scheduler.get_last_lr()[0]:.4f} train_bce={run / len(y_train):.4f} "
              f"val_bce={vloss:.4f} val_acc={vacc:.4f}")

# deterministic evaluation
model.eval()
with torch.no_grad():
    p_det = torch.sigmoid(model(X_val))
brier_det = ((p_det - y_val) ** 2).mean().item()
acc_det = ((p_det > 0.5).float() == y_val).float().mean().item()

# Monte-Carlo dropout: keep the network in eval mode but re-enable the dropout layers
for m in model.modules():
    if isinstance(m, nn.Dropout):
        m.train()
with torch.no_grad():
    samples = torch.stack([torch.sigmoid(model(X_val)) for _ in range(50)])
model.eval()
p_mc = samples.mean(0)
entropy = -(p_mc * p_mc.clamp_min(1e-8).log() + (1 - p_mc) * (1 - p_mc).clamp_min(1e-8).log())
wrong = (p_mc > 0.5).float() != y_val
print(f"deterministic: acc={acc_det:.4f} brier={brier_det:.4f}")
print(f"MC dropout (50 passes): acc={((p_mc > 0.5).float() == y_val).float().mean().item():.4f} "
      f"brier={((p_mc - y_val) ** 2).mean().item():.4f}")
print(f"mean predictive entropy: correct={entropy[~wrong].mean().item():.3f} wrong={entropy[wrong].mean().item():.3f}")
