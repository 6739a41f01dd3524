"""Chord labels of a render, per beat, from the score's sounding pitches (music21's chordify
and chord analysis), in Harte syntax (C:maj, A:min, G:7, B:dim, C:5, N, X), and their reduction
to the 25-class vocabulary (12 major, 12 minor, N).

Per beat: the sonority sounding at the beat (music21's chordify of the score). If it is a triad
or a seventh chord (TEMPLATES: the chords music21's Chord.isTriad / isSeventh accept, with their
root and quality as music21 names them; also seventh chords without their fifth), that gives the
label. Otherwise (a passing or suspended note, an incomplete chord) the beat's pitch classes
are weighed by how long they sound within the beat: the sonority without its weakest pitch
class, then the beat's three or four longest-sounding pitch classes (with the bass), are
tried. Two pitch classes a third apart give an incomplete triad (root and third), a fifth apart
``R:5``; one pitch class (a melody alone, an octave doubling) gives ``X`` (no harmony to read;
mir_eval leaves X out of its scores); silence gives ``N``. The labels follow the transposed score, so a transposition moves their roots."""

from __future__ import annotations

import functools

PITCH_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
# Qualities whose notes up to the fifth are a major / a minor triad: the labels mir_eval's majmin
# comparison (and MusicTasks.MajorMinorChords) puts in the 25-class vocabulary.
MAJ_FAMILY = {"maj", "7", "maj7", "maj6", "9", "maj9"}
MIN_FAMILY = {"min", "min7", "minmaj7", "min6", "min9"}
EPS = 1e-6


def chord_vocab_25() -> list[str]:
    """The 25 classes: C:maj ... B:maj, C:min ... B:min, N (index = pc, 12 + pc, 24)."""
    return [f"{p}:maj" for p in PITCH_NAMES] + [f"{p}:min" for p in PITCH_NAMES] + ["N"]


def _root_pc(root: str) -> int:
    names = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
    pc = names[root[0].upper()]
    for ch in root[1:]:
        pc += 1 if ch == "#" else -1 if ch == "b" else 0
    return pc % 12


def reduce_25(label: str) -> str:
    """A Harte label reduced to the 25-class vocabulary as mir_eval's majmin comparison and
    MusicTasks.MajorMinorChords reduce it: qualities whose triad is major (maj, 7, maj7, maj6)
    to R:maj, minor (min, min7, minmaj7, min6) to R:min, N to N; everything else (dim, hdim7,
    dim7, aug, R:5, sus, X) to X, outside the vocabulary (left out of majmin scores and of the
    chord targets). Roots are spelled as in chord_vocab_25; a bass (/3) is ignored (the labels
    made here have none)."""
    label = label.strip()
    if label in ("N", "X"):
        return label
    root, _, rest = label.partition(":")
    quality = rest.split("/")[0].split("(")[0] or "maj"
    pc = _root_pc(root)
    if quality in MAJ_FAMILY:
        return f"{PITCH_NAMES[pc]}:maj"
    if quality in MIN_FAMILY:
        return f"{PITCH_NAMES[pc]}:min"
    return "X"


def class_index_25(label: str) -> int | None:
    """Index of a label's 25-class reduction (0-11 major, 12-23 minor, 24 N); None for X."""
    r = reduce_25(label)
    if r == "X":
        return None
    return chord_vocab_25().index(r)


# Interval sets from the root (pitch classes) of the chords music21 calls triads and seventh
# chords (Chord.isTriad / isSeventh, quality, isDominantSeventh ...), with their Harte quality;
# tests/test_frames.py checks them against music21. Seventh chords without their fifth, common
# in four-part writing, are added.
TEMPLATES = {
    frozenset({0, 4, 7}): "maj", frozenset({0, 3, 7}): "min", frozenset({0, 3, 6}): "dim",
    frozenset({0, 4, 8}): "aug",
    frozenset({0, 4, 7, 10}): "7", frozenset({0, 4, 7, 11}): "maj7", frozenset({0, 3, 7, 10}): "min7",
    frozenset({0, 3, 6, 10}): "hdim7", frozenset({0, 3, 6, 9}): "dim7", frozenset({0, 3, 7, 11}): "minmaj7",
}
NO_FIFTH = {frozenset({0, 4, 10}): "7", frozenset({0, 4, 11}): "maj7", frozenset({0, 3, 10}): "min7"}


def label_pitches(midis) -> str | None:
    """Harte label of a set of sounding MIDI pitches when they form a triad or seventh chord
    (TEMPLATES, also without the seventh chord's fifth), or an incomplete triad of two pitch
    classes (a third: root and third, a fifth: R:5); None otherwise. The root of a symmetric
    chord (aug, dim7) is the bass where it can be, else the lowest pitch class."""
    midis = [int(m) for m in midis]
    if not midis:
        return None
    return _label_pcs(tuple(sorted({m % 12 for m in midis})), min(midis) % 12)


@functools.lru_cache(maxsize=4096)
def _label_pcs(pcs: tuple, bass: int) -> str | None:
    if len(pcs) < 2:
        return None
    if len(pcs) == 2:
        a, b = pcs
        for root, iv in ((a, (b - a) % 12), (b, (a - b) % 12)):
            if iv == 4:
                return f"{PITCH_NAMES[root]}:maj"
            if iv == 3:
                return f"{PITCH_NAMES[root]}:min"
            if iv == 7:
                return f"{PITCH_NAMES[root]}:5"
        return None
    found = []
    for table in (TEMPLATES, NO_FIFTH):
        for root in pcs:
            q = table.get(frozenset((pc - root) % 12 for pc in pcs))
            if q:
                found.append((root != bass, root, q))
        if found:
            _, root, q = min(found)
            return f"{PITCH_NAMES[root]}:{q}"
    return None


