"""Frame-level labels (beats, downbeats, chords) and their sidecar files:

    /usr/bin/python3 -m unittest discover -s tools/demo_data/tests -t tools

The tests that need music21 (.venv-demo) or mir_eval (.venv-tools) are skipped where those are
not importable; run them with those environments' Python, e.g.
    PYTHONPATH=tools .venv-demo/bin/python -m unittest demo_data.tests.test_frames
"""

import importlib.util
import os
import sys
import tempfile
import unittest
from pathlib import Path

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

from demo_data import checks, harmony, rhythm, sidecars  # noqa: E402

HAVE_MUSIC21 = importlib.util.find_spec("music21") is not None
HAVE_MIR_EVAL = importlib.util.find_spec("mir_eval") is not None

FOUR = [0.0, 1.0, 2.0, 3.0]
THREE = [0.0, 1.0, 2.0]


class BeatGrid(unittest.TestCase):
    def test_anacrusis_in_four_four(self):
        # a one-beat pickup (length 1, padding 3), two full bars, a closing bar of 3 beats
        bars = [(0.0, 1.0, 3.0, FOUR), (1.0, 4.0, 0.0, FOUR), (5.0, 4.0, 0.0, FOUR), (9.0, 3.0, 0.0, FOUR)]
        grid = rhythm.beat_grid(bars, end_ql=12.0)
        self.assertEqual([q for q, _ in grid], [float(q) for q in range(12)])
        self.assertEqual([p for _, p in grid], [4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3])

    def test_three_four_with_two_beat_pickup(self):
        bars = [(0.0, 2.0, 1.0, THREE)] + [(2.0 + 3 * i, 3.0, 0.0, THREE) for i in range(3)]
        grid = rhythm.beat_grid(bars)
        self.assertEqual([p for _, p in grid], [2, 3] + [1, 2, 3] * 3)
        self.assertEqual(grid[2], (2.0, 1))

    def test_time_signature_change_and_compound_meter(self):
        # 2 bars of 4/4, then 6/8 (two dotted-quarter beats per bar), then 3/4
        six_eight = rhythm.beat_offsets(2, 1.5, 3.0)
        bars = [(0.0, 4.0, 0.0, FOUR), (4.0, 4.0, 0.0, FOUR), (8.0, 3.0, 0.0, six_eight),
                (11.0, 3.0, 0.0, THREE)]
        grid = rhythm.beat_grid(bars)
        self.assertEqual(grid, [(0.0, 1), (1.0, 2), (2.0, 3), (3.0, 4), (4.0, 1), (5.0, 2), (6.0, 3),
                                (7.0, 4), (8.0, 1), (9.5, 2), (11.0, 1), (12.0, 2), (13.0, 3)])

    def test_irregular_meter_from_beat_sequence(self):
        self.assertEqual(rhythm.beat_offsets(2, 1.25, 2.5, [1.5, 1.0]), [0.0, 1.5])  # 5/8 as 3+2
        self.assertEqual(rhythm.beat_offsets(2, 1.25, 2.5, [1.5, 1.5]), [0.0, 1.25])  # inconsistent

    def test_music_end_cuts_beats(self):
        grid = rhythm.beat_grid([(0.0, 4.0, 0.0, FOUR), (4.0, 4.0, 0.0, FOUR)], end_ql=6.0)
        self.assertEqual([q for q, _ in grid], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])


class AudioBeats(unittest.TestCase):
    def test_tempo_and_leading_silence(self):
        grid = [(0.0, 1), (1.0, 2), (2.0, 1)]
        # 120 quarters per minute; the render's first note sounds 0.5 s in and is trimmed away
        beats = rhythm.audio_beats([(1.0, 2), (2.0, 1), (3.0, 2)], 120, 0.5, 10.0, 10.0)
        self.assertEqual(beats, [(0.0, 2), (0.5, 1), (1.0, 2)])
        # a beat a few ms before the trimmed start (the synthesiser's attack) is put at 0
        self.assertEqual(rhythm.audio_beats(grid, 60, 0.004, 10.0, 10.0)[0], (0.0, 1))

    def test_loop_repeats_the_beats(self):
        grid = [(0.0, 1), (1.0, 2), (2.0, 1)]
        # the render is 3.2 s of audio, then 0.4 s of silence, then again; the clip is 8 s
        beats = rhythm.audio_beats(grid, 60, 0.0, 3.2, 8.0, 0.4)
        self.assertEqual([round(t, 3) for t, _ in beats], [0.0, 1.0, 2.0, 3.6, 4.6, 5.6, 7.2])
        self.assertEqual([p for _, p in beats], [1, 2, 1, 1, 2, 1, 1])


