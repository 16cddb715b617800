# Homework 4 -- handwritten digits (8x8) with a fully connected network
# Sections: 1 data | 2 gradcheck | 3 model | 4 training | 5 evaluation
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)

# 1. Data ------------------------------------------------------------
digits = load_digits()
X = digits.data.astype(np.float32)
y = digits.target.astype(np.int64)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)
m = X_train.mean(0)
s = X_train.std(0) + 1e-6
X_train = torch.from_numpy((X_train - m) / s)
X_val = torch.from_numpy((X_val - m) / s)
y_train = torch.from_numpy(y_train)
y_val = torch.from_numpy(y_val)
assert X_train.shape == (1347, 64)
assert X_val.shape == (450, 64)

# 2. Gradient check of a small tanh layer ------------------------------
Wc = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
xc = torch.randn(6, 4, dtype=torch.double)
print("gradcheck tanh layer:", torch.autograd.gradcheck(lambda W: torch.tanh(xc @ W).sum(), (Wc,)))

# 3. Model -------------------------------------------------------------
n_in, n_hidden, n_out = 64, 2, 10
model = nn.Sequential(
    nn.Linear(n_in, n_hidden),
    nn.ReLU(),
    nn.Linear(n_hidden, n_out),
)
print(model)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

# 4. Training ----------------------------------------------------------
def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).float().mean().item()

batch_size = 64
n_epochs = 30
print("\nepoch  train_loss  train_acc  val_loss  val_acc")
for epoch in range(1, n_epochs + 1):
    model.train()
    perm = torch.randperm(X_train.shape[0])
    epoch_loss = 0.0
    for i in range(0, len(perm), batch_size):
        idx = perm[i:i + batch_size]
        xb, yb = X_train[idx], y_train[idx]
        assert xb.shape[1] == 64
        optimizer.zero_grad()
        logits = model(xb)
        assert logits.shape == (xb.shape[0], 10)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * xb.shape[0]
    model.eval()
    with torch.no_grad():
        tr_logits = model(X_train)
        va_logits = model(X_val)
        va_loss = criterion(va_logits, y_val).item()
    if epoch % 3 == 0:
        print(f"{epoch:5d}  {epoch_loss/len(perm):10.4f}  {accuracy(tr_logits, y_train):9.3f}"
              f"  {va_loss:8.4f}  {accuracy(va_logits, y_val):7.3f}")

# 5. Evaluation --------------------------------------------------------
print(f"\nfinal train acc {accuracy(tr_logits, y_train):.3f} | final val acc {accuracy(va_logits, y_val):.3f}")
