"""Frame-level peers on the clips of one split of a manifest with `beats` and `chords` columns
(the demo data set's labeled_frames.csv): librosa's beat tracker and the chroma-template chord
recogniser, scored with mir_eval; writes each estimate as .beats/.lab files and a JSON of
per-clip and mean scores; prints a one-line summary.

    python -m frame_peers SPLIT --labels data/demo/labeled_frames.csv [--out FILE]
        [--estimates DIR] [--self-prob P] [--check-labels] [--limit N] [--no-clips]

The chord recogniser's self-transition probability is chosen on the manifest's valid split
(the best mean majmin score over chords.SELF_PROB_GRID) unless --self-prob gives it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from . import beats as beat_peer
from . import chords as chord_peer
from . import evaluation, labelcheck

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from demo_data.sidecars import format_beats, format_lab, read_beats, read_lab  # noqa: E402

SAMPLE_RATE = 22050


def load_rows(manifest: Path, split: str, limit: int | None):
    with open(manifest, newline="") as f:
        reader = csv.DictReader(f)
        missing = {"path", "beats", "chords"} - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{manifest}: no column(s) {', '.join(sorted(missing))} "
                             "(use the data set's labeled_frames.csv)")
        rows = [r for r in reader if split == "all" or r.get("split") == split]
    return rows[:limit] if limit else rows


def load_audio(path: Path):
    import librosa
    y, _sr = librosa.load(str(path), sr=SAMPLE_RATE, mono=True)
    return y


def choose_self_prob(manifest: Path, limit: int | None) -> dict:
    """The self-transition probability with the best mean majmin score on the valid split."""
    rows = load_rows(manifest, "valid", limit)
    if not rows:
        raise SystemExit(f"{manifest}: no valid clips to choose the self-transition probability on "
                         "(give --self-prob)")
    root = manifest.parent
    cached = []
    for r in rows:
        y = load_audio(root / r["path"])
        cached.append((chord_peer.emissions(y, SAMPLE_RATE), len(y) / SAMPLE_RATE,
                       read_lab(root / r["chords"])))
    scores = {}
    for p in chord_peer.SELF_PROB_GRID:
        vals = [evaluation.chord_scores(ref, chord_peer.decode(prob, p, SAMPLE_RATE, dur))["majmin"]
                for prob, dur, ref in cached]
        vals = [v for v in vals if v is not None]
        scores[p] = round(sum(vals) / len(vals), 4) if vals else 0.0
    best = max(scores, key=lambda p: (scores[p], -abs(p - 0.9)))
    return {"self_prob": best, "chosen_on": "valid", "valid_clips": len(rows),
            "valid_majmin_by_self_prob": {str(k): v for k, v in scores.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m frame_peers", description=__doc__.split("\n\n")[0])
    ap.add_argument("split", help="split of the manifest: train, valid, test, test_ood, or all")
    ap.add_argument("--labels", default="data/demo/labeled_frames.csv",
                    help="manifest with path, split, beats, chords columns (default: "
                         "data/demo/labeled_frames.csv)")
    ap.add_argument("--out", default=None, help="JSON file (default: runs/frame-peers/SPLIT.json)")
    ap.add_argument("--estimates", default=None,
                    help="folder for the estimates' .beats/.lab files (default: the JSON's folder/SPLIT)")
    ap.add_argument("--self-prob", type=float, default=None,
                    help="the chord HMM's self-transition probability (default: chosen on the valid split)")
    ap.add_argument("--check-labels", action="store_true",
                    help="also check the reference labels: beats on onsets, chord roots against keys")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clips (of each split read)")
    ap.add_argument("--no-clips", action="store_true", help="leave the per-clip list out of the JSON")
    args = ap.parse_args(argv)

    import librosa
    import mir_eval
    manifest = Path(args.labels)
    root = manifest.parent
    rows = load_rows(manifest, args.split, args.limit)
    if not rows:
        print(f"no clips of split {args.split!r} in {manifest}", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else Path("runs/frame-peers") / f"{args.split}.json"
    est_dir = Path(args.estimates) if args.estimates else out.parent / args.split
    t0 = time.time()
    if args.self_prob is not None:
        tuning = {"self_prob": args.self_prob, "chosen_on": "command line"}
    else:  # chosen on valid once per manifest version; kept beside the JSON for the other splits
        cache = out.parent / "self_prob.json"
        stamp = {"labels": str(manifest.resolve()), "mtime": manifest.stat().st_mtime, "limit": args.limit,
                 "grid": list(chord_peer.SELF_PROB_GRID), "settings": chord_peer.SETTINGS}
        try:
            tuning = json.loads(cache.read_text())
            if tuning.pop("stamp") != stamp:
                raise ValueError
        except Exception:
            tuning = choose_self_prob(manifest, args.limit)
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps({**tuning, "stamp": stamp}, indent=2) + "\n")
    p_self = tuning["self_prob"]
    clips = []
    for r in rows:
        y = load_audio(root / r["path"])
        dur = len(y) / SAMPLE_RATE
        ref_t, ref_pos = read_beats(root / r["beats"])
        ref_chords = read_lab(root / r["chords"])
        b = beat_peer.librosa_beats(y, SAMPLE_RATE)
        c = chord_peer.decode(chord_peer.emissions(y, SAMPLE_RATE), p_self, SAMPLE_RATE, dur)
        stem = Path(r["path"]).with_suffix("")
        (est_dir / stem).parent.mkdir(parents=True, exist_ok=True)
        (est_dir / stem).with_suffix(".beats").write_text(format_beats((t, 0) for t in b["beats"]))
        (est_dir / stem).with_suffix(".lab").write_text(format_lab(c))
        clip = {"path": r["path"], "split": r.get("split", ""), "key": r.get("key", ""),
                "reference_beats": len(ref_t), "reference_downbeats": sum(1 for p in ref_pos if p == 1),
                "tempo_estimate": round(b["tempo"], 2),
                "reference_tempo": round(60.0 / sorted(x - w for w, x in zip(ref_t, ref_t[1:]))[
                    (len(ref_t) - 1) // 2], 2) if len(ref_t) > 2 else None,
                "beats": evaluation.beat_scores(ref_t, b["beats"]),
                "chords": evaluation.chord_scores(ref_chords, c)}
        if args.check_labels:
            clip["label_check"] = {**labelcheck.beat_onset_check(y, SAMPLE_RATE, ref_t),
                                   **(labelcheck.chord_key_check(ref_chords, r["key"]) if r.get("key") else {})}
        clips.append(clip)
    result = {
        "split": args.split, "labels": str(manifest), "clips_n": len(clips),
        "seconds": round(time.time() - t0, 1),
        "librosa_version": librosa.__version__, "mir_eval_version": mir_eval.__version__,
        "beat_peer": {"name": "librosa.beat.beat_track", "settings": beat_peer.BEAT_TRACK_DEFAULTS,
                      "downbeats": False},
        "chord_peer": {"name": "chroma templates + HMM (librosa)", "settings": chord_peer.SETTINGS,
                       **tuning},
        "evaluation": "mir_eval: beat F-measure (+-70 ms), CMLt, AMLt, first 5 s trimmed "
                      "(mir_eval.beat.trim_beats); chord weighted overlap root, majmin, mirex "
                      "(mean over clips; *_weighted: over all chord time)",
        "beats": evaluation.summarize(clips, "beats", evaluation.BEAT_METRICS),
        "chords": evaluation.summarize(clips, "chords", evaluation.CHORD_METRICS),
    }
    if args.check_labels:
        checks = [c["label_check"] for c in clips]
        result["label_check"] = {
            k: round(sum(x[k] for x in checks if x.get(k) is not None)
                     / max(1, sum(1 for x in checks if x.get(k) is not None)), 4)
            for k in ("beat_offbeat_ratio", "best_lag_ms", "best_lag_clicks_ms", "root_diatonic", "root_diatonic_chance",
                      "tonic_triad")}
        result["label_check"]["abs_lag_ms_max"] = max((abs(x["best_lag_ms"]) for x in checks
                                                       if "best_lag_ms" in x), default=None)
    if not args.no_clips:
        result["clips"] = clips
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    bt, ch = result["beats"], result["chords"]
    print(f"frame peers {args.split}: {len(clips)} clips; librosa beat_track F {bt['F-measure']} "
          f"CMLt {bt['CMLt']} AMLt {bt['AMLt']}; chroma+HMM (p_self {p_self}) root {ch['root']} "
          f"majmin {ch['majmin']} mirex {ch['mirex']} -> {out}")
    return 0
