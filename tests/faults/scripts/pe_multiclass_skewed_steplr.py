import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.metrics import balanced_accuracy_score, f1_score, confusion_matrix, accuracy_score


def set_seed(s):
    np.random.seed(s)
    torch.manual_seed(s)


def make_data():
    X, y = make_classification(n_samples=3000, n_features=16, n_informative=10, n_redundant=2,
                               n_classes=4, n_clusters_per_class=2, weights=[0.6, 0.25, 0.1, 0.05],
                               class_sep=1.2, random_state=21)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=21)
    mu, sigma = X_tr.mean(0, keepdims=True), X_tr.std(0, keepdims=True)
    return (X_tr - mu) / sigma, (X_va - mu) / sigma, y_tr, y_va


def main():
    set_seed(21)
    X_tr, X_va, y_tr, y_va = make_data()
    print("train class counts", np.bincount(y_tr), "val class counts", np.bincount(y_va))

    train_dl = DataLoader(TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr)),
                          batch_size=64, shuffle=True)
    Xv = torch.tensor(X_va, dtype=torch.float32)

    model = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 4))
    freq = np.bincount(y_tr) / len(y_tr)
    weights = torch.tensor(1.0 / np.sqrt(freq), dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weights / weights.mean())

    epochs = 30
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=epochs // 3, gamma=0.1)

    for ep in range(epochs):
        model.train()
        tot, cnt = 0.0, 0
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(yb)
            cnt += len(yb)
        model.eval()
        with torch.no_grad():
            pred = model(Xv).argmax(1).numpy()
        print(f"epoch {ep + 1:02d} lr {opt.param_groups[0]['lr']:.2e} loss {tot / cnt:.4f} "
              f"val bal-acc {balanced_accuracy_score(y_va, pred):.3f}")

    print(f"final: acc {accuracy_score(y_va, pred):.3f}  balanced acc {balanced_accuracy_score(y_va, pred):.3f}  "
          f"macro F1 {f1_score(y_va, pred, average='macro'):.3f}")
    print(confusion_matrix(y_va, pred))


if __name__ == "__main__":
    main()
