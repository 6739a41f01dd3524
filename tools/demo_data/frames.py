"""Frame-level labels of one render (beats with their bar positions, chord segments) from the
score as it was rendered, written as sidecar files (sidecars). Runs in the render workers
(rendering.work_item), after the audio is made or, for a clip made by an earlier build, from the
score alone with the audio facts that build recorded."""

from __future__ import annotations

from pathlib import Path

from . import harmony, rhythm
from .common import SAMPLE_RATE, nonempty
from .sidecars import sidecar_rels, write_beats, write_lab

FRAMES_VERSION = "1"  # bump when the labels' derivation changes: existing sidecars are remade


def up_to_date(out: Path, rel: str, entry: dict) -> bool:
    """Whether the clip at rel has its audio, a successful render record and current sidecars."""
    if not (nonempty(out / rel) and entry.get("ok")):
        return False
    if entry.get("frames_version") != FRAMES_VERSION:
        return False
    return all(nonempty(out / r) for r in sidecar_rels(rel))


def midi_score(score):
    """The score as the MIDI file plays it: repeats expanded (music21's MIDI translation does
    the same; rendering._render_midi strips the repeats of encodings where that fails). A
    score without repeat marks is its own expansion (no copy made)."""
    from music21 import bar, repeat, spanner, stream
    marks = score.recurse().getElementsByClass((bar.Repeat, repeat.RepeatExpression, spanner.RepeatBracket))
    if score[stream.Measure] and marks.first() is not None:
        try:
            return score.expandRepeats()
        except Exception:
            from .rendering import _strip_repeats
            _strip_repeats(score)
            return score.expandRepeats()
    return score


def write_frame_labels(score, bpm: float, out: Path, rel: str, res: dict, looped: bool) -> None:
    """Beats and chords of the render at rel from its score (already transposed, cut and
    stripped of grace notes as rendered) into its sidecar files; records in res what they
    were made from. res holds the render's audio facts: lead_samples (leading silence trimmed),
    source_samples (the trimmed render's length), seconds (the clip's length); for clips made
    by a build that did not record them, the first note's time and source_seconds stand in."""
    import time
    from .rendering import LOOP_GAP_SAMPLES
    t0 = time.process_time()
    s = midi_score(score)
    q0, end_ql = rhythm.sounding_span(s)
    sec = 60.0 / bpm
    if "lead_samples" in res:
        lead_s = res["lead_samples"] / SAMPLE_RATE
    else:
        lead_s = q0 * sec
        res["lead_assumed"] = True
    if "source_samples" in res:
        source_s = res["source_samples"] / SAMPLE_RATE
    else:
        source_s = float(res.get("source_seconds") or (end_ql - q0) * sec)
    clip_s = float(res.get("clip_samples", 0)) / SAMPLE_RATE or float(res["seconds"])
    gap_s = LOOP_GAP_SAMPLES / SAMPLE_RATE if looped else None
    grid = rhythm.beat_grid(rhythm.score_bars(s), end_ql)
    beats = rhythm.audio_beats(grid, bpm, lead_s, source_s, clip_s, gap_s)
    segs = harmony.score_segments(harmony.chord_events(s), grid, end_ql)
    chords = harmony.audio_segments(segs, bpm, lead_s, source_s, clip_s,
                                    rhythm.copies(source_s, clip_s, gap_s))
    beats_rel, lab_rel = sidecar_rels(rel)
    write_beats(out / beats_rel, beats)
    write_lab(out / lab_rel, chords)
    labels = [lab for _a, _b, lab in segs]
    res.update({"frames_version": FRAMES_VERSION, "beats": len(beats),
                "downbeats": sum(1 for _t, p in beats if p == 1),
                "chord_segments": len(segs),
                "chord_segments_x": sum(1 for x in labels if x == "X"),
                "first_onset_seconds": round(q0 * sec, 4),
                "lead_minus_onset_ms": round((lead_s - q0 * sec) * 1000, 2),
                "frames_cpu_seconds": round(time.process_time() - t0, 3)})
