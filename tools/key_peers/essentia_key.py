"""Essentia's KeyExtractor on the clips of one split of labeled.csv; prints JSON: per-clip
estimates, accuracy and the MIREX weighted score (1 same, 0.5 fifth, 0.3 relative,
0.2 parallel), overall and per source / style (from labeled_meta.csv beside labeled.csv when
it is there).

    python -m key_peers SPLIT --labels data/demo/labeled.csv [--profile bgate] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

# the key classes and relations are the data builder's (tools/demo_data/labels.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from demo_data.labels import KEY_CLASSES, RELATIONS, key_relation, mirex_score, normalize_key  # noqa: E402


def summarize(rows) -> dict:
    counts = {r: 0 for r in RELATIONS}
    for r in rows:
        counts[r["relation"]] += 1
    n = len(rows)
    return {"n": n, "accuracy": round(counts["same"] / n, 4) if n else None,
            "mirex_weighted": round(mirex_score(counts), 4) if n else None,
            "mirex_weighted_fifth_up_only": round(mirex_score(counts, strict=True), 4) if n else None,
            "relations": counts}


def estimate(paths, profile: str, sample_rate: int, jobs: int):
    import essentia
    essentia.log.infoActive = False
    essentia.log.warningActive = False
    import essentia.standard as es
    ke = es.KeyExtractor(profileType=profile, sampleRate=sample_rate)
    out = []
    for p in paths:
        audio = es.MonoLoader(filename=str(p), sampleRate=sample_rate)()
        key, scale, strength = ke(audio)
        out.append((key, scale, float(strength)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m key_peers", description=__doc__.split("\n\n")[0])
    ap.add_argument("split", help="split of labeled.csv: train, valid, test, test_ood, or all")
    ap.add_argument("--labels", default="data/demo/labeled.csv", help="labeled.csv (default: data/demo/labeled.csv)")
    ap.add_argument("--profile", default="bgate",
                    help="KeyExtractor profileType (default: bgate, Essentia's default; e.g. "
                         "temperley, krumhansl, edma, shaath)")
    ap.add_argument("--sample-rate", type=int, default=22050, help="clip sample rate (default: 22050)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clips")
    ap.add_argument("--out", default=None, help="also write the JSON to this file")
    ap.add_argument("--no-clips", action="store_true", help="leave the per-clip list out of the JSON")
    args = ap.parse_args(argv)

    labels = Path(args.labels)
    root = labels.parent
    with open(labels, newline="") as f:
        rows = [r for r in csv.DictReader(f) if args.split == "all" or r["split"] == args.split]
    if args.limit:
        rows = rows[: args.limit]
    if not rows:
        print(f"no clips of split {args.split!r} in {labels}", file=sys.stderr)
        return 1
    meta = {}
    meta_path = root / "labeled_meta.csv"
    if meta_path.is_file():
        with open(meta_path, newline="") as f:
            meta = {r["path"]: r for r in csv.DictReader(f)}
    t0 = time.time()
    ests = estimate([root / r["path"] for r in rows], args.profile, args.sample_rate, 1)
    clips = []
    for r, (k, scale, strength) in zip(rows, ests):
        est = normalize_key(f"{k} {scale}") or f"{k} {scale}"
        m = meta.get(r["path"], {})
        clips.append({"path": r["path"], "split": r["split"], "key": r["key"], "estimate": est,
                      "strength": round(strength, 3), "relation": key_relation(r["key"], est),
                      "source": m.get("source", ""), "style": m.get("style", ""),
                      "soundfont": m.get("soundfont", "")})
    groups = {}
    for c in clips:
        for field in ("split", "style", "source", "soundfont"):
            if c[field]:
                groups.setdefault(f"{field}={c[field]}", []).append(c)
    result = {"peer": "essentia KeyExtractor", "profile": args.profile, "split": args.split,
              "labels": str(labels), "seconds": round(time.time() - t0, 1),
              "overall": summarize(clips),
              "by_group": {k: summarize(v) for k, v in sorted(groups.items())}}
    try:
        import essentia
        result["essentia_version"] = essentia.__version__
    except Exception:
        pass
    if not args.no_clips:
        result["clips"] = clips
    text = json.dumps(result, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
