"""Checks of the frame-level peers on synthetic audio (need librosa and mir_eval: skipped where
they are not importable; tools/frame_peers.sh makes .venv-frame-peers, which has both):

    PYTHONPATH=tools .venv-frame-peers/bin/python -m unittest discover -s tools/frame_peers/tests -t tools
"""

import importlib.util
import os
import sys
import unittest

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

HAVE = all(importlib.util.find_spec(m) is not None for m in ("librosa", "mir_eval", "numpy"))
SR = 22050


def tone_chords(chords, seconds=2.0, bpm=120):
    """Piano-like decaying tones: each chord (MIDI pitches) for `seconds`, re-struck on every beat."""
    import numpy as np
    beat = 60.0 / bpm
    y = np.zeros(int(len(chords) * seconds * SR))
    t = np.arange(int(beat * SR)) / SR
    for i, ch in enumerate(chords):
        for k in range(int(seconds / beat)):
            start = int((i * seconds + k * beat) * SR)
            for m in ch:
                f = 440.0 * 2 ** ((m - 69) / 12)
                y[start:start + len(t)] += np.sin(2 * np.pi * f * t) * np.exp(-4 * t)
    return y / np.abs(y).max() * 0.8


@unittest.skipUnless(HAVE, "librosa / mir_eval not importable (tools/frame_peers.sh makes .venv-frame-peers)")
class Peers(unittest.TestCase):
    def test_templates(self):
        import numpy as np
        from frame_peers import chords
        t = chords.templates()
        self.assertEqual(t.shape, (24, 12))
        self.assertTrue(np.allclose(np.linalg.norm(t, axis=1), 1.0))
        self.assertEqual(len(chords.LABELS), 25)
        self.assertEqual(chords.LABELS[9 + 12], "A:min")

    def test_chord_peer_on_synthetic_triads(self):
        from frame_peers import chords, evaluation
        y = tone_chords([[48, 64, 67, 72], [45, 60, 64, 69], [43, 59, 62, 67], [48, 64, 67, 72]])
        dur = len(y) / SR
        est = chords.decode(chords.emissions(y, SR), 0.9, SR, dur)
        ref = [(0.0, 2.0, "C:maj"), (2.0, 4.0, "A:min"), (4.0, 6.0, "G:maj"), (6.0, dur, "C:maj")]
        self.assertEqual(est[0][0], 0.0)
        self.assertAlmostEqual(est[-1][1], dur)
        self.assertGreater(evaluation.chord_scores(ref, est)["majmin"], 0.8)

    def test_perfect_estimates_score_one(self):
        from frame_peers import evaluation
        ref = [i * 0.5 for i in range(60)]
        self.assertEqual(evaluation.beat_scores(ref, ref)["F-measure"], 1.0)
        self.assertEqual(evaluation.beat_scores(ref, ref, ref[::4], ref[::4])["downbeat F-measure"], 1.0)
        segs = [(0.0, 2.0, "C:maj"), (2.0, 3.0, "B:dim"), (3.0, 5.0, "G:7"), (5.0, 6.0, "X")]
        s = evaluation.chord_scores(segs, segs)
        self.assertEqual((s["root"], s["majmin"], s["mirex"]), (1.0, 1.0, 1.0))
        self.assertEqual(s["majmin_seconds"], 4.0)  # B:dim and X are left out of majmin
        self.assertEqual(s["root_seconds"], 5.0)  # X is left out of every score

    def test_beat_peer_finds_the_tempo(self):
        from frame_peers import beats
        y = tone_chords([[60, 64, 67]] * 10, seconds=2.0, bpm=120)
        out = beats.librosa_beats(y, SR)
        self.assertAlmostEqual(out["tempo"], 120.0, delta=3.0)


if __name__ == "__main__":
    unittest.main()