def events(chords, length=1.0):
    """One sonority per beat."""
    return [(i * length, (i + 1) * length, tuple(c)) for i, c in enumerate(chords)]


class Chords(unittest.TestCase):
    def test_triads_and_sevenths(self):
        self.assertEqual(harmony.label_pitches([48, 64, 67, 72]), "C:maj")
        self.assertEqual(harmony.label_pitches([52, 60, 67]), "C:maj")  # first inversion
        self.assertEqual(harmony.label_pitches([57, 60, 64]), "A:min")
        self.assertEqual(harmony.label_pitches([43, 59, 62, 65]), "G:7")
        self.assertEqual(harmony.label_pitches([47, 62, 65]), "B:dim")
        self.assertEqual(harmony.label_pitches([43, 59, 65]), "G:7")  # seventh without fifth
        self.assertEqual(harmony.label_pitches([48, 67]), "C:5")
        self.assertEqual(harmony.label_pitches([52, 67]), "E:min")  # a third: root and third
        self.assertIsNone(harmony.label_pitches([60, 72]))
        self.assertIsNone(harmony.label_pitches([60, 61, 62]))

    def test_sonorities_sweep(self):
        # a held bass C under a melody E-F-G, and a rest before the last note
        notes = [(0.0, 3.0, 48), (0.0, 1.0, 64), (1.0, 2.0, 65), (2.0, 3.0, 67), (4.0, 5.0, 60)]
        self.assertEqual(harmony.sweep_sonorities(notes),
                         [(0.0, 1.0, (48, 64)), (1.0, 2.0, (48, 65)), (2.0, 3.0, (48, 67)),
                          (4.0, 5.0, (60,))])

    def test_beat_label_fallbacks(self):
        self.assertEqual(harmony.beat_label([], {}), "N")
        self.assertEqual(harmony.beat_label([67], {67: 1.0}), "X")  # a melody note alone
        # a suspension at the beat (C F G over C), resolving to E within the beat
        onset = [48, 65, 67, 72]
        w = {48: 1.0, 65: 0.5, 64: 0.5, 67: 1.0, 72: 1.0}
        self.assertEqual(harmony.beat_label(onset, w), "C:maj")

    def test_transposition_moves_roots(self):
        base = [[48, 64, 67], [45, 60, 64], [43, 59, 62, 65], [48, 64, 67, 72]]
        grid = [(float(i), i % 4 + 1) for i in range(4)]
        ref = harmony.score_segments(events(base), grid, 4.0)
        self.assertEqual([lab for *_t, lab in ref], ["C:maj", "A:min", "G:7", "C:maj"])
        for k in range(-5, 7):
            moved = harmony.score_segments(events([[m + k for m in c] for c in base]), grid, 4.0)
            for (a0, b0, l0), (a1, b1, l1) in zip(ref, moved):
                self.assertEqual((a0, b0), (a1, b1))
                r0, q0 = l0.split(":")
                r1, q1 = l1.split(":")
                self.assertEqual(q0, q1)
                self.assertEqual((harmony._root_pc(r0) + k) % 12, harmony._root_pc(r1))

    def test_segments_merge_and_cover_the_clip(self):
        grid = [(float(i), 1) for i in range(4)]
        segs = harmony.score_segments(events([[48, 64, 67]] * 2 + [[43, 59, 62]] * 2), grid, 4.0)
        self.assertEqual(segs, [(0.0, 2.0, "C:maj"), (2.0, 4.0, "G:maj")])
        # 60 bpm, render 4.5 s (release after the last beat), loop gap 0.5 s, clip 9 s
        out = harmony.audio_segments(segs, 60, 0.0, 4.5, 9.0, rhythm.copies(4.5, 9.0, 0.5))
        self.assertEqual(out, [(0.0, 2.0, "C:maj"), (2.0, 4.0, "G:maj"), (4.0, 5.0, "N"),
                               (5.0, 7.0, "C:maj"), (7.0, 9.0, "G:maj")])
        for (a, b, _), (c, _d, _l) in zip(out, out[1:]):
            self.assertEqual(b, c)


