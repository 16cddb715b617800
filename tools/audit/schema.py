"""audit_data: spec and result. Pydantic only: the server imports this for JSON schemas."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec

MAX_LISTED = 100  # names and class counts listed in the result; the JSON report has them all


class AuditDataSpec(ToolSpec):
    """Load, version, split and check a dataset. The test split is never opened."""

    data: DataSpec = Field(description="The dataset and how to split it into train, validation and sealed test.")


class FeatureDrift(BaseModel):
    """How far one feature's validation values moved away from its training values."""

    feature: str
    ks: float = Field(description="Kolmogorov-Smirnov statistic between train and validation values (0 = same "
                                  "distribution, 1 = disjoint).")
    ks_pvalue: float = Field(description="p-value of the KS test (small = unlikely by chance).")
    mean_shift_sd: float = Field(description="Validation mean minus training mean, in pooled standard deviations.")


class FeatureScore(BaseModel):
    """How well one feature alone predicts the target on the training rows."""

    feature: str
    score: float = Field(description="Classification: cross-validated balanced accuracy of a one-feature "
                                     "binned classifier. Regression: max(|Pearson|, |Spearman|) with the "
                                     "target. 0.98 or more suggests a label leak.")


class AuditDataResult(ToolResult):
    """What the data is, how it was split, and what the checks found."""

    dataset_version: str | None = Field(default=None, description="Content hash of features, targets and names "
                                                                  "('ds-' + 16 hex): same data, same version.")
    task: Literal["classification", "regression"] | None = Field(default=None, description="Decided from the "
                                                                                           "target.")
    n_rows: int = Field(default=0, description="Rows in the whole dataset (all splits).")
    n_features: int = Field(default=0, description="Feature columns (flattened for images).")
    input_shape: list[int] | None = Field(default=None, description="Natural shape of one row when it is not "
                                                                    "flat, e.g. [1, 8, 8] for digits.")
    feature_names: list[str] = Field(default_factory=list, description=f"Feature names, the first {MAX_LISTED}.")
    class_names: list[str] | None = Field(default=None, description="Class names in class-index order "
                                                                    "(classification only).")
    split_sizes: dict[str, int] = Field(default_factory=dict, description="Rows in 'train', 'val' and 'test'.")
    class_counts: dict[str, dict[str, int]] = Field(
        default_factory=dict, description=f"Rows per class in 'train' and 'val' (classification; at most "
                                          f"{MAX_LISTED} classes, largest first). Test counts are not reported: "
                                          "the test split stays sealed.")
    duplicates_within: dict[str, int] = Field(
        default_factory=dict, description="Per split, rows whose features repeat an earlier row of the same split.")
    duplicates_across: dict[str, int] = Field(
        default_factory=dict, description="'val_in_train': validation rows whose features also occur in train; "
                                          "'test_in_train_or_val': test rows also in train or validation.")
    duplicate_examples: list[str] = Field(default_factory=list, description="A few pairs of duplicated rows, as "
                                                                            "dataset row numbers.")
    drifted_features: list[FeatureDrift] = Field(default_factory=list, description="The features that moved most "
                                                                                   "between train and validation.")
    leak_candidates: list[FeatureScore] = Field(default_factory=list, description="The features that best "
                                                                                  "predict the target alone.")
