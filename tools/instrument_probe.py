"""A linear probe for the instruments task: how much of it simple clip statistics already tell.

Per clip of a demo-style data set (`labeled_meta.csv` with `path`, `split`, `voice_classes`):
the mean, the standard deviation and the mean positive frame-to-frame difference of each band of
a 64-band log-mel spectrogram over the whole clip (timbre, its spread, its attacks), plus the
onset strength's mean and sd. One L2-regularised logistic regression per class is fitted on the
training split (features standardised on it) and scored by ROC-AUC on the other splits.

Why: if a linear model on these statistics matches or beats a trained network on a split, the
network has not learnt what the labels make easy (under-fitting, not a hard task); where both
are at chance (e.g. one class in another soundfont), the labeled data do not show it.

    bash tools/python-tools.sh tools/instrument_probe.py data/full-ood120x4 --C 0.01 0.1
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np


def clip_features(path: Path, sample_rate: int = 16000) -> np.ndarray:
    import librosa
    import soundfile as sf

    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    if rate != sample_rate:
        mono = librosa.resample(mono, orig_sr=rate, target_sr=sample_rate)
    mel = librosa.power_to_db(librosa.feature.melspectrogram(y=mono, sr=sample_rate, n_fft=1024,
                                                             hop_length=512, n_mels=64))
    mel -= mel.max()  # level-free: the renders' loudness is not a timbre cue
    onset = librosa.onset.onset_strength(S=mel, sr=sample_rate)
    rise = np.maximum(np.diff(mel, axis=1), 0)
    return np.concatenate([mel.mean(axis=1), mel.std(axis=1), rise.mean(axis=1), [onset.mean(), onset.std()]])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="data set folder with labeled_meta.csv and classes.json")
    parser.add_argument("--C", type=float, nargs="+", default=[0.1], help="inverse L2 strengths to report")
    parser.add_argument("--train", default="train")
    args = parser.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    meta = args.data / "labeled_meta.csv"
    if not meta.is_file():
        print(f"instrument_probe: {meta}: no such file", file=sys.stderr)
        return 2
    rows = list(csv.DictReader(meta.open()))
    classes = sorted({c for r in rows for c in r["voice_classes"].split(";") if c})
    features: dict[str, list[np.ndarray]] = {}
    targets: dict[str, list[list[bool]]] = {}
    for r in rows:
        try:
            f = clip_features(args.data / r["path"])
        except Exception as error:  # one unreadable clip is reported, not fatal
            print(f"instrument_probe: {r['path']}: {error}", file=sys.stderr)
            continue
        present = set(r["voice_classes"].split(";"))
        features.setdefault(r["split"], []).append(f)
        targets.setdefault(r["split"], []).append([c in present for c in classes])
    if args.train not in features:
        print(f"instrument_probe: no clips in split {args.train}", file=sys.stderr)
        return 2
    x = {s: np.array(v) for s, v in features.items()}
    y = {s: np.array(v) for s, v in targets.items()}
    scaler = StandardScaler().fit(x[args.train])
    for c_value in args.C:
        for split in sorted(s for s in x if s != args.train):
            scores = []
            for j, name in enumerate(classes):
                if y[split][:, j].all() or not y[split][:, j].any():
                    scores.append(float("nan"))
                    continue
                model = LogisticRegression(C=c_value, max_iter=2000).fit(scaler.transform(x[args.train]), y[args.train][:, j])
                scores.append(roc_auc_score(y[split][:, j], model.decision_function(scaler.transform(x[split]))))
            per_class = " ".join(f"{n}={s:.2f}" for n, s in zip(classes, scores))
            print(f"C={c_value:g} {split} ({len(x[split])} clips): macro ROC-AUC {np.nanmean(scores):.3f}  {per_class}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
