"""Chord peer: chroma template matching with HMM smoothing (a few lines of librosa).

librosa's constant-Q chroma (hop CHROMA_HOP) is compared with 24 binary triad templates
(12 major, 12 minor; cosine similarity); a 25th state, N (no chord), takes silent frames
(RMS more than SILENCE_DB below the clip's loudest frame) and frames that match no triad well.
The similarities become emission probabilities by a softmax with temperature 1/BETA, and
librosa.sequence.viterbi decodes the most likely state sequence under a transition matrix that
stays in a state with probability p_self and moves to each other state alike
(librosa.sequence.transition_loop). p_self is chosen on the valid split (cli)."""

from __future__ import annotations

PITCH_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
LABELS = [f"{p}:maj" for p in PITCH_NAMES] + [f"{p}:min" for p in PITCH_NAMES] + ["N"]
CHROMA_HOP = 2048  # samples: 93 ms at 22050 Hz
BETA = 20.0  # softmax sharpness of the similarities
N_SIMILARITY = 0.55  # similarity the N state has in a sounding frame (a clear triad scores ~0.8-0.95)
SILENCE_DB = 40.0
SELF_PROB_GRID = (0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995)
SETTINGS = {"chroma": "librosa.feature.chroma_cqt (defaults: 36 bins per octave, C1 and 7 octaves, "
                      "max-normalised)", "hop_length": CHROMA_HOP, "templates": "24 binary triads + N",
            "beta": BETA, "n_similarity": N_SIMILARITY, "silence_db": SILENCE_DB,
            "decoder": "librosa.sequence.viterbi, transition_loop(25, p_self), uniform start"}


def templates():
    import numpy as np
    t = np.zeros((24, 12))
    for r in range(12):
        t[r, [r, (r + 4) % 12, (r + 7) % 12]] = 1.0
        t[12 + r, [r, (r + 3) % 12, (r + 7) % 12]] = 1.0
    return t / np.linalg.norm(t, axis=1, keepdims=True)


def emissions(y, sr: int):
    """(25, frames) emission probabilities of the clip y (computed once per clip; decode then
    runs for any p_self)."""
    import librosa
    import numpy as np
    chroma = librosa.feature.chroma_cqt(y=y, sr=sr, hop_length=CHROMA_HOP)
    rms = librosa.feature.rms(y=y, frame_length=2 * CHROMA_HOP, hop_length=CHROMA_HOP)[0]
    n = min(chroma.shape[1], rms.shape[0])
    chroma, rms = chroma[:, :n], rms[:n]
    unit = chroma / np.maximum(np.linalg.norm(chroma, axis=0, keepdims=True), 1e-9)
    sim = templates() @ unit  # (24, n) cosine similarities
    db = 20 * np.log10(np.maximum(rms, 1e-10) / max(float(rms.max()), 1e-10))
    silent = db < -SILENCE_DB
    n_sim = np.where(silent, 1.0, N_SIMILARITY)
    sim = np.where(silent[None, :], 0.0, sim)
    scores = np.vstack([sim, n_sim[None, :]]) * BETA
    scores -= scores.max(axis=0, keepdims=True)
    p = np.exp(scores)
    return p / p.sum(axis=0, keepdims=True)


def decode(prob, p_self: float, sr: int, duration: float) -> list[tuple[float, float, str]]:
    """Viterbi decoding of the emission probabilities into (start, end, label) segments that
    cover [0, duration)."""
    import librosa
    trans = librosa.sequence.transition_loop(prob.shape[0], p_self)
    states = librosa.sequence.viterbi(prob, trans)
    frame_s = CHROMA_HOP / sr
    segs = []
    for i, s in enumerate(states):
        a = max(0.0, (i - 0.5) * frame_s)
        if a >= duration:
            break
        if segs and segs[-1][2] == LABELS[s]:
            continue
        if segs:
            segs[-1] = (segs[-1][0], a, segs[-1][2])
        segs.append((a, duration, LABELS[s]))
    return segs or [(0.0, duration, "N")]