class Vocabulary(unittest.TestCase):
    def test_25_classes(self):
        vocab = harmony.chord_vocab_25()
        self.assertEqual(len(vocab), 25)
        self.assertEqual(len(set(vocab)), 25)
        self.assertEqual(vocab[0], "C:maj")
        self.assertEqual(vocab[12 + 9], "A:min")
        self.assertEqual(vocab[24], "N")

    def test_reduction(self):
        cases = {"C:maj": "C:maj", "G:7": "G:maj", "F:maj7": "F:maj", "Db:maj": "C#:maj",
                 "C#:aug": "X", "A:min": "A:min", "D:min7": "D:min", "B:dim": "X",
                 "F#:hdim7": "X", "G#:dim7": "X", "E:minmaj7": "E:min", "C:5": "X", "X": "X", "N": "N",
                 "C:maj/3": "C:maj", "E:sus4": "X", "Cb:maj": "B:maj"}
        for label, want in cases.items():
            self.assertEqual(harmony.reduce_25(label), want, label)
        self.assertEqual(harmony.class_index_25("G:7"), 7)
        self.assertEqual(harmony.class_index_25("A:min7"), 21)
        self.assertEqual(harmony.class_index_25("N"), 24)
        self.assertIsNone(harmony.class_index_25("C:5"))


    @unittest.skipUnless(HAVE_MIR_EVAL, "mir_eval is not importable by this Python (.venv-frame-peers has it)")
    def test_reduction_is_mir_evals_majmin(self):
        import mir_eval
        labels = ["C:maj", "G:7", "F:maj7", "D:maj6", "A:min", "D:min7", "E:minmaj7", "B:dim",
                  "F#:hdim7", "G#:dim7", "C#:aug", "C:5", "E:sus4", "X", "N"]
        for lab in labels:
            red = harmony.reduce_25(lab)
            left_out = mir_eval.chord.majmin([lab], [lab])[0] < 0
            self.assertEqual(red == "X", left_out, lab)
            if red != "X":  # the class is the chord majmin sees
                self.assertEqual(mir_eval.chord.majmin([lab], [red])[0], 1.0, lab)


class Sidecars(unittest.TestCase):
    def test_paths(self):
        self.assertEqual(sidecars.sidecar_rels("labeled/test/bwv1_ab.flac"),
                         ("labeled/test/bwv1_ab.beats", "labeled/test/bwv1_ab.lab"))
        b, c = sidecars.sidecar_rels("pool/renders/folk-irish/x_1.flac")
        self.assertEqual(b, "pool_frame_truth/renders/folk-irish/x_1.beats")
        self.assertEqual(c, "pool_frame_truth/renders/folk-irish/x_1.lab")

    def test_round_trip(self):
        beats = [(0.0, 4), (0.77571, 1), (1.5, 2)]
        segs = [(0.0, 1.25, "C:maj"), (1.25, 2.0, "A:min7"), (2.0, 30.0, "N")]
        with tempfile.TemporaryDirectory() as d:
            sidecars.write_beats(Path(d) / "a.beats", beats)
            sidecars.write_lab(Path(d) / "a.lab", segs)
            text = (Path(d) / "a.beats").read_text()
            self.assertEqual(text.splitlines()[1], "0.7757\t1")
            times, pos = sidecars.read_beats(Path(d) / "a.beats")
            self.assertEqual(pos, [4, 1, 2])
            self.assertEqual(times, [0.0, 0.7757, 1.5])
            self.assertEqual(sidecars.read_lab(Path(d) / "a.lab"), segs)
            if HAVE_MIR_EVAL:
                import mir_eval
                iv, labels = mir_eval.io.load_labeled_intervals(str(Path(d) / "a.lab"))
                self.assertEqual(labels, ["C:maj", "A:min7", "N"])
                self.assertEqual(iv.tolist(), [[0.0, 1.25], [1.25, 2.0], [2.0, 30.0]])
                t, p = mir_eval.io.load_delimited(str(Path(d) / "a.beats"), [float, int], "\t")
                self.assertEqual(p, [4, 1, 2])
                mir_eval.chord.encode_many(labels)  # valid Harte labels

    def test_unlabeled_never_names_a_sidecar(self):
        ok = ["pool/wesnoth/a.ogg", "pool/renders/folk-irish/x_1.flac"]
        self.assertEqual(checks.sidecar_paths(ok), [])
        bad = ["pool_frame_truth/renders/folk-irish/x_1.beats", "pool/renders/x.lab",
               sidecars.sidecar_rels("pool/renders/s/y.flac")[1]]
        self.assertEqual(checks.sidecar_paths(ok + bad), bad)


@unittest.skipUnless(HAVE_MUSIC21, "music21 is not importable by this Python (it is installed "
                                   "in .venv-demo by tools/make_demo_dataset.sh)")
