"""The audit_data tool end to end: result fields, verdicts, artifacts and the sealed test split."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
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
    assert [v.status for v in result.verdicts] == ["pass"] * 4 + ["warn"]  # proline's std is 2,500x a phenol's
    assert result.provenance.dataset_version == result.dataset_version
    assert set(result.provenance.split_hashes) == {"train", "val", "test"}
    assert result.provenance.seeds == {"audit": 0, "split": 0}
    assert result.metrics["n_classes"] == 3 and result.metrics["imbalance_ratio"] < 1.5
    assert result.summary.count(". ") <= 2 and "178 rows" in result.summary
    assert "1 of 5 checks flag problems: feature_scale warn (std 318 of 'proline'" in result.summary
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
    assert statuses == {"split_overlap": "pass", "class_imbalance": "warn", "label_leak": "pass", "drift": "fail",
                        "feature_scale": "pass"}
    assert "2 of 5 checks flag problems" in result.summary and "drift fail" in result.summary
    assert result.drifted_features[0].feature in report["verdicts"][3]["evidence"]["most_drifted"]
    assert result.provenance.seeds["synthetic"] == 0


def test_regression_audit_has_no_class_counts(tmp_path):
    result, _ = _run(tmp_path, {"kind": "bundled", "name": "diabetes"})
    assert result.task == "regression" and result.class_counts == {} and result.class_names is None
    assert {v.check for v in result.verdicts} == {"split_overlap", "label_leak", "drift", "feature_scale"}
    assert "imbalance_ratio" not in result.metrics
    # A regression target's histogram is named for what it shows.
    assert {a.name for a in result.artifacts} == {"audit_report.json", "target_distribution.png"}


def test_features_on_scales_orders_of_magnitude_apart_get_a_warning_and_the_fix(tmp_path):
    rng = np.random.default_rng(0)
    income, age = rng.normal(5e6, 1.9e6, 300), rng.normal(40, 1, 300)
    label = (income / 1.9e6 + age + rng.normal(0, 1, 300) > 43.6).astype(int)
    lines = ["income,age,label", *(f"{a:.1f},{b:.3f},{c}" for a, b, c in zip(income, age, label, strict=True))]
    (tmp_path / "scales.csv").write_text("\n".join(lines) + "\n")
    result, _ = _run(tmp_path, {"kind": "file", "path": "scales.csv", "target": "label"})
    verdict = next(v for v in result.verdicts if v.check == "feature_scale")
    assert verdict.status == "warn" and verdict.evidence["widest_feature"] == "income"
    assert verdict.evidence["narrowest_feature"] == "age" and verdict.evidence["ratio"] > 1e6
    assert "training rows' mean and std" in verdict.fix and "feature_scale warn" in result.summary


def test_category_codes_and_missing_values_do_not_count_as_scales(tmp_path):
    """Codes of 'city' spread over millions; 'x' (with gaps) and 'z' share one scale: a pass."""
    rng = np.random.default_rng(0)
    city = rng.choice(["paris", "lima", "oslo", "kyiv"], 300)
    x, z = rng.normal(0, 1, 300), rng.normal(0, 2, 300)
    x[::10] = np.nan
    pd.DataFrame({"city": city, "x": x, "z": z, "label": (z > 0).astype(int)}).to_csv(tmp_path / "c.csv", index=False)
    result, _ = _run(tmp_path, {"kind": "file", "path": "c.csv", "target": "label"})
    verdict = next(v for v in result.verdicts if v.check == "feature_scale")
    assert verdict.status == "pass" and verdict.evidence["categorical_features"] == 1
    assert {verdict.evidence["widest_feature"], verdict.evidence["narrowest_feature"]} == {"x", "z"}
    assert 1.5 < verdict.evidence["ratio"] < 2.5  # std 2 vs 1 (x's std without its missing rows)


def test_image_pixels_share_a_unit_so_digits_scales_pass(tmp_path):
    result, _ = _run(tmp_path, {"kind": "bundled", "name": "digits"})
    assert next(v for v in result.verdicts if v.check == "feature_scale").status == "pass"


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
