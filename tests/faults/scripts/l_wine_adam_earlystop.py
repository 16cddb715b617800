import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 5
torch.manual_seed(SEED)
np.random.seed(SEED)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=y)
sc = StandardScaler()
X_tr = sc.fit_transform(X_tr)
X_va = sc.transform(X_va)

train_loader = DataLoader(TensorDataset(torch.tensor(X_tr, dtype=torch.float32),
                                        torch.tensor(y_tr, dtype=torch.long)),
                          batch_size=16, shuffle=True)
Xv = torch.tensor(X_va, dtype=torch.float32).to(device)
yv = torch.tensor(y_va, dtype=torch.long).to(device)


class Classifier(nn.Module):
    def __init__(self):
        super(Classifier, self).__init__()
        self.fc1 = nn.Linear(13, 64)
        self.dropout1 = nn.Dropout(p=0.3)
        self.fc2 = nn.Linear(64, 32)
        self.dropout2 = nn.Dropout(p=0.3)
        self.fc3 = nn.Linear(32, 3)

    def forward(self, x):
        x = self.dropout1(F.relu(self.fc1(x)))
        x = self.dropout2(F.relu(self.fc2(x)))
        return self.fc3(x)


model = Classifier().to(device)
optimizer = optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.5, patience=4)
max_epochs = 100
patience = 12
wait = 0
best_val_loss = float('inf')

with tempfile.TemporaryDirectory() as tmp:
    best_path = os.path.join(tmp, 'classifier.pth')
    for epoch in range(max_epochs):
        model.train()
        train_loss = 0.0
        for xb, yb in train_loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            train_loss += loss.item() * xb.size(0)
        train_loss /= len(train_loader.dataset)

        model.eval()
        with torch.no_grad():
            logits = model(Xv)
            val_loss = F.cross_entropy(logits, yv).item()
            val_acc = (logits.data.argmax(dim=1) == yv).float().mean().item()
        scheduler.step(val_loss)

        print('Epoch [{}/{}], Loss: {:.4f}, Val Loss: {:.4f}, Val Acc: {:.4f}, lr: {:.5f}'.format(
            epoch + 1, max_epochs, train_loss, val_loss, val_acc, optimizer.param_groups[0]['lr']))
        if val_loss < best_val_loss - 1e-4:
            best_val_loss = val_loss
            wait = 0
            torch.save(model.state_dict(), best_path)
        else:
            wait += 1
            if wait >= patience:
                print('Early stopping at epoch {}'.format(epoch + 1))
                break

    model.load_state_dict(torch.load(best_path))

model.eval()
with torch.no_grad():
    acc = (model(Xv).argmax(1) == yv).float().mean().item()
print('Best val loss: {:.4f}, val accuracy: {:.4f}'.format(best_val_loss, acc))
