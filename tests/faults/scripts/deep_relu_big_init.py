"""Deep ReLU regressor for the diabetes data with a Gaussian weight initialisation."""

import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class DeepRegressor(nn.Module):
    def __init__(self, depth=8, width=64):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(10, width)] + [nn.Linear(width, width) for _ in range(depth)])
        self.out = nn.Linear(width, 1)
        for layer in self.layers:
            nn.init.normal_(layer.weight, mean=0.0, std=0.5)

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.out(x)


torch.manual_seed(72)
X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=72)
xs, ys = StandardScaler().fit(X_train), StandardScaler().fit(y_train[:, None])
X_train = torch.tensor(xs.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(xs.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(ys.transform(y_train[:, None]), dtype=torch.float32)
y_val = torch.tensor(ys.transform(y_val[:, None]), dtype=torch.float32)

model = DeepRegressor()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
loss_fn = nn.MSELoss()
for epoch in range(15):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        val = loss_fn(model(X_val), y_val).item()
    print(f"epoch {epoch}: train mse {loss.item():.4g} val mse {val:.4g}")
