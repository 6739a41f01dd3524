"""Label spaces: the 24 key classes, key relations (MIREX categories) and the instrument
classes with their General MIDI programs. Standard library only."""

from __future__ import annotations

# 24 key classes, index = pitch class of the tonic (C=0) for majors, 12 + pitch
# class for minors. One canonical spelling per class: the one with fewer
# accidentals in its key signature; ties (6 accidentals: F#/Gb major, D#/Eb minor)
# resolved to F# major and Eb minor.
MAJOR_NAMES = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
MINOR_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"]
MAJOR_ALIASES = ["B#", "C#", None, "D#", "Fb", "E#", "Gb", None, "G#", None, "A#", "Cb"]
MINOR_ALIASES = ["B#", "Db", None, "D#", "Fb", "E#", "Gb", None, "Ab", None, "A#", "Cb"]
KEY_CLASSES = [f"{n} major" for n in MAJOR_NAMES] + [f"{n} minor" for n in MINOR_NAMES]

# Relations of an estimated key to the reference label, MIREX categories. Every
# (label, estimate) pair has exactly one of them (see key_relation).
RELATIONS = ("same", "fifth_up", "fifth_down", "relative", "parallel", "other")
# MIREX weights: a fifth error scores 0.5 in either direction here (MIREX's "perfect fifth
# relationship"); mir_eval's default counts only the fifth above, see mirex_score(strict=True).
RELATION_WEIGHTS = {"same": 1.0, "fifth_up": 0.5, "fifth_down": 0.5, "relative": 0.3,
                    "parallel": 0.2, "other": 0.0}

# Instrument classes -> General MIDI programs (0-based) drawn from within the class.
INSTRUMENT_CLASSES = {
    "piano": [0, 1],            # Acoustic Grand, Bright Acoustic
    "harpsichord": [6],         # Harpsichord
    "organ": [19, 20],          # Church Organ, Reed Organ
    "guitar": [24, 25],         # Nylon, Steel
    "strings": [40, 41, 42, 48, 49],  # Violin, Viola, Cello, String Ens. 1/2
    "choir": [52, 53],          # Choir Aahs, Voice Oohs
    "trumpet": [56],            # Trumpet
    "horn": [60],               # French Horn
    "oboe": [68, 69],           # Oboe, English Horn
    "bassoon": [70],            # Bassoon
    "clarinet": [71],           # Clarinet
    "flute": [73, 74],          # Flute, Recorder
}
INSTRUMENT_NAMES = list(INSTRUMENT_CLASSES)
# number of distinct instrument classes in one rendering -> probability
N_CLASSES_DIST = [(1, 0.2), (2, 0.3), (3, 0.3), (4, 0.2)]

_NOTE_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def key_label(tonic_pc: int, mode: str) -> str:
    return f"{(MAJOR_NAMES if mode == 'major' else MINOR_NAMES)[tonic_pc % 12]} {mode}"


def key_index(label: str) -> int:
    return KEY_CLASSES.index(label)


def pitch_class(name: str) -> int:
    """Pitch class of a note name: C, C#, Db, Bb, B-, E## ... (music21 writes flats as '-')."""
    name = name.strip()
    pc = _NOTE_PC[name[0].upper()]
    for ch in name[1:]:
        if ch == "#":
            pc += 1
        elif ch in "b-":
            pc -= 1
        else:
            raise ValueError(f"bad note name {name!r}")
    return pc % 12


def normalize_key(text: str) -> str | None:
    """'Bb minor', 'A# min', 'f#' (lower case = minor), 'Eb:maj' ... -> canonical class or None."""
    t = text.strip().replace(":", " ")
    if not t:
        return None
    parts = t.split()
    tonic = parts[0]
    if len(parts) > 1:
        m = parts[1].lower()
        mode = "minor" if m.startswith("min") or m == "m" else "major" if m.startswith("maj") else None
    else:
        mode = "minor" if tonic[0].islower() else "major"
    if mode is None:
        return None
    try:
        return key_label(pitch_class(tonic), mode)
    except (KeyError, ValueError, IndexError):
        return None


def key_relation(label: str, est: str) -> str:
    """Relation of an estimated key to the reference label (both canonical classes), one of
    RELATIONS. Direction matters for fifths and each pair gets exactly one category:

    * same: identical key;
    * fifth_up / fifth_down: same mode, the estimate's tonic a perfect fifth above / below
      (C major -> G major is fifth_up, C major -> F major is fifth_down);
    * relative: other mode, the relative key (C major <-> A minor);
    * parallel: other mode, same tonic (C major <-> C minor);
    * other: everything else, including estimates outside the 24 classes."""
    if label not in KEY_CLASSES:
        raise ValueError(f"reference {label!r} is not a key class")
    if est == label:
        return "same"
    if est not in KEY_CLASSES:
        return "other"
    ri, ei = key_index(label), key_index(est)
    rpc, rmaj = ri % 12, ri < 12
    epc, emaj = ei % 12, ei < 12
    d = (epc - rpc) % 12
    if rmaj == emaj:
        if d == 7:
            return "fifth_up"
        if d == 5:
            return "fifth_down"
        return "other"
    if d == 0:
        return "parallel"
    if (rmaj and d == 9) or (not rmaj and d == 3):
        return "relative"
    return "other"


def relation_counts(pairs) -> dict:
    """{relation: count} over (label, estimate) pairs, each pair counted exactly once (all
    RELATIONS present, zeros included)."""
    counts = {r: 0 for r in RELATIONS}
    for label, est in pairs:
        counts[key_relation(label, est)] += 1
    return counts


def mirex_score(counts: dict, strict: bool = False) -> float:
    """MIREX weighted key score from relation counts: 1 same, 0.5 fifth, 0.3 relative,
    0.2 parallel, averaged over all pairs. strict=True gives 0.5 to the fifth above only
    (mir_eval's default)."""
    n = sum(counts.values())
    if n == 0:
        return 0.0
    w = dict(RELATION_WEIGHTS)
    if strict:
        w["fifth_down"] = 0.0
    return sum(w[r] * counts.get(r, 0) for r in RELATIONS) / n


def draw_instrumentation(rng, n_voices: int):
    r, acc = rng.random(), 0.0
    k = N_CLASSES_DIST[-1][0]
    for kk, p in N_CLASSES_DIST:
        acc += p
        if r < acc:
            k = kk
            break
    k = min(k, n_voices)
    classes = rng.sample(INSTRUMENT_NAMES, k)
    assign = classes + [rng.choice(classes) for _ in range(n_voices - k)]
    rng.shuffle(assign)
    programs = [rng.choice(INSTRUMENT_CLASSES[c]) for c in assign]
    return assign, programs
