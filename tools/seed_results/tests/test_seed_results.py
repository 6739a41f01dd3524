"""seed_results on made-up seed files: means, sds and paired differences by hand."""

import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

from seed_results.cli import main


def write_seed(folder: Path, seed: int, stages: dict[str, dict[str, float]], valid: float = 0.5):
    folder.mkdir(parents=True, exist_ok=True)
    record = {"seed": seed, "stages": [{"name": name, "testMetrics": metrics, "validMetrics": {"key/weighted_score": valid}}
                                        for name, metrics in stages.items()]
              + [{"name": "round1-pseudo-labels", "testMetrics": {}}]}
    (folder / f"seed-{seed}.json").write_text(json.dumps(record))


class SeedResultsTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.results = Path(self.dir.name)
        # Student 0.80, 0.84, 0.88 against control 0.78, 0.80, 0.85: differences 0.02, 0.04, 0.03.
        for seed, (s, c) in enumerate([(0.80, 0.78), (0.84, 0.80), (0.88, 0.85)]):
            write_seed(self.results / "exp", seed, {"round1-student": {"key/weighted_score": s},
                                                    "round1-control": {"key/weighted_score": c}}, valid=0.1 * seed)
        # Another experiment with seeds 1 and 2 only: pairs use the seeds both have.
        for seed, s in [(1, 0.90), (2, 0.86)]:
            write_seed(self.results / "other", seed, {"round1-student": {"key/weighted_score": s}})

    def tearDown(self):
        self.dir.cleanup()

    def run_main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*args, "--results", str(self.results), "--metrics", "key/weighted_score"])
        return code, out.getvalue(), err.getvalue()

    def test_mean_sd_and_paired_differences(self):
        code, out, _ = self.run_main("round1-student@exp", "--pair", "round1-student@exp", "round1-control@exp",
                                     "--pair", "round1-student@other", "round1-student@exp")
        self.assertEqual(code, 0)
        self.assertIn("| round1-student@exp | 0, 1, 2 | 0.840 ± 0.040 |", out)
        self.assertIn("| round1-student@exp − round1-control@exp | 0, 1, 2 | 0.030 ± 0.010 (+0.020, +0.040, +0.030) |", out)
        # 0.90 − 0.84 and 0.86 − 0.88: mean 0.02, sd 0.0566.
        self.assertIn("| round1-student@other − round1-student@exp | 1, 2 | 0.020 ± 0.057 (+0.060, -0.020) |", out)

    def test_validation_split(self):
        code, out, _ = self.run_main("--split", "valid", "round1-control@exp")
        self.assertEqual(code, 0)
        self.assertIn("valid split", out)
        self.assertIn("| round1-control@exp | 0, 1, 2 | 0.100 ± 0.100 |", out)

    def test_bad_specs_are_errors(self):
        for spec, message in [("student", "expected STAGE@DIR"), ("round1-student@missing", "no seed-*.json"),
                              ("round9-student@exp", "no stage round9-student")]:
            with self.subTest(spec=spec):
                code, _, err = self.run_main(spec)
                self.assertEqual(code, 1)
                self.assertIn(message, err)


if __name__ == "__main__":
    unittest.main()
