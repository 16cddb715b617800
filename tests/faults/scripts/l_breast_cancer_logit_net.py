import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.metrics import balanced_accuracy_score, roc_auc_score

torch.manual_seed(21)
np.random.seed(21)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

data = load_breast_cancer()
X_train, X_val, y_train, y_val = train_test_split(data.data, data.target, test_size=0.2,
                                                  random_state=21, stratify=data.target)
mean, std = X_train.mean(0), X_train.std(0)
X_train = ((X_train - mean) / std).astype(np.float32)
X_val = ((X_val - mean) / std).astype(np.float32)

train_loader = DataLoader(TensorDataset(torch.from_numpy(X_train),
                                        torch.from_numpy(y_train.astype(np.float32))),
                          batch_size=32, shuffle=True)
X_val_t = torch.from_numpy(X_val).to(device)
y_val_t = torch.from_numpy(y_val.astype(np.float32)).to(device)

n_pos = float(y_train.sum())
n_neg = float(len(y_train) - n_pos)
pos_weight = torch.tensor([n_neg / n_pos], device=device)


class TumorNet(nn.Module):
    def __init__(self, n_in=30):
        super(TumorNet, self).__init__()
        self.fc1 = nn.Linear(n_in, 32)
        self.fc2 = nn.Linear(32, 16)
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.dropout(F.relu(self.fc2(x)), p=0.2, training=self.training)
        return self.out(x).squeeze(1)


model = TumorNet().to(device)
num_epochs = 40
optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=num_epochs)
best_auc = 0.0

with tempfile.TemporaryDirectory() as tmpdir:
    ckpt = os.path.join(tmpdir, 'tumor.pt')
    for epoch in range(num_epochs):
        model.train()
        losses = []
        for xb, yb in train_loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            logits = model(xb)
            loss = F.binary_cross_entropy_with_logits(logits, yb, pos_weight=pos_weight)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()

        model.eval()
        with torch.no_grad():
            probs = torch.sigmoid(model(X_val_t)).data.cpu().numpy()
        auc = roc_auc_score(y_val, probs)
        bal = balanced_accuracy_score(y_val, (probs > 0.5).astype(int))
        if auc > best_auc:
            best_auc = auc
            torch.save(model.state_dict(), ckpt)
        print('Epoch [{}/{}], Loss: {:.4f}, Val AUC: {:.4f}, Val BalAcc: {:.4f}'.format(
            epoch + 1, num_epochs, float(np.mean(losses)), auc, bal))

    model.load_state_dict(torch.load(ckpt))

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(X_val_t)).cpu().numpy()
pred = (probs > 0.5).astype(int)
print('Final: acc {:.4f}, balanced acc {:.4f}, AUC {:.4f}'.format(
    (pred == y_val).mean(), balanced_accuracy_score(y_val, pred), roc_auc_score(y_val, probs)))
