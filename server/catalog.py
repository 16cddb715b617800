"""The explicit list of ML tools: name, spec and result models, and the function that runs in a
worker, given as an import string so listing tools never imports torch."""

from __future__ import annotations

from ml_expert.tool_entry import ToolEntry
from ml_expert.tools.audit.schema import AuditDataResult, AuditDataSpec

CATALOG: list[ToolEntry] = [
    ToolEntry(
        name="audit_data",
        title="Audit a dataset",
        description=(
            "Load a dataset (bundled, synthetic or a file under the server's roots), version it by content "
            "hash, split it deterministically into train/validation/sealed test, and check the splits: rows "
            "shared between splits, class imbalance, features that copy the label, and train/validation drift. "
            "Returns verdicts with evidence and fixes, split sizes and hashes, and a class-balance plot."
        ),
        spec_model=AuditDataSpec,
        result_model=AuditDataResult,
        function="ml_expert.tools.audit.run:audit_data",
    ),
]
