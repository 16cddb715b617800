import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def main():
    torch.manual_seed(11)
    data = load_digits()
    Xa, Xb, ya, yb = train_test_split(data.data, data.target, test_size=0.2, random_state=11,
                                      stratify=data.target)
    Xa = torch.tensor(Xa, dtype=torch.float32)
    Xb = torch.tensor(Xb, dtype=torch.float32)
    m, s = Xa.mean(0), Xa.std(0) + 1e-5
    Xa, Xb = (Xa - m) / s, (Xb - m) / s
    ya = torch.tensor(ya)
    yb = torch.tensor(yb)

    torch.manual_seed(11)
    W1 = torch.empty(64, 128)
    torch.nn.init.kaiming_uniform_(W1, nonlinearity="relu")
    W2 = torch.empty(128, 1)
    torch.nn.init.xavier_uniform_(W2)
    W1.requires_grad_()
    W2.requires_grad_()
    b1 = torch.zeros(128, requires_grad=True)
    b2 = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([W1, b1, W2, b2], lr=3e-3)

    def f(x):
        return (F.relu(x @ W1 + b1) @ W2 + b2).squeeze(1)

    def predict(x):
        return f(x).round().clamp(0, 9).long()

    n, bs = len(Xa), 50
    for epoch in range(40):
        p = torch.randperm(n)
        ep_loss = 0.0
        for k in range(0, n, bs):
            b = p[k:k + bs]
            loss = F.mse_loss(f(Xa[b]), ya[b].float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            ep_loss += loss.item() * len(b)
        if epoch % 5 == 4:
            with torch.no_grad():
                acc = (predict(Xb) == yb).float().mean().item()
            print(f"[{epoch + 1:02d}] loss {ep_loss / n:.4f}  val acc {acc:.3f}")

    with torch.no_grad():
        tr = (predict(Xa) == ya).float().mean().item()
        va = (predict(Xb) == yb).float().mean().item()
    print(f"done. train acc {tr:.3f}  val acc {va:.3f}")


if __name__ == "__main__":
    main()
