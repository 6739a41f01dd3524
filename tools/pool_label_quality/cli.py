"""Command line: tables per labelling stage, by soundfont and by style, mean ± sd over runs."""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from . import __doc__ as usage
from .scores import per_class, scores
from .truth import Truth, stage_labels


def summary(values: list[float]) -> str:
    values = [v for v in values if v == v]
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def table(title: str, rows: dict[str, list[dict[str, float]]], columns: list[str]) -> None:
    print(f"\n{title}\n| group | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns))
    for group, seeds in rows.items():
        cells = []
        for column in columns:
            values = [s[column] for s in seeds if column in s]
            cells.append(f"{statistics.mean(values):.0f}" if column in ("segments", "with key", "kept") and values else summary(values))
        print(f"| {group} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=usage.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the data folder (catalog.sqlite, classes.json, pool_manifest.csv, pool_truth.csv)")
    parser.add_argument("runs", type=Path, nargs="+", help="pipeline run directories (each with pipeline.json), one per seed")
    parser.add_argument("--key-threshold", type=float, metavar="P",
                        help="also score the key labels whose top probability is at least P (the pipeline's task threshold)")
    args = parser.parse_args(argv)
    try:
        truth = Truth(args.data)
        catalog = sqlite3.connect(f"file:{args.data / 'catalog.sqlite'}?mode=ro", uri=True)
        stages: dict[str, list[list]] = defaultdict(list)
        for run in args.runs:
            record = json.loads((run / "pipeline.json").read_text())
            for stage in record["stages"]:
                if stage.get("kind") == "pseudoLabels" or stage["name"].endswith("pseudo-labels"):
                    stages[stage["name"]].append(stage_labels(catalog, stage["runId"], truth))
    except (OSError, KeyError, ValueError, sqlite3.Error) as error:
        print(f"pool_label_quality: {error}", file=sys.stderr)
        return 1
    if not stages:
        print("pool_label_quality: no labelling stage in the runs given", file=sys.stderr)
        return 1
    columns = ["segments", "with key", "key accuracy", "key weighted"]
    if args.key_threshold is not None:
        columns += ["kept", "kept accuracy", "kept weighted"]
    columns += ["inst ROC-AUC", "inst PR-AUC"]
    for name, seeds in stages.items():
        print(f"\n## {name} ({len(seeds)} runs)")
        for field in ("soundfont", "style"):
            groups = sorted({r[field] for seed in seeds for r, _, _ in seed})
            rows = {"all renders": [scores(seed, truth, args.key_threshold) for seed in seeds]}
            rows.update({g: [scores([e for e in seed if e[0][field] == g], truth, args.key_threshold) for seed in seeds]
                         for g in groups})
            table(f"by {field}", rows, columns)
        classes = [per_class(seed, truth) for seed in seeds]
        print("\ninstruments per class (all renders)\n| class | ROC-AUC | share sure (p < 0.2 or > 0.8) | sure and right |\n|---|---|---|---|")
        for name_ in truth.instruments:
            got = [c[name_] for c in classes if name_ in c]
            if got:
                print(f"| {name_} | " + " | ".join(summary([g[k] for g in got]) for k in ("ROC-AUC", "sure", "sure right")) + " |")
    return 0
