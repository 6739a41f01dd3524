#!/usr/bin/env python3
"""madmom oracle fixture for Crescendo's DBN beat and downbeat decoders (issue #23 item 2).

Writes Tests/MusicTasksTests/Fixtures/madmom_dbn.json: synthetic beat (and downbeat)
activations made here from fixed seeds, and the beats that madmom's
DBNBeatTrackingProcessor / DBNDownBeatTrackingProcessor find in them with their default
settings (and a few others). Tests/MusicTasksTests/DBNMadmomTests.swift decodes the same
activations with MusicTasks.DBNBeatDecoder / DBNDownbeatDecoder and compares.

Activations are stored as integer counts c with a = c / 65536, exact in float32 and float64,
so both sides decode the very same numbers. No activation is exactly 0 or 1 (madmom takes
log 0 there; the Swift decoders floor probabilities at 1e-12 instead).

madmom is not in the tool environment (.venv-tools): it needs its source (0.17.dev0 from
the CPJKU/madmom repository, whose `madmom/models` submodule of trained networks may be
replaced by an empty package, the DBN processors need no network) built into a separate
virtual environment with numpy < 2, scipy, cython and mido:
    python3 -m venv /tmp/mm && /tmp/mm/bin/pip install 'numpy<2' scipy cython mido setuptools
    /tmp/mm/bin/pip install --no-build-isolation ./madmom-source
    /tmp/mm/bin/python tools/madmom_dbn_fixtures.py
"""

import json
import pathlib

import madmom
import numpy as np
from madmom.features.beats import DBNBeatTrackingProcessor
from madmom.features.downbeats import DBNDownBeatTrackingProcessor

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "MusicTasksTests" / "Fixtures" / "madmom_dbn.json"
SCALE = 65536


def beat_times(start, duration, from_bpm, to_bpm):
    times, t = [], start
    while t < duration:
        times.append(t)
        t += 60.0 / (from_bpm + (to_bpm - from_bpm) * t / duration)
    return times


def activation(rng, events, frames, fps, heights=None, spurious_per_s=0.8, floor=0.01):
    act = floor + 0.08 * rng.random(frames)
    for n, t in enumerate(events):
        c = t * fps
        h = (0.8 if heights is None else heights[n]) * (0.8 + 0.2 * rng.random())
        for f in range(max(0, int(c) - 3), min(frames, int(c) + 4)):
            act[f] = max(act[f], h * np.exp(-((f - c) ** 2) / 2))
    for f in np.nonzero(rng.random(frames) < spurious_per_s / fps)[0]:
        act[f] = max(act[f], 0.25 + 0.2 * rng.random())
    return act


def quantise(values):
    counts = np.clip(np.round(values * SCALE), 1, SCALE - 1).astype(int)
    return counts, counts / SCALE


def main():
    rng = np.random.default_rng(4242)
    fps = 100
    beat_cases, downbeat_cases = [], []

    def beat_case(name, act, **options):
        counts, values = quantise(act)
        proc = DBNBeatTrackingProcessor(fps=fps, **options)
        beats = proc(values)
        beat_cases.append({"name": name, "fps": fps, "options": options, "counts": counts.tolist(),
                           "beats": [float(b) for b in beats]})

    frames = 2000
    beat_case("click_120bpm", activation(rng, beat_times(0.3, 20, 120, 120), frames, fps))
    beat_case("drift_90_to_150", activation(rng, beat_times(0.1, 20, 90, 150), frames, fps))
    beat_case("noise_only", 0.01 + 0.6 * rng.random(frames) ** 4)
    beat_case("click_75bpm_uncorrected", activation(rng, beat_times(0.5, 20, 75, 75), frames, fps), correct=False)
    quiet = activation(rng, beat_times(6.0, 20, 132, 132), frames, fps)
    quiet[:550] = 0.02 + 0.02 * rng.random(550)
    beat_case("late_start_threshold_0.3", quiet, threshold=0.3)
    beat_case("click_100bpm_lambda_30_tempi_40", activation(rng, beat_times(0.2, 20, 100, 100), frames, fps),
              transition_lambda=30, num_tempi=40, min_bpm=60, max_bpm=180)

    def downbeat_case(name, beat_act, down_act, **options):
        beat_counts, beat_values = quantise(beat_act)
        down_counts, down_values = quantise(down_act)
        options.setdefault("beats_per_bar", [3, 4])
        proc = DBNDownBeatTrackingProcessor(fps=fps, **options)
        result = proc(np.vstack((beat_values, down_values)).T)
        downbeat_cases.append({"name": name, "fps": fps, "options": options,
                               "beat_counts": beat_counts.tolist(), "downbeat_counts": down_counts.tolist(),
                               "beats": [float(t) for t in result[:, 0]],
                               "positions": [int(p) for p in result[:, 1]]})

    for meter, bpm, seed_name in ((3, 140, "three_four_140bpm"), (4, 96, "four_four_96bpm")):
        times = beat_times(0.4, 20, bpm, bpm)
        pos = [n % meter + 1 for n in range(len(times))]
        down = 0.5 * activation(rng, times, frames, fps, heights=[0.8 if p == 1 else 0.08 for p in pos])
        beat = activation(rng, times, frames, fps, heights=[0.15 if p == 1 else 0.7 for p in pos])
        downbeat_case(seed_name, np.minimum(beat, 0.99 - down), down)
    times = beat_times(0.4, 20, 110, 130)
    pos = [n % 4 + 1 for n in range(len(times))]
    down = 0.45 * activation(rng, times, frames, fps, heights=[0.7 if p == 1 else 0.2 for p in pos])
    beat = activation(rng, times, frames, fps, heights=[0.3 if p == 1 else 0.6 for p in pos])
    downbeat_case("four_four_drift_weak", np.minimum(beat, 0.99 - down), down)
    downbeat_case("four_four_drift_only_4_linear", np.minimum(beat, 0.99 - down), down,
                  beats_per_bar=[4], num_tempi=None, correct=False)

    fixture = {
        "generator": "tools/madmom_dbn_fixtures.py",
        "madmom_version": madmom.__version__,
        "numpy_version": np.__version__,
        "scale": SCALE,
        "beat_cases": beat_cases,
        "downbeat_cases": downbeat_cases,
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(beat_cases)} beat and {len(downbeat_cases)} downbeat cases")
    for case in beat_cases + downbeat_cases:
        print(f"  {case['name']}: {len(case['beats'])} beats")


if __name__ == "__main__":
    main()
