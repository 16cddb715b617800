import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.manual_seed(11)
np.random.seed(11)
device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')

X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=11)
x_mean, x_std = X_train.mean(0), X_train.std(0)
y_mean, y_std = y_train.mean(), y_train.std()
X_train = (X_train - x_mean) / x_std
X_val = (X_val - x_mean) / x_std
y_train = (y_train - y_mean) / y_std
y_val = (y_val - y_mean) / y_std

X_train = torch.tensor(X_train, dtype=torch.float32, device=device)
y_train = torch.tensor(y_train, dtype=torch.float32, device=device)
X_val = torch.tensor(X_val, dtype=torch.float32, device=device)
y_val = torch.tensor(y_val, dtype=torch.float32, device=device)


class ProgressionNet(nn.Module):
    def __init__(self):
        super(ProgressionNet, self).__init__()
        self.fc1 = nn.Linear(10, 32)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 1)

    def forward(self, x):
        x = self.drop(F.relu(self.fc1(x)))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


model = ProgressionNet().to(device)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
num_epochs = 80
batch_size = 32
best_val = float('inf')

with tempfile.TemporaryDirectory() as workdir:
    best_file = os.path.join(workdir, 'progression.pth')
    for epoch in range(num_epochs):
        model.train()
        perm = torch.randperm(len(X_train))
        total = 0.0
        for b in range(0, len(X_train), batch_size):
            idx = perm[b:b + batch_size]
            optimizer.zero_grad()
            output = model(X_train[idx])
            loss = criterion(output, y_train[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        if (epoch + 1) % 30 == 0:
            for group in optimizer.param_groups:
                group['lr'] = group['lr'] * 0.3

        model.eval()
        with torch.no_grad():
            val_pred = model(X_val).view(-1)
            val_loss = F.mse_loss(val_pred, y_val).item()
        if val_loss < best_val:
            best_val = val_loss
            torch.save(model.state_dict(), best_file)
        if (epoch + 1) % 10 == 0:
            print('Epoch [{}/{}], Loss: {:.4f}, Val MSE: {:.4f}'.format(
                epoch + 1, num_epochs, total / len(X_train), val_loss))
    model.load_state_dict(torch.load(best_file))

model.eval()
with torch.no_grad():
    pred = model(X_val).view(-1)
    r2 = 1 - ((pred - y_val) ** 2).sum().item() / ((y_val - y_val.mean()) ** 2).sum().item()
    mae = (pred - y_val).abs().mean().item() * y_std
print('Validation R^2: {:.4f}, MAE: {:.1f}'.format(r2, mae))
