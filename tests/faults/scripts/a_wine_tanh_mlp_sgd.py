import numpy as np
import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler()
X_train = torch.tensor(scaler.fit_transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)

model = torch.nn.Sequential(
    torch.nn.Linear(13, 16),
    torch.nn.Tanh(),
    torch.nn.Linear(16, 3),
)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()

bs = 16
n = X_train.shape[0]
for epoch in range(30):
    model.train()
    perm = torch.randperm(n)
    ep_loss = 0.0
    for i in range(0, n, bs):
        idx = perm[i:i + bs]
        out = model(X_train[idx])
        loss = loss_fn(out, y_train[idx])
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch:2d}  loss {ep_loss / n:.4f}  val acc {val_acc:.3f}")

print("val accuracy:", round(val_acc, 3))
