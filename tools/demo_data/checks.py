"""Checks and statistics: the split-leak check (standard library only), audio checks of the
rendered clips, key-analysis relation statistics."""

from __future__ import annotations

import math
from pathlib import Path

from .labels import KEY_CLASSES, mirex_score, relation_counts
from .sidecars import BEATS_SUFFIX, CHORDS_SUFFIX, POOL_FRAMES_DIR

# Every place a piece can land. A piece (identified by each of its work identities) may be in
# one of them only.
PLACES = ("train", "valid", "test", "test_ood", "pool")


def sidecar_paths(paths) -> list[str]:
    """The paths among paths (of unlabeled.csv) that are frame-label sidecars or lie in the
    pool's frame-truth folder: the pool's beats and chords are kept aside and must never be
    listed where training reads the pool."""
    return [p for p in paths if p.endswith((BEATS_SUFFIX, CHORDS_SUFFIX))
            or p.split("/", 1)[0] == POOL_FRAMES_DIR]


# A score that music21 cannot render (a malformed source item) is left out of the data set and
# listed in stats.json; the build still succeeds while such clips stay below this share of the
# labeled plan, so that one bad score among thousands does not stop a long experiment.
MAX_FAILED_LABELED_SHARE = 0.02


def build_status(failed_labeled: int, planned_labeled: int, undecodable_pool: int, audio_problems: int,
                 leaks: bool) -> tuple[int, str | None]:
    """The builder's exit status and its message: 2 for a split leak, 1 for audio problems in
    written files, undecodable pool files or more failed renders than MAX_FAILED_LABELED_SHARE
    of the plan, 0 otherwise (with a warning when some clips were left out)."""
    if leaks:
        return 2, "ERROR: split leak (see stats.json 'leaks'); the build fails"
    tolerated = failed_labeled <= MAX_FAILED_LABELED_SHARE * planned_labeled
    if audio_problems or undecodable_pool or not tolerated:
        return 1, "WARNING: some items failed or have problems; see stats.json"
    if failed_labeled:
        return 0, (f"WARNING: {failed_labeled} of {planned_labeled} labeled clips could not be rendered and are left "
                   "out (stats.json 'labeled_failed')")
    return 0, None


class LeakError(RuntimeError):
    """A piece appears in more than one of train / valid / test / test_ood / pool."""

    def __init__(self, leaks: dict):
        self.leaks = leaks
        shown = "; ".join(f"{k} in {', '.join(sorted(v))}" for k, v in sorted(leaks.items())[:10])
        more = f" (and {len(leaks) - 10} more)" if len(leaks) > 10 else ""
        super().__init__(f"split leak: {len(leaks)} work identities in more than one split: "
                         f"{shown}{more}")


def find_leaks(items) -> dict:
    """items: iterable of (place, identities) with place one of PLACES and identities an
    iterable of strings naming the source work (e.g. 'bwv:269', 'group:bwv:269',
    'work:haydn/opus74no1', 'tune:ryansMammoth/AcaciaReel.abc#1'). Returns {identity:
    {places}} for every identity found in more than one place."""
    where: dict[str, set] = {}
    for place, ids in items:
        if place not in PLACES:
            raise ValueError(f"unknown split {place!r} (expected one of {', '.join(PLACES)})")
        for i in ids:
            if i:
                where.setdefault(i, set()).add(place)
    return {k: v for k, v in where.items() if len(v) > 1}


def check_no_leaks(items) -> int:
    """Raise LeakError when a work identity appears in more than one place; returns the
    number of distinct identities checked otherwise."""
    items = list(items)
    leaks = find_leaks(items)
    if leaks:
        raise LeakError(leaks)
    return len({i for _p, ids in items for i in ids if i})


def check_clip(path: Path, expect_seconds: float | None):
    import numpy as np
    import soundfile as sf

    from .common import SAMPLE_RATE
    info = sf.info(str(path))
    problems = []
    if info.samplerate != SAMPLE_RATE:
        problems.append(f"samplerate {info.samplerate}")
    if info.channels != 1:
        problems.append(f"channels {info.channels}")
    if expect_seconds is not None and abs(info.duration - expect_seconds) > 1.0 / SAMPLE_RATE:
        problems.append(f"duration {info.duration:.3f}")
    x, _ = sf.read(str(path), dtype="float32")
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
    rms_db = 20 * math.log10(rms + 1e-12)
    if rms_db < -45:
        problems.append(f"rms {rms_db:.1f} dBFS")
    return info.duration, rms_db, problems


def analysis_stats(plans, meta, field: str = "label") -> dict:
    """Relation counts of music21's key analysis against the labels (each clip once)."""
    pairs = []
    for p in plans:
        ak = meta[p["rel"]].get("analyzed_key", "")
        pairs.append((p[field], ak if ak in KEY_CLASSES else "?"))
    counts = relation_counts(pairs)
    n = max(1, len(pairs))
    return {"counts": counts, "agreement": round(counts["same"] / n, 4),
            "mirex_score": round(mirex_score(counts), 4)}
