#!/usr/bin/env python3
"""mir_eval oracle fixtures for Crescendo's beat and chord metrics (issue #23 item 4).

Writes Tests/TrainingTests/Fixtures/metrics/beats.json and chords.json, and
Tests/MusicTasksTests/Fixtures/chord_symbols.json (mir_eval.chord.encode of ~180 labels and
the messages for ~50 malformed ones), with what the installed mir_eval computes for
  * mir_eval's own test cases, copied to Tests/TrainingTests/Fixtures/mir_eval/{beat,chord}/
    (only their scores are stored here; the inputs are read from those files), and
  * synthetic edge cases built here from fixed seeds, inputs stored inline: empty, short and
    one-beat sequences, tempo-doubled, half-tempo and off-beat estimates, dense beats, window
    edges, repeated beats; chords with inversions, sevenths, extensions, sus, power chords,
    N / X, unaligned and gapped spans.
The Swift tests in Tests/TrainingTests/BeatMetricsTests.swift, ChordMetricsTests.swift and
Tests/MusicTasksTests/ChordSymbolTests.swift compare against them within 1e-9.

Run from the repository root (mir_eval is in the tool environment):
    bash tools/python-tools.sh tools/mir_eval_fixtures.py
tools/make_metric_fixtures.py also calls write_fixtures() after its own fixtures.
"""

import json
import pathlib
import warnings

import mir_eval
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "TrainingTests" / "Fixtures"
OUT = FIXTURES / "metrics"
SHARED = FIXTURES / "mir_eval"
# The chord-symbol parser lives in MusicTasks; its encodings fixture sits with its tests.
SYMBOLS_OUT = ROOT / "Tests" / "MusicTasksTests" / "Fixtures"


def header():
    return {
        "generator": "tools/mir_eval_fixtures.py",
        "mir_eval_version": mir_eval.__version__,
        "numpy_version": np.__version__,
    }


