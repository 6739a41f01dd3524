#!/usr/bin/env python3
"""Build Crescendo's demo data set: a small labeled set plus a larger unlabeled pool.

Everything comes from material available offline through Debian and PyPI:

* Labeled set: Bach chorales from music21's bundled corpus whose key is notated
  (see KEY NOTATION below), each rendered once with a random transposition,
  random General-MIDI instrumentation (one instrument per SATB voice) and a random
  tempo through FluidSynth + FluidR3_GM.sf2, looped/cut to a 30 s mono 22050 Hz FLAC
  clip. Labels: the (transposed) key, one of 24 classes, and the multi-label set of
  instrument classes. Splits (train/valid/test ~ 70/15/15) are made by piece: all
  versions of a BWV number and all harmonisations of the same hymn tune (same title
  or same opening melody) land in the same split. Each valid/test chorale is rendered
  --eval-versions times (default 2: own transposition, instrumentation and tempo each), so
  that held-out scores rest on about 230 clips instead of 117.
* Unlabeled pool: recorded game music from Debian packages (symlinked, original
  ogg/opus formats kept; ogg files inside the ufoai/nexuiz .pk3 archives are
  extracted with --with-pk3) plus unlabeled renders of other music21 corpus works
  (non-Bach composers; by default 240 of them, 30 s each, like the labeled clips) with
  random instrumentation from the same instrument classes — the in-domain part of the pool.

KEY NOTATION. In the MusicXML files of music21's Bach corpus a key is written as
``<key><fifths>n</fifths><mode>major|minor</mode></key>``; music21 turns an element
with <mode> into a ``key.Key`` and one without into a bare ``key.KeySignature``.
The encoders wrote the real mode on the top staff only (the soprano, or the first
instrumental part such as "Horn 1" or "Violin 1" in chorales with obbligato
instruments); the other parts carry no mode, or a default ``major`` even in minor
pieces (102 files have the top staff in minor and the other parts "major"). We
therefore define "notated key" as: the top staff carries a ``key.Key`` (explicit
mode, major or minor) at its first key-signature position, and the soprano's key
signature agrees with it. That key, transposed, is the label (with one correction
for Baroque "Dorian" signatures, see label_key). Humdrum (.krn) files
count when they carry a ``*x:`` key token (music21 -> Key). With music21 10.5:
411 of the 413 Bach score files qualify (bwv62.6: top staff without mode, and
its parts disagree; bwv846 is a keyboard prelude, not a chorale), 399 after
dropping duplicate versions of the same BWV number.

Run ``tools/make_demo_dataset.sh`` (installs the apt packages and the venv), or
directly ``.venv-demo/bin/python tools/make_demo_dataset.py --help``.
The build is deterministic for a given --seed and idempotent: clips that exist
(non-empty) are not rendered again, manifests are written atomically.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import multiprocessing as mp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

SCRIPT_VERSION = "2"  # tags the pool failure cache: bump when render code changes
INDEX_VERSION = "5"  # bump when the chorale index format/logic changes
RENDER_VERSION = "1"  # part of every clip's parameter hash: bump to force re-render

SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SAMPLE_RATE = 22050
CLIP_SECONDS = 30.0
PEAK_LEVEL = 10 ** (-1.0 / 20)  # -1 dBFS
SILENCE_THRESHOLD = 10 ** (-70.0 / 20)
SPLITS = (("train", 0.70), ("valid", 0.15), ("test", 0.15))
TRANSPOSE_RANGE = (-5, 6)  # inclusive, semitones
CHORALE_TEMPO_RANGE = (60, 100)  # quarter notes per minute
POOL_TEMPO_RANGE = (60, 132)

# ---------------------------------------------------------------------------
# Label spaces
# ---------------------------------------------------------------------------
# 24 key classes, index = pitch class of the tonic (C=0) for majors, 12 + pitch
# class for minors. One canonical spelling per class: the one with fewer
# accidentals in its key signature; ties (6 accidentals: F#/Gb major, D#/Eb minor)
# resolved to F# major and Eb minor.
MAJOR_NAMES = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
MINOR_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"]
MAJOR_ALIASES = ["B#", "C#", None, "D#", "Fb", "E#", "Gb", None, "G#", None, "A#", "Cb"]
MINOR_ALIASES = ["B#", "Db", None, "D#", "Fb", "E#", "Gb", None, "Ab", None, "A#", "Cb"]
KEY_CLASSES = [f"{n} major" for n in MAJOR_NAMES] + [f"{n} minor" for n in MINOR_NAMES]

# Instrument classes -> General MIDI programs (0-based) drawn from within the class.
INSTRUMENT_CLASSES = {
    "piano": [0, 1],            # Acoustic Grand, Bright Acoustic
    "harpsichord": [6],         # Harpsichord
    "organ": [19, 20],          # Church Organ, Reed Organ
    "guitar": [24, 25],         # Nylon, Steel
    "strings": [40, 41, 42, 48, 49],  # Violin, Viola, Cello, String Ens. 1/2
    "choir": [52, 53],          # Choir Aahs, Voice Oohs
    "trumpet": [56],            # Trumpet
    "horn": [60],               # French Horn
    "oboe": [68, 69],           # Oboe, English Horn
    "bassoon": [70],            # Bassoon
    "clarinet": [71],           # Clarinet
    "flute": [73, 74],          # Flute, Recorder
}
INSTRUMENT_NAMES = list(INSTRUMENT_CLASSES)
# number of distinct instrument classes in one rendering -> probability
N_CLASSES_DIST = [(1, 0.2), (2, 0.3), (3, 0.3), (4, 0.2)]

# Unlabeled recorded music from Debian packages: (package, root, glob patterns).
GAME_MUSIC = [
    ("wesnoth-1.16-music", "/usr/share/games/wesnoth/1.16/data/core/music", ["*.ogg"]),
    ("singularity-music", "/usr/share/games/singularity/music", ["*.ogg"]),
    ("warzone2100-music", "/usr/share/games/warzone2100/music", ["*.opus", "*.ogg"]),
]
PK3_MUSIC = [  # extracted (copied) only with --with-pk3
    ("ufoai-music", "/usr/share/games/ufoai/base/0music.pk3", "base/"),
    ("nexuiz-music", "/usr/share/games/nexuiz/data/music.pk3", "data/"),
]
# Composers of music21's corpus used for unlabeled renders (never Bach: the Bach
# chorales are the labeled set, keeping them out of the pool avoids leakage).
POOL_COMPOSERS = [
    "beethoven", "mozart", "haydn", "schubert", "schumann_robert", "schumann_clara",
    "corelli", "monteverdi", "palestrina", "handel", "verdi", "weber", "joplin",
    "cpebach", "chopin", "josquin", "beach", "ciconia", "luca",
]
POOL_EXTS = {".mxl", ".xml", ".musicxml", ".krn", ".abc", ".mid", ".midi"}
POOL_MAX_FILE_BYTES = 400_000  # skip huge encodings (slow to parse)
POOL_MAX_PARTS = 15  # MIDI has 15 melodic channels

LICENCES = {
    "music21": "music21 is BSD-3-Clause. Its corpus (music21/corpus/license.txt): encodings are "
               "distributed with the permission of the encoders and, to the best of the music21 "
               "authors' knowledge, out of copyright in the US or licensed for use; some may carry "
               "restrictions on commercial use (see individual files). The Bach chorales and the "
               "other works used are 17th-19th century compositions.",
    "fluid-soundfont-gm": "FluidR3_GM.sf2 by Frank Wen et al., MIT licence "
                          "(/usr/share/doc/fluid-soundfont-gm/copyright).",
    "wesnoth-1.16-music": "Battle for Wesnoth music, GNU GPL version 2 or later "
                          "(/usr/share/doc/wesnoth-1.16-music/copyright).",
    "singularity-music": "Endgame: Singularity soundtrack by Max McCracken, Creative Commons "
                         "Attribution-ShareAlike 3.0 (CC BY-SA 3.0) "
                         "(/usr/share/doc/singularity-music/copyright).",
    "warzone2100-music": "Warzone 2100 music, GNU GPL-2+ (package copyright); the Aftermath "
                         "soundtrack by LupusMechanicus is CC BY-SA 3.0 or later, alternatively "
                         "GPL-2+ (albums/*/license.txt) "
                         "(/usr/share/doc/warzone2100-music/copyright).",
    "ufoai-music": "UFO: Alien Invasion music, per-file licences from the DEP-5 copyright file "
                   "(CC-BY-3.0, CC-BY-SA-3.0, GPL-2, GPL-2+, public domain; see unlabeled_meta.csv) "
                   "(/usr/share/doc/ufoai-music/copyright).",
    "nexuiz-music": "Nexuiz music, GNU GPL version 2 or later "
                    "(/usr/share/doc/nexuiz-music/copyright).",
}

LICENCE_SHORT = {
    "music21": "music21 corpus licence (per encoding)",
    "wesnoth-1.16-music": "GPL-2+",
    "singularity-music": "CC-BY-SA-3.0",
    "warzone2100-music": "GPL-2+",
    "nexuiz-music": "GPL-2+",
}


def game_licence(pkg: str, origin: str) -> str:
    if pkg == "warzone2100-music" and ("/legacy_soundtrack/" in origin or (
            "/aftermath_soundtrack/" in origin and "track3_enhanced" not in origin)):
        return "CC-BY-SA-3.0+ or GPL-2+"  # albums/*/license.txt (LupusMechanicus)
    return LICENCE_SHORT.get(pkg, pkg)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def stable_hash(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def rng_for(seed: int, *parts):
    import random
    return random.Random(int(stable_hash(seed, *parts)[:16], 16))


def safe_name(s: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", s).strip("._")
    return s or "x"


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_csv(path: Path, header, rows) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    atomic_write_text(path, buf.getvalue())


def nonempty(p: Path) -> bool:
    try:
        return p.stat().st_size > 0
    except OSError:
        return False


def key_label(tonic_pc: int, mode: str) -> str:
    return f"{(MAJOR_NAMES if mode == 'major' else MINOR_NAMES)[tonic_pc % 12]} {mode}"


def key_index(label: str) -> int:
    return KEY_CLASSES.index(label)


def key_relation(label: str, est: str) -> str:
    """MIREX-style relation of an estimated key to the reference label."""
    if label == est:
        return "same"
    ri, ei = key_index(label), key_index(est)
    rpc, rmaj = ri % 12, ri < 12
    epc, emaj = ei % 12, ei < 12
    if rmaj == emaj and (epc - rpc) % 12 in (5, 7):
        return "fifth"
    if rmaj and not emaj and (epc - rpc) % 12 == 9:
        return "relative"
    if not rmaj and emaj and (epc - rpc) % 12 == 3:
        return "relative"
    if rpc == epc:
        return "parallel"
    return "other"


def music21_quiet():
    """music21 warns a lot about encodings (ignored part names, beams ...)."""
    warnings.simplefilter("ignore")


# ---------------------------------------------------------------------------
# Stage 1: index the Bach corpus
# ---------------------------------------------------------------------------
VOICE_PATTERNS = [re.compile(r"\bsoprano\b|\bsopran\b|\bcanto\b", re.I),
                  re.compile(r"\balto\b|\balt\b", re.I),
                  re.compile(r"\btenor\b", re.I),
                  re.compile(r"\bbass\b|\bbasso\b", re.I)]


def find_satb(names):
    idx = []
    for pat in VOICE_PATTERNS:
        hit = next((i for i, n in enumerate(names) if n and pat.search(n) and i not in idx), None)
        if hit is None:
            return None
        idx.append(hit)
    return idx


def bwv_base(stem: str) -> str:
    # bwv248.9-1 / bwv248.9-s -> 248.9 ; bwv277 -> 277
    m = re.match(r"bwv([0-9]+(?:\.[0-9]+)?)", stem, re.I)
    return m.group(1) if m else stem


def soprano_fingerprint(part, n_intervals=8):
    pitches = []
    for n in part.recurse().notes:
        if n.tie is not None and n.tie.type in ("stop", "continue"):
            continue
        p = max(n.pitches, key=lambda q: q.ps).midi if n.isChord else n.pitch.midi
        if not pitches or pitches[-1] != p:
            pitches.append(p)
        if len(pitches) > n_intervals:
            break
    if len(pitches) <= n_intervals:
        return None
    return ",".join(str(b - a) for a, b in zip(pitches, pitches[1:]))


def _first_key(part, score):
    """(Key with explicit mode or None, first key signature or None) at the part's
    first key-signature position."""
    from music21 import key
    kss = list(part.recurse().getElementsByClass(key.KeySignature))
    if not kss:
        return None, None
    first_off = min(k.getOffsetInHierarchy(score) for k in kss)
    first = [k for k in kss if k.getOffsetInHierarchy(score) == first_off]
    return next((k for k in first if isinstance(k, key.Key)), None), first[0]


def final_bass_pc(part):
    notes = list(part.recurse().notes)
    if not notes:
        return None
    last = notes[-1]
    return (min(last.pitches, key=lambda q: q.ps) if last.isChord else last.pitch).pitchClass


def label_key(r, dorian_fix: bool):
    """(tonic pitch class, mode, rule) of the label before transposition.

    Baroque 'Dorian' key signatures carry one flat fewer than modern notation
    (e.g. G minor written with one flat); the encoded <fifths>+<mode> then names
    the minor key a fourth below the real one (D minor). A minor chorale whose
    final bass note lies a perfect fourth above the notated tonic is labeled in
    the minor key of its final. The music21 key analysis is not used here, so it
    stays an independent sanity check."""
    pc, mode = r["key_tonic_pc"], r["key_mode"]
    fb = r.get("final_bass_pc")
    if dorian_fix and mode == "minor" and fb is not None and (fb - pc) % 12 == 5:
        return fb, mode, "dorian-signature"
    return pc, mode, "notated"


def index_one(path_str: str) -> dict:
    music21_quiet()
    from music21 import corpus
    p = Path(path_str)
    rec = {"file": p.name, "path": path_str, "bwv": bwv_base(p.stem), "ext": p.suffix.lower()}
    try:
        s = corpus.parse(path_str)
    except Exception as e:  # pragma: no cover - corpus files parse
        rec["excluded"] = f"parse error: {type(e).__name__}: {e}"[:200]
        return rec
    parts = list(s.parts)
    names = [(pt.partName or pt.id or "") if isinstance(pt.partName or pt.id, str) else "" for pt in parts]
    rec["n_parts"] = len(parts)
    rec["part_names"] = names
    rec["quarter_length"] = float(s.highestTime)
    md = s.metadata
    rec["title"] = (md.title or "") if md is not None else ""
    satb = find_satb(names)
    rec["voices_by"] = "name"
    if satb is None and len(parts) == 4:
        satb, rec["voices_by"] = [0, 1, 2, 3], "order"
    if satb is None:
        rec["excluded"] = "no SATB voices"
        return rec
    rec["satb"] = satb
    sop = parts[satb[0]]
    top_key, top_sig = _first_key(parts[0], s)
    sop_key, sop_sig = _first_key(sop, s)
    rec["top_part"] = names[0]
    rec["top_key"] = f"{top_key.tonic.name} {top_key.mode}" if top_key is not None else None
    rec["soprano_key"] = f"{sop_key.tonic.name} {sop_key.mode}" if sop_key is not None else None
    if top_sig is None or sop_sig is None:
        rec["excluded"] = "no key signature"
        return rec
    rec["sharps"] = top_sig.sharps
    if top_key is None:
        rec["excluded"] = "top staff key signature without mode (key not notated)"
        return rec
    if sop_sig.sharps != top_sig.sharps:
        rec["excluded"] = "soprano and top staff key signatures differ"
        return rec
    if top_key.mode not in ("major", "minor"):
        rec["excluded"] = f"mode {top_key.mode}"
        return rec
    rec["key_tonic_pc"] = top_key.tonic.pitchClass
    rec["key_mode"] = top_key.mode
    rec["key_notated"] = f"{top_key.tonic.name.replace('-', 'b')} {top_key.mode}"
    rec["melody"] = soprano_fingerprint(sop)
    rec["final_bass_pc"] = final_bass_pc(parts[satb[3]])
    return rec


def build_index(out: Path, jobs: int) -> list[dict]:
    import music21
    from music21 import corpus
    cache = out / ".cache" / "chorale_index.json"
    tag = f"{INDEX_VERSION}/{music21.__version__}"
    if nonempty(cache):
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("tag") == tag:
                return data["records"]
        except Exception:
            pass
    paths = sorted(str(p) for p in corpus.getComposer("bach")
                   if p.suffix.lower() in (".mxl", ".xml", ".musicxml", ".krn"))
    log(f"indexing {len(paths)} Bach corpus files (music21 {music21.__version__}) ...")
    with mp.get_context("fork").Pool(jobs) as pool:
        records = pool.map(index_one, paths, chunksize=4)
    atomic_write_text(cache, json.dumps({"tag": tag, "records": records}, ensure_ascii=False))
    return records


# ---------------------------------------------------------------------------
# Stage 2: select, dedupe, group, split
# ---------------------------------------------------------------------------
def canonical_choice(recs):
    """Among versions of one BWV number pick one: MusicXML over Humdrum, no
    suffix (-a, -w, -lz ...) over suffixed, then 4-voice, then name."""
    def rank(r):
        stem = Path(r["file"]).stem
        return (r["ext"] == ".krn", "-" in stem, r.get("n_parts", 99) != 4, stem)
    return sorted(recs, key=rank)[0]


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def norm_title(t: str) -> str:
    t = re.sub(r"^\s*\d+\.\s*", "", t or "")
    t = t.lower().replace("’", "'").replace("ß", "ss")
    return re.sub(r"[^a-z0-9äöü]+", " ", t).strip()


def select_chorales(records, seed: int, max_chorales: int | None):
    from music21.corpus import chorales
    stats = {"files_scanned": len(records)}
    excluded = {}
    for r in records:
        if "excluded" in r:
            excluded[r["excluded"]] = excluded.get(r["excluded"], 0) + 1
    stats["files_excluded"] = excluded
    notated = [r for r in records if "excluded" not in r]
    stats["files_with_notated_key"] = len(notated)
    stats["notated_key_modes"] = {m: sum(1 for r in notated if r["key_mode"] == m) for m in ("major", "minor")}
    by_bwv = {}
    for r in notated:
        by_bwv.setdefault(r["bwv"], []).append(r)
    chosen = [canonical_choice(v) for _, v in sorted(by_bwv.items())]
    stats["duplicate_versions_dropped"] = len(notated) - len(chosen)
    stats["dropped_versions"] = sorted(r["file"] for v in by_bwv.values() for r in v
                                       if r is not canonical_choice(v))
    stats["unique_chorales"] = len(chosen)

    # titles from music21's Riemenschneider/Kalmus/BWV list + file metadata
    try:
        by_bwv_title = {k: v["title"] for k, v in chorales.ChoraleListRKBWV().byBWV.items()}
    except Exception:  # pragma: no cover
        by_bwv_title = {}
    uf = UnionFind()
    for r in chosen:
        node = "bwv:" + r["bwv"]
        uf.find(node)
        titles = {norm_title(by_bwv_title.get(r["bwv"], "")), norm_title(r.get("title", ""))}
        for t in titles - {""}:
            uf.union(node, "title:" + t)
        if r.get("melody"):
            uf.union(node, "mel:" + r["melody"])
    groups = {}
    for r in chosen:
        root = uf.find("bwv:" + r["bwv"])
        r["group"] = root
        groups.setdefault(root, []).append(r)
    stats["tune_groups"] = len(groups)
    stats["largest_group"] = max((len(v) for v in groups.values()), default=0)

    # deterministic subset for small runs: round robin over tune groups in seeded
    # order (one chorale per group first), so that small runs still fill all splits
    order = sorted(groups, key=lambda g: stable_hash(seed, "group", g))
    if max_chorales is not None:
        take = {g: 0 for g in order}
        n, rnd = 0, 0
        while n < max_chorales and rnd < stats["largest_group"]:
            for g in order:
                if n < max_chorales and rnd < len(groups[g]):
                    take[g] += 1
                    n += 1
            rnd += 1
        order = [g for g in order if take[g]]
        groups = {g: groups[g][: take[g]] for g in order}
    # greedy split assignment by deficit, whole groups at a time
    counts = {s: 0 for s, _ in SPLITS}
    total = 0
    for g in order:
        members = groups[g]
        nxt = total + len(members)
        split = max(SPLITS, key=lambda sf: (sf[1] * nxt - counts[sf[0]], sf[1]))[0]
        for r in members:
            r["split"] = split
        counts[split] += len(members)
        total = nxt
    selected = [r for g in order for r in groups[g]]
    selected.sort(key=lambda r: (r["split"], r["bwv"]))
    return selected, stats


# ---------------------------------------------------------------------------
# Stage 3: plans (all randomness drawn here, per item, from the seed)
# ---------------------------------------------------------------------------
def draw_instrumentation(rng, n_voices: int):
    r, acc = rng.random(), 0.0
    k = N_CLASSES_DIST[-1][0]
    for kk, p in N_CLASSES_DIST:
        acc += p
        if r < acc:
            k = kk
            break
    k = min(k, n_voices)
    classes = rng.sample(INSTRUMENT_NAMES, k)
    assign = classes + [rng.choice(classes) for _ in range(n_voices - k)]
    rng.shuffle(assign)
    programs = [rng.choice(INSTRUMENT_CLASSES[c]) for c in assign]
    return assign, programs


def plan_chorale(r, seed: int, dorian_fix: bool = True, version: int = 0) -> dict:
    """Version 0 is the chorale's one rendering in every split; held-out chorales get further
    versions (another transposition, instrumentation and tempo of the same piece) with
    --eval-versions, so that the valid and test splits measure more than a few dozen clips
    while the split stays by piece."""
    rng = rng_for(seed, "chorale", r["bwv"]) if version == 0 else rng_for(seed, "chorale", r["bwv"], "version", version)
    semis = rng.randint(*TRANSPOSE_RANGE)
    classes, programs = draw_instrumentation(rng, 4)
    bpm = rng.randint(*CHORALE_TEMPO_RANGE)
    pc, mode, rule = label_key(r, dorian_fix)
    label = key_label(pc + semis, mode)
    params = {"v": RENDER_VERSION, "src": r["file"], "satb": r["satb"], "semitones": semis,
              "programs": programs, "bpm": bpm, "sr": SAMPLE_RATE, "clip": CLIP_SECONDS}
    if version:
        params["version"] = version
    h = stable_hash(json.dumps(params, sort_keys=True))[:8]
    rel = f"labeled/{r['split']}/bwv{safe_name(r['bwv'])}_{h}.flac"
    return {"kind": "chorale", "rel": rel, "path": r["path"], "file": r["file"], "bwv": r["bwv"],
            "split": r["split"], "satb": r["satb"], "semitones": semis, "classes": classes,
            "programs": programs, "bpm": bpm, "label": label, "key_notated": r["key_notated"],
            "key_rule": rule, "label_notated": key_label(r["key_tonic_pc"] + semis, r["key_mode"]),
            "group": r["group"]}


def pool_candidates(seed: int):
    from music21 import corpus
    per = {}
    for comp in POOL_COMPOSERS:
        try:
            ps = corpus.getComposer(comp)
        except Exception:
            continue
        ps = sorted({p for p in ps if p.suffix.lower() in POOL_EXTS
                     and p.stat().st_size <= POOL_MAX_FILE_BYTES})
        ps.sort(key=lambda p: stable_hash(seed, "pool", p.name))
        if ps:
            per[comp] = ps
    # round robin over composers (composer order itself seeded)
    comps = sorted(per, key=lambda c: stable_hash(seed, "composer", c))
    out, i = [], 0
    while any(per.values()):
        c = comps[i % len(comps)]
        if per[c]:
            out.append((c, per[c].pop(0)))
        i += 1
    return out


def plan_pool_render(comp: str, path: Path, seed: int, max_seconds: float) -> dict:
    import music21
    corpus_root = Path(music21.__file__).parent / "corpus"
    relsrc = str(path.relative_to(corpus_root)) if path.is_relative_to(corpus_root) else path.name
    rng = rng_for(seed, "poolrender", relsrc)
    classes = rng.sample(INSTRUMENT_NAMES, rng.randint(1, 4))
    programs = {c: rng.choice(INSTRUMENT_CLASSES[c]) for c in classes}
    bpm = rng.randint(*POOL_TEMPO_RANGE)
    params = {"v": RENDER_VERSION, "src": relsrc, "classes": classes, "bpm": bpm,
              "sr": SAMPLE_RATE, "max": max_seconds, "seed": seed}
    h = stable_hash(json.dumps(params, sort_keys=True))[:8]
    stem = safe_name(os.path.splitext(relsrc)[0].replace("/", "__"))
    return {"kind": "pool", "rel": f"pool/renders/{stem}_{h}.flac", "path": str(path),
            "src": relsrc, "composer": comp, "classes": classes, "class_programs": programs,
            "bpm": bpm, "max_seconds": max_seconds, "seed_key": stable_hash(seed, relsrc)}


# ---------------------------------------------------------------------------
# Stage 4: rendering (runs in worker processes)
# ---------------------------------------------------------------------------
def _prepare_part(part, program: int):
    from music21 import instrument, tempo
    for el in list(part.recurse().getElementsByClass((instrument.Instrument, tempo.MetronomeMark,
                                                      tempo.TempoIndication))):
        site = el.activeSite
        if site is not None:
            site.remove(el)
    ins = instrument.Instrument()
    ins.midiProgram = program
    ins.instrumentName = f"GM{program}"
    part.insert(0, ins)


def _remove_grace_notes(score):
    # zero-length grace notes give a note-off before its note-on at the same tick,
    # i.e. a stuck note that keeps fluidsynth's fast renderer running forever
    for n in list(score.recurse().notes):
        if n.duration.isGrace and n.activeSite is not None:
            n.activeSite.remove(n)


def _strip_repeats(score):
    from music21 import bar, repeat, spanner
    for b in list(score.recurse().getElementsByClass(bar.Repeat)):
        m = b.activeSite
        if m is None:
            continue
        if getattr(m, "leftBarline", None) is b:
            m.leftBarline = None
        elif getattr(m, "rightBarline", None) is b:
            m.rightBarline = None
        else:
            m.remove(b)
    for el in list(score.recurse().getElementsByClass((repeat.RepeatExpression,
                                                        spanner.RepeatBracket))):
        if el.activeSite is not None:
            el.activeSite.remove(el)


def _midi_seconds(mf, bpm: int) -> float:
    ticks = 0
    for tr in mf.tracks:
        ticks = max(ticks, sum(ev.time for ev in tr.events if ev.isDeltaTime() and ev.time))
    return ticks / mf.ticksPerQuarterNote * 60.0 / bpm


def _append_all_notes_off(mf):
    from music21.midi import ChannelVoiceMessages, DeltaTime, MetaEvents, MidiEvent
    for tr in mf.tracks:
        chans = sorted({ev.channel for ev in tr.events if not ev.isDeltaTime() and ev.isNoteOn()})
        ends = [i for i, ev in enumerate(tr.events) if ev.type == MetaEvents.END_OF_TRACK]
        if not chans or not ends:
            continue
        new = []
        for ch in chans:
            for cc in (123, 120):  # All Notes Off, All Sound Off
                ev = MidiEvent(tr, type=ChannelVoiceMessages.CONTROLLER_CHANGE, channel=ch)
                ev.parameter1, ev.parameter2 = cc, 0
                new += [ev, DeltaTime(tr, time=0, channel=ch)]
        tr.events[ends[-1]:ends[-1]] = new


def _render_midi(score, bpm: int, mid_path: Path, wav_path: Path) -> float:
    from music21 import midi, tempo
    _remove_grace_notes(score)
    for el in list(score.recurse().getElementsByClass(tempo.TempoIndication)):
        if el.activeSite is not None:
            el.activeSite.remove(el)
    score.parts[0].insert(0, tempo.MetronomeMark(number=bpm))
    try:
        mf = midi.translate.streamToMidiFile(score)
    except Exception as e:  # badly formed repeats in some encodings: play straight through
        if "repeat" not in str(e).lower() and "Expander" not in type(e).__name__:
            raise
        _strip_repeats(score)
        mf = midi.translate.streamToMidiFile(score)
    for tr in mf.tracks:  # never use the GM percussion channel
        for ev in tr.events:
            if getattr(ev, "channel", None) == 10:
                ev.channel = 16
    _append_all_notes_off(mf)
    seconds = _midi_seconds(mf, bpm)
    mf.open(str(mid_path), "wb")
    mf.write()
    mf.close()
    cmd = ["fluidsynth", "-ni", "-q", "-o", "synth.dynamic-sample-loading=1", "-o",
           "synth.cpu-cores=1", "-F", str(wav_path), "-O", "float", "-T", "wav",
           "-r", str(SAMPLE_RATE), "-g", "0.5", SOUNDFONT, str(mid_path)]
    # watchdog: the output must not grow far beyond the MIDI length (stuck notes)
    max_bytes = max(2 * seconds, seconds + 60.0) * SAMPLE_RATE * 2 * 4 + 4096
    deadline = time.time() + float(os.environ.get("DEMO_FS_TIMEOUT", "300"))
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            time.sleep(0.05)
            size = wav_path.stat().st_size if wav_path.exists() else 0
            if size > max_bytes:
                raise RuntimeError(f"fluidsynth ran away (output {size / 1e6:.0f} MB for a "
                                   f"{seconds:.0f} s MIDI file)")
            if time.time() > deadline:
                raise TimeoutError("fluidsynth timed out")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"fluidsynth exit status {proc.returncode}")
    return seconds


def _finish_audio(wav_path: Path, out_path: Path, target_s: float | None, max_s: float | None):
    import numpy as np
    import soundfile as sf
    x, sr = sf.read(str(wav_path), dtype="float32", always_2d=True)
    assert sr == SAMPLE_RATE, sr
    x = x.mean(axis=1)
    loud = np.flatnonzero(np.abs(x) > SILENCE_THRESHOLD)
    if loud.size == 0:
        raise RuntimeError("silent rendering")
    x = x[loud[0]: loud[-1] + 1]
    src_seconds = len(x) / sr
    if target_s is not None:  # loop (with a short breath between repeats) and cut
        n = int(round(target_s * sr))
        gap = np.zeros(int(0.4 * sr), dtype=np.float32)
        reps = [x]
        while sum(len(r) for r in reps) < n:
            reps += [gap, x]
        x = np.concatenate(reps)[:n]
    elif max_s is not None and len(x) > int(max_s * sr):
        x = x[: int(max_s * sr)]
    fade = min(len(x) // 4, int(0.3 * sr))
    if fade > 0 and (target_s is not None or max_s is not None):
        x[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    peak = float(np.max(np.abs(x)))
    x = x * (PEAK_LEVEL / peak)
    rms_db = 20 * math.log10(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) + 1e-12)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.stem + ".partial.flac")
    sf.write(str(tmp), x, sr, format="FLAC", subtype="PCM_16")
    os.replace(tmp, out_path)
    return {"seconds": round(len(x) / sr, 3), "source_seconds": round(src_seconds, 3),
            "rms_dbfs": round(rms_db, 2)}


def work_item(args) -> dict:
    plan, out_dir, analyze_only = args
    music21_quiet()
    from music21 import converter, corpus
    t0 = time.time()
    res = {"rel": plan["rel"], "ok": False}
    out_path = Path(out_dir) / plan["rel"]
    tmpd = Path(tempfile.mkdtemp(prefix="render_", dir=Path(out_dir) / ".cache"))
    try:
        if plan["kind"] == "chorale":
            s = corpus.parse(plan["path"])
            parts = list(s.parts)
            for i, pt in enumerate(parts):
                if i not in plan["satb"]:
                    s.remove(pt)
            if plan["semitones"]:
                s.transpose(plan["semitones"], inPlace=True)
            est = s.analyze("key")
            res["analyzed_key"] = key_label(est.tonic.pitchClass, est.mode) \
                if est.mode in ("major", "minor") else f"{est.tonic.name} {est.mode}"
            res["analysis_confidence"] = round(float(est.correlationCoefficient), 3)
            if analyze_only:
                import numpy as np
                import soundfile as sf
                x, _sr = sf.read(str(out_path), dtype="float32")
                res["seconds"] = round(len(x) / SAMPLE_RATE, 3)
                res["rms_dbfs"] = round(20 * math.log10(
                    float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) + 1e-12), 2)
            else:
                parts = list(s.parts)  # already in score order = satb order by index
                order = sorted(plan["satb"])
                prog_by_idx = dict(zip(plan["satb"], plan["programs"]))
                for pt, idx in zip(parts, order):
                    _prepare_part(pt, prog_by_idx[idx])
                _render_midi(s, plan["bpm"], tmpd / "a.mid", tmpd / "a.wav")
                res.update(_finish_audio(tmpd / "a.wav", out_path, CLIP_SECONDS, None))
        else:  # unlabeled pool render
            p = Path(plan["path"])
            s = converter.parse(str(p)) if p.suffix.lower() in (".mid", ".midi") else corpus.parse(str(p))
            if "Opus" in s.classes:
                s = s.scores[0]
            parts = list(s.parts)
            if not parts:
                raise RuntimeError("no parts")
            if len(parts) > POOL_MAX_PARTS:
                raise RuntimeError(f"{len(parts)} parts")
            rng = rng_for(0, plan["seed_key"], "parts")
            used = set()
            for pt in parts:
                c = rng.choice(plan["classes"])
                used.add(c)
                _prepare_part(pt, plan["class_programs"][c])
            # trim the score to roughly the rendered length (parsing/rendering time)
            qmax = plan["max_seconds"] * plan["bpm"] / 60.0 + 8
            if s.highestTime > qmax:
                s = _truncate(s, qmax)
            res["classes_used"] = sorted(used)
            _render_midi(s, plan["bpm"], tmpd / "a.mid", tmpd / "a.wav")
            res.update(_finish_audio(tmpd / "a.wav", out_path, None, plan["max_seconds"]))
        res["ok"] = True
    except Exception as e:
        res["error"] = f"{type(e).__name__}: {e}"[:300]
    finally:
        shutil.rmtree(tmpd, ignore_errors=True)
    res["elapsed"] = round(time.time() - t0, 2)
    return res


def _truncate(score, qmax: float):
    """Drop measures starting after qmax quarter lengths (keeps parts aligned)."""
    for pt in score.parts:
        for m in list(pt.getElementsByClass("Measure")):
            if m.offset >= qmax:
                pt.remove(m)
    return score


# ---------------------------------------------------------------------------
# Stage 5: recorded game music
# ---------------------------------------------------------------------------
def dep5_file_licences(copyright_path: Path) -> list[tuple[str, str]]:
    """(glob, licence) pairs from a machine-readable debian/copyright file."""
    try:
        text = copyright_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    if not text.startswith("Format:"):
        return []
    pairs = []
    for para in re.split(r"\n\s*\n", text):
        files, lic, field = [], None, None
        for line in para.splitlines():
            m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
            if m:
                field = m.group(1)
                if field == "Files":
                    files += m.group(2).split()
                elif field == "License":
                    lic = m.group(2).strip()
            elif line.startswith((" ", "\t")) and field == "Files":
                files += line.split()
        if files and lic:
            pairs += [(f, lic) for f in files]
    return pairs


def licence_for(pairs, relpath: str, default: str) -> str:
    import fnmatch
    found = default
    for pat, lic in pairs:  # last match wins (DEP-5)
        if fnmatch.fnmatchcase(relpath, pat):
            found = lic
    return found


def collect_game_music(out: Path, with_pk3: bool):
    import soundfile as sf
    rows, missing = [], []
    for pkg, root, pats in GAME_MUSIC:
        rootp = Path(root)
        if not rootp.is_dir():
            missing.append(pkg)
            continue
        files = sorted({f for pat in pats for f in rootp.rglob(pat)})
        for f in files:
            rel = "pool/" + pkg + "/" + "/".join(safe_name(x) for x in f.relative_to(rootp).parts)
            dst = out / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.is_symlink() and os.readlink(dst) == str(f):
                pass
            else:
                if dst.is_symlink() or dst.exists():
                    dst.unlink()
                tmp = dst.with_name(dst.name + ".tmplink")
                if tmp.is_symlink() or tmp.exists():
                    tmp.unlink()
                os.symlink(str(f), tmp)
                os.replace(tmp, dst)
            rows.append({"rel": rel, "source": pkg, "origin": str(f), "licence": game_licence(pkg, str(f))})
    if with_pk3:
        for pkg, pk3, prefix in PK3_MUSIC:
            pk3p = Path(pk3)
            if not pk3p.is_file():
                missing.append(pkg)
                continue
            pairs = dep5_file_licences(Path("/usr/share/doc") / pkg / "copyright")
            with zipfile.ZipFile(pk3p) as z:
                for info in sorted(z.infolist(), key=lambda i: i.filename):
                    if info.is_dir() or not info.filename.lower().endswith(".ogg"):
                        continue
                    rel = "pool/" + pkg + "/" + "/".join(safe_name(x) for x in info.filename.split("/"))
                    dst = out / rel
                    if not (nonempty(dst) and dst.stat().st_size == info.file_size):
                        dst.parent.mkdir(parents=True, exist_ok=True)
                        tmp = dst.with_name(dst.name + ".partial")
                        with z.open(info) as src, open(tmp, "wb") as fo:
                            shutil.copyfileobj(src, fo, 1 << 20)
                        os.replace(tmp, dst)
                    lic = licence_for(pairs, prefix + info.filename, "GPL-2+")
                    rows.append({"rel": rel, "source": pkg, "origin": f"{pk3}:{info.filename}",
                                 "licence": lic})
    kept, silent = [], []
    for r in rows:
        try:
            info = sf.info(str(out / r["rel"]))
            r.update(seconds=round(info.duration, 3), format=f"{info.format}/{info.subtype}",
                     samplerate=info.samplerate, channels=info.channels)
            if info.duration < 60:  # short stingers: decode; drop digital silence (wesnoth silence.ogg)
                import numpy as np
                x, _ = sf.read(str(out / r["rel"]), dtype="float32")
                if x.size == 0 or 20 * math.log10(float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
                                                  + 1e-12) < -60:
                    silent.append(r["rel"])
                    (out / r["rel"]).unlink()
                    continue
        except Exception as e:
            r.update(seconds=None, error=f"{type(e).__name__}: {e}"[:200])
        kept.append(r)
    if silent:
        log(f"pool: dropped silent tracks {', '.join(silent)}")
    return kept, missing


# ---------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------
def run_pool(items, out: Path, jobs: int, label: str):
    """Render items (list of (plan, analyze_only)); returns {rel: result}."""
    results = {}
    if not items:
        return results
    args = [(p, str(out), a) for p, a in items]
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


def load_meta_cache(out: Path) -> dict:
    p = out / ".cache" / "render_meta.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except Exception:
        return {}


def check_clip(path: Path, expect_seconds: float | None):
    import numpy as np
    import soundfile as sf
    info = sf.info(str(path))
    problems = []
    if info.samplerate != SAMPLE_RATE:
        problems.append(f"samplerate {info.samplerate}")
    if info.channels != 1:
        problems.append(f"channels {info.channels}")
    if expect_seconds is not None and abs(info.duration - expect_seconds) > 1.0 / SAMPLE_RATE:
        problems.append(f"duration {info.duration:.3f}")
    x, _ = sf.read(str(path), dtype="float32")
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
    rms_db = 20 * math.log10(rms + 1e-12)
    if rms_db < -45:
        problems.append(f"rms {rms_db:.1f} dBFS")
    return info.duration, rms_db, problems


def fmt_hours(sec: float) -> str:
    return f"{sec / 3600:.2f} h"


def du_bytes(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            fp = os.path.join(dirpath, f)
            if not os.path.islink(fp):
                total += os.path.getsize(fp)
    return total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="data/demo", help="output directory (default: data/demo)")
    ap.add_argument("--seed", type=int, default=1234, help="random seed (default: 1234)")
    ap.add_argument("--max-chorales", type=int, default=None, metavar="N",
                    help="use only N chorales for quick runs (seeded; one per tune group first, "
                         "so that N >= 5 fills all three splits)")
    ap.add_argument("--eval-versions", type=int, default=2, metavar="N",
                    help="renderings of each valid/test chorale (each with its own transposition, "
                         "instrumentation and tempo; default: 2); training chorales get one")
    ap.add_argument("--pool-renders", type=int, default=240, metavar="N",
                    help="number of unlabeled music21 renders for the pool (default: 240)")
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
    ap.add_argument("--no-check", action="store_true", help="skip the post-build audio checks")
    ap.add_argument("--prune", action="store_true",
                    help="delete audio files/links under labeled/ and pool/ that the new "
                         "manifests do not list (e.g. from another --seed)")
    args = ap.parse_args(argv)

    t_start = time.time()
    if shutil.which("fluidsynth") is None:
        sys.exit("fluidsynth not found: apt-get install fluidsynth (or run tools/make_demo_dataset.sh)")
    if not Path(SOUNDFONT).is_file():
        sys.exit(f"{SOUNDFONT} not found: apt-get install fluid-soundfont-gm")
    music21_quiet()
    try:
        import music21
        import numpy  # noqa: F401
        import soundfile  # noqa: F401
    except ImportError as e:
        sys.exit(f"{e}: run tools/make_demo_dataset.sh (creates .venv-demo) or pip install "
                 "music21 soundfile numpy")

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
    selected, sel_stats = select_chorales(records, args.seed, args.max_chorales)
    log(f"chorales: {sel_stats['files_scanned']} files, {sel_stats['files_with_notated_key']} with "
        f"notated key, {sel_stats['unique_chorales']} unique BWV, {sel_stats['tune_groups']} tune "
        f"groups; using {len(selected)} ({time.time() - t0:.0f} s)")
    plans = [plan_chorale(r, args.seed, not args.no_dorian_fix, v) for r in selected
             for v in range(1 if r["split"] == "train" else max(1, args.eval_versions))]

    meta = load_meta_cache(out)
    todo = []
    for p in plans:
        have = nonempty(out / p["rel"])
        if have and meta.get(p["rel"], {}).get("ok"):
            continue
        todo.append((p, have))  # analyze_only when the audio exists but meta is lost
    n_skip_lab = len(plans) - len(todo)
    n_reanalyse = sum(1 for _p, a in todo if a)
    log(f"labeled: {len(plans)} clips, {n_skip_lab} already rendered, rendering {len(todo) - n_reanalyse}"
        + (f", re-analysing {n_reanalyse} (render cache lost)" if n_reanalyse else ""))
    t_lab = time.time()
    meta.update(run_pool(todo, out, jobs, "labeled"))
    t_lab = time.time() - t_lab
    atomic_write_text(out / ".cache" / "render_meta.json", json.dumps(meta, indent=0, sort_keys=True))

    # ---- unlabeled pool -----------------------------------------------------
    t_pool = time.time()
    game_rows, missing_pkgs = ([], []) if args.no_game_music else collect_game_music(out, args.with_pk3)
    if missing_pkgs:
        log(f"WARNING: game music packages not installed: {', '.join(missing_pkgs)}")
    pool_plans = []
    if args.pool_renders > 0:
        cands = pool_candidates(args.seed)
        failed_cache = out / ".cache" / "pool_failed.json"
        try:
            data = json.loads(failed_cache.read_text(encoding="utf-8"))
            failed = set(data["failed"]) if data.get("tag") == SCRIPT_VERSION else set()
        except Exception:
            failed = set()
        ci = 0
        while len(pool_plans) < args.pool_renders and ci < len(cands):
            need = args.pool_renders - len(pool_plans)
            batch = []
            while len(batch) < need and ci < len(cands):
                comp, path = cands[ci]
                ci += 1
                pl = plan_pool_render(comp, path, args.seed, args.pool_seconds)
                if pl["rel"] in failed:
                    continue
                batch.append(pl)
            todo = [(pl, False) for pl in batch
                    if not (nonempty(out / pl["rel"]) and meta.get(pl["rel"], {}).get("ok"))]
            if todo:
                log(f"pool renders: rendering {len(todo)} (of {len(batch)} in this batch)")
            meta.update(run_pool(todo, out, jobs, "pool"))
            for pl in batch:
                res = meta.get(pl["rel"], {})
                if res.get("ok"):
                    pool_plans.append(pl)
                elif "TimeoutError" not in res.get("error", ""):  # transient: retried next run
                    failed.add(pl["rel"])
            atomic_write_text(failed_cache, json.dumps({"tag": SCRIPT_VERSION,
                                                        "failed": sorted(failed)}, indent=0))
        atomic_write_text(out / ".cache" / "render_meta.json", json.dumps(meta, indent=0, sort_keys=True))
    t_pool = time.time() - t_pool

    # ---- manifests ----------------------------------------------------------
    ok_plans = [p for p in plans if meta.get(p["rel"], {}).get("ok")]
    failed_lab = [p["rel"] for p in plans if not meta.get(p["rel"], {}).get("ok")]
    atomic_write_csv(out / "labeled.csv", ["path", "split", "key", "instruments"],
                     [[p["rel"], p["split"], p["label"], ";".join(sorted(set(p["classes"])))]
                      for p in ok_plans])
    atomic_write_csv(out / "labeled_meta.csv",
                     ["path", "split", "source_file", "bwv", "group", "key_notated", "key_rule",
                      "semitones", "key", "analyzed_key", "key_relation", "bpm", "voice_classes",
                      "voice_programs", "source_seconds", "rms_dbfs"],
                     [[p["rel"], p["split"], p["file"], p["bwv"], p["group"], p["key_notated"],
                       p["key_rule"], p["semitones"], p["label"], meta[p["rel"]].get("analyzed_key", ""),
                       key_relation(p["label"], meta[p["rel"]]["analyzed_key"])
                       if meta[p["rel"]].get("analyzed_key") in KEY_CLASSES else "other",
                       p["bpm"], ";".join(p["classes"]), ";".join(map(str, p["programs"])),
                       meta[p["rel"]].get("source_seconds", ""), meta[p["rel"]].get("rms_dbfs", "")]
                      for p in ok_plans])
    pool_rows = [{"rel": pl["rel"], "source": "music21-render", "origin": f"music21 corpus {pl['src']}",
                  "licence": LICENCE_SHORT["music21"] + "; FluidR3_GM.sf2: MIT",
                  "seconds": meta[pl["rel"]].get("seconds"),
                  "format": "FLAC/PCM_16", "classes": ";".join(meta[pl["rel"]].get("classes_used", []))}
                 for pl in pool_plans]
    unl = [r for r in game_rows if r.get("seconds")] + pool_rows
    bad_pool = [r["rel"] for r in game_rows if not r.get("seconds")]
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
    listed = {p["rel"] for p in ok_plans} | {r["rel"] for r in unl}
    stray = [p for d in ("labeled", "pool") if (out / d).exists()
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
    def relation_counts(field):
        counts = {}
        for p in ok_plans:
            ak = meta[p["rel"]].get("analyzed_key", "")
            rel = key_relation(p[field], ak) if ak in KEY_CLASSES else "other"
            counts[rel] = counts.get(rel, 0) + 1
        return counts

    def mirex(counts):
        return (counts.get("same", 0) + 0.5 * counts.get("fifth", 0) + 0.3 * counts.get("relative", 0)
                + 0.2 * counts.get("parallel", 0)) / max(1, len(ok_plans))

    rel_counts = relation_counts("label")
    rel_counts_notated = relation_counts("label_notated")
    agree = rel_counts.get("same", 0) / max(1, len(ok_plans))
    agree_notated = rel_counts_notated.get("same", 0) / max(1, len(ok_plans))
    n_dorian = sum(1 for p in ok_plans if p["key_rule"] == "dorian-signature")

    # ---- stats + README ---------------------------------------------------------
    split_counts = {s: sum(1 for p in ok_plans if p["split"] == s) for s, _ in SPLITS}
    inst_counts = {c: sum(1 for p in ok_plans if c in p["classes"]) for c in INSTRUMENT_NAMES}
    key_counts = {k: sum(1 for p in ok_plans if p["label"] == k) for k in KEY_CLASSES}
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
        "with_pk3": args.with_pk3, "jobs": jobs,
        "music21_version": music21.__version__, "script_version": SCRIPT_VERSION,
        "chorale_selection": {k: v for k, v in sel_stats.items()},
        "labeled_clips": len(ok_plans), "labeled_failed": failed_lab, "labeled_splits": split_counts,
        "labeled_seconds": round(len(ok_plans) * CLIP_SECONDS, 1),
        "labeled_rendered_this_run": len(plans) - n_skip_lab, "labeled_render_seconds": round(t_lab, 1),
        "key_counts": key_counts, "instrument_counts": inst_counts,
        "dorian_signature_relabeled": n_dorian,
        "key_analysis_relation_counts": rel_counts, "key_analysis_agreement": round(agree, 4),
        "key_analysis_mirex_score": round(mirex(rel_counts), 4),
        "key_analysis_relation_counts_notated_labels": rel_counts_notated,
        "key_analysis_agreement_notated_labels": round(agree_notated, 4),
        "key_analysis_mirex_score_notated_labels": round(mirex(rel_counts_notated), 4),
        "pool_by_source": {k: {"files": v["files"], "hours": round(v["seconds"] / 3600, 3),
                               "licences": v["licences"]} for k, v in sorted(by_source.items())},
        "pool_files": len(unl), "pool_hours": round(sum(v["seconds"] for v in by_source.values()) / 3600, 3),
        "pool_undecodable": bad_pool, "pool_seconds_this_run": round(t_pool, 1),
        "missing_packages": missing_pkgs, "unlisted_files": len(stray),
        "disk_bytes_excluding_symlink_targets": disk,
        "build_seconds_this_run": round(elapsed, 1), "last_full_build": last_full, **check,
    }
    atomic_write_text(out / "stats.json", json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out / "README.md", render_readme(stats, args, by_source, fluidsynth_version()))
    log(f"done in {elapsed:.0f} s: {len(ok_plans)} labeled clips {split_counts}, pool {len(unl)} files "
        f"{stats['pool_hours']:.2f} h, disk {disk / 1e6:.0f} MB (+ symlinked game music), "
        f"key agreement {agree:.1%} ({agree_notated:.1%} with the raw notated keys)")
    if failed_lab or bad_pool or check.get("audio_problems"):
        log("WARNING: some items failed or have problems; see stats.json")
        return 1
    return 0


def fluidsynth_version() -> str:
    try:
        out = subprocess.run(["fluidsynth", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0].strip()
    except Exception:
        return "fluidsynth (unknown version)"


def render_readme(st: dict, args, by_source: dict, fs_version: str) -> str:
    sel = st["chorale_selection"]
    lines = [
        "# Crescendo demo data set",
        "",
        "Generated by `tools/make_demo_dataset.py` "
        f"(seed {st['seed']}, music21 {st['music21_version']}, {fs_version}, "
        f"FluidR3_GM.sf2). Do not edit by hand: rerun the script.",
        "",
        "## Files",
        "",
        "* `labeled.csv` — `path,split,key,instruments`: one row per 30 s clip; `path` is relative "
        "to this directory, `key` is one of the 24 classes of `classes.json`, `instruments` the "
        "`;`-joined set of instrument classes heard in the clip.",
        "* `unlabeled.csv` — `path,source`: the unlabeled pool (symlinked ogg/opus game music in "
        "original formats, extracted pk3 ogg tracks, and FLAC renders of other music21 corpus works).",
        "* `classes.json` — the 24 key classes (index = tonic pitch class C=0..B=11 for major, "
        "12 + pitch class for minor, canonical spellings "
        "C, Db, D, Eb, E, F, F#, G, Ab, A, Bb, B major / C, C#, D, Eb, E, F, F#, G, G#, A, Bb, B minor) "
        "and the instrument classes with their General MIDI programs.",
        "* `labeled_meta.csv`, `unlabeled_meta.csv`, `stats.json` — per-item provenance and build "
        "statistics (source file, transposition, tempo, GM programs, music21's key analysis, licences).",
        "",
        "## Labeled set",
        "",
        f"{st['labeled_clips']} clips × 30 s = {fmt_hours(st['labeled_seconds'])}, mono 22050 Hz 16-bit FLAC. "
        f"Splits by piece: " + ", ".join(f"{k} {v}" for k, v in st["labeled_splits"].items()) + ".",
        "",
        f"Source: the Bach chorales of music21's corpus. {sel['files_scanned']} Bach files scanned; "
        f"{sel['files_with_notated_key']} have a *notated key* "
        f"({sel['notated_key_modes']['major']} major, {sel['notated_key_modes']['minor']} minor): "
        "the top staff (soprano, or the first obbligato instrument) carries a MusicXML `<key>` with an "
        "explicit `<mode>` (music21 `key.Key`; a bare `<fifths>` becomes a `key.KeySignature` and does "
        "not count; the encoders wrote the mode on the top staff only, lower parts often say `major` "
        "regardless) and the soprano's signature agrees with it. Excluded: "
        + (", ".join(f"{v} × {k}" for k, v in sel["files_excluded"].items()) or "none") + ". "
        f"{sel['duplicate_versions_dropped']} duplicate versions of the same BWV number were dropped "
        f"({', '.join(sel['dropped_versions'])}), leaving {sel['unique_chorales']} chorales in "
        f"{sel['tune_groups']} tune groups (same BWV, same hymn title, or same opening soprano "
        "melody); a tune group never spans two splits.",
        "",
        "Label = the notated key, except for the Baroque 'Dorian' signatures: a minor chorale whose "
        "final bass note lies a perfect fourth above the notated tonic (e.g. G minor written with one "
        "flat, encoded as `<fifths>-1</fifths><mode>minor</mode>` = D minor) is labeled in the minor "
        f"key of its final ({st['dorian_signature_relabeled']} clips; `key_rule` in `labeled_meta.csv`, "
        "disable with `--no-dorian-fix`).",
        "",
        "Each chorale (SATB voices only; instrumental obbligato parts dropped) is transposed by a random "
        f"{TRANSPOSE_RANGE[0]}..+{TRANSPOSE_RANGE[1]} semitones (the key label moves with it), each voice "
        "gets a General MIDI instrument from 1–4 randomly drawn instrument classes, the tempo is a random "
        f"{CHORALE_TEMPO_RANGE[0]}–{CHORALE_TEMPO_RANGE[1]} quarter notes per minute; FluidSynth renders it "
        "with FluidR3_GM.sf2 (reverb/chorus on), the stereo output is mixed to mono, leading/trailing "
        "silence trimmed, looped (0.4 s pause between repeats) or cut to exactly 30 s, faded out over the "
        "last 0.3 s and peak-normalised to −1 dBFS.",
        "",
        f"Sanity figure: music21's `analyze('key')` (Krumhansl-Schmuckler) on the transposed score agrees "
        f"exactly with the label for {st['key_analysis_agreement']:.1%} of the clips (relations: "
        + ", ".join(f"{k} {v}" for k, v in sorted(st["key_analysis_relation_counts"].items()))
        + f"; MIREX-weighted score {st['key_analysis_mirex_score']:.3f}). With the raw notated keys "
        f"(no Dorian-signature rule) the agreement would be "
        f"{st['key_analysis_agreement_notated_labels']:.1%}. The analysis is not used to make labels. "
        "Most remaining disagreements are minor chorales ending on a major (Picardy) or dominant "
        "chord, which the profile method reads as the key a fifth away, and relative-key confusions.",
        "",
        "Instrument class counts (clips containing the class): "
        + ", ".join(f"{k} {v}" for k, v in st["instrument_counts"].items()) + ".",
        "",
        "## Unlabeled pool",
        "",
        f"{st['pool_files']} files, {st['pool_hours']:.2f} h:",
        "",
        "| source | files | hours | licence |",
        "| --- | ---: | ---: | --- |",
    ]
    for src, v in sorted(by_source.items()):
        lic = "; ".join(f"{k} ({n})" if len(v["licences"]) > 1 else k
                        for k, n in sorted(v["licences"].items(), key=lambda kv: -kv[1]))
        lines.append(f"| {src} | {v['files']} | {v['seconds'] / 3600:.2f} | {lic} |")
    lines += [
        "",
        "Game music is symlinked from the installed Debian packages (`/usr/share/games/...`), so the "
        "pool needs those packages installed; ogg tracks inside `.pk3` archives (ufoai-music, "
        "nexuiz-music) are extracted only with `--with-pk3`. Unlabeled renders come from non-Bach "
        f"composers of music21's corpus (round-robin over composers, first ≤{args.pool_seconds:.0f} s, "
        "random instrumentation and tempo as above, no labels).",
        "",
        "## Licences",
        "",
    ]
    used = {"music21", "fluid-soundfont-gm"} | {s for s in by_source if s in LICENCES}
    for k in ["music21", "fluid-soundfont-gm"] + sorted(used - {"music21", "fluid-soundfont-gm"}):
        lines.append(f"* **{k}**: {LICENCES[k]}")
    lines += [
        "",
        "The rendered clips are derived from the music21 corpus encodings and the FluidR3 samples; the "
        "game music keeps its own licence (share-alike / GPL terms apply when redistributing).",
        "",
        "## Build",
        "",
        (f"Last full build (all clips rendered): {st['last_full_build']['seconds']:.0f} s with "
         f"{st['last_full_build']['jobs']} workers ({st['last_full_build']['date']}). "
         if st.get("last_full_build") else "")
        + f"This run: {st['build_seconds_this_run']:.0f} s with {st['jobs']} workers "
        f"({st['labeled_rendered_this_run']} labeled clips rendered, the rest reused); disk "
        f"{st['disk_bytes_excluding_symlink_targets'] / 1e6:.0f} MB excluding symlinked game music.",
        "",
        "```",
        "tools/make_demo_dataset.sh            # installs apt packages + .venv-demo, then builds",
        f".venv-demo/bin/python tools/make_demo_dataset.py --out {args.out} --seed {st['seed']}",
        "```",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
