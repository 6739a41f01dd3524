"""Beat peer: librosa.beat.beat_track with librosa's defaults."""

from __future__ import annotations

# librosa 0.11 beat_track defaults, stated in the results (BEAT_TRACK_DEFAULTS): onset envelope
# from librosa.onset.onset_strength (mel spectral flux), hop_length 512, start_bpm 120,
# tightness 100, trim True (weak leading/trailing beats dropped), no fixed tempo.
BEAT_TRACK_DEFAULTS = {"hop_length": 512, "start_bpm": 120.0, "tightness": 100, "trim": True,
                       "onset_envelope": "librosa.onset.onset_strength (defaults)", "bpm": None}


def librosa_beats(y, sr: int) -> dict:
    """Beat times (seconds) and the global tempo estimate of librosa.beat.beat_track(y, sr)."""
    import librosa
    import numpy as np
    tempo, frames = librosa.beat.beat_track(y=y, sr=sr)
    times = librosa.frames_to_time(frames, sr=sr, hop_length=BEAT_TRACK_DEFAULTS["hop_length"])
    return {"beats": [float(t) for t in times], "tempo": float(np.atleast_1d(tempo)[0])}
