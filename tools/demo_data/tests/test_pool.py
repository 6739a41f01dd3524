"""Checks of the unlabeled pool's planning that need neither audio nor music21: no held-out
work in the pool (leak check by work), style and soundfont stratification, the true-key file
(transposition applied) and resuming a build.

    /usr/bin/python3 -m unittest discover -s tools/demo_data/tests -t tools
"""

import collections
import os
import sys
import tempfile
import unittest
from pathlib import Path

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

from demo_data import checks, frames, pool, sidecars, splits  # noqa: E402

SOUNDFONTS = ["fluidr3", "timgm6mb", "musescore"]


def abc(*tunes):
    return "\n".join(f"X:{x}\nT:{title}\nM:2/4\nL:1/8\nK:G\nGABc|dcBA|GABc|d2G2|]\n"
                     for x, title in tunes)


def fake_corpus(root: Path):
    """A few files laid out like music21's corpus (contents are only read for ABC titles)."""
    files = {
        "haydn/opus74no1/movement1.mxl": "x", "haydn/opus74no1/movement3.mxl": "x",
        "haydn/opus1no1/movement2.mxl": "x",
        "mozart/k80/movement1.mxl": "x", "mozart/k80/movement1.krn": "x",  # two encodings
        "joplin/maple_leaf_rag.mxl": "x",
        "palestrina/Agnus_01.krn": "x", "palestrina/Credo_41_b.krn": "x",
        "trecento/Fava.xml": "x",
        "bach/bwv269.mxl": "x",  # never in the pool: not a pool source
        "ryansMammoth/AcaciaReel.abc": abc(("1", "Acacia Reel")),
        "ryansMammoth/BoysOfBlue.abc": abc(("1", "Boys of Blue Hill")),
        "oneills1850/0001-0050.abc": abc(("7", "The Acacia Reel"), ("8", "Drowsy Maggie"),
                                         ("9", "Wer nur den lieben Gott")),
        "essenFolksong/erk5.abc": abc(("1", "Das Hildebrandslied"), ("2", "Herzog Ernst"),
                                      ("3", "Lindenbaum")),
        "essenFolksong/han1.abc": abc(("1", "Kangding qingge"), ("2", "Molihua")),
        "airdsAirs/book1.abc": abc(("0001", "Tune A"), ("0002", "Tune B")),
    }
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="latin-1")


def held_out_plans():
    """Labeled plans as the build makes them (split + identities + title)."""
    ch = {"bwv": "1.6", "group": "title:wer nur den lieben gott", "split": "test"}
    return [
        {"split": "test", "identities": splits.chorale_identities(ch)},
        {"split": "test_ood", "identities": splits.work_identities("haydn/opus74no1/movement4.mxl"),
         "title": "String Quartet Op. 74 No. 1"},
        {"split": "test_ood", "identities": splits.work_identities(
            "ryansMammoth/AcaciaReel.abc", tune="1", title="Acacia Reel"), "title": "Acacia Reel"},
        {"split": "test_ood", "identities": splits.work_identities(
            "essenFolksong/erk5.abc", tune="1", title="Das Hildebrandslied"),
         "title": "Das Hildebrandslied"},
    ]


