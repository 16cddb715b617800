"""Wine cultivar classifier: step-based training job with periodic validation."""
import argparse
import logging
import sys

import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

LOGGER = logging.getLogger(__name__)


def set_determinism(seed):
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def batches(loader):
    while True:
        yield from loader


def build_model(n_in, n_classes, width):
    return nn.Sequential(
        nn.Linear(n_in, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, n_classes),
    )


@torch.inference_mode()
def validate(model, X, y, loss_fn):
    model.eval()
    out = model(X)
    metrics = {"loss": loss_fn(out, y).item(), "acc": (out.argmax(-1) == y).float().mean().item()}
    model.train()
    return metrics


def train(cfg) -> dict:
    set_determinism(cfg.seed)
    data = load_wine()
    X_tr, X_va, y_tr, y_va = train_test_split(
        data.data, data.target, test_size=0.3, stratify=data.target, random_state=cfg.seed)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
    y_tr = torch.tensor(y_tr, dtype=torch.long)
    y_va = torch.tensor(y_va, dtype=torch.long)

    loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=cfg.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(cfg.seed))
    model = build_model(X_tr.shape[1], 3, cfg.width)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9)

    stream = batches(loader)
    best = {"acc": 0.0, "step": 0}
    waited = 0
    for step in range(1, cfg.steps + 1):
        xb, yb = next(stream)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=cfg.max_grad_norm)
        optimizer.step()
        if step % cfg.log_every == 0:
            LOGGER.info("step=%d loss=%.4f", step, loss.item())
        if step % cfg.val_every == 0:
            m = validate(model, X_va, y_va, loss_fn)
            LOGGER.info("step=%d val_loss=%.4f val_acc=%.3f", step, m["loss"], m["acc"])
            if m["acc"] > best["acc"]:
                best = {"acc": m["acc"], "step": step}
                waited = 0
            else:
                waited += 1
            if waited >= cfg.patience:
                LOGGER.info("no improvement for %d validations, stopping", waited)
                break
    final = validate(model, X_va, y_va, loss_fn)
    return {"val_acc": final["acc"], "val_loss": final["loss"], "best_acc": best["acc"],
            "best_step": best["step"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lr", type=float, default=8.0)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--max-grad-norm", type=float, default=10.0)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--val-every", type=int, default=50)
    parser.add_argument("--patience", type=int, default=5)
    cfg = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="[%(levelname)s] %(message)s")
    result = train(cfg)
    LOGGER.info("done: %s", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
