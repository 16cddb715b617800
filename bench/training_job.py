"""A real training job for benchmarks: an MLP on digits (served by serve_with_training.py)."""

from __future__ import annotations

from ml_expert.tool_entry import ToolEntry
from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.job import JobContext
from ml_expert.tools.spec import ToolSpec


class TrainSpec(ToolSpec):
    epochs: int = 30


class TrainResult(ToolResult):
    val_accuracy: float | None = None


def train(spec: TrainSpec, job: JobContext) -> TrainResult:
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    job.seed_everything()
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X / 16.0, y, test_size=0.2, random_state=spec.seed)
    X_train, X_val = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
    y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
    model = torch.nn.Sequential(torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                                torch.nn.ReLU(), torch.nn.Linear(512, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(spec.epochs):
        for batch in torch.randperm(len(X_train)).split(32):
            loss = torch.nn.functional.cross_entropy(model(X_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = (model(X_val).argmax(1) == y_val).float().mean().item()
        job.progress(epoch + 1, spec.epochs, f"epoch {epoch + 1}", val_accuracy=accuracy)
    return TrainResult(summary=f"Validation accuracy {accuracy:.3f}.", val_accuracy=accuracy,
                       metrics={"val_accuracy": accuracy})


TRAIN = ToolEntry(name="train_digits", title="Train on digits (benchmark)", description="Benchmark job.",
                  spec_model=TrainSpec, result_model=TrainResult, function="training_job:train")

