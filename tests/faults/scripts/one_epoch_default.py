"""Digits MLP trained with SGD; command-line options for a quick run."""

import argparse

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=64)
    return parser.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(43)
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=43)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
    y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.5)
    criterion = nn.CrossEntropyLoss()
    step = 0
    for epoch in range(args.epochs):
        perm = torch.randperm(len(X_train))
        for i in range(0, len(perm), args.batch_size):
            idx = perm[i:i + args.batch_size]
            optimizer.zero_grad()
            loss = criterion(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            step += 1
            if step % 5 == 0:
                print(f"step {step}: loss {loss.item():.4f}")
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch}: val loss {criterion(logits, y_val).item():.4f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")


if __name__ == "__main__":
    main()
