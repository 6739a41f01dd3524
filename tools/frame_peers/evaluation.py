"""Scores with mir_eval: beats (F-measure at +-70 ms, CMLt, AMLt, downbeat F-measure where a
peer gives downbeats) and chords (weighted overlap: root, majmin, mirex), per clip and summed up
per split."""

from __future__ import annotations

BEAT_METRICS = ("F-measure", "CMLt", "AMLt")
CHORD_METRICS = ("root", "majmin", "mirex")


def beat_scores(ref_times, est_times, ref_downbeats=None, est_downbeats=None) -> dict:
    """mir_eval.beat scores of est_times against ref_times. Both are trimmed of the first 5 s
    (mir_eval.beat.trim_beats, the MIREX convention mir_eval.beat.evaluate applies): the
    trackers settle in. Downbeat F-measure (the F-measure on the bar starts, same trimming)
    only where the estimate has downbeats."""
    import mir_eval
    import numpy as np
    ref = mir_eval.beat.trim_beats(np.asarray(ref_times, dtype=float))
    est = mir_eval.beat.trim_beats(np.asarray(est_times, dtype=float))
    out = {"F-measure": float(mir_eval.beat.f_measure(ref, est))}
    _cmlc, cmlt, _amlc, amlt = mir_eval.beat.continuity(ref, est)
    out["CMLt"], out["AMLt"] = float(cmlt), float(amlt)
    if ref_downbeats is not None and est_downbeats is not None:
        rd = mir_eval.beat.trim_beats(np.asarray(ref_downbeats, dtype=float))
        ed = mir_eval.beat.trim_beats(np.asarray(est_downbeats, dtype=float))
        out["downbeat F-measure"] = float(mir_eval.beat.f_measure(rd, ed))
    return {k: round(v, 4) for k, v in out.items()}


def chord_scores(ref_segments, est_segments) -> dict:
    """mir_eval.chord weighted overlap scores (root, majmin, mirex) of est_segments against
    ref_segments, with the duration that each score counts (references outside a rule's
    vocabulary, and X, are left out of it by mir_eval), so that scores can be summed over clips
    weighted by duration."""
    import mir_eval
    import numpy as np
    ref_iv = np.array([[a, b] for a, b, _ in ref_segments], dtype=float)
    est_iv = np.array([[a, b] for a, b, _ in est_segments], dtype=float)
    ref_lab = [lab for *_ab, lab in ref_segments]
    est_lab = [lab for *_ab, lab in est_segments]
    est_iv, est_lab = mir_eval.util.adjust_intervals(est_iv, est_lab, ref_iv.min(), ref_iv.max(),
                                                     mir_eval.chord.NO_CHORD, mir_eval.chord.NO_CHORD)
    iv, r, e = mir_eval.util.merge_labeled_intervals(ref_iv, ref_lab, est_iv, est_lab)
    dur = mir_eval.util.intervals_to_durations(iv)
    out = {}
    for name in CHORD_METRICS:
        comp = getattr(mir_eval.chord, name)(r, e)
        counted = float(dur[comp >= 0].sum())
        score = mir_eval.chord.weighted_accuracy(comp, dur) if counted > 0 else None
        out[name] = None if score is None else round(float(score), 4)
        out[name + "_seconds"] = round(counted, 3)
    return out


def summarize(clips: list[dict], key: str, metrics) -> dict:
    """Mean over clips of each metric (clips where it is defined) and, for chords, the
    duration-weighted score over all clips."""
    out = {}
    for m in metrics:
        vals = [c[key][m] for c in clips if c.get(key) and c[key].get(m) is not None]
        out[m] = round(sum(vals) / len(vals), 4) if vals else None
        secs = [c[key].get(m + "_seconds") for c in clips if c.get(key)]
        if secs and all(s is not None for s in secs):
            total = sum(secs)
            out[m + "_weighted"] = round(sum(c[key][m] * c[key][m + "_seconds"] for c in clips
                                             if c[key][m] is not None) / total, 4) if total else None
    out["n"] = sum(1 for c in clips if c.get(key))
    return out
