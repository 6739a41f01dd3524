"""Command line and orchestration of the build (python -m demo_data)."""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import sys
import time
from pathlib import Path

from . import __doc__ as PACKAGE_DOC
from .checks import LeakError, analysis_stats, build_status, check_clip, check_no_leaks, sidecar_paths
from .common import (CLIP_SECONDS, SCRIPT_VERSION, atomic_write_csv, atomic_write_text, du_bytes,
                     log, music21_quiet, nonempty)
from .frames import FRAMES_VERSION, up_to_date
from .sidecars import POOL_FRAMES_DIR, sidecar_rels
from .labels import (INSTRUMENT_CLASSES, INSTRUMENT_NAMES, KEY_CLASSES, MAJOR_ALIASES,
                     MINOR_ALIASES, key_relation)
from .pool import POOL_MAX_VERSIONS, SOUNDFONT_LICENCE_SHORT
from .rendering import EVAL_SOUNDFONT, OOD_SOUNDFONT, SOUNDFONTS, TRAIN_SOUNDFONTS, work_item
from .splits import OOD_SPLIT, SPLITS

ALL_SPLITS = [s for s, _ in SPLITS] + [OOD_SPLIT]


def run_pool(items, out: Path, jobs: int, label: str, meta: dict | None = None):
    """Render items (list of (plan, analyze_only)); returns {rel: result}. An analyze_only
    item (its audio exists) gets its earlier record from meta: the audio facts its frame
    labels need (rendering.work_item)."""
    results = {}
    if not items:
        return results
    meta = meta or {}
    args = [(p, str(out), a, meta.get(p["rel"], {}) if a else {}) for p, a in items]
    t0 = time.time()
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs, maxtasksperchild=50) as pool:
        for i, res in enumerate(pool.imap_unordered(work_item, args, chunksize=1), 1):
            results[res["rel"]] = res
            if not res["ok"]:
                log(f"  {label}: FAILED {res['rel']}: {res.get('error')}")
            if i % 25 == 0 or i == len(args):
                log(f"  {label}: {i}/{len(args)} done ({time.time() - t0:.0f} s)")
    return results


def pool_soundfont_names(spec: str | None, hours: float | None) -> list[str]:
    """--pool-soundfonts: 'base' (the three soundfonts every build installs: FluidR3, TimGM6mb,
    MuseScore General), 'all' (every General-MIDI soundfont of rendering.ALL_SOUNDFONTS, which
    must be installed), 'installed' (those of them that are) or a comma list of names. The
    default is 'all' with --pool-hours and 'base' otherwise, so that the pool does not depend
    on what happens to be installed."""
    from .rendering import ALL_SOUNDFONTS, installed_soundfonts
    spec = (spec or ("all" if hours else "base")).strip()
    if spec == "installed":
        return installed_soundfonts()
    names = list(SOUNDFONTS) if spec == "base" else list(ALL_SOUNDFONTS) if spec == "all" else \
        [n.strip() for n in spec.split(",") if n.strip()]
    for n in names:
        if n not in ALL_SOUNDFONTS:
            sys.exit(f"--pool-soundfonts: unknown soundfont {n!r} (known: {', '.join(ALL_SOUNDFONTS)})")
        if not Path(ALL_SOUNDFONTS[n][0]).is_file():
            sys.exit(f"--pool-soundfonts: {ALL_SOUNDFONTS[n][0]} ({n}) not found: "
                     f"apt-get install {ALL_SOUNDFONTS[n][1]} (tools/make_demo_dataset.sh installs "
                     "it with --pool-hours or --pool-soundfonts)")
    return names


