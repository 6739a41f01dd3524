"""Splits and per-clip plans.

* Chorale splits (train/valid/test ~ 70/15/15) by tune group (greedy by deficit).
* Work identities of every piece (BWV number, tune group, corpus work, ABC tune, title):
  checks.check_no_leaks uses them to make sure a piece is in one place only.
* Training versions: each training chorale is rendered --train-versions times, with
  transpositions spread so that the 24 keys appear about equally often in the training
  labels, alternating between the training soundfonts.
* Out-of-domain plans (test_ood): random transposition, instrumentation and tempo, the
  reserved soundfont.

Standard library only at import time."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .common import (CHORALE_TEMPO_RANGE, POOL_TEMPO_RANGE, RENDER_VERSION, SAMPLE_RATE, CLIP_SECONDS,
                     TRANSPOSE_RANGE, norm_title, rng_for, safe_name, stable_hash)
from .labels import INSTRUMENT_CLASSES, INSTRUMENT_NAMES, draw_instrumentation, key_label

SPLITS = (("train", 0.70), ("valid", 0.15), ("test", 0.15))
OOD_SPLIT = "test_ood"


# ---------------------------------------------------------------------------
# Work identities
# ---------------------------------------------------------------------------
def corpus_relpath(path) -> str:
    """Path relative to music21's corpus folder (the file name for files elsewhere)."""
    p = Path(path)
    try:
        import music21
        root = Path(music21.__file__).parent / "corpus"
        if p.is_relative_to(root):
            return str(p.relative_to(root))
    except ImportError:
        pass
    parts = p.parts
    if "corpus" in parts:
        return "/".join(parts[len(parts) - parts[::-1].index("corpus"):])
    return p.name


def _folk_title(t: str) -> str:
    t = norm_title(t)
    return re.sub(r"^(the|a|an|der|die|das|le|la|les)\s+", "", t)


def work_identities(relpath: str, tune: str | None = None, title: str | None = None) -> list[str]:
    """Identities of a corpus work. The first is 'work:<composer>/<work>': a file in a
    work's folder (haydn/opus74no1/movement1.mxl) belongs to that folder's work, a file
    directly in the composer's folder (joplin/maple_leaf_rag.mxl) is its own work whatever
    its encoding. A tune of an ABC collection is 'tune:<file>#<X>' plus its normalised
    title (so that the same tune in two collections is one piece)."""
    if tune is not None:
        ids = [f"tune:{relpath}#{tune}"]
        t = _folk_title(title or "")
        if t:
            ids.append(f"title:{t}")
        return ids
    parts = relpath.split("/")
    if len(parts) >= 3:
        work = "/".join(parts[:2])
    else:
        work = os.path.splitext(relpath)[0]
    return [f"work:{work.lower()}"]


def pool_exclusions(plans, titles=()) -> frozenset:
    """Work identities that the unlabeled pool must not contain: every identity of every
    labeled plan (train, valid, test, test_ood), plus 'title:' identities of the held-out
    pieces' titles (titles, e.g. the chorales' hymn titles, and each plan's own title), so
    that a folk tune of the same name as a labeled piece stays out of the pool too."""
    ids = {i for p in plans for i in p["identities"] if i}
    for t in list(titles) + [p.get("title", "") for p in plans]:
        ft = _folk_title(t or "")
        if ft:
            ids.add(f"title:{ft}")
    return frozenset(ids)


def chorale_identities(r: dict) -> list[str]:
    """A chorale is its BWV number, its tune group (same hymn title or opening melody: other
    harmonisations of the same tune count as the same piece) and its corpus work."""
    return [f"bwv:{r['bwv']}", f"group:{r['group']}", f"work:bach/bwv{r['bwv']}"]


