"""Beats and downbeats of a render: the score's beat grid (from its measures and time
signatures, pickup bars included) mapped to the render's audio time (its tempo, the leading
silence the renderer trims, and the loop of the labeled clips).

The grid's functions take plain tuples (no music21), so that they can be tested alone;
score_bars reads them from a music21 score."""

from __future__ import annotations

EPS = 1e-6
START_TOLERANCE = 0.05  # seconds: a beat this little before the trimmed start sounds at 0


def beat_offsets(beat_count: int, beat_ql: float, bar_ql: float, sequence=None) -> list[float]:
    """Offsets of a bar's beats from the bar's (full) start in quarter lengths: the time
    signature's beat sequence where given (irregular meters such as 5/8), else beat_count
    beats of beat_ql."""
    if sequence:
        out, acc = [], 0.0
        for d in sequence:
            out.append(acc)
            acc += d
        if abs(acc - bar_ql) < EPS:
            return out
    return [k * beat_ql for k in range(beat_count)]


def beat_grid(bars, end_ql: float | None = None) -> list[tuple[float, int]]:
    """The beats of a score as (offset in quarter lengths, position in the bar; 1 = downbeat).

    bars: (offset, length, padding_left, beat offsets within a full bar) per measure in score
    order; padding_left is the part of the bar missing at its start (a pickup bar: a 1-beat
    anacrusis in 4/4 has length 1 and padding_left 3, so its one beat is beat 4). A bar shorter
    than its time signature without padding_left (the closing bar of a piece with a pickup) keeps
    its first beats. Beats at or after end_ql (where the music stops) are left out."""
    out = []
    for off, length, pad, offsets in bars:
        for k, b in enumerate(offsets):
            q = off - pad + b
            if q < off - EPS or q >= off + length - EPS:
                continue
            if end_ql is not None and q >= end_ql - EPS:
                continue
            if out and q <= out[-1][0] + EPS:  # overlapping bars in a faulty encoding
                continue
            out.append((round(q, 6), k + 1))
    return out


def score_bars(score) -> list[tuple[float, float, float, list[float]]]:
    """(offset, length, padding_left, beat offsets) of each measure of the score's top part,
    with the time signature in force (music21's beat definition: 4/4 four quarter beats, 3/4
    three, 6/8 two dotted quarters, 2/2 two halves, 3/8 one dotted quarter)."""
    from music21 import meter
    parts = list(score.parts) if score.parts else [score]
    ms = list(parts[0].getElementsByClass("Measure"))
    if not ms:
        return []
    ts = None
    rows = []
    for i, m in enumerate(ms):
        if m.timeSignature is not None:
            ts = m.timeSignature
        if ts is None:
            found = m.getContextByClass(meter.TimeSignature)
            ts = found if found is not None else meter.TimeSignature("4/4")
        bar_ql = float(ts.barDuration.quarterLength)
        nxt = float(ms[i + 1].offset) if i + 1 < len(ms) else None
        length = (nxt - float(m.offset)) if nxt is not None else float(m.duration.quarterLength)
        pad = float(m.paddingLeft or 0.0)
        if i == 0 and pad == 0.0 and length < bar_ql - EPS and m.paddingRight == 0:
            pad = bar_ql - length  # a pickup bar that the encoding did not mark
        try:
            seq = [float(x.duration.quarterLength) for x in ts.beatSequence]
        except Exception:
            seq = None
        rows.append((float(m.offset), length, pad,
                     beat_offsets(int(ts.beatCount), float(ts.beatDuration.quarterLength), bar_ql, seq)))
    return rows


def sounding_span(score) -> tuple[float, float]:
    """(first note onset, end of the last note) in quarter lengths."""
    notes = list(score.flatten().notes)
    if not notes:
        return 0.0, 0.0
    return (min(float(n.offset) for n in notes),
            max(float(n.offset + n.duration.quarterLength) for n in notes))


def copies(source_s: float, clip_s: float, loop_gap_s: float | None):
    """Start times (in the clip) of each copy of the rendered piece: one copy, or the loop of
    the labeled clips (the trimmed render, loop_gap_s of silence, the render again ...)."""
    if loop_gap_s is None:
        return [0.0]
    period = source_s + loop_gap_s
    out, t = [], 0.0
    while t < clip_s - EPS:
        out.append(t)
        t += period
    return out


def audio_beats(grid, bpm: float, lead_s: float, source_s: float, clip_s: float,
                loop_gap_s: float | None = None) -> list[tuple[float, int]]:
    """The grid's beats in the clip's time: score offset q sounds at q * 60 / bpm seconds in
    the render (quarter-note tempo), minus lead_s, the leading silence that the renderer trims;
    every copy of the loop (copies) repeats them. Beats outside [0, clip_s) or past the
    copy's audio (source_s) are left out."""
    sec = 60.0 / bpm
    out = []
    for start in copies(source_s, clip_s, loop_gap_s):
        for q, pos in grid:
            t = q * sec - lead_s
            if t < -START_TOLERANCE or t >= source_s - EPS:
                continue
            t = start + max(t, 0.0)
            if t >= clip_s - EPS:
                break
            out.append((t, pos))
    return out
