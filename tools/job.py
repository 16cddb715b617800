"""The handle a tool gets for the job it runs in: progress, files, seeds, records.

The worker process builds one for every job; tests and notebooks build one with
:meth:`JobContext.local`. Tools never reach past it into the server.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ml_expert.tools.envelope import Artifact, Verdict
from ml_expert.tools.tracking import Tracker, Tracking


@dataclass(frozen=True)
class TestOpening:
    """One look at a sealed test split, as the ledger keeps it."""

    job_id: str
    run_id: str
    dataset_version: str
    split_hash: str
    lineage: str
    purpose: str
    opened_at: str


class RunRecords(Protocol):
    """What a job writes to the run store while it runs (dataset versions, the test ledger)."""

    def record_dataset(self, version: str, source: dict[str, Any], n_rows: int, n_features: int,
                       split_hashes: dict[str, str]) -> None: ...

    def record_test_opening(self, opening: TestOpening) -> list[TestOpening]:
        """Write the opening; return the earlier openings of the same split for the same lineage."""
        ...

    def earlier_test_openings(self, split_hash: str, lineage: str) -> list[TestOpening]:
        """The openings of this split for this lineage so far (reading the ledger opens nothing)."""
        ...


class MemoryRecords:
    """Run records kept in memory, for jobs run outside a server."""

    def __init__(self) -> None:
        self.datasets: dict[str, dict[str, Any]] = {}
        self.test_openings: list[TestOpening] = []

    def record_dataset(self, version, source, n_rows, n_features, split_hashes) -> None:
        self.datasets[version] = {"source": source, "n_rows": n_rows, "n_features": n_features,
                                  "split_hashes": split_hashes}

    def record_test_opening(self, opening: TestOpening) -> list[TestOpening]:
        earlier = self.earlier_test_openings(opening.split_hash, opening.lineage)
        self.test_openings.append(opening)
        return earlier

    def earlier_test_openings(self, split_hash: str, lineage: str) -> list[TestOpening]:
        return [o for o in self.test_openings if o.split_hash == split_hash and o.lineage == lineage]


ProgressSink = Callable[[dict[str, Any]], None]
TEST_SPLIT_TOOLS = frozenset({"evaluate_model", "local"})  # "local": a notebook or test, outside any server


class JobContext:
    """Progress, artifacts, seeds, tracking and records for one job."""

    def __init__(self, *, job_id: str, run_id: str, tool: str, workspace: Path, roots: list[Path],
                 seed: int, tracking: Tracking, records: RunRecords, emit: ProgressSink,
                 config: dict[str, Any] | None = None):
        self.job_id = job_id
        self.run_id = run_id
        self.tool = tool
        self.workspace = workspace
        self.roots = roots
        self.seed = seed
        self.records = records
        self.run_dir = workspace / "runs" / run_id
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.artifacts: list[Artifact] = []
        self.tracker = Tracker(tracking, workspace, run_id, tool, config or {})
        self._emit = emit

    @classmethod
    def local(cls, workspace: Path, *, roots: list[Path] | None = None, seed: int = 0,
              tool: str = "local", tracking: Tracking = "none") -> JobContext:
        """A context for running a tool directly (tests, notebooks): no server, records in memory."""
        job_id = uuid.uuid4().hex[:12]
        return cls(job_id=job_id, run_id=f"run-{job_id}", tool=tool, workspace=Path(workspace),
                   roots=list(roots or []), seed=seed, tracking=tracking, records=MemoryRecords(),
                   emit=lambda event: None)

    def progress(self, step: float, total: float | None = None, message: str = "", **metrics: float) -> None:
        """Report progress; reaches the MCP client as a progress notification."""
        self._emit({"type": "progress", "step": step, "total": total, "message": message,
                    "metrics": {k: float(v) for k, v in metrics.items()}})

    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
        self.tracker.log(metrics, step=step)

    def seed_everything(self, seed: int | None = None) -> int:
        """Seed python, numpy and torch (when loaded); return the seed used."""
        seed = self.seed if seed is None else seed
        random.seed(seed)
        import numpy as np

        np.random.seed(seed)
        import torch

        torch.manual_seed(seed)
        return seed

    def add_artifact(self, name: str, kind: str, content: bytes | str | Path) -> Artifact:
        """Write (or copy) a file into the run folder and register it with its sha256."""
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"artifact names are plain file names; got {name!r}")
        target = self.run_dir / name
        if isinstance(content, Path):
            if content.resolve() != target.resolve():
                shutil.copyfile(content, target)
        elif isinstance(content, str):
            target.write_text(content)
        else:
            target.write_bytes(content)
        artifact = Artifact(name=name, kind=kind, path=str(target), sha256=sha256_file(target),
                            bytes=target.stat().st_size, uri=f"runs://{self.run_id}/artifacts/{name}")
        self.artifacts = [a for a in self.artifacts if a.name != name] + [artifact]
        return artifact

    def open_test_split(self, *, dataset_version: str, split_hash: str, lineage: str, purpose: str) -> Verdict:
        """Record a look at the sealed test split; warn when this lineage has looked before.

        Only the final evaluation may look (and code run outside a server, tool "local").
        """
        from datetime import UTC, datetime

        if self.tool not in TEST_SPLIT_TOOLS:
            raise PermissionError(f"{self.tool} may not open the sealed test split; only evaluate_model does")

        opening = TestOpening(job_id=self.job_id, run_id=self.run_id, dataset_version=dataset_version,
                              split_hash=split_hash, lineage=lineage, purpose=purpose,
                              opened_at=datetime.now(UTC).isoformat(timespec="seconds"))
        earlier = self.records.record_test_opening(opening)
        evidence = {"earlier_openings": len(earlier), "lineage": lineage, "split_hash": split_hash}
        if not earlier:
            return Verdict(check="test_split_sealed", status="pass", evidence=evidence,
                           message="First look at this test split for this model lineage.")
        return Verdict(check="test_split_sealed", status="warn", evidence=evidence,
                       message=f"This test split was already opened {len(earlier)} time(s) for lineage "
                               f"{lineage!r} (first by run {earlier[0].run_id}); its score is now optimistic.",
                       fix="Report the first test score; choose models on the validation split, and use a "
                           "fresh test split (new data or a new split seed) for a new final evaluation.")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