def beat_label(onset, weights: dict) -> str:
    """The label of one beat. onset: the MIDI pitches sounding at the beat; weights: {MIDI
    pitch: quarter lengths it sounds within the beat}."""
    if not weights and not onset:
        return "N"
    lab = label_pitches(onset) if onset else None
    if lab:
        return lab
    wpc = {}
    for m, w in weights.items():
        wpc[m % 12] = wpc.get(m % 12, 0.0) + w
    if onset and len({m % 12 for m in onset}) >= 4:  # drop the weakest pitch class at the onset
        weakest = min({m % 12 for m in onset}, key=lambda pc: (wpc.get(pc, 0.0), pc))
        lab = label_pitches([m for m in onset if m % 12 != weakest])
        if lab:
            return lab
    ranked = sorted(wpc, key=lambda pc: (-wpc[pc], pc))
    bass = {min(weights) % 12} if weights else set()
    for k in (4, 3):
        top = set(ranked[:k]) | (bass if k == 3 else set())
        lab = label_pitches([48 + pc for pc in top])
        if lab:
            return lab
    if len(ranked) >= 2:
        lab = label_pitches([48 + pc for pc in ranked[:2]])
        if lab:
            return lab
    return "X"


def chord_events(score) -> list[tuple[float, float, tuple[int, ...]]]:
    """(offset, end, MIDI pitches) of each sonority of the score: the notes sounding between two
    successive note starts or ends (what music21's chordify gives, without building its
    stream)."""
    notes = []
    for n in score.flatten().notes:
        ql = float(n.duration.quarterLength)
        if ql <= 0:
            continue
        off = float(n.offset)
        for p in n.pitches:
            notes.append((off, off + ql, int(p.midi)))
    return sweep_sonorities(notes)


def sweep_sonorities(notes) -> list[tuple[float, float, tuple[int, ...]]]:
    """notes: (start, end, MIDI pitch); the sonorities between successive boundaries where at
    least one note sounds."""
    bounds = sorted({round(x, 6) for a, b, _m in notes for x in (a, b)})
    starts = sorted(notes)
    out, active, i = [], [], 0
    for lo, hi in zip(bounds, bounds[1:]):
        active = [x for x in active if x[1] > lo + EPS]
        while i < len(starts) and starts[i][0] <= lo + EPS:
            if starts[i][1] > lo + EPS:
                active.append(starts[i])
            i += 1
        if active:
            out.append((lo, hi, tuple(sorted(m for _a, _b, m in active))))
    return out


def window_label(events, a: float, b: float) -> str:
    """The label of the window [a, b) of the score (a beat)."""
    onset, weights = [], {}
    for off, end, pitches in events:
        if end <= a + EPS or off >= b - EPS:
            continue
        if off <= a + EPS < end:
            onset = list(pitches)
        w = min(end, b) - max(off, a)
        for m in pitches:
            weights[m] = weights.get(m, 0.0) + w
    return beat_label(onset, weights)


def score_segments(events, grid, end_ql: float) -> list[tuple[float, float, str]]:
    """Chord segments in score time: one label per beat of the grid (from the beat to the next
    beat, the last one to end_ql), equal neighbours merged. Before the first beat: N."""
    segs = []
    qs = [q for q, _pos in grid if q < end_ql - EPS]
    for i, q in enumerate(qs):
        nxt = qs[i + 1] if i + 1 < len(qs) else end_ql
        lab = window_label(events, q, nxt)
        if segs and segs[-1][2] == lab and abs(segs[-1][1] - q) < EPS:
            segs[-1] = (segs[-1][0], nxt, lab)
        else:
            segs.append((q, nxt, lab))
    return segs


def audio_segments(segs, bpm: float, lead_s: float, source_s: float, clip_s: float,
                   copy_starts) -> list[tuple[float, float, str]]:
    """Score segments in the clip's time, once per copy of the loop (rhythm.copies), clipped to
    each copy's audio and the clip; the rest (silence, loop gaps, release tails) is N. The
    segments cover [0, clip_s) without gaps."""
    sec = 60.0 / bpm
    out = []

    def add(a, b, lab):
        a, b = max(a, 0.0), min(b, clip_s)
        if b - a <= EPS:
            return
        if out and out[-1][1] < a - EPS:
            add_raw(out[-1][1], a, "N")
        add_raw(a, b, lab)

    def add_raw(a, b, lab):
        if out and out[-1][2] == lab and abs(out[-1][1] - a) < EPS:
            out[-1] = (out[-1][0], b, lab)
        else:
            out.append((a, b, lab))

    for start in copy_starts:
        stop = start + source_s
        for qa, qb, lab in segs:
            a, b = start + qa * sec - lead_s, start + qb * sec - lead_s
            if a < start:
                a = start
            add(a, min(b, stop), lab)
    if not out:
        return [(0.0, clip_s, "N")]
    if out[0][0] > EPS:
        out.insert(0, (0.0, out[0][0], "N"))
    if out[-1][1] < clip_s - EPS:
        add_raw(out[-1][1], clip_s, "N")
    return out
