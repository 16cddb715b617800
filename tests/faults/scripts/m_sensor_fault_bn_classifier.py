import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import f1_score

torch.manual_seed(5)
np.random.seed(5)

X, y = make_classification(n_samples=1001, n_features=14, n_informative=9, n_classes=3,
                           n_clusters_per_class=1, random_state=5)
machine = np.random.RandomState(5).randint(0, 9, size=len(y))
X_tr, X_va, m_tr, m_va, y_tr, y_va = train_test_split(X, machine, y, test_size=200,
                                                      random_state=5, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)

train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(m_tr), torch.tensor(y_tr))
val_ds = TensorDataset(torch.tensor(X_va, dtype=torch.float32), torch.tensor(m_va), torch.tensor(y_va))
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=100)

counts = np.bincount(y_tr, minlength=3)
class_w = torch.tensor(len(y_tr) / (3 * counts), dtype=torch.float32)


class SensorNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.machine = nn.Embedding(9, 5)
        self.net = nn.Sequential(
            nn.Linear(19, 96), nn.BatchNorm1d(96), nn.ReLU(),
            nn.Linear(96, 48), nn.BatchNorm1d(48), nn.ReLU(),
            nn.Linear(48, 3))

    def forward(self, readings, machine_id):
        return self.net(torch.cat([readings, self.machine(machine_id)], 1))


model = SensorNet()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss(weight=class_w)

for epoch in range(15):
    model.train()
    total = 0.0
    for readings, mid, target in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(readings=readings, machine_id=mid), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(target)
    model.eval()
    preds = []
    with torch.no_grad():
        for readings, mid, _ in val_loader:
            preds.append(model(readings=readings, machine_id=mid).argmax(1))
    f1 = f1_score(y_va, torch.cat(preds).numpy(), average="macro")
    print(f"epoch {epoch+1:2d}  loss {total/len(train_ds):.4f}  val_macro_f1 {f1:.3f}")

print("final val macro F1:", round(f1, 3))