def build_pool_renders(args, out: Path, jobs: int, meta: dict, plans: list, selected: list):
    """The pool's renders: walks the style-stratified plan (pool.pool_stream) until
    --pool-renders renders or --pool-hours hours exist, rendering what is missing; writes
    pool_manifest.csv and pool_truth.csv after every batch (resumable). Returns (kept plans,
    stats), or (None, {}) when a planned render would leak a held-out work."""
    from .common import SCRIPT_VERSION
    from .corpora import _corpus_root
    from .pool import (POOL_MANIFEST_FIELDS, POOL_TRUTH_FIELDS, fill_pool, plan_pool_render,
                       pool_manifest_rows, pool_sources, pool_stream, pool_truth_rows)
    from .rendering import ALL_SOUNDFONTS
    from .splits import pool_exclusions
    root = _corpus_root()
    soundfonts = pool_soundfont_names(args.pool_soundfonts, args.pool_hours)
    if not soundfonts:
        sys.exit("no General-MIDI soundfont installed for the pool renders")
    exclude = pool_exclusions(plans, [r.get("title", "") for r in selected])
    sources = pool_sources(root, args.seed, exclude)
    n_cands = {st: sum(len(x) for x in lists) for st, lists in sources.items()}
    log(f"pool renders: {sum(n_cands.values())} works/tunes in {len(sources)} styles "
        f"({', '.join(f'{k} {v}' for k, v in n_cands.items())}), soundfonts {', '.join(soundfonts)}")
    stream = (plan_pool_render(c, v, sf, args.seed, args.pool_seconds, root)
              for c, v, sf in pool_stream(sources, args.seed, soundfonts, args.pool_max_versions))
    failed_cache = out / ".cache" / "pool_failed.json"
    try:
        data = json.loads(failed_cache.read_text(encoding="utf-8"))
        failed = set(data["failed"]) if data.get("tag") == SCRIPT_VERSION else set()
    except Exception:
        failed = set()
    held_out = [(p["split"], p["identities"]) for p in plans]
    t0 = time.time()
    rendered = [0]

    def render(todo):
        check_no_leaks(held_out + [("pool", pl["identities"]) for pl, _a in todo])  # before rendering
        n_re = sum(1 for _pl, a in todo if a)
        log(f"pool renders: rendering {len(todo) - n_re}"
            + (f", re-analysing {n_re} (audio exists, render cache lost)" if n_re else ""))
        rendered[0] += len(todo)
        return run_pool(todo, out, jobs, "pool", meta)

    def on_batch(kept):
        atomic_write_text(out / ".cache" / "render_meta.json", json.dumps(meta, indent=0, sort_keys=True))
        atomic_write_text(failed_cache, json.dumps({"tag": SCRIPT_VERSION, "failed": sorted(failed)}, indent=0))
        atomic_write_csv(out / "pool_manifest.csv", POOL_MANIFEST_FIELDS, pool_manifest_rows(kept, meta))
        atomic_write_csv(out / "pool_truth.csv", POOL_TRUTH_FIELDS, pool_truth_rows(kept, meta))
        atomic_write_csv(out / "pool_frame_truth.csv", ["path", "beats", "chords"],
                         [[pl["rel"], *sidecar_rels(pl["rel"])] for pl in kept])
        hours = sum(float(meta[pl["rel"]].get("seconds") or 0) for pl in kept) / 3600
        log(f"pool renders: {len(kept)} kept, {hours:.2f} h ({time.time() - t0:.0f} s)")

    target = {"target_seconds": args.pool_hours * 3600} if args.pool_hours else \
        {"target_renders": args.pool_renders}
    try:
        kept = fill_pool(stream, out, meta, render, failed=failed, on_batch=on_batch, **target)
    except LeakError as e:
        log(f"ERROR: {e}")
        return None, {}
    by_style, by_sf, cross, truth = {}, {}, {}, {"written": 0, "none": 0}
    for pl in kept:
        sec = float(meta[pl["rel"]].get("seconds") or 0)
        for d, k in ((by_style, pl["style"]), (by_sf, pl["soundfont"])):
            b = d.setdefault(k, {"files": 0, "hours": 0.0})
            b["files"] += 1
            b["hours"] += sec / 3600
        cross.setdefault(pl["style"], {}).setdefault(pl["soundfont"], 0)
        cross[pl["style"]][pl["soundfont"]] += 1
        truth["written" if meta[pl["rel"]].get("written_key") else "none"] += 1
    for d in (by_style, by_sf):
        for b in d.values():
            b["hours"] = round(b["hours"], 3)
    stats = {"pool_target": {"hours": args.pool_hours} if args.pool_hours else {"renders": args.pool_renders},
             "pool_render_soundfonts": soundfonts,
             "pool_soundfonts_not_installed": [n for n in ALL_SOUNDFONTS if n not in soundfonts
                                               and not Path(ALL_SOUNDFONTS[n][0]).is_file()],
             "pool_candidates_by_style": n_cands, "pool_renders_by_style": by_style,
             "pool_renders_by_soundfont": by_sf, "pool_renders_style_x_soundfont": cross,
             "pool_truth_keys": truth, "pool_rendered_this_run": rendered[0],
             "pool_renders_failed_total": len(failed)}
    return kept, stats


