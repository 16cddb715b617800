"""scikit-learn's bundled datasets: they ship inside the package and load without network.

Only ``sklearn.datasets.load_*`` is used here; the ``fetch_*`` loaders download and would hang
on a machine without network.
"""

from __future__ import annotations

from ml_expert.tools.data.spec import BundledSource
from ml_expert.tools.data.table import Table

_NATURAL_SHAPES = {"digits": (1, 8, 8)}  # 8x8 grey images, one channel


def load_bundled(source: BundledSource) -> Table:
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{source.name}")()
    if source.name == "diabetes":
        return Table.build(bunch.data, bunch.target, "regression", list(bunch.feature_names), None,
                           source.model_dump(mode="json"))
    return Table.build(bunch.data, bunch.target, "classification", [str(f) for f in bunch.feature_names],
                       [str(c) for c in bunch.target_names], source.model_dump(mode="json"),
                       input_shape=_NATURAL_SHAPES.get(source.name))
