#!/usr/bin/env python3
"""Reference kernels for the random equalizer (Sources/Audio/Augmentation/RandomEqualizer.swift).

    bash tools/python-tools.sh tools/make_equalizer_fixtures.py

Writes Tests/AudioTests/Fixtures/equalizer.json: for each case, the control frequencies and
gains, the sample rate and tap count, and scipy.signal.firwin2's kernel for the curve that is
linear in dB over log frequency between the control points and flat beyond them, given to
firwin2 on its own frequency grid (so its linear interpolation adds nothing).
"""

import json
import os

import numpy as np
from scipy.signal import firwin2

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "AudioTests", "Fixtures", "equalizer.json")

CASES = [
    {"controlHz": [100, 400, 1600, 6400], "gainsDB": [6, -9, 3, -2], "sampleRate": 16000, "taps": 255},
    {"controlHz": [100.0, 230.0, 529.0, 1217.0, 2798.0, 6400.0], "gainsDB": [-3, 8.5, -7.25, 0, 9, -9],
     "sampleRate": 16000, "taps": 129},
    {"controlHz": [50, 12000], "gainsDB": [-12, 12], "sampleRate": 44100, "taps": 257},
]


def curve(control_hz, gains_db, hz):
    """Amplitude, linear in dB over log frequency, flat outside (and at 0 Hz)."""
    logs = np.log(np.asarray(control_hz, dtype=np.float64))
    x = np.log(np.maximum(hz, 1e-300))
    db = np.interp(x, logs, np.asarray(gains_db, dtype=np.float64))
    return 10 ** (db / 20)


def main():
    cases = []
    for case in CASES:
        taps, rate = case["taps"], case["sampleRate"]
        nfreqs = 1 + 2 ** int(np.ceil(np.log2(taps)))
        grid = np.linspace(0.0, rate / 2, nfreqs)
        kernel = firwin2(taps, grid, curve(case["controlHz"], case["gainsDB"], grid), fs=rate)
        cases.append({**case, "kernel": kernel.tolist()})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "scipy.signal.firwin2 (window hamming)", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
