"""The unlabeled pool: recorded game music from Debian packages and unlabeled renders of
music21 corpus works in many styles -- other composers' scores and folk tunes of the ABC
collections (never Bach, never a work or tune of a labeled split, test_ood included) --
spread over every installed General-MIDI soundfont, with random instrumentation, tempo and
transposition. The renders are planned as a deterministic, style-stratified sequence
(pool_stream) that a build walks until it has --pool-renders renders or --pool-hours hours
(fill_pool); renders that exist are kept, so an interrupted build resumes. Each render's true
key (its work's written key, transposed) goes to pool_truth.csv only."""

from __future__ import annotations

import fnmatch
import json
import math
import os
import re
import shutil
import zipfile
from pathlib import Path

from .common import (POOL_TEMPO_RANGE, RENDER_VERSION, SAMPLE_RATE, TRANSPOSE_RANGE, log, nonempty,
                     rng_for, safe_name, stable_hash)
from .frames import up_to_date
from .labels import INSTRUMENT_CLASSES, INSTRUMENT_NAMES, draw_instrumentation, key_label
from .splits import FOLK_TEXTURES

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
# Styles of the unlabeled renders and their sources in music21's corpus (folders relative to
# the corpus root). A source is ("scores", folder, globs, skip) -- every score file in it, one
# work per subfolder or per file (splits.work_identities) -- or ("abc", folder, globs, skip) --
# every tune of its ABC files. Never Bach: the Bach chorales are the labeled set. No label of
# these corpora is used (the written key is kept aside in pool_truth.csv, never in a manifest
# that training reads). The pool draws the styles in turn (pool_stream), so that no single
# composer or collection dominates it.
POOL_STYLES = {
    "medieval": [("scores", "trecento", ("*",), ()), ("scores", "ciconia", ("*",), ()),
                 ("scores", "luca", ("*",), ())],
    "renaissance": [("scores", "palestrina", ("*",), ()), ("scores", "josquin", ("*",), ()),
                    ("scores", "lusitano", ("*",), ()), ("scores", "monteverdi", ("*",), ())],
    "baroque-classical": [("scores", c, ("*",), ()) for c in
                          ("corelli", "handel", "cpebach", "haydn", "mozart", "beethoven")],
    "romantic": [("scores", c, ("*",), ()) for c in
                 ("schubert", "schumann_robert", "schumann_clara", "chopin", "verdi", "weber",
                  "beach", "liliuokalani", "johnson_j_r")],
    "popular-modern": [("scores", c, ("*",), ()) for c in
                       ("joplin", "leadSheet", "schoenberg", "webern")],
    "folk-european": [("abc", "essenFolksong", ("*.abc",), ("han*",))],
    "folk-chinese": [("abc", "essenFolksong", ("han*.abc",), ())],
    "folk-irish": [("abc", "oneills1850", ("*.abc",), ())],
    "folk-scottish": [("abc", "airdsAirs", ("*.abc",), ())],
    "folk-american": [("abc", "ryansMammoth", ("*.abc",), ()),
                      ("abc", "miscFolk", ("americanfifeopus.abc",), ())],
    "folk-english": [("abc", "nottingham-dataset", ("*.abc",), ()),
                     ("abc", "miscFolk", ("northumbrianminstrelsyopus.abc",), ())],
}
POOL_EXTS = {".mxl", ".xml", ".musicxml", ".krn", ".abc", ".mid", ".midi"}
POOL_MAX_FILE_BYTES = 1_000_000  # skip huge encodings (slow to parse)
POOL_MAX_VERSIONS = 4  # renders of one work at most (each its own excerpt, key, tempo, soundfont)

