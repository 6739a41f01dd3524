"""The option parsing of scripts/experiment, through its --dry-run (nothing is built or trained):

    /usr/bin/python3 -m unittest discover -s scripts/tests

Both of session 14's experiment bugs were here: --start-from seeded nothing, and a --variant after
a --set went to the pipeline. Each case runs a copy of the script in a scratch tree, so a runs/
directory made here never touches the checkout's.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "experiment")


class ExperimentOptions(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="experiment-options-")
        os.mkdir(os.path.join(self.root, "scripts"))
        shutil.copy(SCRIPT, os.path.join(self.root, "scripts", "experiment"))

    def tearDown(self):
        shutil.rmtree(self.root)

    def run_script(self, *args):
        done = subprocess.run(["bash", os.path.join(self.root, "scripts", "experiment"), "--dry-run", *args],
                              capture_output=True, text=True, timeout=30)
        return done.returncode, done.stdout, done.stderr

    def plan(self, *args):
        code, out, err = self.run_script(*args)
        self.assertEqual(code, 0, err)
        fields = {}
        for line in out.splitlines():
            key, _, value = line.partition("  ")
            fields[key.strip()] = value.strip()
        return fields

    def make_runs(self, name):
        os.makedirs(os.path.join(self.root, "runs", name, "seed-0"))

    def test_defaults(self):
        plan = self.plan()
        self.assertEqual(plan["data"], "data/full-pool20h")
        self.assertIn("--set catalog=data/full-pool20h/catalog.sqlite --set splits.pool_truth=data/full-pool20h/pool_truth.csv",
                      plan["command"])
        self.assertEqual(plan["runs"], "runs/experiment-pool20h")
        self.assertEqual(plan["results"], "docs/results/experiment-pool20h")
        self.assertEqual(plan["seeds"], "0 1 2")
        self.assertNotIn("start from", plan)

    def test_variant_after_set_is_the_scripts(self):
        plan = self.plan("--pool-hours", "3", "--set", "teacher.epochs=24", "--variant", "v", "--set", "pool_fraction=0.5")
        self.assertEqual(plan["runs"], "runs/experiment-pool3h-v")
        self.assertEqual(plan["results"], "docs/results/experiment-pool3h-v")
        self.assertNotIn("--variant", plan["command"])
        self.assertTrue(plan["command"].endswith("--set teacher.epochs=24 --set pool_fraction=0.5"), plan["command"])
        self.assertIn("--set runs_directory=runs/experiment-pool3h-v", plan["command"])

    def test_start_from_names_the_seeding_runs(self):
        self.make_runs("experiment-pool3h-ood120x4-base")
        plan = self.plan("--pool-hours", "3", "--ood-folk", "120", "--ood-poly-versions", "4",
                         "--start-from", "base", "--variant", "next", "--seeds", "0 1")
        self.assertEqual(plan["start from"], "runs/experiment-pool3h-ood120x4-base")
        self.assertEqual(plan["runs"], "runs/experiment-pool3h-ood120x4-next")
        self.assertEqual(plan["data"], "data/full-ood120x4")
        self.assertEqual(plan["seeds"], "0 1")
        self.assertIn("--set catalog=data/full-ood120x4/catalog.sqlite", plan["command"])
        self.assertIn("--seeds 0 1 --cell-results", plan["command"])

    def test_grid_runs_the_study(self):
        plan = self.plan("--pool-hours", "3", "--grid", "0 0.25 1", "--seeds", "0 2", "--variant", "v", "--set", "x=1")
        self.assertEqual(plan["runs"], "runs/experiment-pool3h-v-grid")
        self.assertEqual(plan["results"], "docs/results/experiment-pool3h-v-grid")
        self.assertTrue(plan["command"].startswith("crescendo study --config configs/experiment.yaml"), plan["command"])
        self.assertIn("pool_fractions:\\ \\[0\\,\\ 0.25\\,\\ 1\\]", plan["command"])
        self.assertIn("seeds:\\ \\[0\\,\\ 2\\]", plan["command"])
        self.assertNotIn("--seeds", plan["command"])
        self.assertIn("--cell-results docs/results/experiment-pool3h-v-grid", plan["command"])
        self.assertTrue(self.plan()["command"].startswith("crescendo pipeline"))

    def test_start_from_the_plain_run(self):
        self.make_runs("experiment-pool3h")
        plan = self.plan("--pool-hours", "3", "--start-from", "", "--variant", "v")
        self.assertEqual(plan["start from"], "runs/experiment-pool3h")

    def test_refusals(self):
        cases = [
            (("--start-from", "typo", "--variant", "v"), "no runs of variant 'typo'"),
            (("--start-from", "", "--variant", "v"), "no runs of the plain run"),
            (("--variant", "--set", "a=1"), "--variant needs a value"),
            (("--variant",), "--variant needs a value"),
            (("--variant", ""), "--variant needs a non-empty name"),
            (("--seeds", "0,1"), "--seeds must be seed numbers"),
            (("--pool-hours", "many"), "--pool-hours must be a number"),
            (("--grid", "0,1"), "--grid must be pool fractions"),
            (("--grid", "0 1", "--start-from", ""), "--start-from does not apply to --grid"),
        ]
        self.make_runs("experiment-pool3h-v")
        cases.append((("--pool-hours", "3", "--start-from", "v", "--variant", "v"), "names this variant itself"))
        for args, message in cases:
            with self.subTest(args=args):
                code, out, err = self.run_script(*args)
                self.assertEqual(code, 64, out)
                self.assertIn(message, err)
                self.assertEqual(out, "")

    def test_each_pool_size_has_its_folder(self):
        plan = self.plan("--pool-hours", "3", "--ood-folk", "120", "--ood-poly-versions", "4")
        self.assertEqual(plan["data"], "data/full-ood120x4")
        plan = self.plan("--pool-hours", "20", "--ood-folk", "120", "--ood-poly-versions", "4")
        self.assertEqual(plan["data"], "data/full-ood120x4-pool20h")
        self.assertEqual(plan["runs"], "runs/experiment-pool20h-ood120x4")

    def test_a_folder_grown_beyond_the_pool_size_is_refused(self):
        os.makedirs(os.path.join(self.root, "data", "full"))
        with open(os.path.join(self.root, "data", "full", "stats.json"), "w") as f:
            f.write('{"pool_hours_target": 20.0}')
        code, _, err = self.run_script("--pool-hours", "3")
        self.assertEqual(code, 64)
        self.assertIn("data/full holds a pool built to 20.0 hours", err)
        self.assertEqual(self.plan("--pool-hours", "20.0")["data"], "data/full-pool20.0h")

    def test_start_from_another_pool_sizes_runs(self):
        self.make_runs("experiment-pool3h-ood120x4-t48")
        plan = self.plan("--pool-hours", "20", "--ood-folk", "120", "--ood-poly-versions", "4", "--variant", "t48",
                         "--start-from", "runs/experiment-pool3h-ood120x4-t48/")
        self.assertEqual(plan["start from"], "runs/experiment-pool3h-ood120x4-t48")
        self.assertEqual(plan["runs"], "runs/experiment-pool20h-ood120x4-t48")
        code, _, err = self.run_script("--pool-hours", "20", "--start-from", "runs/nothing-here")
        self.assertEqual(code, 64)
        self.assertIn("no runs of 'runs/nothing-here'", err)


if __name__ == "__main__":
    unittest.main()