# ---------------------------------------------------------------------------
# Chorale splits
# ---------------------------------------------------------------------------
def assign_splits(groups: dict, seed: int, max_chorales: int | None):
    """Assign whole tune groups to train/valid/test; returns the selected records sorted by
    (split, bwv). With max_chorales, a round robin over the groups in seeded order (one
    chorale per group first), so that small runs still fill all splits."""
    order = sorted(groups, key=lambda g: stable_hash(seed, "group", g))
    largest = max((len(v) for v in groups.values()), default=0)
    if max_chorales is not None:
        take = {g: 0 for g in order}
        n, rnd = 0, 0
        while n < max_chorales and rnd < largest:
            for g in order:
                if n < max_chorales and rnd < len(groups[g]):
                    take[g] += 1
                    n += 1
            rnd += 1
        order = [g for g in order if take[g]]
        groups = {g: groups[g][: take[g]] for g in order}
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
    return selected


def _semitones_to(src_pc: int, target_pc: int) -> int:
    lo, hi = TRANSPOSE_RANGE
    d = (target_pc - src_pc) % 12
    return d if d <= hi else d - 12 if d - 12 >= lo else d


def spread_train_keys(srcs, versions: int, seed: int) -> dict:
    """{(bwv, version): semitones} for training chorales srcs (dicts with bwv, key_pc = the
    label's tonic before transposition, mode). Per mode the chorales are put in a seeded
    random order; the i-th chorale's version v goes to the tonic (r + i + 7 v) mod 12 (r a
    seeded rotation), so that every tonic of each mode gets the same number of clips (up to
    one per version) and the versions of one chorale are in different keys. The
    transposition is the whole-semitone step within TRANSPOSE_RANGE that reaches it."""
    out = {}
    for mode in ("major", "minor"):
        members = sorted((s for s in srcs if s["mode"] == mode),
                         key=lambda s: stable_hash(seed, "spread", s["bwv"]))
        r0 = rng_for(seed, "spread-rotation", mode).randrange(12)
        for i, s in enumerate(members):
            for v in range(versions):
                target = (r0 + i + 7 * v) % 12
                out[(s["bwv"], v)] = _semitones_to(s["key_pc"], target)
    return out


def plan_chorale(r, seed: int, dorian_fix: bool = True, version: int = 0,
                 semitones: int | None = None, soundfont: str = "fluidr3") -> dict:
    """One rendering of a chorale. Version 0 of valid/test chorales is drawn exactly as
    before (own random transposition, instrumentation and tempo from the seed); held-out
    chorales get further versions with --eval-versions. Training chorales get
    --train-versions versions whose transpositions come from spread_train_keys (semitones)
    and whose soundfont alternates between the training soundfonts."""
    from .corpora import label_key
    rng = rng_for(seed, "chorale", r["bwv"]) if version == 0 else rng_for(seed, "chorale", r["bwv"], "version", version)
    semis = rng.randint(*TRANSPOSE_RANGE)
    if semitones is not None:
        semis = semitones
    classes, programs = draw_instrumentation(rng, 4)
    bpm = rng.randint(*CHORALE_TEMPO_RANGE)
    pc, mode, rule = label_key(r, dorian_fix)
    label = key_label(pc + semis, mode)
    params = {"v": RENDER_VERSION, "src": r["file"], "satb": r["satb"], "semitones": semis,
              "programs": programs, "bpm": bpm, "sr": SAMPLE_RATE, "clip": CLIP_SECONDS}
    if version:
        params["version"] = version
    if soundfont != "fluidr3":  # FluidR3 clips keep the names they had before soundfonts varied
        params["soundfont"] = soundfont
    h = stable_hash(json.dumps(params, sort_keys=True))[:8]
    rel = f"labeled/{r['split']}/bwv{safe_name(r['bwv'])}_{h}.flac"
    return {"kind": "chorale", "rel": rel, "path": r["path"], "file": r["file"], "bwv": r["bwv"],
            "split": r["split"], "satb": r["satb"], "semitones": semis, "classes": classes,
            "programs": programs, "bpm": bpm, "label": label, "key_notated": r["key_notated"],
            "key_rule": rule, "label_notated": key_label(r["key_tonic_pc"] + semis, r["key_mode"]),
            "group": r["group"], "version": version, "soundfont": soundfont,
            "source": "bach-chorales", "style": "chorale", "work": f"bach/bwv{r['bwv']}",
            "identities": chorale_identities(r)}


