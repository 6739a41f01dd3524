#!/usr/bin/env python3
"""librosa oracle fixture for Crescendo's frame-wise HMM decoder (issue #23 item 2).

Writes Tests/MusicTasksTests/Fixtures/chord_viterbi.json: for a handful of posterior
sequences made here from fixed seeds, the state path of librosa.sequence.viterbi with a
self-loop (librosa.sequence.transition_loop) or a full random transition matrix, and with
the uniform or a given initial distribution. Tests/MusicTasksTests/ChordDecoderTests.swift
decodes the same inputs with MusicTasks.FrameViterbi and requires the same path, frame for
frame.

Posteriors are stored as integer counts c with p = c / 4096, exact in float32 and float64
alike, so both sides decode the very same numbers; some are 0 on purpose (librosa adds the
smallest normal float64 before taking logarithms). Transition matrices are stored as float64.

Run from the repository root with the tool environment's Python (librosa, numpy):
    bash tools/python-tools.sh tools/decoder_fixtures.py
"""

import json
import pathlib

import librosa
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "MusicTasksTests" / "Fixtures" / "chord_viterbi.json"
SCALE = 4096


def noisy_runs(rng, frames, classes, mean_run, peak, zero_fraction=0.0):
    """Posteriors of a hidden class sequence with runs: the true class gets `peak` of the mass
    on average, the rest is spread at random; some entries are zeroed."""
    truth = []
    while len(truth) < frames:
        truth += [int(rng.integers(classes))] * int(rng.geometric(1.0 / mean_run))
    truth = truth[:frames]
    noise = rng.random((frames, classes)) ** 3
    noise[np.arange(frames), truth] += peak * classes * rng.random(frames) ** 0.5 * 0.3
    if zero_fraction:
        noise[rng.random((frames, classes)) < zero_fraction] = 0
    noise /= noise.sum(axis=1, keepdims=True) + 1e-12
    return np.minimum(np.round(noise * SCALE), SCALE).astype(int)


def random_uniform(rng, frames, classes):
    noise = rng.random((frames, classes))
    noise /= noise.sum(axis=1, keepdims=True)
    return np.round(noise * SCALE).astype(int)


def random_transitions(rng, classes, diagonal):
    matrix = rng.random((classes, classes))
    matrix /= matrix.sum(axis=1, keepdims=True)
    matrix = (1 - diagonal) * matrix + diagonal * np.eye(classes)
    return matrix


def case(name, counts, transition, kind, loop_probability=None, p_init=None):
    prob = counts.astype(np.float64).T / SCALE  # librosa wants (classes, frames)
    path = librosa.sequence.viterbi(prob, transition, p_init=p_init)
    entry = {
        "name": name,
        "classes": int(counts.shape[1]),
        "frames": int(counts.shape[0]),
        "counts": counts.reshape(-1).tolist(),
        "transition_kind": kind,
        "transition": [float(x) for x in transition.reshape(-1)],
        "path": [int(s) for s in path],
        "argmax": [int(s) for s in np.argmax(prob, axis=0)],
    }
    if loop_probability is not None:
        entry["loop_probability"] = loop_probability
    if p_init is not None:
        entry["p_init"] = [float(x) for x in p_init]
    return entry


def main():
    rng = np.random.default_rng(2315)
    cases = []
    c = 25
    cases.append(case("runs_loop_0.9", noisy_runs(rng, 150, c, 12, 0.5), librosa.sequence.transition_loop(c, 0.9),
                      "loop", loop_probability=0.9))
    cases.append(case("runs_loop_0.95_zeros", noisy_runs(rng, 150, c, 20, 0.4, zero_fraction=0.3),
                      librosa.sequence.transition_loop(c, 0.95), "loop", loop_probability=0.95))
    cases.append(case("uniform_loop_0.5", random_uniform(rng, 100, c), librosa.sequence.transition_loop(c, 0.5),
                      "loop", loop_probability=0.5))
    cases.append(case("runs_full_matrix", noisy_runs(rng, 120, c, 8, 0.6), random_transitions(rng, c, 0.8), "matrix"))
    p_init = rng.random(c)
    p_init /= p_init.sum()
    cases.append(case("runs_loop_0.8_p_init", noisy_runs(rng, 80, c, 6, 0.5), librosa.sequence.transition_loop(c, 0.8),
                      "loop", loop_probability=0.8, p_init=p_init))
    cases.append(case("three_classes_matrix", noisy_runs(rng, 60, 3, 5, 0.3, zero_fraction=0.1),
                      random_transitions(rng, 3, 0.6), "matrix"))
    cases.append(case("one_frame", random_uniform(rng, 1, c), librosa.sequence.transition_loop(c, 0.9),
                      "loop", loop_probability=0.9))
    fixture = {
        "generator": "tools/decoder_fixtures.py",
        "librosa_version": librosa.__version__,
        "numpy_version": np.__version__,
        "scale": SCALE,
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    changed = sum(int(np.sum(np.array(k["path"]) != np.array(k["argmax"]))) for k in cases)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(cases)} cases, {changed} frames where Viterbi differs from argmax")


if __name__ == "__main__":
    main()
