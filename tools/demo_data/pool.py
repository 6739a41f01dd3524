"""The unlabeled pool: recorded game music from Debian packages and unlabeled renders of
other composers' works from music21's corpus (never Bach, never an out-of-domain test work)."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import zipfile
from pathlib import Path

from .common import (POOL_TEMPO_RANGE, RENDER_VERSION, SAMPLE_RATE, log, nonempty, rng_for,
                     safe_name, stable_hash)
from .labels import INSTRUMENT_CLASSES, INSTRUMENT_NAMES

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

LICENCES = {
    "music21": "music21 is BSD-3-Clause. Its corpus (music21/corpus/license.txt): encodings are "
               "distributed with the permission of the encoders and, to the best of the music21 "
               "authors' knowledge, out of copyright in the US or licensed for use; some may carry "
               "restrictions on commercial use (see individual files). The Bach chorales and the "
               "other works used are 17th-19th century compositions; the folk tunes come from the "
               "Essen Folksong Collection and Ryan's Mammoth Collection (1883) encodings of the corpus.",
    "fluid-soundfont-gm": "FluidR3_GM.sf2 by Frank Wen et al., MIT licence "
                          "(/usr/share/doc/fluid-soundfont-gm/copyright).",
    "timgm6mb-soundfont": "TimGM6mb.sf2 by Tim Brechbill, GNU GPL version 2 "
                          "(/usr/share/doc/timgm6mb-soundfont/copyright).",
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


def pool_candidates(seed: int, exclude_works=frozenset()):
    """(composer, path) of pool render candidates, round robin over composers (composer order
    seeded). Files whose work identity is in exclude_works (the out-of-domain test works) are
    left out."""
    from music21 import corpus

    from .splits import corpus_relpath, work_identities
    per = {}
    for comp in POOL_COMPOSERS:
        try:
            ps = corpus.getComposer(comp)
        except Exception:
            continue
        ps = sorted({p for p in ps if p.suffix.lower() in POOL_EXTS
                     and p.stat().st_size <= POOL_MAX_FILE_BYTES
                     and not set(work_identities(corpus_relpath(p))) & exclude_works})
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
    from .splits import corpus_relpath, work_identities
    relsrc = corpus_relpath(path)
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
            "bpm": bpm, "max_seconds": max_seconds, "seed_key": stable_hash(seed, relsrc),
            "identities": work_identities(relsrc)}
