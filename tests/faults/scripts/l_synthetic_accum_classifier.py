import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.metrics import balanced_accuracy_score

torch.manual_seed(13)
np.random.seed(13)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

X, y = make_classification(n_samples=2000, n_features=20, n_informative=10, n_redundant=4,
                           n_classes=3, weights=[0.6, 0.3, 0.1], class_sep=1.5, random_state=13)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=13, stratify=y)
mu = X_train.mean(axis=0)
sd = X_train.std(axis=0)
X_train = torch.FloatTensor((X_train - mu) / sd).to(device)
X_val = torch.FloatTensor((X_val - mu) / sd).to(device)
y_train = torch.LongTensor(y_train).to(device)
y_val_t = torch.LongTensor(y_val).to(device)

counts = np.bincount(y_train.cpu().numpy(), minlength=3)
class_weights = torch.FloatTensor(counts.sum() / (len(counts) * counts.astype(np.float64)))
criterion = nn.CrossEntropyLoss(weight=class_weights.to(device))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc3 = nn.Linear(64, 3)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


model = Net().to(device)
optimizer = optim.Adam(model.parameters(), lr=1e-3)
num_epochs = 30
micro_batch = 16
accum_steps = 4
n = X_train.size(0)
best_bal = 0.0

with tempfile.TemporaryDirectory() as tmpdir:
    best_path = os.path.join(tmpdir, 'net.pth')
    for epoch in range(num_epochs):
        model.train()
        perm = torch.randperm(n)
        running = 0.0
        optimizer.zero_grad()
        n_micro = 0
        for i in range(0, n, micro_batch):
            idx = perm[i:i + micro_batch]
            loss = criterion(model(X_train[idx]), y_train[idx])
            (loss / accum_steps).backward()
            running += loss.item()
            n_micro += 1
            if n_micro % accum_steps == 0:
                optimizer.step()
                optimizer.zero_grad()
        if n_micro % accum_steps != 0:
            optimizer.step()
            optimizer.zero_grad()
        if epoch >= 15:
            for param_group in optimizer.param_groups:
                param_group['lr'] = param_group['lr'] * 0.85

        model.eval()
        with torch.no_grad():
            pred = model(X_val).data.argmax(1).cpu().numpy()
        acc = (pred == y_val).mean()
        bal = balanced_accuracy_score(y_val, pred)
        if bal > best_bal:
            best_bal = bal
            torch.save(model.state_dict(), best_path)
        print('Epoch [{}/{}], Loss: {:.4f}, Val Acc: {:.4f}, Val BalAcc: {:.4f}'.format(
            epoch + 1, num_epochs, running / n_micro, acc, bal))

    model.load_state_dict(torch.load(best_path))
print('Best balanced accuracy: {:.4f}'.format(best_bal))
