"""The model card, in the Hugging Face layout: YAML front matter with a ``model-index`` (test
metrics with their intervals, the dataset version and split hashes), then the sections.

Every assumption and limitation is a sentence built from a number the tools measured (the
audit's verdicts, the evaluation's intervals and slices, the baselines, the parity checks, the
training data's ranges); a section with nothing measured to say says what was not measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

WEAK_SLICE_GAP = 0.05  # a slice this far below the overall score is named as weak
MIN_SLICE_ROWS = 10  # below this a slice's score is too noisy to call weak
IMBALANCE_RATIO = 3.0


@dataclass
class CardFacts:
    """What the card is written from."""

    run_id: str
    model: dict[str, Any]  # model.yaml: family or code target, hyperparameters, io
    task: str
    feature_names: list[str]
    class_names: list[str] | None
    data_source: dict[str, Any]
    dataset_version: str
    split_hashes: dict[str, str]
    split_sizes: dict[str, int]
    audit: list[dict[str, Any]]  # verdicts of the data audit
    class_counts: dict[str, int] | None  # training split
    feature_ranges: dict[str, tuple[float, float]]  # 1st and 99th percentile on training rows
    validation: dict[str, Any]  # {"metric", "value", "rows"}
    parity: dict[str, dict[str, Any]]
    evaluation: dict[str, Any] | None  # see tools.export.evaluation; None for a draft
    intended_use: str | None
    training: dict[str, Any] | None  # experiment.json of the trained run, when it has one
    encodings: list[str] | None = None  # the column encodings folded in front of the standardisation


def model_card(facts: CardFacts) -> str:
    front = yaml.safe_dump(_front_matter(facts), sort_keys=False, allow_unicode=True)
    sections = [_title(facts), _intended_use(facts), _training_data(facts), _evaluation(facts),
                _assumptions(facts), _limitations(facts), _ethics(facts), _how_to_use(facts)]
    return f"---\n{front}---\n\n" + "\n\n".join(sections) + "\n"


def _task_type(task: str) -> str:
    return "tabular-classification" if task == "classification" else "tabular-regression"


def _front_matter(facts: CardFacts) -> dict[str, Any]:
    evaluation = facts.evaluation
    metrics = []
    if evaluation is not None:
        for name, m in evaluation["metrics"].items():
            entry = {"type": name, "value": round(m["value"], 4), "name": f"test {name}"}
            if m.get("low") is not None:
                entry["args"] = {"ci_low": round(m["low"], 4), "ci_high": round(m["high"], 4), "confidence": 0.95}
            metrics.append(entry)
    dataset = {"name": _data_name(facts.data_source), "type": facts.data_source.get("kind", "unknown"),
               "revision": facts.dataset_version, "split": "test" if evaluation else "validation",
               "args": {"split_hashes": facts.split_hashes}}
    if evaluation is None:
        metrics = [{"type": facts.validation["metric"], "value": round(facts.validation["value"], 4),
                    "name": f"validation {facts.validation['metric']} (draft: never evaluated on test)"}]
    return {"library_name": "pytorch", "tags": [_task_type(facts.task), "ml-expert"] + (["draft"] if evaluation is None
                                                                                          else []),
            "datasets": [facts.dataset_version], "metrics": sorted({m["type"] for m in metrics}),
            "model-index": [{"name": facts.run_id, "results": [{
                "task": {"type": _task_type(facts.task)}, "dataset": dataset, "metrics": metrics}]}]}


def _data_name(source: dict[str, Any]) -> str:
    return str(source.get("name") or source.get("path") or f"synthetic {source.get('task', '')}".strip())


def _title(facts: CardFacts) -> str:
    model = facts.model
    built = (f"a built-in `{model['family']}` with {_compact(model.get('hyperparameters', {}))}"
             if model.get("kind") == "builtin" else f"agent-written code `{model.get('target')}`")
    classes = f" over {len(facts.class_names)} classes" if facts.class_names else ""
    lines = [f"# Model card: {facts.run_id}", ""]
    if facts.evaluation is None:
        lines += ["> **DRAFT** — this model was never evaluated on the sealed test split. Its numbers are "
                  "validation numbers, which were used to train and select it, so they are optimistic.", ""]
    lines += ["## Model details", "",
              f"- {facts.task.capitalize()}{classes} from {len(facts.feature_names)} tabular features; "
              f"{built}.", f"- Trained run: `{facts.run_id}`; dataset version `{facts.dataset_version}`."]
    if facts.training:
        config = facts.training.get("experiment", {}).get("training", {})
        lines.append(f"- Training: {_compact(config)}; seed {facts.training.get('seed')}, best epoch "
                     f"{facts.training.get('best_epoch')} by validation {facts.training.get('metric')}.")
    return "\n".join(lines)


def _compact(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items() if not isinstance(v, dict)) or "defaults"


def _intended_use(facts: CardFacts) -> str:
    stated = facts.intended_use or "Not stated by the person who exported it: ask before any use."
    return "\n".join(["## Intended use", "", stated, "",
                      f"Inputs: rows with the columns {_listed(facts.feature_names)} in the units of the training "
                      "data. Out of scope: inputs outside the ranges under Assumptions, other populations than the "
                      "training data's, and any decision the evaluation below does not support."])


def _listed(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _training_data(facts: CardFacts) -> str:
    sizes = facts.split_sizes
    lines = ["## Training data", "",
             f"`{_data_name(facts.data_source)}` ({facts.data_source.get('kind')}), version `{facts.dataset_version}`, "
             f"split {sizes.get('train')}/{sizes.get('val')}/{sizes.get('test')} train/validation/test "
             "(deterministic; hashes in the front matter). Preprocessing was fitted on the training split only.",
             "", "Audit findings:", ""]
    lines += [f"- **{v['status']}** `{v['check']}`: {v['message']}" for v in facts.audit]
    if facts.class_counts:
        lines += ["", "Training rows per class: " + ", ".join(f"{k}: {v}" for k, v in facts.class_counts.items()) + "."]
    return "\n".join(lines)


def _evaluation(facts: CardFacts) -> str:
    evaluation = facts.evaluation
    if evaluation is None:
        v = facts.validation
        return "\n".join(["## Evaluation results", "",
                          f"Not evaluated on the test split (draft). Validation {v['metric']}: {v['value']:.4f} on "
                          f"{v['rows']} rows."])
    later = evaluation.get("later_looks", 0)
    lines = ["## Evaluation results", "",
             f"On the sealed test split ({evaluation['test_rows']} rows, dataset `{evaluation.get('dataset_version')}`), "
             f"first opened for this model by evaluation run `{evaluation['run_id']}`"
             + (" — a deliberate **re-evaluation** of its lineage: the score is optimistic."
                if evaluation.get("reevaluation") else ".")
             + (f" It was opened {later} more time(s) since; the first look is the one reported." if later else ""),
             "", "| metric | value | 95% interval |", "|---|---|---|"]
    for name, m in evaluation["metrics"].items():
        interval = f"{m['low']:.4f} – {m['high']:.4f}" if m.get("low") is not None else "—"
        lines.append(f"| {name} | {m['value']:.4f} | {interval} |")
    if evaluation.get("comparisons"):
        lines += ["", f"Against other models on the same test rows ({evaluation['headline']}; baselines fitted on the "
                      "same training split; paired tests):", ""]
        lines += [f"- {c['against']}: {c['value']:.4f}; this model minus it {c['diff']:+.4f} "
                  f"({c['ci_low']:+.4f} to {c['ci_high']:+.4f}, {c['test']} p={c['p_value']:.2g}): {c['verdict']}"
                  for c in evaluation["comparisons"]]
    if evaluation.get("slices"):
        lines += ["", f"Slices ({evaluation['headline']}):", "", "| slice | rows | value |", "|---|---|---|"]
        lines += [f"| {s['slice']} | {s['rows']} | {s['value']:.4f} |" for s in evaluation["slices"]]
    return "\n".join(lines)


def weak_slices(evaluation: dict[str, Any] | None) -> list[dict[str, Any]]:
    if evaluation is None:
        return []
    overall = evaluation["metrics"][evaluation["headline"]]["value"]
    return [s for s in evaluation.get("slices", [])
            if s["rows"] >= MIN_SLICE_ROWS and s["value"] < overall - WEAK_SLICE_GAP]


def _assumptions(facts: CardFacts) -> str:
    lines = ["## Assumptions", "",
             f"- Inputs come in the training data's units and columns; the package standardises them with the "
             f"training split's means and standard deviations ({len(facts.feature_names)} features)."]
    if facts.encodings:
        lines.append(f"- Before that it encodes columns as fitted on the training split ({', '.join(facts.encodings)}):"
                     " a categorical column holds its value's code (`package.json` lists them), a missing value is "
                     "NaN.")
    ranges = list(facts.feature_ranges.items())
    if ranges:
        shown = "; ".join(f"`{n}` {low:.4g} to {high:.4g}" for n, (low, high) in ranges[:8])
        lines.append(f"- Production rows stay inside the training ranges (1st-99th percentile): {shown}"
                     + ("; the rest in drift_reference.json" if len(ranges) > 8 else "") + ".")
    drift = next((v for v in facts.audit if v["check"] == "drift"), None)
    if drift is not None:
        lines.append(f"- Later data resembles the training data: train vs validation drift was {drift['status']} "
                     f"(domain AUC {drift['evidence'].get('domain_auc')}). check_drift tests this on each batch "
                     "against drift_reference.json.")
    if facts.class_counts:
        total = sum(facts.class_counts.values())
        shares = ", ".join(f"{k} {v / total:.0%}" for k, v in facts.class_counts.items())
        lines.append(f"- Class shares in production are near the training shares ({shares}); the scores below "
                     "hold for those shares.")
    return "\n".join(lines)


def _limitations(facts: CardFacts) -> str:
    lines = ["## Limitations", ""]
    evaluation = facts.evaluation
    if evaluation is None:
        lines.append("- No test-split evaluation: the only score is on validation rows that chose the checkpoint.")
    else:
        name = evaluation["headline"]
        m = evaluation["metrics"][name]
        if m.get("low") is not None:
            lines.append(f"- {evaluation['test_rows']} test rows: {name} is known only to within "
                         f"{m['low']:.3f}–{m['high']:.3f} (95%).")
        unbeaten = [c["against"] for c in evaluation.get("comparisons", []) if c["verdict"] != "better"]
        if unbeaten:
            lines.append(f"- Not shown better than {', '.join(unbeaten)} on the test rows (paired test): a simpler "
                         "or other model may serve as well.")
    lines += [f"- Weak slice `{s['slice']}`: {s['value']:.3f} on {s['rows']} rows." for s in weak_slices(evaluation)]
    lines += [f"- Audit {v['status']} `{v['check']}`: {v['message']}" for v in facts.audit if v["status"] != "pass"]
    failed = [name for name, p in facts.parity.items() if not p["passed"]]
    if failed:
        lines.append(f"- The exported {', '.join(failed)} file(s) differ from the checkpoint beyond tolerance: do "
                     "not serve them.")
    if len(lines) == 2:
        lines.append("- None measured beyond the scope above; nothing was measured outside the training data's "
                     "population.")
    return "\n".join(lines)


def _ethics(facts: CardFacts) -> str:
    lines = ["## Ethical considerations", ""]
    counts = facts.class_counts or {}
    if counts and min(counts.values()) > 0 and max(counts.values()) / min(counts.values()) >= IMBALANCE_RATIO:
        rare = min(counts, key=counts.get)
        lines.append(f"- Class imbalance: `{rare}` has {counts[rare]} training rows, "
                     f"{max(counts.values()) / counts[rare]:.1f}x fewer than the largest class; errors on it cost "
                     "more than accuracy shows (see balanced accuracy and its slice).")
    lines += [f"- The model does worse on `{s['slice']}` ({s['value']:.3f}); anyone affected by its decisions on "
              "such rows should know." for s in weak_slices(facts.evaluation)]
    lines.append("- No feature was marked as a protected attribute, and fairness across groups of people was not "
                 "measured: measure it before any use that affects people.")
    return "\n".join(lines)


def _how_to_use(facts: CardFacts) -> str:
    parity = "; ".join(f"{name}: max |diff| {p['max_abs_diff']:.2g} on {p['rows']} validation rows "
                       f"(tolerance {p['tolerance']:g} of the output scale, {'pass' if p['passed'] else 'FAIL'})"
                       for name, p in facts.parity.items())
    return "\n".join([
        "## How to use", "",
        "- `model.onnx` (ONNX Runtime) and `model.pt2` (`torch.export.load`, code-bearing: load only from a trusted "
        "source) take raw float32 rows (batch x features, columns as in `preprocessing.json`) and give "
        + ("logits per class." if facts.task == "classification" else "predictions in the data's units."),
        "- `preprocessing.json`: the column encodings and standardisation folded into both files, for serving "
        "code of its own.",
        f"- Parity with the checkpoint: {parity}.",
        "- Monitoring: `ml-expert check-drift BATCH --package DIR` (or the `check_drift` tool) compares a batch "
        "with `drift_reference.json` and exits non-zero on drift."])
