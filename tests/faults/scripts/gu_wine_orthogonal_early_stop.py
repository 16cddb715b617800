"""Wine cultivar classifier with an orthogonally parametrised hidden layer,
class-weighted loss, ReduceLROnPlateau on validation loss and early stopping."""
import copy
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import parametrizations
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.metrics import balanced_accuracy_score

torch.manual_seed(17)
torch.set_num_threads(1)

X, y = load_wine(return_X_y=True)
X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=17)
center, scale = X_fit.mean(0), X_fit.std(0)
X_fit = torch.tensor((X_fit - center) / scale, dtype=torch.float32)
X_val = torch.tensor((X_val - center) / scale, dtype=torch.float32)
y_fit, y_val = torch.tensor(y_fit), torch.tensor(y_val)

counts = torch.bincount(y_fit, minlength=3).float()
class_weights = counts.sum() / (3 * counts)


class WineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(13, 48)
        self.hidden = parametrizations.orthogonal(nn.Linear(48, 48))
        self.drop = nn.Dropout(0.25)
        self.out = nn.Linear(48, 3)

    def forward(self, x):
        x = torch.relu(self.inp(x))
        x = self.drop(torch.relu(self.hidden(x)))
        return self.out(x)


model = WineNet()
criterion = nn.CrossEntropyLoss(weight=class_weights)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=4)
train_dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_fit, y_fit), batch_size=16, shuffle=True)

best_loss, best_state, wait, patience = float("inf"), None, 0, 12
for epoch in range(150):
    model.train()
    seen, loss_sum = 0, 0.0
    for xb, yb in train_dl:
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(yb)
        seen += len(yb)
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        val_loss = criterion(logits, y_val).item()
        val_acc = (logits.argmax(1) == y_val).float().mean().item()
    plateau.step(val_loss)
    print(f"epoch {epoch:3d} train {loss_sum / seen:.4f} val {val_loss:.4f} acc {val_acc:.3f} "
          f"lr {optimizer.param_groups[0]['lr']:.1e}")
    if val_loss < best_loss - 1e-4:
        best_loss, best_state, wait = val_loss, copy.deepcopy(model.state_dict()), 0
    else:
        wait += 1
        if wait >= patience:
            print(f"early stop at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(X_val).argmax(1)
print(f"best val loss {best_loss:.4f}  acc {(pred == y_val).float().mean().item():.3f}  "
      f"balanced acc {balanced_accuracy_score(y_val.numpy(), pred.numpy()):.3f}")
