"""Writes the inputs of `crescendo bench audio`: the same stereo music-like signal (partials,
a chirp and some noise) as 16-bit WAV, FLAC, Ogg Vorbis and MP3 at 44.1 kHz and Ogg Opus at
48 kHz, through python-soundfile (libsndfile >= 1.1 writes MP3 and Opus).

usage: python make_bench_audio.py DIR [--seconds 60]"""
import argparse, os
import numpy as np
import soundfile as sf


def signal(rate, seconds):
    t = np.arange(int(rate * seconds)) / rate
    rng = np.random.default_rng(0)
    left = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 660 * t)
    right = 0.2 * np.sin(2 * np.pi * (200 * t + 20 * t * t)) + 0.1 * np.sin(2 * np.pi * 1500 * t)
    noise = 0.02 * rng.standard_normal((t.size, 2))
    return (np.stack([left, right], axis=1) + noise).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    x44, x48 = signal(44100, a.seconds), signal(48000, a.seconds)
    outputs = [("bench_pcm16.wav", x44, 44100, "WAV", "PCM_16"), ("bench.flac", x44, 44100, "FLAC", "PCM_16"),
               ("bench.ogg", x44, 44100, "OGG", "VORBIS"), ("bench.opus", x48, 48000, "OGG", "OPUS"),
               ("bench.mp3", x44, 44100, "MP3", "MPEG_LAYER_III")]
    for name, data, rate, container, subtype in outputs:
        path = os.path.join(a.dir, name)
        # Block-wise: libsndfile's Vorbis encoder crashes on one multi-second write.
        with sf.SoundFile(path, "w", rate, data.shape[1], format=container, subtype=subtype) as f:
            for start in range(0, len(data), 16384):
                f.write(data[start:start + 16384])
        print(path, flush=True)


if __name__ == "__main__":
    main()
