import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = make_moons(n_samples=2000, noise=0.25, random_state=3)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=3)
sc = StandardScaler().fit(X_train)
X_train, X_val = sc.transform(X_train), sc.transform(X_val)

loader = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                    batch_size=16, shuffle=True)
Xv, yv = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
criterion = nn.CrossEntropyLoss()
accum_steps = 4  # effective batch size 64

for epoch in range(20):
    model.train()
    optimizer.zero_grad()
    running = 0.0
    for step, (xb, yb) in enumerate(loader):
        loss = criterion(model(xb), yb)
        (loss / accum_steps).backward()
        running += loss.item() * len(yb)
        if (step + 1) % accum_steps == 0 or (step + 1) == len(loader):
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    with torch.no_grad():
        val_acc = (model(Xv).argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch:2d} loss {running / len(loader.dataset):.4f} val acc {val_acc:.3f}")

print(f"final val accuracy {val_acc:.3f}")
