"""The run store: SQLite in the workspace for jobs, runs, artifacts, dataset versions and the
test-split ledger.

The server and the worker processes open the same file (WAL mode lets them write side by side);
workers write dataset versions and test openings while they run, so nothing is lost if they die.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ml_expert.tools.job import TestOpening

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, tool TEXT NOT NULL, spec TEXT NOT NULL,
    status TEXT NOT NULL, progress TEXT, result TEXT, error TEXT, pid INTEGER,
    created_at REAL NOT NULL, started_at REAL, ended_at REAL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, tool TEXT NOT NULL, status TEXT NOT NULL,
    summary TEXT, metrics TEXT, verdicts TEXT, provenance TEXT, created_at REAL NOT NULL, ended_at REAL
);
CREATE TABLE IF NOT EXISTS artifacts (
    run_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
    sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (run_id, name)
);
CREATE TABLE IF NOT EXISTS datasets (
    version TEXT PRIMARY KEY, source TEXT NOT NULL, n_rows INTEGER NOT NULL, n_features INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS splits (
    dataset_version TEXT NOT NULL, split_hashes TEXT NOT NULL, PRIMARY KEY (dataset_version, split_hashes)
);
CREATE TABLE IF NOT EXISTS test_openings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, run_id TEXT NOT NULL,
    dataset_version TEXT NOT NULL, split_hash TEXT NOT NULL, lineage TEXT NOT NULL,
    purpose TEXT NOT NULL, opened_at TEXT NOT NULL
);
"""

ACTIVE_STATUSES = ("queued", "running")
JOB_COLUMNS = ("job_id", "run_id", "tool", "spec", "status", "progress", "result", "error", "pid",
               "created_at", "started_at", "ended_at")
JSON_COLUMNS = {"spec", "progress", "result", "metrics", "verdicts", "provenance", "source", "split_hashes"}


class Store:
    """Thread-safe access to the workspace database."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _execute(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        return [_decode(dict(row)) for row in self._execute_raw(sql, params)]

    def _execute_raw(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # Jobs and runs

    def save_job(self, job: dict[str, Any]) -> None:
        values = {col: _encode(col, job.get(col)) for col in JOB_COLUMNS}
        columns = ", ".join(JOB_COLUMNS)
        placeholders = ", ".join(f":{col}" for col in JOB_COLUMNS)
        self._execute(f"INSERT OR REPLACE INTO jobs ({columns}) VALUES ({placeholders})", values)

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        rows = self._execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,))
        return rows[0] if rows else None

    def list_jobs(self, *, status: str | None = None, tool: str | None = None, limit: int = 50) -> list[dict]:
        return self._execute(
            "SELECT * FROM jobs WHERE (:status IS NULL OR status = :status) AND (:tool IS NULL OR tool = :tool) "
            "ORDER BY created_at DESC LIMIT :limit", {"status": status, "tool": tool, "limit": limit})

    def mark_interrupted(self, ended_at: float) -> list[str]:
        """After a restart: jobs left queued or running by the last server become interrupted; their run ids."""
        with self._lock:
            runs = [row["run_id"] for row in self._db.execute(
                "SELECT run_id FROM jobs WHERE status IN (?, ?)", ACTIVE_STATUSES).fetchall()]
            self._db.execute(
                "UPDATE jobs SET status = 'interrupted', ended_at = ?, error = 'the server stopped while this "
                "job was ' || status || '; its records and files are kept' WHERE status IN (?, ?)",
                (ended_at, *ACTIVE_STATUSES))
            self._db.execute("UPDATE runs SET status = 'interrupted', ended_at = ? WHERE status IN (?, ?)",
                             (ended_at, *ACTIVE_STATUSES))
            return runs

    def add_artifacts(self, run_id: str, artifacts: list[dict[str, Any]]) -> None:
        """List files of a run; artifacts it already lists keep their records."""
        with self._lock:
            self._db.executemany(
                "INSERT OR IGNORE INTO artifacts (run_id, name, kind, path, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, a["name"], a["kind"], a["path"], a["sha256"], a["bytes"]) for a in artifacts])

    def integrity(self) -> str:
        """SQLite's own check of the database file: 'ok' when sound."""
        return "; ".join(row[0] for row in self._execute_raw("PRAGMA integrity_check"))

    def save_run(self, run: dict[str, Any], artifacts: list[dict[str, Any]] = ()) -> None:
        columns = ("run_id", "job_id", "tool", "status", "summary", "metrics", "verdicts", "provenance",
                   "created_at", "ended_at")
        values = {col: _encode(col, run.get(col)) for col in columns}
        with self._lock:
            self._db.execute(f"INSERT OR REPLACE INTO runs ({', '.join(columns)}) VALUES "
                             f"({', '.join(':' + c for c in columns)})", values)
            self._db.executemany(
                "INSERT OR REPLACE INTO artifacts (run_id, name, kind, path, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?)",
                [(run["run_id"], a["name"], a["kind"], a["path"], a["sha256"], a["bytes"]) for a in artifacts])

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        rows = self._execute("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        if not rows:
            return None
        run = rows[0]
        run["artifacts"] = self.list_artifacts(run_id)
        return run

    def list_runs(self, *, tool: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        return self._execute("SELECT * FROM runs WHERE (:tool IS NULL OR tool = :tool) "
                             "ORDER BY created_at DESC LIMIT :limit", {"tool": tool, "limit": limit})

    def list_artifacts(self, run_id: str) -> list[dict[str, Any]]:
        return self._execute("SELECT name, kind, path, sha256, bytes FROM artifacts WHERE run_id = ? ORDER BY name",
                             (run_id,))

    # Records written by workers (ml_expert.tools.job.RunRecords)

    def record_dataset(self, version: str, source: dict[str, Any], n_rows: int, n_features: int,
                       split_hashes: dict[str, str]) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO datasets VALUES (?, ?, ?, ?)",
                             (version, json.dumps(source), n_rows, n_features))
            self._db.execute("INSERT OR IGNORE INTO splits VALUES (?, ?)",
                             (version, json.dumps(split_hashes, sort_keys=True)))

    def record_test_opening(self, opening: TestOpening) -> list[TestOpening]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                earlier = self._db.execute(
                    "SELECT job_id, run_id, dataset_version, split_hash, lineage, purpose, opened_at "
                    "FROM test_openings WHERE split_hash = ? AND lineage = ? ORDER BY id",
                    (opening.split_hash, opening.lineage)).fetchall()
                self._db.execute(
                    "INSERT INTO test_openings (job_id, run_id, dataset_version, split_hash, lineage, purpose, "
                    "opened_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (opening.job_id, opening.run_id, opening.dataset_version, opening.split_hash,
                     opening.lineage, opening.purpose, opening.opened_at))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return [TestOpening(**dict(row)) for row in earlier]

    def earlier_test_openings(self, split_hash: str, lineage: str) -> list[TestOpening]:
        rows = self._execute_raw("SELECT job_id, run_id, dataset_version, split_hash, lineage, purpose, opened_at "
                                 "FROM test_openings WHERE split_hash = ? AND lineage = ? ORDER BY id",
                                 (split_hash, lineage))
        return [TestOpening(**dict(row)) for row in rows]

    def test_openings(self, dataset_version: str | None = None) -> list[dict[str, Any]]:
        return self._execute("SELECT * FROM test_openings WHERE (:v IS NULL OR dataset_version = :v) ORDER BY id",
                             {"v": dataset_version})


def _encode(column: str, value: Any) -> Any:
    return json.dumps(value) if column in JSON_COLUMNS and value is not None else value


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v for k, v in row.items()}
