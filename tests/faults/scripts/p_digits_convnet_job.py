"""8x8 digit recogniser: small ConvNet trained as a step-budgeted job."""
import argparse
import logging
import random
import sys
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

LOG = logging.getLogger("digits.convnet")


def fix_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class SmallConvNet(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(),
                                        nn.Linear(64, n_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def nll_from_logits(logits, target):
    log_probs = F.log_softmax(logits, dim=0)
    return F.nll_loss(log_probs, target)


def endless(loader):
    while True:
        yield from loader


@dataclass
class EvalResult:
    loss: float
    acc: float


def evaluate(model, X, y) -> EvalResult:
    model.eval()
    with torch.inference_mode():
        logits = model(X)
        res = EvalResult(F.cross_entropy(logits, y).item(),
                         (logits.argmax(1) == y).float().mean().item())
    model.train()
    return res


def train(cfg) -> dict:
    fix_seeds(cfg.seed)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]
    X_tr, X_va, y_tr, y_va = train_test_split(images, digits.target, test_size=0.2,
                                              random_state=cfg.seed, stratify=digits.target)
    mean, std = X_tr.mean(), X_tr.std()
    X_tr = torch.from_numpy((X_tr - mean) / std)
    X_va = torch.from_numpy((X_va - mean) / std)
    y_tr, y_va = torch.from_numpy(y_tr).long(), torch.from_numpy(y_va).long()

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
                                         batch_size=cfg.batch_size, shuffle=True)
    model = SmallConvNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    data = endless(loader)
    best_acc, stale = 0.0, 0
    model.train()
    for step in range(1, cfg.max_steps + 1):
        xb, yb = next(data)
        optimizer.zero_grad()
        loss = nll_from_logits(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        if step % cfg.eval_every == 0:
            r = evaluate(model, X_va, y_va)
            LOG.info("step %d train_loss %.4f val_ce %.4f val_acc %.4f", step, loss.item(),
                     r.loss, r.acc)
            if r.acc > best_acc + 1e-4:
                best_acc, stale = r.acc, 0
            else:
                stale += 1
                if stale >= cfg.patience:
                    LOG.info("stopping early after %d stale evaluations", stale)
                    break
    final = evaluate(model, X_va, y_va)
    return {"val_acc": final.acc, "val_ce": final.loss, "best_val_acc": best_acc}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--grad-clip", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=500)
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--patience", type=int, default=4)
    cfg = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s [%(levelname)s] %(name)s - %(message)s")
    metrics = train(cfg)
    LOG.info("finished: %s", metrics)
    return 0


if __name__ == "__main__":
    sys.exit(main())