class WithMusic21(unittest.TestCase):
    def score(self, ts: str, pickup: float, bars: int, second_ts: str | None = None):
        """One part: a pickup of `pickup` quarters, then full bars of quarter-note C major
        chords (a time-signature change after two bars when second_ts is given)."""
        from music21 import chord, meter, stream
        part = stream.Part()
        t = meter.TimeSignature(ts)
        m = stream.Measure(number=0)
        m.timeSignature = t
        m.append(chord.Chord(["C4", "E4", "G4"], quarterLength=pickup))
        m.paddingLeft = t.barDuration.quarterLength - pickup
        part.append(m)
        for i in range(bars):
            mm = stream.Measure(number=i + 1)
            if second_ts and i == 2:
                t = meter.TimeSignature(second_ts)
                mm.timeSignature = t
            for _ in range(int(t.barDuration.quarterLength)):
                mm.append(chord.Chord(["G3", "B3", "D4", "F4"] if i % 2 else ["C4", "E4", "G4"],
                                      quarterLength=1.0))
            part.append(mm)
        s = stream.Score()
        s.insert(0, part)
        return s

    def test_score_grid_with_pickup_and_change(self):
        s = self.score("3/4", 1.0, 4, second_ts="4/4")
        grid = rhythm.beat_grid(rhythm.score_bars(s), rhythm.sounding_span(s)[1])
        self.assertEqual([p for _, p in grid], [3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 4, 1, 2, 3, 4])
        self.assertEqual(grid[1], (1.0, 1))

    def test_score_transposition_moves_roots(self):
        s = self.score("4/4", 1.0, 3)
        grid = rhythm.beat_grid(rhythm.score_bars(s))
        labels = [lab for *_ab, lab in harmony.score_segments(harmony.chord_events(s), grid, 13.0)]
        self.assertEqual(labels, ["C:maj", "G:7", "C:maj"])
        up = s.transpose(3)
        labels = [lab for *_ab, lab in harmony.score_segments(harmony.chord_events(up), grid, 13.0)]
        self.assertEqual(labels, ["Eb:maj", "Bb:7", "Eb:maj"])

    def test_write_frame_labels(self):
        from demo_data import frames
        from demo_data.common import SAMPLE_RATE
        s = self.score("4/4", 1.0, 3)
        res = {"lead_samples": 0, "source_samples": int(13.5 * SAMPLE_RATE),
               "clip_samples": 30 * SAMPLE_RATE, "seconds": 30.0}
        with tempfile.TemporaryDirectory() as d:
            frames.write_frame_labels(s, 60, Path(d), "labeled/test/a.flac", res, looped=True)
            times, pos = sidecars.read_beats(Path(d) / "labeled/test/a.beats")
            self.assertEqual(pos[:6], [4, 1, 2, 3, 4, 1])
            self.assertEqual(times[12:14], [12.0, 13.9])  # the loop: 13.5 s + 0.4 s gap
            segs = sidecars.read_lab(Path(d) / "labeled/test/a.lab")
            self.assertEqual(segs[0], (0.0, 5.0, "C:maj"))
            self.assertEqual(segs[1], (5.0, 9.0, "G:7"))
            self.assertEqual(segs[-1][1], 30.0)
        self.assertEqual(res["frames_version"], frames.FRAMES_VERSION)
        self.assertEqual(res["downbeats"], 3 * 2 + 1)

    def test_templates_agree_with_music21(self):
        """The templates give the roots and qualities music21 reads from correctly spelled
        chords (music21 reads spelling: E-flat, G-flat, A is no triad to it; the templates
        read pitch classes, which is all a transposed MIDI rendering keeps)."""
        from music21 import chord, pitch
        spelled = {"maj": ["M3", "P5"], "min": ["m3", "P5"], "dim": ["m3", "d5"], "aug": ["M3", "A5"],
                   "7": ["M3", "P5", "m7"], "maj7": ["M3", "P5", "M7"], "min7": ["m3", "P5", "m7"],
                   "hdim7": ["m3", "d5", "m7"], "dim7": ["m3", "d5", "d7"], "minmaj7": ["m3", "P5", "M7"]}
        check = {"maj": "isMajorTriad", "min": "isMinorTriad", "dim": "isDiminishedTriad",
                 "aug": "isAugmentedTriad", "7": "isDominantSeventh", "dim7": "isDiminishedSeventh",
                 "hdim7": "isHalfDiminishedSeventh"}
        self.assertEqual(set(spelled), set(harmony.TEMPLATES.values()))
        for quality, ivs in spelled.items():
            for name in ("C", "C#", "D-", "D", "E-", "E", "F", "F#", "G", "A-", "A", "B-", "B"):
                root = pitch.Pitch(name + "3")
                c = chord.Chord([root] + [root.transpose(i) for i in ivs])
                self.assertTrue(c.isTriad() or c.isSeventh(), (quality, name))
                if quality in check:
                    self.assertTrue(getattr(c, check[quality])(), (quality, name))
                want = f"{harmony.PITCH_NAMES[c.root().pitchClass]}:{quality}"
                self.assertEqual(harmony.label_pitches([p.midi for p in c.pitches]), want)


if __name__ == "__main__":
    unittest.main()
