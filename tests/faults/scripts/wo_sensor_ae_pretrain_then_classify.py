"""Autoencoder pretraining on sensor rows, then a classifier head on the codes."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

rs = 5
torch.manual_seed(rs)
np.random.seed(rs)
torch.set_num_threads(1)

X, y = make_classification(n_samples=4000, n_features=16, n_informative=5, n_redundant=3,
                           weights=[0.95, 0.05], class_sep=0.7, flip_y=0.0, random_state=rs)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=rs, stratify=y)
mu, sigma = X_tr.mean(axis=0), X_tr.std(axis=0)
X_tr = torch.tensor((X_tr - mu) / sigma, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sigma, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)

encoder = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8))
decoder = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 16))
head = nn.Sequential(nn.ReLU(), nn.Linear(8, 2))

# stage 1: autoencoder
ae_opt = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=3e-3)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr), batch_size=64, shuffle=True)
for epoch in range(15):
    encoder.train(); decoder.train()
    tot = 0.0
    for xb, _ in loader:
        loss = nn.functional.mse_loss(decoder(encoder(xb)), xb)
        ae_opt.zero_grad()
        loss.backward()
        ae_opt.step()
        tot += loss.item() * len(xb)
    if epoch % 5 == 4:
        encoder.eval(); decoder.eval()
        with torch.no_grad():
            v = nn.functional.mse_loss(decoder(encoder(X_va)), X_va).item()
        print(f"AE epoch {epoch + 1:2d}  train mse {tot / len(X_tr):.4f}  val mse {v:.4f}")

# stage 2: classifier on codes, encoder fine-tuned at a lower lr
criterion = nn.CrossEntropyLoss()
clf_opt = torch.optim.Adam([{"params": encoder.parameters(), "lr": 3e-4},
                            {"params": head.parameters(), "lr": 3e-3}])
for epoch in range(20):
    encoder.train(); head.train()
    tot, correct = 0.0, 0
    for xb, yb in loader:
        logits = head(encoder(xb))
        loss = criterion(logits, yb)
        clf_opt.zero_grad()
        loss.backward()
        clf_opt.step()
        tot += loss.item() * len(xb)
        correct += (logits.argmax(1) == yb).sum().item()
    encoder.eval(); head.eval()
    with torch.no_grad():
        va_logits = head(encoder(X_va))
        va_loss = criterion(va_logits, y_va).item()
        va_acc = (va_logits.argmax(1) == y_va).float().mean().item()
    if epoch % 4 == 3:
        print(f"CLF epoch {epoch + 1:2d}  loss {tot / len(X_tr):.4f}  train acc {correct / len(X_tr):.3f}  "
              f"val loss {va_loss:.4f}  val acc {va_acc:.3f}")

print(f"final validation accuracy: {va_acc:.3f}")
