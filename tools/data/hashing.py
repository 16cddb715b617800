"""Content hashes: dataset versions, split hashes and per-row fingerprints.

Every hash is sha256 over a canonical byte form (little-endian, C order, fixed dtypes), so the
same numbers give the same hash whatever file or generator they came from.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

ROW_DIGEST_BYTES = 16  # 128 bits: collisions are out of reach for any table that fits in memory


def canonical(array: np.ndarray, dtype: str) -> np.ndarray:
    """The array in a fixed dtype and byte order, C-contiguous, ready for ``tobytes``."""
    return np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))


def _hexdigest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        # Length-prefix every part so that moving bytes from one part to the next changes the hash.
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()[:16]


def _target_bytes(y: np.ndarray) -> bytes:
    return canonical(y, "int64" if np.issubdtype(y.dtype, np.integer) else "float32").tobytes()


def dataset_version(X: np.ndarray, y: np.ndarray, task: str, feature_names: list[str],
                    class_names: list[str] | None) -> str:
    """``ds-`` + 16 hex chars: the same rows, targets and names always give the same version."""
    header = json.dumps({"task": task, "shape": list(X.shape), "features": feature_names,
                         "classes": class_names}, sort_keys=True).encode()
    return "ds-" + _hexdigest(header, canonical(X, "float32").tobytes(), _target_bytes(y))


def split_hash(indices: np.ndarray, X: np.ndarray, y: np.ndarray) -> str:
    """``sp-`` + 16 hex chars over which rows a split holds and what they contain."""
    return "sp-" + _hexdigest(canonical(indices, "int64").tobytes(), canonical(X, "float32").tobytes(),
                              _target_bytes(y))


def row_digests(X: np.ndarray) -> np.ndarray:
    """One sha256 fingerprint per row of features (void dtype, so numpy can sort and match them)."""
    rows = canonical(X.reshape(len(X), -1), "float32")
    digests = b"".join(hashlib.sha256(row).digest()[:ROW_DIGEST_BYTES] for row in rows)
    return np.frombuffer(digests, dtype=f"V{ROW_DIGEST_BYTES}")