def chorale_plans(selected, seed: int, dorian_fix: bool, train_versions: int, eval_versions: int,
                  train_soundfonts, eval_soundfont: str):
    from .corpora import label_key
    train = [r for r in selected if r["split"] == "train"]
    srcs = []
    for r in train:
        pc, mode, _rule = label_key(r, dorian_fix)
        srcs.append({"bwv": r["bwv"], "key_pc": pc, "mode": mode})
    spread = spread_train_keys(srcs, train_versions, seed)
    order = {r["bwv"]: i for i, r in enumerate(sorted(train, key=lambda r: stable_hash(seed, "sf", r["bwv"])))}
    plans = []
    for r in selected:
        if r["split"] == "train":
            for v in range(max(1, train_versions)):
                sfont = train_soundfonts[(order[r["bwv"]] + v) % len(train_soundfonts)]
                plans.append(plan_chorale(r, seed, dorian_fix, v, spread[(r["bwv"], v)], sfont))
        else:
            for v in range(max(1, eval_versions)):
                plans.append(plan_chorale(r, seed, dorian_fix, v, None, eval_soundfont))
    return plans


# ---------------------------------------------------------------------------
# Out-of-domain plans
# ---------------------------------------------------------------------------
FOLK_TEXTURES = (("solo", 0.4), ("doubled", 0.3), ("bass", 0.3))


def plan_ood(piece: dict, seed: int, soundfont: str, version: int = 0) -> dict:
    """One test_ood clip of a piece chosen by corpora.choose_ood: random transposition (the
    label moves with it), random instrumentation from the 12 classes, random tempo; further
    versions draw their own."""
    src, tune = piece["src"], piece.get("tune")
    rng = rng_for(seed, "ood", src, tune or "") if version == 0 else \
        rng_for(seed, "ood", src, tune or "", "version", version)
    semis = rng.randint(*TRANSPOSE_RANGE)
    bpm = rng.randint(*POOL_TEMPO_RANGE)
    pc, mode = piece["key"]
    if piece["kind"] == "folk":
        r, acc, texture = rng.random(), 0.0, FOLK_TEXTURES[-1][0]
        for t, p in FOLK_TEXTURES:
            acc += p
            if r < acc:
                texture = t
                break
        n_voices = 1 if texture == "solo" else 2
        classes, programs = draw_instrumentation(rng, n_voices)
        source, style = piece["collection"], "folk"
        work = f"{src}#{tune}"
        identities = work_identities(src, tune=tune, title=piece.get("title"))
    else:
        texture = "score"
        n = piece["n_parts"]
        classes, programs = draw_instrumentation(rng, n)
        source, style = piece["composer"], "polyphonic"
        identities = work_identities(src)
        work = identities[0][len("work:"):]
    label = key_label(pc + semis, mode)
    params = {"v": RENDER_VERSION, "src": src, "tune": tune, "semitones": semis, "programs": programs,
              "bpm": bpm, "texture": texture, "sr": SAMPLE_RATE, "clip": CLIP_SECONDS,
              "soundfont": soundfont}
    if version:
        params["version"] = version
    h = stable_hash(json.dumps(params, sort_keys=True))[:8]
    stem = safe_name(os.path.splitext(src)[0].replace("/", "__") + (f"_{tune}" if tune else ""))
    return {"kind": "ood_" + piece["kind"], "rel": f"labeled/{OOD_SPLIT}/{stem}_{h}.flac",
            "split": OOD_SPLIT, "src": src, "tune": tune, "file": src + (f"#{tune}" if tune else ""),
            "bwv": "", "group": work, "semitones": semis, "classes": classes, "programs": programs,
            "bpm": bpm, "texture": texture, "label": label,
            "key_notated": key_label(pc, mode), "key_rule": "signature+final",
            "label_notated": label, "version": version, "soundfont": soundfont, "source": source,
            "style": style, "work": work, "title": piece.get("title", ""),
            "identities": identities}