LICENCES = {
    "music21": "music21 is BSD-3-Clause. Its corpus (music21/corpus/license.txt): encodings are "
               "distributed with the permission of the encoders and, to the best of the music21 "
               "authors' knowledge, out of copyright in the US or licensed for use; some may carry "
               "restrictions on commercial use (see individual files). The Bach chorales and the "
               "other works used are medieval to early 20th century compositions; the folk tunes come "
               "from the corpus encodings of the Essen Folksong Collection, Ryan's Mammoth Collection "
               "(1883), O'Neill's Music of Ireland (1850), Aird's Selection of Scotch, English, Irish "
               "and Foreign Airs, the Nottingham Music Database and the corpus' American fife and "
               "Northumbrian minstrelsy books.",
    "fluid-soundfont-gm": "FluidR3_GM.sf2 by Frank Wen et al., MIT licence "
                          "(/usr/share/doc/fluid-soundfont-gm/copyright).",
    "timgm6mb-soundfont": "TimGM6mb.sf2 by Tim Brechbill, GNU GPL version 2 "
                          "(/usr/share/doc/timgm6mb-soundfont/copyright).",
    "fluidr3mono-gm-soundfont": "FluidR3Mono_GM.sf3 (mono FluidR3 by Michael Cowgill after Frank Wen), "
                                "MIT licence (/usr/share/doc/fluidr3mono-gm-soundfont/copyright).",
    "csound-soundfont": "sf_GMbank.sf2 shipped with Csound, public domain "
                        "(/usr/share/doc/csound-soundfont/copyright).",
    "opl3-soundfont": "OPL-3_FM_128M.sf2 by Zandro Reveille, CC BY-SA 4.0 "
                      "(/usr/share/doc/opl3-soundfont/copyright).",
    "musescore-general-soundfont-small": "MuseScore_General_Lite.sf3 (MuseScore General by S. "
                                         "Christian Collins), MIT licence "
                                         "(/usr/share/doc/musescore-general-soundfont-small/copyright).",
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

SOUNDFONT_LICENCE_SHORT = {
    "fluidr3": "FluidR3_GM.sf2: MIT",
    "timgm6mb": "TimGM6mb.sf2: GPL-2",
    "musescore": "MuseScore_General_Lite.sf3: MIT",
    "fluidr3mono": "FluidR3Mono_GM.sf3: MIT",
    "sfgmbank": "sf_GMbank.sf2: public domain",
    "opl3": "OPL-3_FM_128M.sf2: CC-BY-SA-4.0",
}


def game_licence(pkg: str, origin: str) -> str:
    if pkg == "warzone2100-music" and ("/legacy_soundtrack/" in origin or (
            "/aftermath_soundtrack/" in origin and "track3_enhanced" not in origin)):
        return "CC-BY-SA-3.0+ or GPL-2+"  # albums/*/license.txt (LupusMechanicus)
    return LICENCE_SHORT.get(pkg, pkg)


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


SCORE_EXTS = POOL_EXTS - {".abc"}
POOL_CHUNK = 32  # renders per batch with --pool-hours (fixed: the pool does not depend on --jobs)


def _matches(name: str, globs) -> bool:
    return any(fnmatch.fnmatchcase(name, g) for g in globs)


def _score_files(root: Path, folder: str, globs, skip) -> list[str]:
    """Corpus-relative score files of a source folder (one encoding per piece: a Humdrum file
    is dropped when the same piece is there as MusicXML)."""
    d = root / folder
    files = [p for p in d.rglob("*") if p.is_file() and p.suffix.lower() in SCORE_EXTS
             and _matches(p.name, globs) and not _matches(p.name, skip)
             and p.stat().st_size <= POOL_MAX_FILE_BYTES]
    stems = {p.with_suffix("") for p in files if p.suffix.lower() != ".krn"}
    return sorted(str(p.relative_to(root)) for p in files
                  if not (p.suffix.lower() == ".krn" and p.with_suffix("") in stems))


def pool_sources(root: Path, seed: int, exclude=frozenset(), styles=None) -> dict:
    """{style: [[candidate, ...] per source]} of the pool's render candidates under the corpus
    root: score files and ABC tunes of POOL_STYLES, each in a seeded order. A candidate whose
    work identities (splits.work_identities: the work for scores, the tune and its title for
    ABC tunes) meet exclude -- the identities of every labeled clip, test and test_ood
    included -- is left out. Standard library only (tests pass a small fake corpus)."""
    from .corpora import abc_header, split_abc_tunes
    from .splits import work_identities
    root = Path(root)
    out = {}
    for style, srcs in (styles or POOL_STYLES).items():
        lists = []
        for kind, folder, globs, skip in srcs:
            if not (root / folder).is_dir():
                continue
            cands = []
            if kind == "scores":
                for rel in _score_files(root, folder, globs, skip):
                    cands.append({"kind": "score", "style": style, "source": folder, "src": rel,
                                  "tune": None, "title": "", "identities": work_identities(rel)})
            else:
                files = sorted(p for p in (root / folder).glob("*") if p.is_file()
                               and _matches(p.name, globs) and not _matches(p.name, skip))
                for f in files:
                    rel = str(f.relative_to(root))
                    seen = set()
                    for x, text in split_abc_tunes(f.read_text(encoding="latin-1")):
                        if x in seen:  # a repeated X: number (the renderer finds the last)
                            continue
                        seen.add(x)
                        title = abc_header(text)["title"]
                        cands.append({"kind": "folk", "style": style, "source": folder, "src": rel,
                                      "tune": x, "title": title,
                                      "identities": work_identities(rel, tune=x, title=title)})
            cands = [c for c in cands if not set(c["identities"]) & exclude]
            cands.sort(key=lambda c: stable_hash(seed, "pool", c["src"], c["tune"] or ""))
            if cands:
                lists.append(cands)
        if lists:
            out[style] = lists
    return out


def pool_stream(sources: dict, seed: int, soundfonts, max_versions: int = POOL_MAX_VERSIONS):
    """The pool's render plan as an endless-until-exhausted sequence of (candidate, version,
    soundfont): the styles take turns (seeded order), and within a style its sources take
    turns, so that every style and source gets the same share until it runs out. Version 0 of
    every work of a style comes before version 1 of any (fresh music first); a work gets at
    most max_versions versions. Soundfonts cycle within each style (seeded rotation) and
    differ between the versions of one work, so that styles x soundfonts stay balanced."""
    soundfonts = list(soundfonts)
    if not soundfonts:
        raise ValueError("no soundfont for the pool renders")
    n_sf = len(soundfonts)

    def style_gen(style, lists):
        rot = rng_for(seed, "pool-soundfont", style).randrange(n_sf)
        order = sorted(range(len(lists)),
                       key=lambda i: stable_hash(seed, "pool-source", style, lists[i][0]["source"], i))
        for v in range(max_versions):
            its, pos = [iter(lists[i]) for i in order], 0
            while its:
                alive = []
                for it in its:
                    c = next(it, None)
                    if c is None:
                        continue
                    yield c, v, soundfonts[(rot + pos + v) % n_sf]
                    pos += 1
                    alive.append(it)
                its = alive

    gens = [style_gen(s, sources[s]) for s in sorted(sources, key=lambda s: stable_hash(seed, "pool-style", s))]
    while gens:
        alive = []
        for g in gens:
            item = next(g, None)
            if item is None:
                continue
            yield item
            alive.append(g)
        gens = alive


def plan_pool_render(cand: dict, version: int, soundfont: str, seed: int, max_seconds: float,
                     root: Path | None = None) -> dict:
    """One unlabeled render: random transposition (TRANSPOSE_RANGE), tempo (POOL_TEMPO_RANGE)
    and instrumentation (1-4 instrument classes over the parts of a score; solo, doubled or
    over a bass with one or two instruments for a folk tune), the given soundfont, at most
    max_seconds. Version v of a score renders its v-th excerpt of that length where the
    work is long enough (rendering.work_item)."""
    rng = rng_for(seed, "poolrender", cand["src"], cand["tune"] or "", version)
    semis = rng.randint(*TRANSPOSE_RANGE)
    bpm = rng.randint(*POOL_TEMPO_RANGE)
    if cand["kind"] == "score":
        texture = "score"
        classes = rng.sample(INSTRUMENT_NAMES, rng.randint(1, 4))
        programs = [rng.choice(INSTRUMENT_CLASSES[c]) for c in classes]
    else:
        r, acc, texture = rng.random(), 0.0, FOLK_TEXTURES[-1][0]
        for t, p in FOLK_TEXTURES:
            acc += p
            if r < acc:
                texture = t
                break
        classes, programs = draw_instrumentation(rng, 1 if texture == "solo" else 2)
    params = {"v": RENDER_VERSION, "pool": 2, "src": cand["src"], "tune": cand["tune"],
              "version": version, "semitones": semis, "bpm": bpm, "texture": texture,
              "classes": classes, "programs": programs, "soundfont": soundfont,
              "sr": SAMPLE_RATE, "max": max_seconds, "seed": seed}
    h = stable_hash(json.dumps(params, sort_keys=True))[:8]
    stem = safe_name(os.path.splitext(cand["src"])[0].replace("/", "__")
                     + (f"_{cand['tune']}" if cand["tune"] else ""))
    ids = cand["identities"]
    work = f"{cand['src']}#{cand['tune']}" if cand["tune"] else ids[0][len("work:"):]
    path = str(Path(root) / cand["src"]) if root is not None else cand["src"]
    return {"kind": "pool_" + cand["kind"], "rel": f"pool/renders/{cand['style']}/{stem}_{h}.flac",
            "path": path, "src": cand["src"], "tune": cand["tune"], "title": cand["title"],
            "style": cand["style"], "source": cand["source"], "work": work, "version": version,
            "semitones": semis, "bpm": bpm, "texture": texture, "classes": classes,
            "programs": programs, "soundfont": soundfont, "max_seconds": max_seconds,
            "seed_key": stable_hash(seed, cand["src"], cand["tune"] or "", version),
            "identities": ids}


def truth_key(written, semitones: int) -> str:
    """The render's true key: the work's written key (tonic pitch class, mode) moved by the
    render's transposition, as a key class ('' when the work has no trustworthy written key)."""
    if not written:
        return ""
    pc, mode = written
    return key_label(int(pc) + int(semitones), mode)


def fill_pool(plans, out: Path, meta: dict, render, *, target_renders: int | None = None,
              target_seconds: float | None = None, failed: set | None = None,
              chunk: int = POOL_CHUNK, on_batch=None) -> list[dict]:
    """Walks the planned renders in order and keeps the ones that render, until target_renders
    renders or target_seconds seconds of them are kept (or the plan runs out). A render whose
    file exists with a successful entry in meta is kept without rendering again (resume);
    the others are rendered in batches by render([(plan, analyze_only)]) -> {rel: result}
    (analyze_only: the audio exists but its meta entry or its frame labels are missing,
    frames.up_to_date). With target_renders a batch
    is what is still needed; with target_seconds a batch is a fixed chunk of the plan, so
    that a rerun with the same target keeps the same renders. Failed renders (except
    timeouts, retried next run) go to failed and are skipped. on_batch(kept) is called after
    every batch (manifests, caches). Returns the kept plans in plan order."""
    if (target_renders is None) == (target_seconds is None):
        raise ValueError("give one of target_renders, target_seconds")
    failed = set() if failed is None else failed
    it = iter(plans)
    kept, have_s, exhausted = [], 0.0, False

    def done():
        return (len(kept) >= target_renders) if target_renders is not None else have_s >= target_seconds

    while not done() and not exhausted:
        need = target_renders - len(kept) if target_renders is not None else chunk
        batch = []
        while len(batch) < need:
            pl = next(it, None)
            if pl is None:
                exhausted = True
                break
            if pl["rel"] not in failed:
                batch.append(pl)
        todo = []
        for pl in batch:
            if not up_to_date(out, pl["rel"], meta.get(pl["rel"], {})):
                todo.append((pl, nonempty(out / pl["rel"])))
        if todo:
            meta.update(render(todo))
        for pl in batch:
            res = meta.get(pl["rel"], {})
            if res.get("ok"):
                kept.append(pl)
                have_s += float(res.get("seconds") or 0.0)
            elif "TimeoutError" not in res.get("error", ""):
                failed.add(pl["rel"])
        if on_batch is not None and (todo or exhausted or done()):
            on_batch(kept)
    return kept


POOL_MANIFEST_FIELDS = ["path", "style", "source", "work", "identities", "version",
                        "excerpt_start_quarters", "soundfont", "semitones", "bpm", "texture",
                        "instruments", "programs", "seconds"]
POOL_TRUTH_FIELDS = ["path", "key", "key_source", "written_key", "semitones", "analyzed_key",
                     "work", "style", "soundfont"]


def pool_manifest_rows(kept, meta) -> list[list]:
    """pool_manifest.csv: every render of the pool with how it was made (no key)."""
    rows = []
    for pl in kept:
        r = meta.get(pl["rel"], {})
        rows.append([pl["rel"], pl["style"], pl["source"], pl["work"], ";".join(pl["identities"]),
                     pl["version"], r.get("excerpt_start", 0), pl["soundfont"], pl["semitones"],
                     pl["bpm"], pl["texture"], ";".join(r.get("part_classes", pl["classes"])),
                     ";".join(str(p) for p in r.get("part_programs", pl["programs"])),
                     r.get("seconds", "")])
    return rows


def pool_truth_rows(kept, meta) -> list[list]:
    """pool_truth.csv: each render's true key after its transposition (see truth_key), where
    its work has a trustworthy written key (key_source 'written': key signature confirmed by
    the final, unchanged over the rendered excerpt, corpora.score_written_key /
    abc_tune_key); music21's key analysis of the rendered (transposed) excerpt beside it.
    Kept aside: never imported as a label, never read by training."""
    rows = []
    for pl in kept:
        r = meta.get(pl["rel"], {})
        wk = r.get("written_key")
        rows.append([pl["rel"], truth_key(wk, pl["semitones"]), "written" if wk else "",
                     key_label(wk[0], wk[1]) if wk else r.get("written_key_reason", ""),
                     pl["semitones"], r.get("analyzed_key", ""), pl["work"], pl["style"],
                     pl["soundfont"]])
    return rows