class PoolLeakByWork(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        fake_corpus(self.root)
        self.held = held_out_plans()
        self.exclude = splits.pool_exclusions(self.held, titles=["Wer nur den lieben Gott"])
        self.sources = pool.pool_sources(self.root, 7, self.exclude)
        self.cands = [c for lists in self.sources.values() for cl in lists for c in cl]

    def tearDown(self):
        self.tmp.cleanup()

    def test_no_held_out_work_among_candidates(self):
        srcs = {(c["src"], c["tune"]) for c in self.cands}
        # another movement of a test_ood work is the same work
        self.assertFalse(any(s.startswith("haydn/opus74no1/") for s, _t in srcs))
        self.assertIn(("haydn/opus1no1/movement2.mxl", None), srcs)
        # the test_ood tune, the same tune under its title in another collection, and a tune
        # named like a held-out chorale stay out; other tunes of the same files stay in
        self.assertNotIn(("ryansMammoth/AcaciaReel.abc", "1"), srcs)
        self.assertNotIn(("oneills1850/0001-0050.abc", "7"), srcs)
        self.assertNotIn(("oneills1850/0001-0050.abc", "9"), srcs)
        self.assertNotIn(("essenFolksong/erk5.abc", "1"), srcs)
        self.assertIn(("essenFolksong/erk5.abc", "2"), srcs)
        self.assertIn(("oneills1850/0001-0050.abc", "8"), srcs)
        # never Bach; one encoding per piece
        self.assertFalse(any(s.startswith("bach/") for s, _t in srcs))
        self.assertEqual([s for s, _t in srcs if s.startswith("mozart/")], ["mozart/k80/movement1.mxl"])

    def test_planned_pool_passes_the_leak_check(self):
        plans = [pool.plan_pool_render(c, v, sf, 7, 30.0, self.root)
                 for c, v, sf in pool.pool_stream(self.sources, 7, SOUNDFONTS)]
        self.assertEqual(len(plans), len(self.cands) * pool.POOL_MAX_VERSIONS)
        items = [(p["split"], p["identities"]) for p in self.held] + [("pool", p["identities"]) for p in plans]
        self.assertGreater(checks.check_no_leaks(items), 0)

    def test_leak_check_catches_a_held_out_work_in_the_pool(self):
        cand = {"kind": "score", "style": "baroque-classical", "source": "haydn",
                "src": "haydn/opus74no1/movement1.mxl", "tune": None, "title": "",
                "identities": splits.work_identities("haydn/opus74no1/movement1.mxl")}
        leak = pool.plan_pool_render(cand, 0, "fluidr3", 7, 30.0)
        items = [(p["split"], p["identities"]) for p in self.held] + [("pool", leak["identities"])]
        with self.assertRaises(checks.LeakError) as cm:
            checks.check_no_leaks(items)
        self.assertEqual(cm.exception.leaks["work:haydn/opus74no1"], {"test_ood", "pool"})

    def test_styles_of_the_fake_corpus(self):
        self.assertEqual(set(self.sources), {"medieval", "renaissance", "baroque-classical",
                                             "popular-modern", "folk-european", "folk-chinese",
                                             "folk-irish", "folk-scottish", "folk-american"})
        self.assertTrue(all(c["style"] == "folk-chinese" for lists in [self.sources["folk-chinese"]]
                            for cl in lists for c in cl))


def synthetic_sources():
    def cands(style, source, n):
        return [{"kind": "score", "style": style, "source": source, "src": f"{source}/w{i}.mxl",
                 "tune": None, "title": "", "identities": [f"work:{source}/w{i}"]} for i in range(n)]
    return {"big": [cands("big", "palestrina", 200)],
            "two": [cands("two", "many", 100), cands("two", "few", 3)],
            "tiny": [cands("tiny", "joplin", 2)]}


class Stratification(unittest.TestCase):
    def take(self, n, seed=3, max_versions=4, soundfonts=SOUNDFONTS):
        out = []
        for item in pool.pool_stream(synthetic_sources(), seed, soundfonts, max_versions):
            if len(out) == n:
                break
            out.append(item)
        return out

    def test_styles_take_turns_until_one_runs_out(self):
        items = self.take(60)
        by_style = collections.Counter(c["style"] for c, _v, _sf in items)
        self.assertEqual(by_style["tiny"], 2 * 4)  # 2 works x 4 versions, then exhausted
        self.assertLessEqual(abs(by_style["big"] - by_style["two"]), 1)
        self.assertEqual(sum(by_style.values()), 60)
        # within a style the sources take turns (the small one is not drowned)
        two = [c["source"] for c, _v, _sf in items if c["style"] == "two"]
        self.assertEqual(two[:6].count("few"), 3)

    def test_fresh_works_before_second_versions(self):
        items = self.take(300)
        seen = set()
        for c, v, _sf in items:
            if c["style"] == "two" and v == 1:
                self.assertEqual(len(seen), 103)  # every work of the style had version 0
            if c["style"] == "two" and v == 0:
                seen.add(c["src"])

    def test_soundfonts_balanced_per_style(self):
        items = self.take(90)
        per = collections.defaultdict(collections.Counter)
        for c, _v, sf in items:
            per[c["style"]][sf] += 1
        for style, counts in per.items():
            with self.subTest(style=style):
                self.assertEqual(set(counts), set(SOUNDFONTS))
                self.assertLessEqual(max(counts.values()) - min(counts.values()), 1)

    def test_versions_of_a_work_use_different_soundfonts(self):
        sfs = SOUNDFONTS + ["fluidr3mono", "sfgmbank", "opl3"]
        items = list(pool.pool_stream(synthetic_sources(), 3, sfs, 4))
        by_work = collections.defaultdict(list)
        for c, _v, sf in items:
            by_work[c["src"]].append(sf)
        for work, got in by_work.items():
            self.assertEqual(len(got), 4)
            self.assertEqual(len(set(got)), 4, work)

    def test_deterministic_and_seeded(self):
        key = [(c["src"], v, sf) for c, v, sf in self.take(40)]
        self.assertEqual(key, [(c["src"], v, sf) for c, v, sf in self.take(40)])
        self.assertNotEqual(key, [(c["src"], v, sf) for c, v, sf in self.take(40, seed=4)])

    def test_plan_records_random_transposition_tempo_instrumentation(self):
        from demo_data.common import POOL_TEMPO_RANGE, TRANSPOSE_RANGE
        plans = [pool.plan_pool_render(c, v, sf, 3, 30.0) for c, v, sf in self.take(120)]
        self.assertTrue(all(TRANSPOSE_RANGE[0] <= p["semitones"] <= TRANSPOSE_RANGE[1] for p in plans))
        self.assertTrue(all(POOL_TEMPO_RANGE[0] <= p["bpm"] <= POOL_TEMPO_RANGE[1] for p in plans))
        self.assertGreater(len({p["semitones"] for p in plans}), 8)
        self.assertGreater(len({tuple(p["classes"]) for p in plans}), 20)
        self.assertEqual(len({p["rel"] for p in plans}), len(plans))
        folk = {"kind": "folk", "style": "folk-irish", "source": "oneills1850",
                "src": "oneills1850/0001-0050.abc", "tune": "8", "title": "Drowsy Maggie",
                "identities": ["tune:oneills1850/0001-0050.abc#8"]}
        fp = pool.plan_pool_render(folk, 0, "opl3", 3, 30.0)
        self.assertEqual(fp["kind"], "pool_folk")
        self.assertEqual(len(fp["programs"]), 1 if fp["texture"] == "solo" else 2)
        self.assertTrue(fp["rel"].startswith("pool/renders/folk-irish/oneills1850__0001-0050_8_"))


class TrueKey(unittest.TestCase):
    def test_key_arithmetic(self):
        self.assertEqual(pool.truth_key((7, "major"), 0), "G major")
        self.assertEqual(pool.truth_key((7, "major"), -5), "D major")
        self.assertEqual(pool.truth_key((9, "minor"), 3), "C minor")
        self.assertEqual(pool.truth_key((11, "major"), 6), "F major")  # wraps around the octave
        self.assertEqual(pool.truth_key((2, "minor"), 1), "Eb minor")  # canonical spelling
        self.assertEqual(pool.truth_key([1, "minor"], -3), "Bb minor")  # as stored in JSON
        self.assertEqual(pool.truth_key(None, 4), "")

    def test_truth_rows_apply_the_transposition(self):
        plans = [{"rel": "pool/renders/a.flac", "semitones": 4, "work": "x/a", "style": "renaissance",
                  "soundfont": "opl3"},
                 {"rel": "pool/renders/b.flac", "semitones": -2, "work": "y/b", "style": "medieval",
                  "soundfont": "fluidr3"}]
        meta = {"pool/renders/a.flac": {"ok": True, "written_key": [2, "major"], "analyzed_key": "F# major"},
                "pool/renders/b.flac": {"ok": True, "written_key": None,
                                        "written_key_reason": "final does not confirm the written key",
                                        "analyzed_key": "C minor"}}
        rows = [dict(zip(pool.POOL_TRUTH_FIELDS, r)) for r in pool.pool_truth_rows(plans, meta)]
        self.assertEqual(rows[0]["key"], "F# major")
        self.assertEqual(rows[0]["key_source"], "written")
        self.assertEqual(rows[0]["written_key"], "D major")
        self.assertEqual(rows[1]["key"], "")
        self.assertEqual(rows[1]["key_source"], "")
        self.assertEqual(rows[1]["analyzed_key"], "C minor")

    def test_manifest_holds_no_key(self):
        self.assertFalse([f for f in pool.POOL_MANIFEST_FIELDS if "key" in f])
        self.assertEqual(pool.POOL_TRUTH_FIELDS[:2], ["path", "key"])


class Resume(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = Path(self.tmp.name)
        self.calls = []

    def tearDown(self):
        self.tmp.cleanup()

    def plans(self, n=50):
        return [{"rel": f"pool/renders/s/w{i}.flac", "seconds": 10.0 + i % 3} for i in range(n)]

    def render(self, todo, fail=()):
        self.calls.append([(p["rel"], a) for p, a in todo])
        res = {}
        for p, _a in todo:
            if p["rel"] in fail:
                res[p["rel"]] = {"rel": p["rel"], "ok": False, "error": "RuntimeError: 16 parts"}
                continue
            f = self.out / p["rel"]
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(b"fLaC")
            for side in sidecars.sidecar_rels(p["rel"]):  # as the worker writes its frame labels
                (self.out / side).parent.mkdir(parents=True, exist_ok=True)
                (self.out / side).write_text("0.0000\t1\n")
            res[p["rel"]] = {"rel": p["rel"], "ok": True, "seconds": p["seconds"],
                             "frames_version": frames.FRAMES_VERSION}
        return res

    def test_renders_target_then_resume_renders_nothing(self):
        meta = {}
        kept = pool.fill_pool(self.plans(), self.out, meta, self.render, target_renders=12)
        self.assertEqual(len(kept), 12)
        self.assertEqual(len(self.calls), 1)
        again = pool.fill_pool(self.plans(), self.out, meta, self.render, target_renders=12)
        self.assertEqual([p["rel"] for p in again], [p["rel"] for p in kept])
        self.assertEqual(len(self.calls), 1)  # nothing rendered again

    def test_hours_target_is_resumable_and_grows(self):
        meta, seen = {}, []
        kept = pool.fill_pool(self.plans(), self.out, meta, self.render, target_seconds=200, chunk=8,
                              on_batch=lambda k: seen.append(len(k)))
        self.assertGreaterEqual(sum(meta[p["rel"]]["seconds"] for p in kept), 200)
        self.assertEqual(len(kept) % 8, 0)  # whole chunks
        self.assertEqual(seen[-1], len(kept))  # the manifest callback saw the final state
        n_calls = len(self.calls)
        # an interrupted/finished build rerun with the same target: same renders, none made
        again = pool.fill_pool(self.plans(), self.out, meta, self.render, target_seconds=200, chunk=8)
        self.assertEqual([p["rel"] for p in again], [p["rel"] for p in kept])
        self.assertEqual(len(self.calls), n_calls)
        # a larger target keeps every existing render and renders only what is missing
        more = pool.fill_pool(self.plans(), self.out, meta, self.render, target_seconds=400, chunk=8)
        self.assertEqual([p["rel"] for p in more[:len(kept)]], [p["rel"] for p in kept])
        new = [rel for call in self.calls[n_calls:] for rel, _a in call]
        self.assertFalse(set(new) & {p["rel"] for p in kept})

    def test_lost_meta_reanalyses_existing_audio(self):
        meta = {}
        kept = pool.fill_pool(self.plans(), self.out, meta, self.render, target_renders=4)
        lost = kept[0]["rel"]
        del meta[lost]
        pool.fill_pool(self.plans(), self.out, meta, self.render, target_renders=4)
        self.assertEqual(self.calls[-1], [(lost, True)])  # analyze_only: the audio exists

    def test_missing_frame_labels_reanalyse_existing_audio(self):
        meta = {}
        kept = pool.fill_pool(self.plans(), self.out, meta, self.render, target_renders=4)
        beats, _lab = sidecars.sidecar_rels(kept[1]["rel"])
        (self.out / beats).unlink()
        meta[kept[2]["rel"]]["frames_version"] = "0"  # labels of an older derivation
        pool.fill_pool(self.plans(), self.out, meta, self.render, target_renders=4)
        self.assertEqual(self.calls[-1], [(kept[1]["rel"], True), (kept[2]["rel"], True)])

    def test_failures_are_skipped_and_replaced(self):
        meta, failed = {}, set()
        bad = "pool/renders/s/w1.flac"
        kept = pool.fill_pool(self.plans(), self.out, meta, lambda t: self.render(t, fail={bad}),
                              target_renders=5, failed=failed)
        self.assertEqual(len(kept), 5)
        self.assertNotIn(bad, [p["rel"] for p in kept])
        self.assertEqual(failed, {bad})
        n = len(self.calls)
        pool.fill_pool(self.plans(), self.out, meta, self.render, target_renders=5, failed=failed)
        self.assertEqual(len(self.calls), n)  # the failed render is not retried

    def test_stops_when_the_plan_runs_out(self):
        meta = {}
        kept = pool.fill_pool(self.plans(5), self.out, meta, self.render, target_seconds=10_000)
        self.assertEqual(len(kept), 5)

    def test_one_target(self):
        with self.assertRaises(ValueError):
            pool.fill_pool([], self.out, {}, self.render)


if __name__ == "__main__":
    unittest.main()
