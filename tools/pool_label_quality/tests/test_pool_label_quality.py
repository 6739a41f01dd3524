"""pool_label_quality on a made-up data folder: truth from the manifest, scores by hand."""

import contextlib
import io
import json
import sqlite3
import tempfile
import unittest
from pathlib import Path

try:
    import numpy as np
    import sklearn  # noqa: F401
except ImportError:  # Debian's python3 without scikit-learn: the tools environment has it.
    np = None

KEYS = ["C major", "Db major", "D major", "Eb major", "E major", "F major", "F# major", "G major",
        "Ab major", "A major", "Bb major", "B major", "C minor", "C# minor", "D minor", "Eb minor",
        "E minor", "F minor", "F# minor", "G minor", "G# minor", "A minor", "Bb minor", "B minor"]


def one_hot(index, size):
    v = [0.0] * size
    v[index] = 1.0
    return v


@unittest.skipIf(np is None, "needs numpy and scikit-learn (bash tools/python-tools.sh -m unittest …)")
class PoolLabelQualityTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.data = Path(self.dir.name) / "data"
        self.data.mkdir()
        (self.data / "classes.json").write_text(json.dumps({
            "key_classes": KEYS, "instrument_classes": ["piano", "organ", "flute"],
            "instrument_gm_programs": {"piano": [0, 1], "organ": [19], "flute": [73]}}))
        # Four renders: two soundfonts; program 40 (strings) is no class here and is ignored.
        manifest = ["path,style,soundfont,programs",
                    "pool/a.flac,folk,sfA,0;73",
                    "pool/b.flac,folk,sfA,19",
                    "pool/c.flac,early,sfB,1;40",
                    "pool/d.flac,early,sfB,73;19"]
        (self.data / "pool_manifest.csv").write_text("\n".join(manifest) + "\n")
        truth = ["path,key,key_source",
                 "pool/a.flac,C major,written",
                 "pool/b.flac,G major,written",
                 "pool/c.flac,A minor,written",
                 "pool/d.flac,,"]  # no written key: left out of the key scores
        (self.data / "pool_truth.csv").write_text("\n".join(truth) + "\n")
        db = sqlite3.connect(self.data / "catalog.sqlite")
        db.executescript("""
            CREATE TABLE task (id INTEGER PRIMARY KEY, name TEXT);
            CREATE TABLE track (id INTEGER PRIMARY KEY, path TEXT);
            CREATE TABLE segmentLabel (runId INTEGER, trackId INTEGER, taskId INTEGER, start REAL,
                                       probabilities BLOB);
            INSERT INTO task VALUES (1, 'key'), (2, 'instruments');
        """)
        paths = ["pool/a.flac", "pool/b.flac", "pool/c.flac", "pool/d.flac"]
        for i, path in enumerate(paths):
            db.execute("INSERT INTO track VALUES (?, ?)", (i + 1, f"/somewhere/else/{path}"))
        # Key: a right, b a fifth off (G major labelled C major: 0.5), c right, d unscored.
        keys = {1: "C major", 2: "C major", 3: "A minor", 4: "D major"}
        # Instruments: ranked right on sfA; on sfB organ is ranked wrong (0.3 for d's organ, 0.6 for c's).
        instruments = {1: [0.9, 0.1, 0.8], 2: [0.1, 0.9, 0.2], 3: [0.7, 0.6, 0.1], 4: [0.2, 0.3, 0.4]}
        for track in range(1, 5):
            key = np.array(one_hot(KEYS.index(keys[track]), 24), dtype=np.float32)
            if track == 2:  # b's wrong label is unsure: C major 0.6, G major (the truth) 0.4
                key[KEYS.index("C major")], key[KEYS.index("G major")] = 0.6, 0.4
            key = key.tobytes()
            inst = np.array(instruments[track], dtype=np.float32).tobytes()
            db.execute("INSERT INTO segmentLabel VALUES (7, ?, 1, 0, ?)", (track, key))
            db.execute("INSERT INTO segmentLabel VALUES (7, ?, 2, 0, ?)", (track, inst))
            db.execute("INSERT INTO segmentLabel VALUES (8, ?, 2, 0, ?)", (track, inst))  # another run: not read
        db.commit()
        db.close()
        self.run_dir = Path(self.dir.name) / "seed-0"
        self.run_dir.mkdir()
        (self.run_dir / "pipeline.json").write_text(json.dumps({"stages": [
            {"name": "teacher", "kind": "teacher", "runId": 3},
            {"name": "round1-pseudo-labels", "kind": "pseudo-label", "runId": 7}]}))

    def tearDown(self):
        self.dir.cleanup()

    def test_truth_maps_programs_to_classes(self):
        from pool_label_quality.truth import Truth
        truth = Truth(self.data)
        self.assertEqual(truth.lookup("/x/y/pool/d.flac")["instruments"].tolist(), [0, 1, 1])
        self.assertEqual(truth.lookup("pool/c.flac")["instruments"].tolist(), [1, 0, 0])
        self.assertIsNone(truth.lookup("pool/d.flac")["key"])
        self.assertIsNone(truth.lookup("pool/zzz.flac"))

    def test_scores_by_hand(self):
        from pool_label_quality.scores import scores
        from pool_label_quality.truth import Truth, stage_labels
        truth = Truth(self.data)
        db = sqlite3.connect(self.data / "catalog.sqlite")
        examples = stage_labels(db, 7, truth)
        self.assertEqual(len(examples), 4)
        s = scores(examples, truth)
        self.assertEqual(s["with key"], 3)
        self.assertAlmostEqual(s["key accuracy"], 2 / 3)
        self.assertAlmostEqual(s["key weighted"], (1 + 0.5 + 1) / 3)
        # Above a 0.7 threshold only a and c are kept, both right.
        kept = scores(examples, truth, key_threshold=0.7)
        self.assertEqual((kept["kept"], kept["kept accuracy"], kept["kept weighted"]), (2, 1.0, 1.0))
        self.assertNotIn("kept", s)
        sf_a = scores([e for e in examples if e[0]["soundfont"] == "sfA"], truth)
        # sfA: piano, organ and flute each have one positive and one negative, ranked right.
        self.assertAlmostEqual(sf_a["inst ROC-AUC"], 1.0)
        sf_b = scores([e for e in examples if e[0]["soundfont"] == "sfB"], truth)
        # sfB: piano and flute ranked right (1), organ wrong (0); macro 2/3.
        self.assertAlmostEqual(sf_b["inst ROC-AUC"], 2 / 3)

    def test_command_prints_stage_tables(self):
        from pool_label_quality.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(main([str(self.data), str(self.run_dir)]), 0)
        text = out.getvalue()
        self.assertIn("## round1-pseudo-labels (1 runs)", text)
        self.assertIn("| sfB | 2 | 1 | 1.000 | 1.000 | 0.667 | 0.833 |", text)

    def test_missing_folder_is_an_error(self):
        from pool_label_quality.cli import main
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(main([str(Path(self.dir.name) / "nope"), str(self.run_dir)]), 1)
        self.assertIn("classes.json", err.getvalue())


if __name__ == "__main__":
    unittest.main()
