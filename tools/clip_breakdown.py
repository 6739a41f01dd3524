"""Per-group test scores from committed seed results (docs/results/<experiment>/seed-<n>.json).

Each evaluated stage keeps every clip's score (`clipScores`: metric -> clip path -> score). This
groups the clips of one metric by the corpus their file name starts with (the part before "__",
e.g. essenFolksong, beethoven) and prints, per stage and group, the mean over clips, as mean ± sd
over seeds, and the paired difference of two stages. Standard library only.

    python3 tools/clip_breakdown.py docs/results/experiment-pool3h-ood120x4-teacher24 \
        --metric ood/key/weighted_score --group folk=essenFolksong,ryansMammoth \
        --pair round1-student:round1-control
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
    ap.add_argument("directory", type=Path)
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
    seeds = load(args.directory)
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
        print(f"no clip scores for {args.metric} in {args.directory}", file=sys.stderr)
        return 1
    names = [g for g in list(groups) + ["other", "all"] if g in counts]
    print(f"{args.metric}, mean over clips, mean ± sd over seeds ({len(seeds)} seeds)")
    print(f"{'stage':34}" + "".join(f"{f'{g} ({counts[g]})':>18}" for g in names))
    for name in stages:
        if name in table:
            print(f"{name:34}" + "".join(f"{spread([m for _, m in table[name].get(g, [])]):>18}" for g in names))
    for pair in args.pair:
        stage, _, baseline = pair.partition(":")
        cells = []
        for g in names:
            a = dict(table.get(stage, {}).get(g, []))
            b = dict(table.get(baseline, {}).get(g, []))
            diffs = [a[s] - b[s] for s in a if s in b]
            cells.append(spread(diffs, signed=True))
        print(f"{stage + ' − ' + baseline:34}" + "".join(f"{c:>18}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
