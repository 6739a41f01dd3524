#!/usr/bin/env python3
"""Reference log-mel spectrograms and filterbanks from librosa and torchaudio, for the Swift
tests of Crescendo's front end.

    bash tools/python-tools.sh tools/make_mel_fixtures.py

(.venv-tools sees Debian's python3-torch/python3-torchaudio and adds librosa from PyPI.)
Writes Tests/AudioTests/Fixtures/mel/mel_reference.safetensors.
"""
import os
import numpy as np
import librosa
import torch
import torchaudio
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "AudioTests", "Fixtures", "mel")
rng = np.random.default_rng(20261124)
out = {}

# Signals: a chirp with harmonics and noise (wide dynamic range), and a quiet two-tone mix.
sr = 16000
t = np.arange(int(0.6 * sr)) / sr
chirp = librosa.chirp(fmin=60, fmax=7000, sr=sr, duration=t[-1] + 1 / sr) * 0.5
chirp = chirp[: len(t)] + 0.25 * np.sin(2 * np.pi * 220 * t) + 0.01 * rng.standard_normal(len(t))
tones = 0.05 * np.sin(2 * np.pi * 440 * t) + 0.02 * np.sin(2 * np.pi * 3000 * t)
signals = {"chirp": chirp.astype(np.float32), "tones": tones.astype(np.float32)}

for name, y in signals.items():
    out[f"{name}.wave"] = y
    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=512, hop_length=256, n_mels=128, fmin=0.0, fmax=8000.0,
                                         power=2.0, center=True, pad_mode="reflect", window="hann")
    out[f"{name}.librosa_mel_power"] = mel.astype(np.float32)
    out[f"{name}.librosa_db"] = librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None).astype(np.float32)
    out[f"{name}.librosa_db_top80"] = librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=80.0).astype(np.float32)
    out[f"{name}.librosa_db_ref"] = librosa.power_to_db(mel, ref=0.5, amin=1e-5, top_db=60.0).astype(np.float32)
    ta = torchaudio.transforms.MelSpectrogram(sample_rate=sr, n_fft=512, hop_length=256, f_min=0.0, f_max=8000.0,
                                              n_mels=128, power=2.0, center=True, pad_mode="reflect",
                                              norm=None, mel_scale="htk")(torch.from_numpy(y))
    out[f"{name}.torchaudio_htk_power"] = ta.numpy().astype(np.float32)

# Filterbanks: defaults, and a second configuration.
configs = {"default": (16000, 512, 128, 0.0, 8000.0), "alt": (22050, 512, 40, 30.0, 11025.0)}
for key, (rate, n_fft, n_mels, fmin, fmax) in configs.items():
    out[f"fb.{key}.librosa_slaney"] = librosa.filters.mel(sr=rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax,
                                                          htk=False, norm="slaney")
    if key == "alt":
        out[f"fb.{key}.librosa_htk_nonorm"] = librosa.filters.mel(sr=rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin,
                                                                  fmax=fmax, htk=True, norm=None)
    out[f"fb.{key}.torchaudio_htk"] = torchaudio.functional.melscale_fbanks(
        n_fft // 2 + 1, fmin, fmax, n_mels, rate, norm=None, mel_scale="htk").T.contiguous().numpy()

os.makedirs(OUT, exist_ok=True)
save_file({k: np.ascontiguousarray(v) for k, v in out.items()}, os.path.join(OUT, "mel_reference.safetensors"),
          metadata={"librosa": librosa.__version__, "torchaudio": torchaudio.__version__})
print(f"wrote {len(out)} arrays to {os.path.normpath(OUT)} (librosa {librosa.__version__}, torchaudio {torchaudio.__version__})")
