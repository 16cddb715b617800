import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(3)
np.random.seed(3)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

digits = load_digits()
X = digits.data.astype(np.float32)
y = digits.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
mean = X_train.mean(axis=0)
std = X_train.std(axis=0) + 1e-6
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std

X_train = torch.from_numpy(X_train).to(device)
X_test = torch.from_numpy(X_test).to(device)
y_train = torch.from_numpy(y_train).float().to(device)
y_test = torch.from_numpy(y_test).long().to(device)


class DenseNet(nn.Module):
    def __init__(self):
        super(DenseNet, self).__init__()
        self.l1 = nn.Linear(64, 128)
        self.l2 = nn.Linear(128, 64)
        self.l3 = nn.Linear(64, 1)

    def forward(self, x):
        x = F.relu(self.l1(x))
        x = F.relu(self.l2(x))
        return self.l3(x).squeeze(1)


model = DenseNet().to(device)
optimizer = optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.MSELoss()
num_epochs = 40
batch_size = 64
best_acc = 0.0


def accuracy(out, target):
    pred = torch.clamp(torch.round(out), 0, 9).long()
    return (pred == target).float().mean().item()


with tempfile.TemporaryDirectory() as tmpdir:
    save_path = os.path.join(tmpdir, 'dense_best.pth')
    for epoch in range(num_epochs):
        model.train()
        permutation = torch.randperm(X_train.size(0))
        running_loss = 0.0
        for i in range(0, X_train.size(0), batch_size):
            indices = permutation[i:i + batch_size]
            optimizer.zero_grad()
            outputs = model(X_train[indices])
            loss = criterion(outputs, y_train[indices])
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * indices.size(0)
        if epoch == 25:
            for param_group in optimizer.param_groups:
                param_group['lr'] = param_group['lr'] * 0.1

        model.eval()
        with torch.no_grad():
            test_acc = accuracy(model(X_test).data, y_test)
        if test_acc > best_acc:
            best_acc = test_acc
            torch.save(model.state_dict(), save_path)
        print('Epoch [{}/{}], Loss: {:.4f}, Test Acc: {:.4f}'.format(
            epoch + 1, num_epochs, running_loss / X_train.size(0), test_acc))
    model.load_state_dict(torch.load(save_path))

model.eval()
with torch.no_grad():
    train_acc = accuracy(model(X_train), y_train.long())
    test_acc = accuracy(model(X_test), y_test)
print('Train accuracy: {:.4f}, Test accuracy: {:.4f}'.format(train_acc, test_acc))
