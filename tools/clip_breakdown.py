"""Per-group test scores from committed seed results (docs/results/<experiment>/seed-<n>.json).

Each evaluated stage keeps every clip's score (`clipScores`: metric -> clip path -> score). This
groups the clips of one metric by the corpus their file name starts with (the part before "__",
e.g. essenFolksong, beethoven) and prints, per stage and group, the mean over clips, as mean ± sd
over seeds, and the paired difference of two stages. Standard library only.

    python3 tools/clip_breakdown.py docs/results/experiment-pool3h-ood120x4-teacher24 \
        --metric ood/key/weighted_score --group folk=essenFolksong,ryansMammoth \
        --pair round1-student:round1-control

Several result directories (each LABEL=DIR, or DIR labelled by its name) compare stages across
experiments on the same test split, paired by seed; their stages are then named STAGE@LABEL:

    python3 tools/clip_breakdown.py base=docs/results/experiment-pool3h-ood120x4-teacher24-key07 \
        scratch=docs/results/experiment-pool3h-ood120x4-teacher24-key07-scratch \
        --pair round1-student@scratch:round1-control@base
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path


def corpus(path: str) -> str:
    return Path(path).name.split("__", 1)[0]


def group_of(path: str, groups: dict[str, set[str]]) -> str:
    c = corpus(path)
    for name, corpora in groups.items():
        if c in corpora:
            return name
    return "other"


def load(directory: Path) -> dict[int, dict[str, dict]]:
    """seed -> stage name -> stage record."""
    seeds = {}
    for f in sorted(directory.glob("seed-*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        seeds[int(data["seed"])] = {s["name"]: s for s in data["stages"]}
    if not seeds:
        raise SystemExit(f"{directory}: no seed-*.json files")
    return seeds


def group_means(record: dict, metric: str, groups: dict[str, set[str]]) -> dict[str, tuple[float, int]]:
    scores = (record.get("clipScores") or {}).get(metric)
    if not scores:
        return {}
    by = {}
    for path, score in scores.items():
        by.setdefault(group_of(path, groups), []).append(score)
    by["all"] = list(scores.values())
    return {g: (sum(v) / len(v), len(v)) for g, v in by.items()}


def spread(values: list[float], signed: bool = False) -> str:
    if not values:
        return "—"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):{'+' if signed else ''}.3f} ± {sd:.3f}"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directories", nargs="+", metavar="[LABEL=]DIR")
    ap.add_argument("--metric", default="ood/key/weighted_score")
    ap.add_argument("--group", action="append", default=[], metavar="NAME=CORPUS,CORPUS",
                    help="a group of corpora (file-name prefixes); the rest are 'other'")
    ap.add_argument("--pair", action="append", default=[], metavar="STAGE:BASELINE",
                    help="print STAGE − BASELINE per group, paired seed by seed")
    args = ap.parse_args(argv)
    groups = {}
    for g in args.group:
        name, _, corpora = g.partition("=")
        groups[name] = set(corpora.split(","))
    seeds: dict[int, dict[str, dict]] = {}
    for spec in args.directories:
        label, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        directory = Path(path)
        label = label or directory.name
        for seed, records in load(directory).items():
            for name, record in records.items():
                key = f"{name}@{label}" if len(args.directories) > 1 else name
                seeds.setdefault(seed, {})[key] = record
    stages = []
    for records in seeds.values():
        stages += [n for n in records if n not in stages]
    table = {}  # stage -> group -> [per-seed mean]
    counts = {}
    for seed, records in sorted(seeds.items()):
        for name in stages:
            for g, (m, n) in group_means(records.get(name, {}), args.metric, groups).items():
                table.setdefault(name, {}).setdefault(g, []).append((seed, m))
                counts[g] = n
    if not table:
        print(f"no clip scores for {args.metric} in {' '.join(args.directories)}", file=sys.stderr)
        return 1
    names = [g for g in list(groups) + ["other", "all"] if g in counts]
    print(f"{args.metric}, mean over clips, mean ± sd over seeds ({len(seeds)} seeds)")
    width = max([34] + [len(n) + 2 for n in stages] + [len(p.replace(":", " − ")) + 2 for p in args.pair])
    print(f"{'stage':{width}}" + "".join(f"{f'{g} ({counts[g]})':>18}" for g in names))
    for name in stages:
        if name in table:
            print(f"{name:{width}}" + "".join(f"{spread([m for _, m in table[name].get(g, [])]):>18}" for g in names))
    for pair in args.pair:
        stage, _, baseline = pair.partition(":")
        cells = []
        for g in names:
            a = dict(table.get(stage, {}).get(g, []))
            b = dict(table.get(baseline, {}).get(g, []))
            diffs = [a[s] - b[s] for s in a if s in b]
            cells.append(spread(diffs, signed=True))
        print(f"{stage + ' − ' + baseline:{width}}" + "".join(f"{c:>18}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
