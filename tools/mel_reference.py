"""Log-mel throughput of librosa, defined as Crescendo's front end defines it: 16 kHz,
n_fft 512, hop 256, 128 Slaney mels, centred STFT with reflect padding, power 2, then
power_to_db(ref=1, amin=1e-10, top_db=None).

usage: python mel_reference.py [--seconds 60] [--reps 5]
Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to fix the thread count (one thread per core).
Prints one JSON line: audio seconds processed per wall second (median)."""
import argparse, json, statistics, time
import numpy as np
import librosa


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sr", type=int, default=16000)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    y = (0.1 * rng.standard_normal(int(a.sr * a.seconds))).astype(np.float32)
    rates = []
    for i in range(a.reps + 1):
        t = time.perf_counter()
        power = librosa.feature.melspectrogram(y=y, sr=a.sr, n_fft=512, hop_length=256, n_mels=128,
                                               center=True, pad_mode="reflect", power=2.0)
        db = librosa.power_to_db(power, ref=1.0, amin=1e-10, top_db=None)
        dt = time.perf_counter() - t
        if i:
            rates.append(a.seconds / dt)
    print(json.dumps(dict(engine="librosa-" + librosa.__version__, name="logmel", seconds=a.seconds,
                          audio_s_per_s=round(statistics.median(rates), 1), min=round(min(rates), 1),
                          max=round(max(rates), 1), shape=list(db.shape), dtype=str(db.dtype))), flush=True)


if __name__ == "__main__":
    main()
