#!/usr/bin/env python3
"""Generate the small audio fixtures used by Tests/AudioTests.

Usage (from the repository root):

    python3 -m venv .venv-tools-audio
    .venv-tools-audio/bin/pip install soundfile soxr numpy
    .venv-tools-audio/bin/python tools/make_audio_fixtures.py

Optional: ``--bench-dir DIR --bench-seconds N`` additionally writes longer
files (not committed) in every format, for decode-throughput measurements
with ``crescendo-audio bench``.

What is written to Tests/AudioTests/Fixtures/ (the signals are deterministic;
the bytes of tone_float.wav and the Ogg files are not, because libsndfile
stamps a PEAK chunk with the time and Ogg streams get random serial numbers):

* ``tone_pcm16.wav``  1 s, 44.1 kHz, stereo, PCM_16.  Left = 440 Hz sine at
  0.5, right = linear chirp 200 -> 4000 Hz at 0.3.
* ``tone_float.wav``  first 0.25 s of the same signal, FLOAT subtype.
* ``tone.flac``       the same 1 s signal, FLAC/PCM_16 (decodes bit-identical
  to ``tone_pcm16.wav``).
* ``tone.ogg``        OGG/VORBIS, 44.1 kHz stereo.
* ``tone.opus``       OGG/OPUS, 48 kHz stereo (Opus only encodes 8/12/16/24/48 kHz).
* ``tone.mp3``        MP3/MPEG_LAYER_III, 44.1 kHz stereo (LAME through libsndfile).
* ``ref_*.f32``       raw little-endian float32 reference outputs computed with
  python-soxr: ``soxr.resample(mono, sr, 16000, quality='HQ')`` where
  ``mono = decoded.mean(axis=1)`` (float32), i.e. exactly librosa's
  ``load(sr=16000, res_type='soxr_hq')`` pipeline.
* ``fixtures.json``   manifest with the expected metadata for every file.

Truncated/renamed/corrupt variants are derived from these at test time so no
byte is committed twice.
"""

import argparse
import json
import os
import sys

import numpy as np
import soundfile as sf
import soxr

SR = 44100
TARGET = 16000


def tone(sr: int, seconds: float) -> np.ndarray:
    n = int(round(sr * seconds))
    t = np.arange(n, dtype=np.float64) / sr
    left = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    # linear chirp 200 -> 4000 Hz over one second
    f0, f1 = 200.0, 4000.0
    phase = 2 * np.pi * (f0 * t + 0.5 * (f1 - f0) * t * t)
    right = 0.3 * np.sin(phase)
    return np.stack([left, right], axis=1).astype(np.float32)


def mono_resampled(path: str, offset_s: float = 0.0, duration_s=None) -> np.ndarray:
    """librosa-style load: truncating seconds->frames, mean over channels, soxr HQ."""
    with sf.SoundFile(path) as f:
        sr = f.samplerate
        if offset_s:
            f.seek(int(offset_s * sr))
        frames = -1 if duration_s is None else int(duration_s * sr)
        y = f.read(frames=frames, dtype="float32", always_2d=True)
    mono = y.mean(axis=1).astype(np.float32)
    return soxr.resample(mono, sr, TARGET, quality="HQ").astype("<f4")


def write_blocks(path, data, sr, fmt, subtype, block=16384):
    """Write in blocks: one huge write crashes libsndfile's Vorbis encoder."""
    with sf.SoundFile(path, "w", sr, data.shape[1], subtype=subtype, format=fmt) as f:
        for i in range(0, data.shape[0], block):
            f.write(data[i:i + block])


def main() -> int:
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "Tests", "AudioTests", "Fixtures"))
    ap.add_argument("--bench-dir", default=None)
    ap.add_argument("--bench-seconds", type=float, default=600.0)
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)

    x = tone(SR, 1.0)
    files = {}

    def write(name, data, sr, fmt, subtype, **kw):
        path = os.path.join(out, name)
        sf.write(path, data, sr, format=fmt, subtype=subtype, **kw)
        info = sf.info(path)
        with sf.SoundFile(path) as f:
            decoded = f.read(dtype="float32", always_2d=True)
        files[name] = {
            "container": fmt,
            "subtype": subtype,
            "sampleRate": info.samplerate,
            "channels": info.channels,
            "headerFrames": info.frames,
            "decodedFrames": int(decoded.shape[0]),
            "sourceFrames": int(data.shape[0]),
        }
        return path

    wav16 = write("tone_pcm16.wav", x, SR, "WAV", "PCM_16")
    wavf = write("tone_float.wav", x[: SR // 4], SR, "WAV", "FLOAT")
    # FLAC from the already-quantised WAV samples, so both decode bit-identically
    # (libsndfile quantises float input differently for WAV and FLAC).
    x16, _ = sf.read(wav16, dtype="int16", always_2d=True)
    write("tone.flac", x16, SR, "FLAC", "PCM_16")
    write("tone.ogg", x, SR, "OGG", "VORBIS")
    write("tone.opus", tone(48000, 1.0), 48000, "OGG", "OPUS")
    write("tone.mp3", x, SR, "MP3", "MPEG_LAYER_III")

    refs = {
        "ref_tone_pcm16_16k.f32": mono_resampled(wav16),
        "ref_tone_float_16k.f32": mono_resampled(wavf),
        # clip: offset 0.25 s, duration 0.5 s (librosa semantics)
        "ref_tone_pcm16_clip_16k.f32": mono_resampled(wav16, 0.25, 0.5),
    }
    for name, arr in refs.items():
        arr.tofile(os.path.join(out, name))

    manifest = {
        "generator": "tools/make_audio_fixtures.py",
        "libsndfile": sf.__libsndfile_version__,
        "python_soxr": soxr.__version__,
        "libsoxr": soxr.soxr_ext.libsoxr_version(),
        "numpy": np.__version__,
        "files": files,
        "references": {k: {"samples": int(v.shape[0]), "sampleRate": TARGET} for k, v in refs.items()},
    }
    with open(os.path.join(out, "fixtures.json"), "w") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=True)
        fh.write("\n")

    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"wrote {len(os.listdir(out))} files, {total} bytes to {out}")

    if args.bench_dir:
        os.makedirs(args.bench_dir, exist_ok=True)
        rng = np.random.default_rng(1234)
        n = int(SR * args.bench_seconds)
        t = np.arange(n) / SR
        # music-like: a few partials plus a little noise, stereo
        base = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 331 * t) + 0.05 * np.sin(2 * np.pi * 1234 * t)
        sig = np.stack([base + 0.02 * rng.standard_normal(n), base * 0.8 + 0.02 * rng.standard_normal(n)], axis=1).astype(np.float32)
        for name, fmt, sub, sr in [
            ("bench_pcm16.wav", "WAV", "PCM_16", SR),
            ("bench_float.wav", "WAV", "FLOAT", SR),
            ("bench.flac", "FLAC", "PCM_16", SR),
            ("bench.ogg", "OGG", "VORBIS", SR),
            ("bench.mp3", "MP3", "MPEG_LAYER_III", SR),
        ]:
            write_blocks(os.path.join(args.bench_dir, name), sig, sr, fmt, sub)
        s48 = soxr.resample(sig, SR, 48000, quality="HQ")
        write_blocks(os.path.join(args.bench_dir, "bench.opus"), s48, 48000, "OGG", "OPUS")
        print(f"wrote benchmark files ({args.bench_seconds} s each) to {args.bench_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
