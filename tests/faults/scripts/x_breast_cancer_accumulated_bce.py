import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import balanced_accuracy_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)


class Classifier(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, 64), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(32, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(1)


def main():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

    Xt = torch.tensor(X_train, dtype=torch.float32)
    yt = torch.tensor(y_train, dtype=torch.float32)
    Xv = torch.tensor(X_val, dtype=torch.float32)

    # the positive class (benign) is the majority; weight the malignant side up instead
    n_pos, n_neg = y_train.sum(), len(y_train) - y_train.sum()
    pos_weight = torch.tensor([n_neg / n_pos], dtype=torch.float32)
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    model = Classifier(Xt.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=15, gamma=0.3)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xt, yt), batch_size=16, shuffle=True)
    accum_steps = 4  # effective batch size 64

    for epoch in range(40):
        model.train()
        optimizer.zero_grad()
        total = 0.0
        for step, (xb, yb) in enumerate(loader, start=1):
            loss = criterion(model(xb), yb)
            (loss / accum_steps).backward()
            total += loss.item() * len(yb)
            if step % accum_steps == 0 or step == len(loader):
                optimizer.step()
                optimizer.zero_grad()
        scheduler.step()

        if (epoch + 1) % 5 == 0:
            model.eval()
            with torch.no_grad():
                p = torch.sigmoid(model(Xv)).numpy()
            print(f"epoch {epoch + 1:2d} lr {scheduler.get_last_lr()[0]:.5f} train loss {total / len(yt):.4f} "
                  f"val bal-acc {balanced_accuracy_score(y_val, p > 0.5):.4f} val brier {brier_score_loss(y_val, p):.4f}")

    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(Xv)).numpy()
    print(f"final: accuracy {((p > 0.5) == y_val).mean():.4f}  balanced {balanced_accuracy_score(y_val, p > 0.5):.4f}  "
          f"AUC {roc_auc_score(y_val, p):.4f}  Brier {brier_score_loss(y_val, p):.4f}")


if __name__ == "__main__":
    main()
