import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)
device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=8, stratify=y)
pix_mean = X_train.mean(axis=0)
pix_std = X_train.std(axis=0) + 1e-3
X_train = (X_train - pix_mean) / pix_std
X_val = (X_val - pix_mean) / pix_std

train_loader = DataLoader(TensorDataset(torch.FloatTensor(X_train), torch.LongTensor(y_train)),
                          batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(torch.FloatTensor(X_val), torch.LongTensor(y_val)),
                        batch_size=128)


class MLP(nn.Module):
    def __init__(self):
        super(MLP, self).__init__()
        self.fc1 = nn.Linear(64, 256)
        self.bn1 = nn.BatchNorm1d(256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.fc1(x)))
        x = F.dropout(F.relu(self.fc2(x)), p=0.25, training=self.training)
        return self.fc3(x)


model = MLP().to(device)
epochs = 20
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=epochs,
                                          steps_per_epoch=len(train_loader))
best_acc = 0.0

with tempfile.TemporaryDirectory() as tmpdir:
    path = os.path.join(tmpdir, 'mlp_best.pth')
    for epoch in range(epochs):
        model.train()
        total_loss, n_seen = 0.0, 0
        for data, target in train_loader:
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            output = model(data)
            loss = F.cross_entropy(output, target)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
            optimizer.step()
            scheduler.step()
            total_loss += loss.item() * data.size(0)
            n_seen += data.size(0)

        model.eval()
        correct = 0
        with torch.no_grad():
            for data, target in val_loader:
                data, target = data.to(device), target.to(device)
                pred = model(data).data.max(1)[1]
                correct += pred.eq(target).sum().item()
        val_acc = correct / len(val_loader.dataset)
        if val_acc > best_acc:
            best_acc = val_acc
            torch.save(model.state_dict(), path)
        print('Epoch [{}/{}], Loss: {:.4f}, Val Acc: {:.4f}'.format(
            epoch + 1, epochs, total_loss / n_seen, val_acc))

    model.load_state_dict(torch.load(path))
print('Best validation accuracy: {:.4f}'.format(best_acc))
