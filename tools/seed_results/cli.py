"""Command line: the table of stages and of paired differences."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __doc__ as usage
from .summary import HEADLINE, SpecError, paired_row, row, stage_metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="seed_results", description=usage.split("\n\n")[0])
    parser.add_argument("stages", nargs="*", help="STAGE@DIR: a stage of the seed files in docs/results/DIR")
    parser.add_argument("--pair", nargs=2, action="append", default=[], metavar=("A", "B"),
                        help="also print A − B, paired by seed (repeatable)")
    parser.add_argument("--split", choices=["test", "valid"], default="test")
    parser.add_argument("--metrics", nargs="+", default=HEADLINE)
    parser.add_argument("--results", type=Path, default=Path("docs/results"))
    args = parser.parse_args(argv)
    if not args.stages and not args.pair:
        parser.error("name at least one STAGE@DIR or --pair")
    try:
        data = {spec: stage_metrics(spec, args.results, args.split)
                for spec in args.stages + [s for pair in args.pair for s in pair]}
    except (SpecError, OSError, ValueError, KeyError) as error:
        print(f"seed_results: {error}", file=sys.stderr)
        return 1
    print(f"{args.split} split\n\n| stage | seeds | " + " | ".join(args.metrics) + " |")
    print("|---|---|" + "---|" * len(args.metrics))
    for spec in args.stages:
        print(row(spec, data[spec], args.metrics))
    for a, b in args.pair:
        print(paired_row(f"{a} − {b}", data[a], data[b], args.metrics))
    return 0
