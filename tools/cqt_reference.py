"""Constant-Q throughput of librosa, defined as Crescendo's constant-Q front end defines it
(ConstantQTransform's defaults): 16 kHz, 288 bins (252 from C1 plus 18 of margin each side)
at 36 per octave, hop 3200, tuning 0, then amplitude_to_db(ref=1, amin=1e-5, top_db=None).

usage: python cqt_reference.py --input signal.f32 [--reps 5]
--input is raw little-endian float32 mono at 16 kHz (the audio Crescendo's side measured).
Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to fix the thread count (one thread per core).
Prints one JSON line: audio seconds processed per wall second (median)."""
import argparse, json, statistics, time
import numpy as np
import librosa


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sr", type=int, default=16000)
    a = ap.parse_args()
    y = np.fromfile(a.input, dtype="<f4")
    seconds = len(y) / a.sr
    fmin = librosa.note_to_hz("C1") * 2.0 ** (-18 / 36)
    rates = []
    for i in range(a.reps + 1):
        t = time.perf_counter()
        c = np.abs(librosa.cqt(y, sr=a.sr, hop_length=3200, fmin=fmin, n_bins=288, bins_per_octave=36, tuning=0.0))
        db = librosa.amplitude_to_db(c, ref=1.0, amin=1e-5, top_db=None)
        dt = time.perf_counter() - t
        if i:
            rates.append(seconds / dt)
    print(json.dumps(dict(engine="librosa-" + librosa.__version__, name="cqt", seconds=round(seconds, 3),
                          audio_s_per_s=round(statistics.median(rates), 1), min=round(min(rates), 1),
                          max=round(max(rates), 1), shape=list(db.shape), dtype=str(db.dtype))), flush=True)


if __name__ == "__main__":
    main()