def recorded(function, *args, **kwargs):
    """Calls function, returning (result, mir_eval's distinct warning messages in order).

    Only UserWarnings are kept: those are mir_eval's own (empty or one-beat sequences, no
    comparable chords). numpy's RuntimeWarnings from metrics not ported (Goto, P-score on
    very short sequences) are left out.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    messages = []
    for warning in caught:
        if not issubclass(warning.category, UserWarning) or issubclass(warning.category, RuntimeWarning):
            continue
        text = str(warning.message)
        if text not in messages:
            messages.append(text)
    return result, messages


# ---------------------------------------------------------------------------------------
# Beats
# ---------------------------------------------------------------------------------------

BEAT_KEYS = {
    "f_measure": "F-measure",
    "cmlc": "Correct Metric Level Continuous",
    "cmlt": "Correct Metric Level Total",
    "amlc": "Any Metric Level Continuous",
    "amlt": "Any Metric Level Total",
}


def beat_expected(reference, estimate):
    reference = np.asarray(reference, dtype=float)
    estimate = np.asarray(estimate, dtype=float)
    scores, messages = recorded(mir_eval.beat.evaluate, reference, estimate)
    trimmed_ref = mir_eval.beat.trim_beats(reference)
    trimmed_est = mir_eval.beat.trim_beats(estimate)
    hits = len(mir_eval.util.match_events(trimmed_ref, trimmed_est, 0.07)) if len(trimmed_ref) and len(
        trimmed_est) else 0
    expected = {key: float(scores[name]) for key, name in BEAT_KEYS.items()}
    expected["hits"] = hits
    expected["warnings"] = messages
    return expected


def grid(start, stop, period):
    return list(np.arange(start, stop, period))


def beat_cases(rng):
    cases = []

    def add(name, reference, estimate):
        reference = [float(t) for t in reference]
        estimate = [float(t) for t in estimate]
        cases.append({"name": name, "reference": reference, "estimate": estimate,
                      "expected": beat_expected(reference, estimate)})

    period = 0.5
    reference = np.array(grid(0.25, 40.0, period)) + rng.normal(0, 0.01, size=80)
    reference.sort()
    jitter = reference + rng.normal(0, 0.035, size=reference.size)
    keep = rng.random(reference.size) > 0.1
    extra = rng.uniform(5, 40, size=6)
    add("jittered_with_misses_and_extras", reference, np.sort(np.concatenate([jitter[keep], extra])))

    halfway = (reference[1:] + reference[:-1]) / 2
    add("off_beat", reference, halfway + rng.normal(0, 0.01, size=halfway.size))
    double = np.sort(np.concatenate([reference, halfway]))
    add("double_tempo", reference, double + rng.normal(0, 0.01, size=double.size))
    add("half_tempo_odd", reference, reference[::2] + rng.normal(0, 0.01, size=reference[::2].size))
    add("half_tempo_even", reference, reference[1::2])
    add("perfect", reference, reference)
    # A tracker 8 % and 25 % too fast: period errors inside and outside the 17.5 % threshold.
    add("tempo_8_percent_fast", reference, grid(reference[0], 40.0, period / 1.08))
    add("tempo_25_percent_fast", reference, grid(reference[0], 40.0, period / 1.25))
    # Correct for a while, then drifting off the beat, then back: CMLc < CMLt.
    drift = reference.copy()
    drift[30:45] += np.linspace(0, 0.24, 15)
    add("drift_breaks_continuity", reference, drift)
    # Rubato reference with irregular intervals.
    rubato = np.cumsum(rng.uniform(0.35, 0.75, size=70)) + 2.0
    add("rubato", rubato, rubato + rng.normal(0, 0.04, size=rubato.size))

    add("empty_estimate", reference, [])
    add("empty_reference", [], reference)
    add("both_empty", [], [])
    add("estimate_only_before_5s", reference, grid(0.5, 4.9, 0.5))
    add("single_estimated_beat", reference, [4.0, 12.01])
    add("single_reference_beat", [3.0, 10.0], reference)
    add("two_reference_beats", [6.0, 6.5], [6.01, 6.49, 7.0])
    add("three_reference_beats", [6.0, 6.5, 7.0], [6.0, 6.5, 7.0])
    # Dense beats: each estimate is within 70 ms of two or three references, so the
    # matching must be maximum, not greedy by distance.
    dense_ref = np.array(grid(6.0, 9.0, 0.05))
    add("dense_maximum_matching", dense_ref, grid(6.02, 9.0, 0.045))
    # Random dense sequences on a millisecond grid: many estimates with several references in
    # reach, and differences of exactly 70 ms in decimal.
    for number in range(4):
        add(f"random_dense_{number}", np.sort(rng.uniform(5, 12, size=100)).round(3),
            np.sort(rng.uniform(5, 12, size=90 + 10 * number)).round(3))
    # Window edges: differences of exactly 0.07 in decimal, on either side in binary.
    edge_ref = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]
    add("window_edges", edge_ref, [10.07, 10.93, 12.0 + 0.07, 12.93, 14.0700000001, 15.0 - 0.07, 16.07])
    # Repeated times (zero intervals) in both sequences.
    add("repeated_beats", [6.0, 6.5, 6.5, 7.0, 7.5, 8.0, 8.0, 8.5],
        [6.0, 6.5, 6.5, 7.0, 7.52, 8.0, 8.0, 8.5, 9.0])
    return cases


def downbeat_cases(rng):
    cases = []
    beats = np.arange(0.3, 60.0, 0.5) + rng.normal(0, 0.01, size=120)
    downbeats = beats[::4]

    def add(name, reference, estimate):
        reference = np.asarray(reference, dtype=float)
        estimate = np.asarray(estimate, dtype=float)
        value, messages = recorded(
            mir_eval.beat.f_measure, mir_eval.beat.trim_beats(reference), mir_eval.beat.trim_beats(estimate))
        cases.append({"name": name, "reference": reference.tolist(), "estimate": estimate.tolist(),
                      "expected": {"f_measure": float(value), "warnings": messages}})

    add("jittered", downbeats, downbeats + rng.normal(0, 0.03, size=downbeats.size))
    add("shifted_one_beat", downbeats, beats[1::4])
    add("every_beat_as_downbeat", downbeats, beats)
    add("half_the_downbeats", downbeats, downbeats[::2])
    add("empty_estimate", downbeats, [])
    return cases


def shared_beat_outputs():
    outputs = []
    for number in range(10):
        reference = mir_eval.io.load_events(str(SHARED / "beat" / f"ref{number:02d}.txt"))
        estimate = mir_eval.io.load_events(str(SHARED / "beat" / f"est{number:02d}.txt"))
        outputs.append({"number": number, "expected": beat_expected(reference, estimate)})
    return outputs


# ---------------------------------------------------------------------------------------
# Chords
# ---------------------------------------------------------------------------------------

EXTRA_LABELS = [
    "N", "X", "C", "C:maj", "C:min", "C:dim", "C:aug", "C:sus2", "C:sus4", "C:7", "C:maj7",
    "C:min7", "C:minmaj7", "C:maj6", "C:min6", "C:dim7", "C:hdim7", "C:9", "C:maj9", "C:min9",
    "C:11", "C:min11", "C:13", "C:maj13", "C:min13", "C:1", "C:5", "C:(1)", "C:(1,5)",
    "C:(1,b3)", "C:(3,5)", "C:(1,3,5,b7)", "C:maj(*5)", "C:min(*b3)", "C:min(*b3,*5)", "C:maj(*1)",
    "C:(*3,3)", "C:maj(9)", "C:maj(b9)", "C:maj(#11)", "C:maj(13)", "C:maj(#7)", "C:maj(bb2)",
    "C:(b1)", "C:maj/3", "C:maj/5", "C:min/b3", "C:7/b7", "C:maj/b7", "C:maj/2", "C:min/4",
    "C:maj/9", "C:maj/#4", "C/bb3", "C:sus4(b7)", "C:sus4/4", "C:sus2/2", "C:5/5", "C:aug/#5",
    "C:dim/b5", "C:maj7/7", "C:min7/b7", "C:hdim7/b7", "C:dim7/bb7", "Cb", "Cb:min", "B#:maj",
    "Dbb:7", "F##:min7", "E#:sus4", "Abbb", "G#:min", "Ab:min", "F#:maj6", "Gb:maj6", "Bb:13",
    "A:min7(*b7)", "D:min7(2,*b3,4)", "E:maj(*3)", "E:(1,4)", "A:maj(1,3,5)", "G:(3)", "G:(b3)",
    "F:maj(9)/6", "C:min(6)/6", "D:min7(4)/b7",
]

INVALID_LABELS = [
    "", "H", "c", "c:maj", "C:major", "C:Maj", "C:M", "C:", "C:maj/", "C/", "C(3)", "C:(", "C:()",
    "C:maj(3", "C:maj(3))", "C:maj()", "C:(3,)", "C:(,3)", "C:maj(*)", "C:(0)", "C:(14)", "C:(01)",
    "C/14", "C/0", "C/3/5", "Cb#", "C#b", "C:maj/b#3", "C:(b#3)", "N:maj", "X/3", "NX", "N/3",
    " C", "C ", "C :maj", "C: maj", "C:maj(3, 5)", "C:min7(**b7)", "C:aug7", "C:maj11", "C:sus",
    "C:min:7", "C:maj7(9)(11)", "Cmaj", "C-", "Do", "C:(1)/",
]

PAIR_COMPARISONS = ["root", "majmin", "mirex"]


def encoded(label):
    root, semitones, bass = mir_eval.chord.encode(label)
    return {"label": label, "root": int(root), "semitones": [int(v) for v in semitones], "bass": int(bass)}


def invalid(label):
    """The mir_eval exception message for a label it refuses (validate or encode)."""
    try:
        mir_eval.chord.encode(label)
    except mir_eval.chord.InvalidChordException as error:
        return {"label": label, "mir_eval_message": str(error)}
    raise AssertionError(f"mir_eval accepts {label!r}")


def chord_pairs(labels):
    """All ordered pairs of labels, with mir_eval's per-pair comparison (-1 = excluded)."""
    references, estimates = [], []
    for reference in labels:
        for estimate in labels:
            references.append(reference)
            estimates.append(estimate)
    table = {name: [float(v) for v in getattr(mir_eval.chord, name)(references, estimates)]
             for name in PAIR_COMPARISONS}
    return {"labels": labels, "comparisons": table}


