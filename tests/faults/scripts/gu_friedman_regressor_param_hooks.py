import math
import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
torch.set_num_threads(1)

X, y = make_friedman1(n_samples=3000, n_features=10, noise=0.5, random_state=5)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=5)
x_mu, x_sd = X_train.mean(0), X_train.std(0)
y_mu, y_sd = y_train.mean(), y_train.std()
to_t = lambda a: torch.tensor(a, dtype=torch.float32)
X_train, X_val = to_t((X_train - x_mu) / x_sd), to_t((X_val - x_mu) / x_sd)
y_train, y_val = to_t((y_train - y_mu) / y_sd), to_t((y_val - y_mu) / y_sd)

model = nn.Sequential(
    nn.Linear(10, 128), nn.SiLU(),
    nn.Linear(128, 128), nn.SiLU(),
    nn.Linear(128, 1),
)


def init_params(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.05)
        nn.init.zeros_(m.bias)


model.apply(init_params)

grad_norms = {}
for name, p in model.named_parameters():
    if name.endswith("weight"):
        p.register_hook(lambda g, name=name: grad_norms.__setitem__(name, g.norm().item()))

optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()
batch_size = 128

for epoch in range(40):
    model.train()
    perm = torch.randperm(len(X_train))
    epoch_loss = 0.0
    for i in range(0, len(perm), batch_size):
        b = perm[i:i + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X_train[b]).squeeze(-1), y_train[b])
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        val_mse = loss_fn(model(X_val).squeeze(-1), y_val).item()
    gn = ", ".join(f"{k}:{v:.3f}" for k, v in grad_norms.items())
    print(f"[{epoch + 1:02d}] train_mse={epoch_loss / len(X_train):.4f} val_mse={val_mse:.4f} |grad| {gn}")

rmse = math.sqrt(val_mse) * y_sd
print(f"val R2 = {1 - val_mse:.4f}   val RMSE = {rmse:.3f}")
