"""Start-up stays light and honest: no torch in the server, stale jobs become interrupted."""

import json
import subprocess
import sys
import time

from ml_expert.store import Store

PROBE = """
import json, sys
from ml_expert.app import build_server
from ml_expert.config import ServerConfig
server = build_server(ServerConfig(workspace=sys.argv[1], tracking="none"))
heavy = [m for m in ("torch", "numpy", "sklearn", "wandb", "optuna", "matplotlib", "pandas") if m in sys.modules]
print(json.dumps(heavy))
"""


def test_building_the_server_imports_no_ml_library(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_jobs_left_running_by_a_dead_server_are_marked_interrupted(tmp_path):
    store = Store(tmp_path / "ml-expert.db")
    for job_id, status in (("a", "running"), ("b", "queued"), ("c", "succeeded")):
        store.save_job({"job_id": job_id, "run_id": f"r-{job_id}", "tool": "count", "spec": {}, "status": status,
                        "created_at": time.time()})
    assert sorted(store.mark_interrupted(time.time())) == ["r-a", "r-b"]
    statuses = {job_id: store.get_job(job_id)["status"] for job_id in "abc"}
    assert statuses == {"a": "interrupted", "b": "interrupted", "c": "succeeded"}
    assert "was running" in store.get_job("a")["error"]
