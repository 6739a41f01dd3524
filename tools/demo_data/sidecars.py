"""Beat and chord sidecar files: where they go and their formats.

* NAME.beats: one line per beat, ``time<TAB>position`` (seconds with 4 decimals; position in
  the bar, 1 = downbeat), the format of madmom and Böck's beat/downbeat annotations;
* NAME.lab: ``start<TAB>end<TAB>label`` (seconds, Harte chord label), the Isophonics format that
  mir_eval.io.load_labeled_intervals reads.

A labeled clip's sidecars lie beside its audio (labeled/SPLIT/x.flac -> labeled/SPLIT/x.beats,
x.lab). A pool render's lie in their own folder, POOL_FRAMES_DIR (pool/renders/STYLE/x.flac ->
pool_frame_truth/renders/STYLE/x.beats), listed by pool_frame_truth.csv only, so that nothing
that reads the pool (unlabeled.csv, the pool/ folder) meets them."""

from __future__ import annotations

from pathlib import PurePosixPath

from .common import atomic_write_text

POOL_FRAMES_DIR = "pool_frame_truth"
BEATS_SUFFIX = ".beats"
CHORDS_SUFFIX = ".lab"


def sidecar_rels(rel: str) -> tuple[str, str]:
    """(beats, chords) paths, relative to the data set's root, of the clip at rel."""
    p = PurePosixPath(rel)
    if p.parts and p.parts[0] == "pool":
        p = PurePosixPath(POOL_FRAMES_DIR, *p.parts[1:])
    stem = str(p.with_suffix(""))
    return stem + BEATS_SUFFIX, stem + CHORDS_SUFFIX


def format_beats(beats) -> str:
    return "".join(f"{t:.4f}\t{int(pos)}\n" for t, pos in beats)


def format_lab(segments) -> str:
    return "".join(f"{a:.4f}\t{b:.4f}\t{lab}\n" for a, b, lab in segments)


def write_beats(path, beats) -> None:
    atomic_write_text(path, format_beats(beats))


def write_lab(path, segments) -> None:
    atomic_write_text(path, format_lab(segments))


def read_beats(path) -> tuple[list[float], list[int]]:
    """(times, positions) of a .beats file (a file with one column gives positions 0)."""
    times, pos = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if not cols or cols[0].startswith("#"):
                continue
            times.append(float(cols[0]))
            pos.append(int(float(cols[1])) if len(cols) > 1 else 0)
    return times, pos


def read_lab(path) -> list[tuple[float, float, str]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split(None, 2)
            if len(cols) == 3:
                out.append((float(cols[0]), float(cols[1]), cols[2].strip()))
    return out
