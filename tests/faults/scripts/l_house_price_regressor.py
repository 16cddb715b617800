import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

torch.manual_seed(1)
np.random.seed(1)
device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')

# synthetic "house price" data: 12 descriptive features, price in dollars
X, y = make_regression(n_samples=1000, n_features=12, n_informative=8, noise=15.0, random_state=3)
y = 250000.0 + 800.0 * y
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=3)

x_mean = X_train.mean(axis=0)
x_std = X_train.std(axis=0)
X_train = (X_train - x_mean) / x_std
X_val = (X_val - x_mean) / x_std

X_train = torch.tensor(X_train, dtype=torch.float32).to(device)
y_train = torch.tensor(y_train, dtype=torch.float32).view(-1, 1).to(device)
X_val = torch.tensor(X_val, dtype=torch.float32).to(device)
y_val = torch.tensor(y_val, dtype=torch.float32).view(-1, 1).to(device)


class PriceNet(nn.Module):
    def __init__(self, n_in):
        super(PriceNet, self).__init__()
        self.fc1 = nn.Linear(n_in, 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc3 = nn.Linear(64, 1)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


model = PriceNet(X_train.shape[1]).to(device)
criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=1e-3)
num_epochs = 60
batch_size = 32
n = X_train.shape[0]
best_val = float('inf')

with tempfile.TemporaryDirectory() as tmpdir:
    path = os.path.join(tmpdir, 'price_net.pt')
    for epoch in range(num_epochs):
        model.train()
        perm = torch.randperm(n)
        epoch_loss = 0.0
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            out = model(X_train[idx])
            loss = criterion(out, y_train[idx])
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * idx.size(0)
        if (epoch + 1) % 20 == 0:
            for g in optimizer.param_groups:
                g['lr'] *= 0.5

        model.eval()
        with torch.no_grad():
            val_loss = criterion(model(X_val), y_val).item()
        if val_loss < best_val:
            best_val = val_loss
            torch.save(model.state_dict(), path)
        if (epoch + 1) % 5 == 0:
            print('Epoch [{}/{}], Loss: {:.4f}, Val Loss: {:.4f}'.format(
                epoch + 1, num_epochs, epoch_loss / n, val_loss))

    model.load_state_dict(torch.load(path))

model.eval()
with torch.no_grad():
    pred = model(X_val)
    rmse = torch.sqrt(((pred - y_val) ** 2).mean()).item()
    r2 = 1 - ((pred - y_val) ** 2).sum().item() / ((y_val - y_val.mean()) ** 2).sum().item()
print('Validation RMSE: ${:,.0f}  R^2: {:.4f}'.format(rmse, r2))
