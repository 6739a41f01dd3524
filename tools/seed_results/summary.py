"""Reading committed seed files and summarising a stage's metrics over seeds."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

HEADLINE = ["key/weighted_score", "instruments/pr_auc_macro", "instruments/roc_auc_macro",
            "ood/key/weighted_score", "ood/instruments/pr_auc_macro", "ood/instruments/roc_auc_macro"]


class SpecError(ValueError):
    pass


def stage_metrics(spec: str, results: Path, split: str = "test") -> dict[int, dict[str, float]]:
    """Seed → metrics of STAGE@DIR (DIR under `results`, or a path that exists)."""
    stage, sep, directory = spec.partition("@")
    if not sep or not stage or not directory:
        raise SpecError(f"{spec!r}: expected STAGE@DIR, e.g. round1-student@experiment-pool3h")
    folder = Path(directory) if Path(directory).is_dir() else results / directory
    files = sorted(folder.glob("seed-*.json"))
    if not files:
        raise SpecError(f"{spec!r}: no seed-*.json in {folder}")
    key = "testMetrics" if split == "test" else "validMetrics"
    out: dict[int, dict[str, float]] = {}
    for file in files:
        record = json.loads(file.read_text(encoding="utf-8"))
        for s in record["stages"]:
            if s["name"] == stage and s.get(key):
                out[int(record["seed"])] = s[key]
    if not out:
        raise SpecError(f"{spec!r}: no stage {stage} with {key} in {folder}")
    return out


def mean_sd(values: list[float]) -> str:
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def row(label: str, seeds: dict[int, dict[str, float]], metrics: list[str]) -> str:
    cells = [mean_sd([seeds[s][m] for s in sorted(seeds) if m in seeds[s]]) for m in metrics]
    return f"| {label} | {', '.join(map(str, sorted(seeds)))} | " + " | ".join(cells) + " |"


def paired_row(label: str, a: dict[int, dict[str, float]], b: dict[int, dict[str, float]], metrics: list[str]) -> str:
    both = sorted(set(a) & set(b))
    cells = []
    for m in metrics:
        diffs = [a[s][m] - b[s][m] for s in both if m in a[s] and m in b[s]]
        cells.append(mean_sd(diffs) + (" (" + ", ".join(f"{d:+.3f}" for d in diffs) + ")" if diffs else ""))
    return f"| {label} | {', '.join(map(str, both))} | " + " | ".join(cells) + " |"
