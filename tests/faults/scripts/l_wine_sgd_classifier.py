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

torch.manual_seed(42)
np.random.seed(42)
device = 'cuda' if torch.cuda.is_available() else 'cpu'

data = load_wine()
X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                          random_state=42, stratify=data.target)
scaler = StandardScaler().fit(X_tr)
X_tr = scaler.transform(X_tr).astype(np.float32)
X_te = scaler.transform(X_te).astype(np.float32)

train_loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr).long()),
                          batch_size=16, shuffle=True)
test_x = torch.from_numpy(X_te).to(device)
test_y = torch.from_numpy(y_te).long().to(device)


class WineNet(nn.Module):
    def __init__(self):
        super(WineNet, self).__init__()
        self.fc1 = nn.Linear(13, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 3)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = WineNet().to(device)
optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.995)
epochs = 60
lr_decay = 0.97
best = 0.0

with tempfile.TemporaryDirectory() as d:
    best_path = os.path.join(d, 'wine_best.pth')
    for epoch in range(epochs):
        net.train()
        total_loss = 0.0
        for xb, yb in train_loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = F.cross_entropy(net(xb), yb)
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        for pg in optimizer.param_groups:
            pg['lr'] = pg['lr'] * lr_decay

        net.eval()
        with torch.no_grad():
            out = net(test_x)
            acc = (out.data.argmax(1) == test_y).float().mean().item()
        if acc > best:
            best = acc
            torch.save(net.state_dict(), best_path)
        print('Epoch [{}/{}], Loss: {:.4f}, Test Acc: {:.4f}'.format(
            epoch + 1, epochs, total_loss / len(train_loader), acc))

    net.load_state_dict(torch.load(best_path))

net.eval()
with torch.no_grad():
    final_acc = (net(test_x).argmax(1) == test_y).float().mean().item()
print('Final test accuracy (best checkpoint): {:.4f}'.format(final_acc))
print('Last-epoch accuracy: {:.4f}'.format(acc))
