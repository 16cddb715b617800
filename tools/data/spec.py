"""What an agent may say about data. Pydantic only: the server imports this for schemas."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SEED_MAX = 2 ** 32 - 1  # numpy's and scikit-learn's generators take seeds in [0, 2**32)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BundledSource(_Strict):
    """A dataset that ships with scikit-learn and loads without network."""

    kind: Literal["bundled"] = Field(default="bundled", description="Selects a bundled dataset.")
    name: Literal["digits", "breast_cancer", "wine", "iris", "diabetes"] = Field(
        description="digits (1797x64, 10 classes), breast_cancer (569x30, 2), wine (178x13, 3), "
                    "iris (150x4, 3), diabetes (442x10, regression).")


class SyntheticSource(_Strict):
    """A generated dataset whose faults are set by knobs (imbalance, label noise, shift)."""

    kind: Literal["synthetic"] = Field(default="synthetic", description="Selects generated data.")
    task: Literal["classification", "regression"] = Field(default="classification", description="What the target is.")
    n_samples: int = Field(default=1000, ge=20, le=1_000_000, description="Rows generated.")
    n_features: int = Field(default=20, ge=1, le=10_000, description="Feature columns generated.")
    n_informative: int | None = Field(default=None, ge=1, description="Default: half the features, at least 1.")
    n_classes: int = Field(default=2, ge=2, le=1000, description="Classification only.")
    imbalance_ratio: float = Field(default=1.0, ge=1.0, le=1000.0,
                                   description="Rows of the largest class per row of the smallest (1 = balanced).")
    label_noise: float = Field(default=0.0, ge=0.0, le=1.0, description="Fraction of labels replaced at random.")
    shift: float = Field(default=0.0, ge=0.0, le=10.0,
                         description="Mean shift (in feature standard deviations) applied to the validation "
                                     "and test rows: simulates drift between training and later data.")
    seed: int = Field(default=0, ge=0, le=SEED_MAX, description="Seed of the generator (not of the split).")

    @model_validator(mode="after")
    def _informative_fits(self) -> SyntheticSource:
        if self.n_informative is not None and self.n_informative > self.n_features:
            raise ValueError(f"n_informative ({self.n_informative}) must be at most n_features ({self.n_features})")
        return self


class FileSource(_Strict):
    """A table or arrays in a file under one of the server's roots."""

    kind: Literal["file"] = Field(default="file", description="Selects a file under the server's roots.")
    path: str = Field(description="CSV, Parquet, NPY or NPZ file; relative paths are taken under the roots.")
    target: str = Field(description="CSV/Parquet: the target column. NPZ: the array holding the targets "
                                    "(features come from 'X' or the only other array). NPY: the index of "
                                    "the target column, e.g. '-1'.")
    task: Literal["auto", "classification", "regression"] = Field(
        default="auto", description="auto: classification when the target is integer or text with at most 50 values.")
    features: list[str] | None = Field(default=None, description="Columns to use as features (default: all others).")


DataSource = Annotated[BundledSource | SyntheticSource | FileSource, Field(discriminator="kind")]


class SplitSpec(_Strict):
    """How rows are split. The same data, ratios and seed always give the same split."""

    val_fraction: float = Field(default=0.15, gt=0.0, lt=0.9, description="Share of rows for validation.")
    test_fraction: float = Field(default=0.15, gt=0.0, lt=0.9,
                                 description="Share of rows for the sealed test split.")
    stratify: bool = Field(default=True, description="Keep class proportions in every split (classification only).")
    seed: int = Field(default=0, ge=0, le=SEED_MAX, description="Split seed; recorded with the split hashes.")

    @model_validator(mode="after")
    def _leaves_training_rows(self) -> SplitSpec:
        if self.val_fraction + self.test_fraction >= 0.9:
            raise ValueError(f"val_fraction + test_fraction must be below 0.9 so training keeps rows; "
                             f"got {self.val_fraction} + {self.test_fraction}")
        return self


class DataSpec(_Strict):
    """A dataset and how to split it into train, validation and (sealed) test."""

    source: DataSource = Field(description="Where the rows come from: bundled, synthetic or file (by `kind`).")
    split: SplitSpec = Field(default_factory=SplitSpec)