def pool_origin(pl: dict) -> str:
    tune = f" X:{pl['tune']}" if pl.get("tune") else ""
    return f"music21 corpus {pl['src']}{tune} ({pl['style']}), {pl['soundfont']}"


def load_meta_cache(out: Path) -> dict:
    p = out / ".cache" / "render_meta.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except Exception:
        return {}


def fluidsynth_version() -> str:
    import subprocess
    try:
        out = subprocess.run(["fluidsynth", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0].strip()
    except Exception:
        return "fluidsynth (unknown version)"


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m demo_data", description=PACKAGE_DOC.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="data/demo", help="output directory (default: data/demo)")
    ap.add_argument("--seed", type=int, default=1234, help="random seed (default: 1234)")
    ap.add_argument("--max-chorales", type=int, default=None, metavar="N",
                    help="use only N chorales for quick runs (seeded; one per tune group first, "
                         "so that N >= 5 fills all three splits)")
    ap.add_argument("--train-versions", type=int, default=2, metavar="N",
                    help="renderings of each training chorale (transpositions spread over the 24 "
                         "keys, alternating soundfonts %s; default: 2)" % "/".join(TRAIN_SOUNDFONTS))
    ap.add_argument("--eval-versions", type=int, default=2, metavar="N",
                    help="renderings of each valid/test chorale (each with its own transposition, "
                         "instrumentation and tempo; default: 2)")
    ap.add_argument("--ood-folk", type=int, default=36, metavar="N",
                    help="folk tunes in the out-of-domain test split test_ood (default: 36)")
    ap.add_argument("--ood-poly", type=int, default=36, metavar="N",
                    help="at most N polyphonic works of other composers in test_ood (default: 36; "
                         "music21's corpus has fewer that qualify, all are used)")
    ap.add_argument("--ood-poly-versions", type=int, default=2, metavar="N",
                    help="renderings of each polyphonic test_ood work (own transposition, "
                         "instrumentation and tempo; default: 2); folk tunes get one")
    ap.add_argument("--pool-renders", type=int, default=240, metavar="N",
                    help="number of unlabeled music21 renders for the pool (default: 240; "
                         "ignored with --pool-hours)")
    ap.add_argument("--pool-hours", type=float, default=None, metavar="H",
                    help="render until the pool's renders hold H hours of audio (e.g. 20 for the "
                         "full experiment); resumable: renders that exist are kept, a rerun "
                         "continues the same plan where it stopped")
    ap.add_argument("--pool-soundfonts", default=None, metavar="LIST",
                    help="soundfonts of the pool renders, used in turn: 'base' (FluidR3, TimGM6mb, "
                         "MuseScore General: the default with --pool-renders), 'all' (also "
                         "FluidR3Mono, Csound's sf_GMbank and the OPL3 FM bank: the default with "
                         "--pool-hours), 'installed', or a comma list such as fluidr3,timgm6mb "
                         "(which keeps musescore, the test_ood soundfont, out of the pool)")
    ap.add_argument("--pool-max-versions", type=int, default=POOL_MAX_VERSIONS, metavar="N",
                    help="renders of one work at most (each its own excerpt, transposition, "
                         f"instrumentation, tempo and soundfont; default: {POOL_MAX_VERSIONS})")
    ap.add_argument("--pool-seconds", type=float, default=30.0,
                    help="maximum length of each unlabeled render in seconds (default: 30, the "
                         "labeled clips' length)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel rendering processes (default: number of CPUs); the output "
                         "does not depend on it")
    ap.add_argument("--with-pk3", action="store_true",
                    help="also extract the ogg tracks inside ufoai-music / nexuiz-music .pk3 "
                         "archives into the pool (copies, about 300 MB)")
    ap.add_argument("--no-game-music", action="store_true", help="skip the recorded game music")
    ap.add_argument("--no-dorian-fix", action="store_true",
                    help="label minor chorales with the key implied by the encoded signature+mode "
                         "even when the final bass note shows a 'Dorian' signature (see label_key)")
    ap.add_argument("--no-check", action="store_true", help="skip the post-build audio checks "
                    "(the split-leak check always runs)")
    ap.add_argument("--prune", action="store_true",
                    help="delete audio files/links under labeled/ and pool/ that the new "
                         "manifests do not list (e.g. from another --seed)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    t_start = time.time()
    if shutil.which("fluidsynth") is None:
        sys.exit("fluidsynth not found: apt-get install fluidsynth (or run tools/make_demo_dataset.sh)")
    for name, (path, pkg) in SOUNDFONTS.items():
        if not Path(path).is_file():
            sys.exit(f"{path} ({name}) not found: apt-get install {pkg}")
    music21_quiet()
    try:
        import music21
        import numpy  # noqa: F401
        import soundfile  # noqa: F401
    except ImportError as e:
        sys.exit(f"{e}: run tools/make_demo_dataset.sh (creates .venv-demo) or pip install "
                 "music21 soundfile numpy")
    from .corpora import build_index, choose_ood, select_chorales
    from .pool import LICENCE_SHORT, collect_game_music
    from .readme import render_readme
    from .splits import assign_splits, chorale_plans, plan_ood

    out = Path(args.out).resolve()
    (out / ".cache").mkdir(parents=True, exist_ok=True)
    for leftover in list(out.rglob("*.partial.flac")) + list(out.rglob("*.partial")) + \
            [p for p in (out / ".cache").glob("render_*") if p.is_dir()]:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    jobs = max(1, args.jobs)

    # ---- labeled set --------------------------------------------------------
    t0 = time.time()
    records = build_index(out, jobs)
    groups, sel_stats = select_chorales(records)
    selected = assign_splits(groups, args.seed, args.max_chorales)
    log(f"chorales: {sel_stats['files_scanned']} files, {sel_stats['files_with_notated_key']} with "
        f"notated key, {sel_stats['unique_chorales']} unique BWV, {sel_stats['tune_groups']} tune "
        f"groups; using {len(selected)} ({time.time() - t0:.0f} s)")
    plans = chorale_plans(selected, args.seed, not args.no_dorian_fix, args.train_versions,
                          args.eval_versions, TRAIN_SOUNDFONTS, EVAL_SOUNDFONT)
    t0 = time.time()
    ood_pieces, ood_stats = choose_ood(out, args.seed, args.ood_folk, args.ood_poly, jobs) \
        if args.ood_folk + args.ood_poly > 0 else ([], {})
    ood_plans = [plan_ood(p, args.seed, OOD_SOUNDFONT, v) for p in ood_pieces
                 for v in range(1 if p["kind"] == "folk" else max(1, args.ood_poly_versions))]
    log(f"out-of-domain: {len(ood_pieces)} pieces, {len(ood_plans)} clips ({time.time() - t0:.0f} s)")
    plans += ood_plans
    try:  # fail before rendering when the plan itself leaks
        check_no_leaks([(p["split"], p["identities"]) for p in plans])
    except LeakError as e:
        log(f"ERROR: {e}")
        return 2

    meta = load_meta_cache(out)
    todo = []
    for p in plans:
        if up_to_date(out, p["rel"], meta.get(p["rel"], {})):
            continue
        # analyze_only when the audio exists but its record or its frame labels are missing
        todo.append((p, nonempty(out / p["rel"])))
    n_skip_lab = len(plans) - len(todo)
    n_reanalyse = sum(1 for _p, a in todo if a)
    log(f"labeled: {len(plans)} clips, {n_skip_lab} already rendered, rendering {len(todo) - n_reanalyse}"
        + (f", re-analysing {n_reanalyse} (render cache lost or frame labels missing)"
           if n_reanalyse else ""))
    t_lab = time.time()
    todo.sort(key=lambda t: t[0]["kind"] != "ood_poly")  # the slow ones first
    meta.update(run_pool(todo, out, jobs, "labeled", meta))
    t_lab = time.time() - t_lab
    atomic_write_text(out / ".cache" / "render_meta.json", json.dumps(meta, indent=0, sort_keys=True))

    # ---- unlabeled pool -----------------------------------------------------
    t_pool = time.time()
    game_rows, missing_pkgs = ([], []) if args.no_game_music else collect_game_music(out, args.with_pk3)
    if missing_pkgs:
        log(f"WARNING: game music packages not installed: {', '.join(missing_pkgs)}")
    pool_plans, pool_stats = [], {}
    if args.pool_renders > 0 or args.pool_hours:
        pool_plans, pool_stats = build_pool_renders(args, out, jobs, meta, plans, selected)
        if pool_plans is None:
            return 2
    t_pool = time.time() - t_pool

    # ---- manifests ----------------------------------------------------------
    ok_plans = [p for p in plans if meta.get(p["rel"], {}).get("ok")]
    failed_lab = [p["rel"] for p in plans if not meta.get(p["rel"], {}).get("ok")]
    atomic_write_csv(out / "labeled.csv", ["path", "split", "key", "instruments"],
                     [[p["rel"], p["split"], p["label"], ";".join(sorted(set(p["classes"])))]
                      for p in ok_plans])
    # the same with the frame labels' sidecar files (beats, chords); a manifest of its own while
    # the catalog's importer takes task columns only (labeled.csv stays importable)
    atomic_write_csv(out / "labeled_frames.csv", ["path", "split", "key", "instruments", "beats", "chords"],
                     [[p["rel"], p["split"], p["label"], ";".join(sorted(set(p["classes"]))),
                       *sidecar_rels(p["rel"])] for p in ok_plans])

    def rel_of(p):
        ak = meta[p["rel"]].get("analyzed_key", "")
        return key_relation(p["label"], ak) if ak in KEY_CLASSES else "other"

    atomic_write_csv(out / "labeled_meta.csv",
                     ["path", "split", "source_file", "bwv", "group", "key_notated", "key_rule",
                      "semitones", "key", "analyzed_key", "key_relation", "bpm", "voice_classes",
                      "voice_programs", "source_seconds", "rms_dbfs",
                      "soundfont", "version", "source", "style", "work", "beats", "chords"],
                     [[p["rel"], p["split"], p["file"], p["bwv"], p["group"], p["key_notated"],
                       p["key_rule"], p["semitones"], p["label"], meta[p["rel"]].get("analyzed_key", ""),
                       rel_of(p), p["bpm"], ";".join(p["classes"]), ";".join(map(str, p["programs"])),
                       meta[p["rel"]].get("source_seconds", ""), meta[p["rel"]].get("rms_dbfs", ""),
                       p["soundfont"], p["version"], p["source"], p["style"], p["work"],
                       *sidecar_rels(p["rel"])] for p in ok_plans])
    pool_rows = [{"rel": pl["rel"], "source": "music21-render", "origin": pool_origin(pl),
                  "licence": f"{LICENCE_SHORT['music21']}; {SOUNDFONT_LICENCE_SHORT[pl['soundfont']]}",
                  "seconds": meta[pl["rel"]].get("seconds"),
                  "format": "FLAC/PCM_16", "classes": ";".join(meta[pl["rel"]].get("classes_used", []))}
                 for pl in pool_plans]
    unl = [r for r in game_rows if r.get("seconds")] + pool_rows
    bad_pool = [r["rel"] for r in game_rows if not r.get("seconds")]
    if sidecar_paths([r["rel"] for r in unl]):  # the pool's frame truth stays aside
        log(f"ERROR: unlabeled.csv would list frame-label files: {sidecar_paths([r['rel'] for r in unl])[:5]}")
        return 2
    atomic_write_csv(out / "unlabeled.csv", ["path", "source"], [[r["rel"], r["source"]] for r in unl])
    atomic_write_csv(out / "unlabeled_meta.csv",
                     ["path", "source", "origin", "format", "seconds", "licence", "instruments"],
                     [[r["rel"], r["source"], r["origin"], r.get("format", ""), r.get("seconds", ""),
                       r["licence"], r.get("classes", "")] for r in unl])
    classes = {
        "key_classes": KEY_CLASSES,
        "key_class_definition": "index = tonic pitch class (C=0 ... B=11) for major keys, "
                                "12 + tonic pitch class for minor keys; one canonical spelling "
                                "per class (fewest accidentals; F# major and Eb minor for the "
                                "6-accidental ties)",
        "key_enharmonic_aliases": {KEY_CLASSES[i]: [f"{a} major"] for i, a in enumerate(MAJOR_ALIASES) if a}
        | {KEY_CLASSES[12 + i]: [f"{a} minor"] for i, a in enumerate(MINOR_ALIASES) if a},
        "instrument_classes": INSTRUMENT_NAMES,
        "instrument_gm_programs": INSTRUMENT_CLASSES,
        "instrument_gm_programs_note": "0-based General MIDI program numbers",
    }
    atomic_write_text(out / "classes.json", json.dumps(classes, indent=2, ensure_ascii=False) + "\n")

    # ---- prune ---------------------------------------------------------------
    listed = {p["rel"] for p in ok_plans} | {r["rel"] for r in unl} | \
        {x for p in ok_plans + pool_plans for x in sidecar_rels(p["rel"])}
    stray = [p for d in ("labeled", "pool", POOL_FRAMES_DIR) if (out / d).exists()
             for p in (out / d).rglob("*") if (p.is_file() or p.is_symlink())
             and str(p.relative_to(out)) not in listed]
    if args.prune:
        for p in stray:
            p.unlink()
        for rel in [k for k in meta if k not in listed]:
            del meta[rel]
        atomic_write_text(out / ".cache" / "render_meta.json", json.dumps(meta, indent=0, sort_keys=True))
        log(f"pruned {len(stray)} unlisted files")
        stray = []

    # ---- checks ---------------------------------------------------------------
    check = {}
    leak_items = [(p["split"], p["identities"]) for p in ok_plans] + \
                 [("pool", pl["identities"]) for pl in pool_plans]
    try:
        check["leak_check_identities"] = check_no_leaks(leak_items)
        log(f"leak check: {check['leak_check_identities']} work identities, each in one of "
            f"{', '.join(ALL_SPLITS)}, pool")
    except LeakError as e:
        check["leaks"] = {k: sorted(v) for k, v in e.leaks.items()}
        log(f"ERROR: {e}")
    if not args.no_check:
        t_chk = time.time()
        problems = []
        for p in ok_plans:
            _d, _r, pr = check_clip(out / p["rel"], CLIP_SECONDS)
            problems += [f"{p['rel']}: {x}" for x in pr]
        for r in pool_rows:
            _d, _r, pr = check_clip(out / r["rel"], None)
            problems += [f"{r['rel']}: {x}" for x in pr]
        check["audio_problems"] = problems
        check["check_seconds"] = round(time.time() - t_chk, 1)
        log(f"checks: {len(ok_plans) + len(pool_rows)} rendered files, {len(problems)} problems")
        for x in problems[:20]:
            log(f"  PROBLEM {x}")

    chorale_ok = [p for p in ok_plans if p["kind"] == "chorale"]
    ana = analysis_stats(chorale_ok, meta, "label")
    ana_notated = analysis_stats(chorale_ok, meta, "label_notated")
    ana_by_split = {s: analysis_stats([p for p in ok_plans if p["split"] == s], meta, "label")
                    for s in ALL_SPLITS}
    n_dorian = sum(1 for p in ok_plans if p["key_rule"] == "dorian-signature")

    # ---- frame labels ------------------------------------------------------------
    fr = [meta[p["rel"]] for p in ok_plans] + [meta[pl["rel"]] for pl in pool_plans]
    frame_stats = {
        "version": FRAMES_VERSION, "files": sum(1 for m in fr if m.get("frames_version") == FRAMES_VERSION),
        "beats": sum(m.get("beats", 0) for m in fr), "downbeats": sum(m.get("downbeats", 0) for m in fr),
        "chord_segments": sum(m.get("chord_segments", 0) for m in fr),
        "chord_segments_x": sum(m.get("chord_segments_x", 0) for m in fr),
        # CPU time of the labels of every listed clip (whenever made), against the whole render's
        "cpu_seconds": round(sum(m.get("frames_cpu_seconds", 0.0) for m in fr), 1),
        "render_item_seconds": round(sum(m.get("elapsed", 0.0) for m in fr), 1),
        "lead_minus_onset_ms_range": [min((m["lead_minus_onset_ms"] for m in fr if "lead_minus_onset_ms" in m), default=None),
                                      max((m["lead_minus_onset_ms"] for m in fr if "lead_minus_onset_ms" in m), default=None)],
        "lead_assumed": sum(1 for m in fr if m.get("lead_assumed")),
    }

    # ---- stats + README ---------------------------------------------------------
    split_counts = {s: sum(1 for p in ok_plans if p["split"] == s) for s in ALL_SPLITS}
    inst_counts = {c: sum(1 for p in ok_plans if c in p["classes"]) for c in INSTRUMENT_NAMES}
    key_counts = {k: sum(1 for p in ok_plans if p["label"] == k) for k in KEY_CLASSES}
    key_counts_train = {k: sum(1 for p in ok_plans if p["label"] == k and p["split"] == "train")
                        for k in KEY_CLASSES}
    sf_by_split = {s: {} for s in ALL_SPLITS}
    style_by_split = {s: {} for s in ALL_SPLITS}
    for p in ok_plans:
        sf_by_split[p["split"]][p["soundfont"]] = sf_by_split[p["split"]].get(p["soundfont"], 0) + 1
        src = f"{p['style']}/{p['source']}"
        style_by_split[p["split"]][src] = style_by_split[p["split"]].get(src, 0) + 1
    by_source = {}
    for r in unl:
        b = by_source.setdefault(r["source"], {"files": 0, "seconds": 0.0, "licences": {}})
        b["files"] += 1
        b["seconds"] += r["seconds"] or 0.0
        b["licences"][r["licence"]] = b["licences"].get(r["licence"], 0) + 1
    elapsed = time.time() - t_start
    disk = du_bytes(out)
    full_rec = out / ".cache" / "last_full_build.json"
    if plans and n_skip_lab == 0:  # every labeled clip rendered by this run: a full build
        atomic_write_text(full_rec, json.dumps({"seconds": round(elapsed, 1), "jobs": jobs,
                                                "date": time.strftime("%Y-%m-%d %H:%M"),
                                                "clips": len(plans)}))
    try:
        last_full = json.loads(full_rec.read_text(encoding="utf-8"))
    except Exception:
        last_full = None
    stats = {
        "seed": args.seed, "max_chorales": args.max_chorales, "pool_renders": args.pool_renders,
        "pool_hours_target": args.pool_hours, "pool_seconds": args.pool_seconds,
        "train_versions": args.train_versions, "eval_versions": args.eval_versions,
        "ood_folk": args.ood_folk, "ood_poly": args.ood_poly, "ood_poly_versions": args.ood_poly_versions,
        "with_pk3": args.with_pk3, "jobs": jobs,
        "music21_version": music21.__version__, "script_version": SCRIPT_VERSION,
        "soundfonts": {k: v[0] for k, v in SOUNDFONTS.items()},
        "chorale_selection": {k: v for k, v in sel_stats.items()},
        "ood_selection": ood_stats,
        "labeled_clips": len(ok_plans), "labeled_failed": failed_lab, "labeled_splits": split_counts,
        "labeled_soundfonts_by_split": sf_by_split, "labeled_sources_by_split": style_by_split,
        "labeled_seconds": round(len(ok_plans) * CLIP_SECONDS, 1),
        "labeled_rendered_this_run": len(plans) - n_skip_lab, "labeled_render_seconds": round(t_lab, 1),
        "key_counts": key_counts, "key_counts_train": key_counts_train,
        "train_keys_present": sum(1 for v in key_counts_train.values() if v),
        "instrument_counts": inst_counts,
        "dorian_signature_relabeled": n_dorian,
        "key_analysis_relation_counts": ana["counts"], "key_analysis_agreement": ana["agreement"],
        "key_analysis_mirex_score": ana["mirex_score"],
        "key_analysis_relation_counts_notated_labels": ana_notated["counts"],
        "key_analysis_agreement_notated_labels": ana_notated["agreement"],
        "key_analysis_mirex_score_notated_labels": ana_notated["mirex_score"],
        "key_analysis_by_split": ana_by_split,
        "pool_by_source": {k: {"files": v["files"], "hours": round(v["seconds"] / 3600, 3),
                               "licences": v["licences"]} for k, v in sorted(by_source.items())},
        "pool_files": len(unl), "pool_hours": round(sum(v["seconds"] for v in by_source.values()) / 3600, 3),
        "pool_undecodable": bad_pool, "pool_seconds_this_run": round(t_pool, 1),
        "frame_labels": frame_stats,
        "missing_packages": missing_pkgs, "unlisted_files": len(stray),
        "disk_bytes_excluding_symlink_targets": disk,
        "build_seconds_this_run": round(elapsed, 1), "last_full_build": last_full, **pool_stats, **check,
    }
    atomic_write_text(out / "stats.json", json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out / "README.md", render_readme(stats, args, by_source, fluidsynth_version()))
    log(f"done in {elapsed:.0f} s: {len(ok_plans)} labeled clips {split_counts}, pool {len(unl)} files "
        f"{stats['pool_hours']:.2f} h, disk {disk / 1e6:.0f} MB (+ symlinked game music), "
        f"train keys present {stats['train_keys_present']}/24, chorale key agreement "
        f"{ana['agreement']:.1%} ({ana_notated['agreement']:.1%} with the raw notated keys)")
    status, message = build_status(len(failed_lab), len(plans), len(bad_pool), len(check.get("audio_problems") or []),
                                   bool(check.get("leaks")))
    if message:
        log(message)
    return status
