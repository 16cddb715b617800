"""Record the tuning half's script traces once, then replay the rules on them in seconds.

    nice -n 10 .venv/bin/python bench/replay_diagnose.py record /tmp/traces            # every script case
    nice -n 10 .venv/bin/python bench/replay_diagnose.py record /tmp/traces --controls # healthy controls only
    nice -n 10 .venv/bin/python bench/replay_diagnose.py record /tmp/traces --shard 0/2 # one of two processes
    nice -n 10 .venv/bin/python bench/replay_diagnose.py record /tmp/traces --names @names.txt  # these again
    .venv/bin/python bench/replay_diagnose.py replay /tmp/traces                       # score; list what changed
    .venv/bin/python bench/replay_diagnose.py replay /tmp/traces --accept              # ... and make it the baseline

The rules read nothing but the trace, so replaying them on a recorded trace gives what a fresh run of
the script would, and a rule change can be checked against every recorded case at once: the replay
lists each case whose diagnoses differ from the baseline (the recording's, or the last accepted
replay's) and scores the lot. A change to the probes or to the simple models needs a new recording. Only the tuning half is recorded, so that the held-out
half stays out of tuning; ``bench_diagnose.py --half heldout`` scores that one, in totals.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_diagnose import judged_correct, run_case, score  # noqa: E402

from ml_expert.tools.diagnose.registry import diagnose_all  # noqa: E402
from ml_expert.tools.diagnose.trace import Trace  # noqa: E402
from tests.faults.cases import CASES, KNOWN_MISSES, Case  # noqa: E402

INDEX = "recorded.json"  # case name -> the diagnoses' labels at recording (a shard's: recorded.I.json)


def tuning_scripts(controls_only: bool = False) -> list[Case]:
    return [c for c in CASES if c.mode["kind"] == "script" and c.half == "tune" and not (controls_only and c.expect)]


def record(folder: Path, controls_only: bool, shard: tuple[int, int] = (0, 1), names: set[str] | None = None) -> None:
    """Record every ``shard[1]``-th case from the ``shard[0]``-th: one process per core, each with its own
    index, which replay joins. With ``names``, those cases only, recorded again (after a probe change that
    concerns them), into the same index."""
    folder.mkdir(parents=True, exist_ok=True)
    number, shards = shard
    index_path = folder / (INDEX if shards == 1 else f"recorded.{number}.json")
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    done = set(index) - (names or set())
    for case in [c for c in tuning_scripts(controls_only) if names is None or c.name in names][number::shards]:
        if case.name in done:
            continue  # recorded already: a recording interrupted part way resumes where it stopped
        with tempfile.TemporaryDirectory() as workspace:
            try:
                row = run_case(case, prove=False, workspace=Path(workspace))
            except Exception as error:  # noqa: BLE001 - one case's failure (a script too slow on a loaded machine)
                print(f"NOT RECORDED {case.name}: {error}", flush=True)  # leaves the others to record
                continue
            (folder / f"{case.name}.json").write_text(Path(row["trace_path"]).read_text())
        index[case.name] = row["labels"]
        done.add(case.name)
        index_path.write_text(json.dumps(index, indent=1))
        print(f"recorded {case.name:44s} {','.join(row['labels'][:3]) or '-'}", flush=True)


def replay(folder: Path, accept: bool = False) -> int:
    """Print each case whose diagnoses differ from the baseline, and the score; the number of changes. With
    ``accept``, this replay's diagnoses become the baseline."""
    joined = folder / INDEX
    # A recording made in shards (or shards recorded again) joins the index when newer than it.
    since = joined.stat().st_mtime if joined.exists() else 0.0
    index = json.loads(joined.read_text()) if joined.exists() else {}
    for shard in sorted(p for p in folder.glob("recorded.*.json") if p.stat().st_mtime > since):
        index.update(json.loads(shard.read_text()))
    joined.write_text(json.dumps(index, indent=1))
    by_name = {c.name: c for c in tuning_scripts()}
    rows, changed = [], 0
    for name, recorded in index.items():
        case = by_name.get(name)
        if case is None:
            continue  # left the fault set (or the tuning half) since the recording
        diagnoses, failures = diagnose_all(Trace.model_validate_json((folder / f"{name}.json").read_text()))
        labels = [d.label for d in diagnoses]
        correct = judged_correct(case, labels)
        rows.append({"case": case, "correct": correct})
        if labels != recorded or failures:
            changed += 1
            print(f"{'ok ' if correct else 'MISS'} {name:44s} expect={case.expect!s:28s} "
                  f"was={','.join(recorded[:3]) or '-'} now={','.join(labels[:3]) or '-'}"
                  + (" (known miss)" if name in KNOWN_MISSES else "") + (f" RULE FAILURES {failures}" if failures else ""))
        index[name] = labels
    if accept:
        joined.write_text(json.dumps(index, indent=1))
    print(f"\n{len(index)} recorded cases, {changed} changed: {score(rows)}")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "replay"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--controls", action="store_true", help="record: the healthy controls only")
    parser.add_argument("--accept", action="store_true", help="replay: make this replay's diagnoses the baseline")
    parser.add_argument("--shard", default="0/1", help="record: I/N, every N-th case from the I-th")
    parser.add_argument("--names", help="record: these cases again, comma-separated or @file (one per line)")
    options = parser.parse_args()
    torch.set_num_threads(1)
    if options.action == "record":
        number, shards = (int(part) for part in options.shard.split("/"))
        names = options.names
        if names is not None:
            names = set((Path(names[1:]).read_text() if names.startswith("@") else names.replace(",", "\n")).split())
        record(options.folder, options.controls, (number, shards), names)
    else:
        replay(options.folder, options.accept)


if __name__ == "__main__":
    main()
