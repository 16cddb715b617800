import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

train_dl = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                      batch_size=64, shuffle=True)
X_val_t = torch.tensor(X_val, dtype=torch.float32)
y_val_t = torch.tensor(y_val)


class EmbedNet(nn.Module):
    def __init__(self, emb_dim=6):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, emb_dim))
        self.classifier = nn.Sequential(nn.Linear(emb_dim, 32), nn.ReLU(), nn.Linear(32, 10))
        self.last_embedding = None

    def forward(self, x):
        z = self.encoder(x)
        self.last_embedding = z.detach().numpy()  # keep for plotting later
        return self.classifier(torch.from_numpy(self.last_embedding))


model = EmbedNet()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
ce = nn.CrossEntropyLoss()

for epoch in range(25):
    model.train()
    tot = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = ce(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(yb)
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val_t).argmax(1) == y_val_t).float().mean().item()
    print(f"epoch {epoch:2d}  loss {tot / len(train_dl.dataset):.4f}  val_acc {val_acc:.4f}")

print("final val acc", round(val_acc, 4))
