"""The worker pool: a worker that crashes or hangs becomes a failed variant, and the pool goes on."""

from __future__ import annotations

import os

from ml_expert.tools.profile import workers
from ml_expert.tools.profile.workers import WorkerPool


def test_crashed_and_hung_workers_are_failures_not_errors(tmp_path, monkeypatch):
    hang = tmp_path / "hang.pt2"
    os.mkfifo(hang)  # opening a FIFO with no writer blocks: a worker that never finishes
    task = {"model": {"kind": "pt2", "path": str(hang)}, "input": {"shape": [4], "dtype": "float32"},
            "batch_sizes": [1], "threads": 1, "device": "cpu", "seed": 0, "max_seconds": 0.05,
            "percentile": 95, "operating_batch": 1,
            "parity": {"path": str(tmp_path / "parity.pt"), "inputs": "random inputs"}}
    monkeypatch.setattr(workers, "WORKER_BASE_TIMEOUT_S", 2)
    with WorkerPool(tmp_path, threads=1) as pool:
        assert pool.wait_ready()
        hung = pool.run("eager", task, tmp_path, n_batches=0)
        assert hung["status"] == "failed" and hung["reason"] == "timed out after 2 s"
        assert pool.ready  # the zygote reaped the killed worker and serves the next one

        crashed = pool.run("inference_mode", {**task, "threads": "many"}, tmp_path, 0)  # dies before reporting
        assert crashed["status"] == "failed" and "exit 1" in crashed["reason"]
        assert "set_num_threads expects an int" in crashed["reason"]  # the log's last words travel with the failure
        assert pool.ready
    assert pool.process.poll() is not None  # the zygote is gone with the pool
