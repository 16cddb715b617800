"""Config-driven small CNN on the 8x8 sklearn digits, cosine schedule, grad clipping."""
import json
from dataclasses import dataclass, field, asdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


@dataclass
class DataCfg:
    val_size: float = 0.2
    batch_size: int = 64


@dataclass
class ModelCfg:
    arch: str = "smallcnn"
    channels: tuple = (16, 32)
    dropout: float = 0.25


@dataclass
class OptimCfg:
    name: str = "adam"
    lr: float = 2e-3
    weight_decay: float = 1e-4
    clip_norm: float = 1.0


@dataclass
class ExpCfg:
    seed: int = 0
    epochs: int = 12
    data: DataCfg = field(default_factory=DataCfg)
    model: ModelCfg = field(default_factory=ModelCfg)
    optim: OptimCfg = field(default_factory=OptimCfg)


class SmallCNN(nn.Module):
    def __init__(self, channels, dropout, n_classes=10):
        super().__init__()
        c1, c2 = channels
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c2)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(c2 * 2 * 2, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # 8 -> 4
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)  # 4 -> 2
        return self.fc(self.drop(x.flatten(1)))


MODEL_REGISTRY = {"smallcnn": lambda m: SmallCNN(m.channels, m.dropout)}
OPTIMIZERS = {
    "adam": lambda params, o: torch.optim.Adam(params, lr=o.lr, weight_decay=o.weight_decay),
    "sgd": lambda params, o: torch.optim.SGD(params, lr=o.lr, momentum=0.9, weight_decay=o.weight_decay),
}


def build_model(cfg: ExpCfg):
    return MODEL_REGISTRY[cfg.model.arch](cfg.model)


def get_loaders(cfg: ExpCfg):
    digits = load_digits()
    X = digits.images.astype(np.float32)
    y = digits.target
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=cfg.data.val_size,
                                              stratify=y, random_state=cfg.seed)
    mean, std = X_tr.mean(), X_tr.std()
    X_tr = (X_tr - mean) / std
    X_va = (X_va - mean) / std
    tr = torch.utils.data.TensorDataset(torch.from_numpy(X_tr).unsqueeze(1), torch.from_numpy(y_tr))
    va = torch.utils.data.TensorDataset(torch.from_numpy(X_va).unsqueeze(1), torch.from_numpy(y_va))
    g = torch.Generator().manual_seed(cfg.seed)
    return (torch.utils.data.DataLoader(tr, batch_size=cfg.data.batch_size, shuffle=True, generator=g),
            torch.utils.data.DataLoader(va, batch_size=256))


def run_experiment(cfg: ExpCfg) -> dict:
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    train_loader, val_loader = get_loaders(cfg)
    model = build_model(cfg)
    optimizer = OPTIMIZERS[cfg.optim.name](model.parameters(), cfg.optim)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg.epochs)
    history = []
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), cfg.optim.clip_norm)
            optimizer.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        scheduler.step()

        model.eval()
        correct, n, vloss = 0, 0, 0.0
        with torch.no_grad():
            for xb, yb in val_loader:
                out = model(xb)
                vloss += F.cross_entropy(out, yb, reduction="sum").item()
                correct += (out.argmax(1) == yb).sum().item()
                n += yb.numel()
        history.append({"epoch": epoch, "train_loss": total / count, "val_loss": vloss / n, "val_acc": correct / n})
        print(f"epoch {epoch:2d} lr {scheduler.get_last_lr()[0]:.5f} train_loss {total / count:.4f} "
              f"val_loss {vloss / n:.4f} val_acc {correct / n:.4f}")
    return {"config": asdict(cfg), "final": history[-1]}


if __name__ == "__main__":
    result = run_experiment(ExpCfg())
    print(json.dumps(result["final"], indent=2))
