import time
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split


def main():
    torch.set_num_threads(1)
    torch.manual_seed(31)
    np.random.seed(31)

    X, y = make_moons(n_samples=2400, noise=0.2, random_state=31)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=31)
    center, scale = X_tr.mean(0), X_tr.std(0)
    to_t = lambda a: torch.as_tensor((a - center) / scale, dtype=torch.float32)
    train_dl = DataLoader(TensorDataset(to_t(X_tr), torch.as_tensor(y_tr)), batch_size=64,
                          shuffle=True, num_workers=0, pin_memory=False)
    X_va_t, y_va_t = to_t(X_va), torch.as_tensor(y_va)

    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3, foreach=True)
    step_lr = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.3)
    criterion = nn.CrossEntropyLoss()

    t0 = time.time()
    for epoch in range(30):
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_dl:
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(xb)
            loss = criterion(logits.float(), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            count += len(yb)
        step_lr.step()
        model.eval()
        with torch.no_grad():
            val_logits = model(X_va_t)
            val_acc = (val_logits.argmax(1) == y_va_t).float().mean().item()
        if epoch % 3 == 0 or epoch == 29:
            print(f"epoch {epoch:2d}  loss {total / count:.4f}  val_acc {val_acc:.4f}  lr {step_lr.get_last_lr()[0]:.1e}")
    print(f"final moons val accuracy {val_acc:.4f} in {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
