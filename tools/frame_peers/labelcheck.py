"""Listening-free checks of the reference labels of a clip:

* beats on onsets: the onset-strength envelope (librosa.onset.onset_strength) is read at the
  labelled beats and at points half a beat later (the off-beats); the ratio of the two means is
  well above 1 when the beats fall on the notes. The lag (within +-150 ms) at which the beats
  meet the most onset strength should be small and positive: the envelope peaks where a note's
  attack rises fastest, after its start. A click track at the same beats (librosa.clicks)
  calibrates the measure itself (best_lag_clicks_ms).
* chord roots and the key: the share of chord time (25-class reduction, N and X left out) whose
  root is a diatonic degree of the key label (major scale, or natural minor with the raised
  seventh; chance: 7/12 and 8/12, reported per clip), and whose chord is the key's tonic triad
  (chance: 1/24)."""

from __future__ import annotations

ONSET_HOP = 256
MAX_LAG_S = 0.15
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10, 11)  # natural minor with the leading tone (harmonic)


def beat_onset_check(y, sr: int, beat_times) -> dict:
    import librosa
    import numpy as np
    env = librosa.onset.onset_strength(y=y, sr=sr, hop_length=ONSET_HOP)
    frame_s = ONSET_HOP / sr
    beats = np.asarray([t for t in beat_times if t + 0.5 < len(y) / sr], dtype=float)
    if len(beats) < 3:
        return {}

    def at(times):
        idx = np.clip(np.round(times / frame_s).astype(int), 0, len(env) - 1)
        # the strongest onset within +-1 frame (frame rounding)
        return np.maximum.reduce([env[np.clip(idx + d, 0, len(env) - 1)] for d in (-1, 0, 1)])

    period = float(np.median(np.diff(beats)))
    on = float(at(beats).mean())
    off = float(at(beats + period / 2).mean())
    lags = np.arange(-int(MAX_LAG_S / frame_s), int(MAX_LAG_S / frame_s) + 1)
    best = max(lags, key=lambda k: float(at(beats + k * frame_s).mean()))
    clicks = librosa.clicks(times=beats, sr=sr, length=len(y))
    cenv = librosa.onset.onset_strength(y=clicks, sr=sr, hop_length=ONSET_HOP)
    cidx = lambda times: np.clip(np.round(times / frame_s).astype(int), 0, len(cenv) - 1)  # noqa: E731
    cbest = max(lags, key=lambda k: float(cenv[cidx(beats + k * frame_s)].mean()))
    return {"onset_at_beats": round(on, 3), "onset_at_offbeats": round(off, 3),
            "best_lag_clicks_ms": round(float(cbest) * frame_s * 1000, 1),
            "beat_offbeat_ratio": round(on / off, 3) if off > 0 else None,
            "best_lag_ms": round(float(best) * frame_s * 1000, 1)}


def chord_key_check(segments, key: str) -> dict:
    """segments: (start, end, label) of a clip; key: its key label ("F# minor")."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from demo_data.harmony import reduce_25, _root_pc
    from demo_data.labels import normalize_key
    k = normalize_key(key) or key
    tonic_name, mode = k.split()
    tonic = _root_pc(tonic_name)
    scale = {(tonic + d) % 12 for d in (MAJOR_SCALE if mode == "major" else MINOR_SCALE)}
    total = diatonic = tonic_time = 0.0
    for a, b, lab in segments:
        r = reduce_25(lab)
        if r in ("N", "X"):
            continue
        d = b - a
        root = _root_pc(r.split(":")[0])
        total += d
        diatonic += d if root in scale else 0.0
        tonic_time += d if root == tonic and r.endswith(":" + ("maj" if mode == "major" else "min")) else 0.0
    if total == 0:
        return {"chord_seconds": 0.0}
    return {"chord_seconds": round(total, 3), "root_diatonic": round(diatonic / total, 4),
            "root_diatonic_chance": round(len(scale) / 12, 4),
            "tonic_triad": round(tonic_time / total, 4)}