def weighted_scores(ref_intervals, ref_labels, est_intervals, est_labels):
    """root / majmin / mirex as mir_eval.chord.evaluate computes them, step for step.

    evaluate() itself also computes the segmentation scores, which raise when the adjusted
    estimate has zero-length intervals (an estimate entirely outside the reference span);
    the weighted recalls are well defined there, so they are taken from the same steps.
    """
    est_intervals, est_labels = mir_eval.util.adjust_intervals(
        est_intervals, list(est_labels), ref_intervals.min(), ref_intervals.max(),
        mir_eval.chord.NO_CHORD, mir_eval.chord.NO_CHORD)
    intervals, ref_merged, est_merged = mir_eval.util.merge_labeled_intervals(
        ref_intervals, list(ref_labels), est_intervals, est_labels)
    durations = mir_eval.util.intervals_to_durations(intervals)
    scores = {"warnings": {}}
    for name in PAIR_COMPARISONS:
        comparisons = getattr(mir_eval.chord, name)(ref_merged, est_merged)
        value, messages = recorded(mir_eval.chord.weighted_accuracy, comparisons, durations)
        scores[name] = float(value)
        if messages:
            scores["warnings"][name] = messages
    return scores


def chord_expected(ref_intervals, ref_labels, est_intervals, est_labels):
    ref_intervals = np.asarray(ref_intervals, dtype=float).reshape(-1, 2)
    est_intervals = np.asarray(est_intervals, dtype=float).reshape(-1, 2)
    # Warnings per comparison (the same text for each): {"majmin": [message], ...}.
    expected = weighted_scores(ref_intervals, ref_labels, est_intervals, est_labels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = mir_eval.chord.evaluate(ref_intervals, list(ref_labels), est_intervals, list(est_labels))
        for name in PAIR_COMPARISONS:
            assert scores[name] == expected[name], (name, scores[name], expected[name])
        expected["evaluate_error"] = None
    except ValueError as error:
        expected["evaluate_error"] = str(error)
    return expected


def lab_segments(boundaries, labels):
    return [[float(a), float(b)] for a, b in zip(boundaries[:-1], boundaries[1:])], list(labels)


def chord_cases(rng):
    cases = []

    def add(name, reference, estimate):
        (ref_intervals, ref_labels), (est_intervals, est_labels) = reference, estimate
        assert len(ref_intervals) == len(ref_labels) and len(est_intervals) == len(est_labels), name
        cases.append({
            "name": name,
            "reference": {"intervals": ref_intervals, "labels": ref_labels},
            "estimate": {"intervals": est_intervals, "labels": est_labels},
            "expected": chord_expected(ref_intervals, ref_labels, est_intervals, est_labels),
        })

    ref = lab_segments([0.0, 1.5, 3.0, 4.5, 6.0, 7.5, 9.0, 10.5],
                       ["N", "C:7", "A:min7/b7", "F:maj7/3", "G:7/5", "C:maj6", "N"])
    add("sevenths_and_inversions", ref,
        lab_segments([0.0, 1.4, 3.1, 4.5, 6.2, 7.5, 10.5], ["N", "C", "A:min", "F", "G:7", "C"]))
    add("sevenths_and_inversions_estimated_as_such", ref,
        lab_segments([0.0, 1.5, 3.0, 4.5, 6.0, 7.5, 9.0, 10.5],
                     ["N", "C:7", "A:min7", "F:maj7", "G:7/5", "A:min7", "X"]))

    ref = lab_segments([0.5, 2.0, 3.0, 4.0, 5.5, 7.0, 8.0, 9.0],
                       ["D:sus4", "D", "A:5", "A:1", "E:sus2", "E:(1,4)", "E:aug"])
    add("sus_power_and_unisons", ref,
        lab_segments([0.5, 2.0, 3.0, 4.0, 5.5, 7.0, 8.0, 9.0], ["D", "D", "A", "A:min", "E:min", "E", "E:aug"]))

    ref = lab_segments([0.0, 2.0, 4.0, 6.0, 8.0, 10.0], ["N", "X", "C:min", "X", "N"])
    add("no_chord_and_unknown", ref,
        lab_segments([0.0, 1.0, 3.0, 5.0, 7.0, 9.0, 10.0], ["X", "N", "C:min", "X", "N", "C:min"]))

    ref = lab_segments([1.0, 3.0, 5.0, 7.0, 9.0], ["G", "E:min", "C", "D:7"])
    add("estimate_starts_late_and_ends_early", ref,
        lab_segments([2.0, 4.0, 6.0, 8.0], ["G", "E:min", "C"]))
    add("estimate_overhangs_both_ends", ref,
        lab_segments([0.0, 3.0, 5.0, 7.0, 12.0], ["G", "E:min", "C", "D"]))
    add("estimate_inside_one_segment", ref, lab_segments([5.5, 6.5], ["C"]))
    add("estimate_entirely_before_reference", ref, lab_segments([0.0, 0.5], ["G"]))
    add("estimate_entirely_after_reference", ref, lab_segments([9.5, 12.0], ["D:7"]))
    add("estimate_empty", ref, ([], []))

    # A gap in the reference (4.0–5.0) and an estimate with a gap of its own: mir_eval labels
    # a gap with the segment before it.
    add("gaps_in_both", ([[0.0, 2.0], [2.0, 4.0], [5.0, 7.0]], ["C", "F", "G"]),
        ([[0.0, 2.5], [3.0, 4.5], [4.5, 7.0]], ["C", "F", "G"]))
    add("all_reference_unknown", lab_segments([0.0, 1.0, 2.0], ["X", "X"]),
        lab_segments([0.0, 2.0], ["C"]))
    add("power_chords_only_for_mirex", lab_segments([0.0, 1.0, 2.0], ["C:5", "G:1"]),
        lab_segments([0.0, 2.0], ["C"]))

    vocabulary = ["N", "X", "C", "C:min", "A:min", "F", "G", "G:7", "E:min7", "D:min/b3", "Bb:maj7",
                  "F#:dim", "Eb:aug", "Ab:sus4", "C#:min(9)", "B:hdim7", "D:maj6", "E:7/3", "A:5"]
    for number in range(3):
        times = np.concatenate([[rng.uniform(0, 1)], rng.uniform(0.2, 2.5, size=30)]).cumsum().round(4)
        est_times = np.concatenate([[rng.uniform(0, 1.5)], rng.uniform(0.1, 2.0, size=40)]).cumsum().round(3)
        ref = lab_segments(times, rng.choice(vocabulary, size=times.size - 1).tolist())
        est = lab_segments(est_times, rng.choice(vocabulary, size=est_times.size - 1).tolist())
        add(f"random_{number}", ref, est)
    return cases


def shared_chord_outputs():
    outputs = []
    for number in range(10):
        ref_intervals, ref_labels = mir_eval.io.load_labeled_intervals(str(SHARED / "chord" / f"ref{number:02d}.lab"))
        est_intervals, est_labels = mir_eval.io.load_labeled_intervals(str(SHARED / "chord" / f"est{number:02d}.lab"))
        outputs.append({"number": number,
                        "expected": chord_expected(ref_intervals, ref_labels, est_intervals, est_labels)})
    return outputs


def shared_chord_labels():
    labels = set()
    for path in sorted((SHARED / "chord").glob("*.lab")):
        labels.update(mir_eval.io.load_labeled_intervals(str(path))[1])
    return sorted(labels)


# ---------------------------------------------------------------------------------------


def write(name, payload, directory=OUT):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(json.dumps(payload, separators=(",", ":"), allow_nan=False) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def write_fixtures():
    OUT.mkdir(parents=True, exist_ok=True)
    write("beats.json", {
        **header(),
        "shared": shared_beat_outputs(),
        "cases": beat_cases(np.random.default_rng(20240601)),
        "downbeat_cases": downbeat_cases(np.random.default_rng(20240602)),
    })
    labels = list(dict.fromkeys(EXTRA_LABELS + shared_chord_labels()))
    pair_labels = EXTRA_LABELS[:40] + ["C:maj/9", "D:min", "G:maj", "Cb", "B", "A:min7(*b7)"]
    write("chord_symbols.json", {
        **header(),
        "encodings": [encoded(label) for label in labels],
        "invalid": [invalid(label) for label in INVALID_LABELS],
    }, directory=SYMBOLS_OUT)
    write("chords.json", {
        **header(),
        "pairs": chord_pairs(pair_labels),
        "shared": shared_chord_outputs(),
        "cases": chord_cases(np.random.default_rng(20240603)),
    })


if __name__ == "__main__":
    write_fixtures()
