"""Writes the fault set's data files (run once; the CSVs are committed next to this script).

- wine_augmented.csv: wine rows plus two noisy copies of each row made "for augmentation" before
  splitting, with the copies rounded back to the precision of the source file: most copies
  equal their originals, so rows land in both train and validation.
- clinic_visits.csv: breast-cancer features plus a 'followup_code' column a clinic assigns after
  the diagnosis (it encodes the label).
- sensor_labels.csv: synthetic sensor readings whose labels were re-ordered by a separate sort,
  so labels no longer belong to their rows.
"""

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_wine, make_classification

HERE = Path(__file__).parent


def wine_augmented() -> pd.DataFrame:
    data = load_wine(as_frame=True)
    frame = data.frame.round(2)
    copies = [frame]
    rng = np.random.default_rng(0)
    for _ in range(2):
        noisy = frame.copy()
        features = noisy.columns[:-1]
        noisy[features] = (noisy[features] * (1 + rng.normal(0, 1e-4, noisy[features].shape))).round(2)
        copies.append(noisy)
    return pd.concat(copies, ignore_index=True)


def clinic_visits() -> pd.DataFrame:
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.round(4)
    frame.insert(5, "followup_code", np.where(frame["target"] == 1, 3, 7))
    return frame.rename(columns={"target": "malignant"})


def sensor_labels() -> pd.DataFrame:
    X, y = make_classification(n_samples=800, n_features=12, n_informative=6, n_classes=3, random_state=4)
    frame = pd.DataFrame(X.round(4), columns=[f"sensor_{i}" for i in range(12)])
    frame["state"] = np.random.default_rng(1).permutation(y)
    return frame


if __name__ == "__main__":
    wine_augmented().to_csv(HERE / "wine_augmented.csv", index=False)
    clinic_visits().to_csv(HERE / "clinic_visits.csv", index=False)
    sensor_labels().to_csv(HERE / "sensor_labels.csv", index=False)
