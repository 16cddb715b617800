import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

np.random.seed(7)
torch.manual_seed(7)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

X, y = make_regression(n_samples=1200, n_features=10, n_informative=6, noise=5.0, random_state=7)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=7)

mu, sigma = X_train.mean(0), X_train.std(0)
X_train, X_val = (X_train - mu) / sigma, (X_val - mu) / sigma
t_mu, t_sigma = y_train.mean(), y_train.std()
y_train, y_val = (y_train - t_mu) / t_sigma, (y_val - t_mu) / t_sigma

X_train = torch.FloatTensor(X_train).to(device)
X_val = torch.FloatTensor(X_val).to(device)
y_train = torch.FloatTensor(y_train).unsqueeze(1).to(device)
y_val = torch.FloatTensor(y_val).unsqueeze(1).to(device)


class ResponseModel(nn.Module):
    def __init__(self, n_features, hidden=64):
        super(ResponseModel, self).__init__()
        self.hidden1 = nn.Linear(n_features, hidden)
        self.hidden2 = nn.Linear(hidden, hidden)
        self.predict = nn.Linear(hidden, 1)

    def forward(self, x):
        x = F.relu(self.hidden1(x))
        x = F.relu(self.hidden2(x))
        x = F.relu(self.predict(x))
        return x


model = ResponseModel(10).to(device)
optimizer = optim.Adam(model.parameters(), lr=0.003)
loss_func = nn.MSELoss()
EPOCHS = 50
BATCH = 48
best_loss = 1e9

with tempfile.TemporaryDirectory() as tmp:
    ckpt = os.path.join(tmp, 'model.pt')
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(X_train.size(0))
        batch_losses = []
        for start in range(0, X_train.size(0), BATCH):
            idx = order[start:start + BATCH]
            optimizer.zero_grad()
            prediction = model(X_train[idx])
            loss = loss_func(prediction, y_train[idx])
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        for param_group in optimizer.param_groups:
            param_group['lr'] = max(param_group['lr'] * 0.95, 1e-4)

        model.eval()
        with torch.no_grad():
            v = loss_func(model(X_val), y_val).item()
        if v < best_loss:
            best_loss = v
            torch.save(model.state_dict(), ckpt)
        print('Epoch [{}/{}], Loss: {:.4f}, Val MSE: {:.4f}'.format(
            epoch + 1, EPOCHS, float(np.mean(batch_losses)), v))
    model.load_state_dict(torch.load(ckpt))

model.eval()
with torch.no_grad():
    p = model(X_val)
    ss_res = ((p - y_val) ** 2).sum().item()
    ss_tot = ((y_val - y_val.mean()) ** 2).sum().item()
print('Best val MSE: {:.4f}, R^2: {:.4f}'.format(best_loss, 1 - ss_res / ss_tot))
