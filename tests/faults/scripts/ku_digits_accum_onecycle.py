import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(2)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=2, stratify=y)
mu = X_train.mean(0)
sd = X_train.std(0) + 1e-6
X_train = torch.tensor((X_train - mu) / sd, dtype=torch.float32)
X_val = torch.tensor((X_val - mu) / sd, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
EPOCHS, MICRO, ACCUM = 12, 16, 4
steps_per_epoch = int(np.ceil(len(X_train) / (MICRO * ACCUM)))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, epochs=EPOCHS, steps_per_epoch=steps_per_epoch)
criterion = nn.CrossEntropyLoss()

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_train))
    opt.zero_grad()
    total, nb = 0.0, 0
    chunks = list(range(0, len(X_train), MICRO))
    for k, i in enumerate(chunks):
        idx = perm[i:i + MICRO]
        loss = criterion(model(X_train[idx]), y_train[idx]) / ACCUM
        loss.backward()
        total += loss.item() * ACCUM
        nb += 1
        if (k + 1) % ACCUM == 0 or k == len(chunks) - 1:
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
    model.eval()
    with torch.no_grad():
        acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch+1:2d} loss {total/nb:.4f} val_acc {acc:.4f}")
print("final validation accuracy", round(acc, 4))
