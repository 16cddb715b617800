"""The terminal commands people type: `ml-expert call` and `ml-expert demo`."""

import json
import subprocess
import sys


def ml_expert(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ml_expert", *args], capture_output=True, text=True, timeout=timeout)


def test_call_prints_a_readable_summary_and_draws_progress_on_stderr(tmp_path):
    done = ml_expert("call", "audit_data", "--workspace", str(tmp_path),
                     "--json", '{"data": {"source": {"kind": "bundled", "name": "iris"}}}')
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("iris has 150 rows x 4 features (3 classes)")
    assert "[pass] split_overlap:" in done.stdout
    assert "100% done" in done.stderr and "Warning" not in done.stderr


def test_call_raw_gives_the_structured_result(tmp_path):
    done = ml_expert("call", "audit_data", "--raw", "--workspace", str(tmp_path),
                     "--json", '{"data": {"source": {"kind": "bundled", "name": "wine"}}}')
    answer = json.loads(done.stdout)
    assert answer["status"] == "succeeded" and answer["n_rows"] == 178


def test_call_reports_bad_input_with_the_field(tmp_path):
    bad_json = ml_expert("call", "audit_data", "--workspace", str(tmp_path), "--json", "{data")
    assert bad_json.returncode == 2 and "--json is not valid JSON" in bad_json.stderr
    bad_field = ml_expert("call", "audit_data", "--workspace", str(tmp_path),
                          "--json", '{"data": {"source": {"kind": "file", "path": "x.csv", "target": "y"}}}')
    assert bad_field.returncode == 1
    assert "data.source.path: 'x.csv' cannot be read: the server was started without --root" in bad_field.stderr


def test_demo_runs_the_four_tools_and_writes_a_report(tmp_path):
    done = ml_expert("demo", "--workspace", str(tmp_path), timeout=600)
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "demo-report.md").read_text()
    assert report.startswith("# ml-expert demo")
    for tool in ("audit_data", "implement_architecture", "diagnose_training", "tune_hyperparams", "profile_inference"):
        assert f"`{tool}` → run `{tool}-" in report
    assert "Most likely cause: lr_too_high" in report  # the planted problem is found
    assert "'fixed': True" in report  # and its fix proven
    assert "Wall time:" in report
