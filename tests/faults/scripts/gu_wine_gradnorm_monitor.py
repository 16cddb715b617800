import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 3
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

data = load_wine()
X_train, X_val, y_train, y_val = train_test_split(
    data.data, data.target, test_size=0.3, random_state=SEED, stratify=data.target)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)

net = nn.Sequential(
    nn.Linear(13, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 3),
)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.uniform_(m.weight, -1 / np.sqrt(m.in_features), 1 / np.sqrt(m.in_features))
        nn.init.constant_(m.bias, -1.5)


net.apply(init_weights)

grad_log = {}


def log_grad(name):
    def hook(module, grad_input, grad_output):
        grad_log.setdefault(name, []).append(grad_output[0].norm().item())
    return hook


for i, layer in enumerate(net):
    if isinstance(layer, nn.Linear):
        layer.register_full_backward_hook(log_grad(f"linear{i}"))

criterion = nn.CrossEntropyLoss()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X_train, y_train), batch_size=16, shuffle=True)

for epoch in range(1, 61):
    net.train()
    epoch_loss = 0.0
    for xb, yb in loader:
        opt.zero_grad(set_to_none=True)
        loss = criterion(net(xb), yb)
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(xb)
    if epoch % 10 == 0:
        net.eval()
        with torch.no_grad():
            acc = (net(X_val).argmax(1) == y_val).float().mean().item()
        norms = "  ".join(f"{k}={np.mean(v[-len(loader):]):.2e}" for k, v in grad_log.items())
        print(f"epoch {epoch:3d}  loss {epoch_loss / len(X_train):.4f}  val_acc {acc:.3f}  grad_out {norms}")

net.eval()
with torch.no_grad():
    acc = (net(X_val).argmax(1) == y_val).float().mean().item()
print(f"validation accuracy {acc:.3f}")
