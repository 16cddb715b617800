"""The audit_data tool end to end: result fields, verdicts, artifacts and the sealed test split."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ml_expert.tools.audit.run import audit_data
from ml_expert.tools.audit.schema import AuditDataResult, AuditDataSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext


def _run(tmp_path, source: dict, **spec):
    job = JobContext.local(tmp_path, roots=[tmp_path], seed=spec.pop("seed", 0))
    return audit_data(AuditDataSpec.model_validate({"data": {"source": source, **spec}}), job), job


def test_wine_audit_reports_sizes_counts_and_passing_checks(tmp_path):
    result, job = _run(tmp_path, {"kind": "bundled", "name": "wine"})
    assert result.status == "succeeded" and result.task == "classification"
    assert (result.n_rows, result.n_features) == (178, 13)
    assert result.split_sizes == {"train": 124, "val": 27, "test": 27}
    assert set(result.class_counts) == {"train", "val"}  # test counts stay sealed
    assert sum(result.class_counts["train"].values()) == 124
    assert result.duplicates_across == {"val_in_train": 0, "test_in_train_or_val": 0}
    assert [v.status for v in result.verdicts] == ["pass"] * 4
    assert result.provenance.dataset_version == result.dataset_version
    assert set(result.provenance.split_hashes) == {"train", "val", "test"}
    assert result.provenance.seeds == {"audit": 0, "split": 0}
    assert result.metrics["n_classes"] == 3 and result.metrics["imbalance_ratio"] < 1.5
    assert result.summary.count(". ") <= 2 and "178 rows" in result.summary and "All 4 checks pass" in result.summary
    assert job.records.test_openings == []
    assert len(result.model_dump_json()) < 20_000


def test_artifacts_are_written_with_their_sha256(tmp_path):
    result, job = _run(tmp_path, {"kind": "synthetic", "n_samples": 600, "shift": 0.6, "imbalance_ratio": 4})
    by_name = {a.name: a for a in result.artifacts}
    assert set(by_name) == {"audit_report.json", "class_balance.png"}
    for artifact in by_name.values():
        content = Path(artifact.path).read_bytes()
        assert hashlib.sha256(content).hexdigest() == artifact.sha256 and len(content) == artifact.bytes
        assert artifact.uri == f"runs://{job.run_id}/artifacts/{artifact.name}"
    assert Path(by_name["class_balance.png"].path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = json.loads(Path(by_name["audit_report.json"].path).read_text())
    assert report["dataset_version"] == result.dataset_version
    assert len(report["drift"]["per_feature"]) == 20 and len(report["single_feature_scores"]) == 20

    statuses = {v.check: v.status for v in result.verdicts}
    assert statuses == {"split_overlap": "pass", "class_imbalance": "warn", "label_leak": "pass", "drift": "fail"}
    assert "2 of 4 checks flag problems" in result.summary and "drift fail" in result.summary
    assert result.drifted_features[0].feature in report["verdicts"][3]["evidence"]["most_drifted"]
    assert result.provenance.seeds["synthetic"] == 0


def test_regression_audit_has_no_class_counts(tmp_path):
    result, _ = _run(tmp_path, {"kind": "bundled", "name": "diabetes"})
    assert result.task == "regression" and result.class_counts == {} and result.class_names is None
    assert {v.check for v in result.verdicts} == {"split_overlap", "label_leak", "drift"}
    assert "imbalance_ratio" not in result.metrics


def test_a_bad_file_spec_raises_a_spec_error_with_the_field(tmp_path):
    (tmp_path / "d.csv").write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(SpecError) as err:
        _run(tmp_path, {"kind": "file", "path": "d.csv", "target": "price"})
    assert err.value.field == "data.source.target" and "one of ['a', 'b']" in str(err.value)


def test_a_running_job_can_answer_with_the_same_schema():
    empty = AuditDataResult(status="running")
    assert empty.split_sizes == {} and empty.dataset_version is None
    assert AuditDataResult.model_json_schema()["properties"]["class_counts"]["description"]


def test_schema_modules_import_no_numerical_libraries():
    code = ("import sys, ml_expert.tools.audit.schema, ml_expert.tools.data.spec; "
            "print(sorted(m for m in ('numpy', 'torch', 'pandas', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
