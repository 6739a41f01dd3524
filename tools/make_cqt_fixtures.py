#!/usr/bin/env python3
"""Reference constant-Q magnitudes from librosa, for the Swift tests of Crescendo's
constant-Q front end (Sources/Audio/Features/ConstantQTransform.swift).

    bash tools/python-tools.sh tools/make_cqt_fixtures.py

Writes Tests/AudioTests/Fixtures/cqt/cqt_reference.safetensors: for each signal, the wave
(float32, 3 s at 16 kHz), |librosa.cqt| over the full range Crescendo computes (the default
configuration: C1 = 32.703 Hz, 36 bins/octave, 252 bins plus 18 of margin each side, so 288
bins from fmin / 2^(1/2); hop 3200; tuning 0, every other argument librosa's default), and
librosa.amplitude_to_db of it (ref 1, amin 1e-5, no top_db), and |librosa.cqt| with
sparsity=0 (librosa_cqt_dense).
"""
import os
import numpy as np
import librosa
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "AudioTests", "Fixtures", "cqt")
SR, HOP, BPO, BINS, MARGIN = 16000, 3200, 36, 252, 18
FMIN = librosa.note_to_hz("C1")
rng = np.random.default_rng(20261206)
t = np.arange(3 * SR) / SR


def tone(hz, amp, harmonics=1):
    return sum(amp / h * np.sin(2 * np.pi * hz * h * t + rng.uniform(0, 2 * np.pi)) for h in range(1, harmonics + 1))


def music():
    # Four notes of a quarter-second attack and exponential decay, harmonic, over a quiet bass.
    y = tone(librosa.note_to_hz("A1"), 0.1, 3)
    for i, note in enumerate(["C4", "E4", "G4", "C5", "B3", "D4"]):
        start = int(i * 0.5 * SR)
        env = np.zeros_like(t)
        n = len(t) - start
        env[start:] = np.minimum(1, np.arange(n) / (0.01 * SR)) * np.exp(-np.arange(n) / (0.4 * SR))
        y = y + env * tone(librosa.note_to_hz(note), 0.2, 5)
    return y + 0.003 * rng.standard_normal(len(t))


signals = {
    # A4 = 440 Hz is the centre of bin 18 + 135; 1234.5 Hz falls between bins and semitones.
    "sines": tone(440.0, 0.5) + tone(1234.5, 0.2),
    # Low tones near the bottom of the window and in the lower margin (A1 and E1, F#0 region).
    "low": tone(55.0, 0.5) + tone(41.2, 0.2) + tone(25.0, 0.1),
    "chord": sum(tone(librosa.note_to_hz(n), 0.15, 4) for n in ["C3", "E3", "G3", "C4"]),
    "noise": 0.1 * rng.standard_normal(len(t)),
    "music": music(),
}

out = {}
fmin_full = FMIN * 2.0 ** (-MARGIN / BPO)
for name, y in signals.items():
    y = y.astype(np.float32)
    c = np.abs(librosa.cqt(y, sr=SR, hop_length=HOP, fmin=fmin_full, n_bins=BINS + 2 * MARGIN,
                           bins_per_octave=BPO, tuning=0.0))
    out[f"{name}.wave"] = y
    out[f"{name}.librosa_cqt"] = c.astype(np.float32)
    out[f"{name}.librosa_db"] = librosa.amplitude_to_db(c, ref=1.0, amin=1e-5, top_db=None).astype(np.float32)
    # Without librosa's sparsification of its FFT basis (sparsity=0.01 drops the smallest
    # coefficients, 1% of each filter's L1 mass): only its resampling is left to approximate.
    dense = np.abs(librosa.cqt(y, sr=SR, hop_length=HOP, fmin=fmin_full, n_bins=BINS + 2 * MARGIN,
                               bins_per_octave=BPO, tuning=0.0, sparsity=0.0))
    out[f"{name}.librosa_cqt_dense"] = dense.astype(np.float32)

os.makedirs(OUT, exist_ok=True)
save_file({k: np.ascontiguousarray(v) for k, v in out.items()}, os.path.join(OUT, "cqt_reference.safetensors"),
          metadata={"librosa": librosa.__version__, "sr": str(SR), "hop": str(HOP), "bins_per_octave": str(BPO),
                    "fmin_full": repr(fmin_full), "n_bins": str(BINS + 2 * MARGIN)})
print(f"wrote {len(out)} arrays to {os.path.normpath(OUT)} (librosa {librosa.__version__})")
