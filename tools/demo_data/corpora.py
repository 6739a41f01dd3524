"""Corpora and the choice of pieces.

* The labeled in-domain set: the Bach chorales of music21's corpus whose key is notated
  (index, deduplication by BWV number, tune groups). See KEY NOTATION in the package doc.
* The out-of-domain test set: folk melodies from ABC collections (Essen folksongs, Ryan's
  Mammoth Collection) and polyphonic works of other composers, each with a trustworthy
  written key (key signature + final note, see key_from_signature_and_final).

music21 is imported inside the functions only, so that the pure helpers (ABC splitting,
the written-key rule) can be tested without it."""

from __future__ import annotations

import json
import multiprocessing as mp
import re
from pathlib import Path

from .common import (INDEX_VERSION, OOD_INDEX_VERSION, atomic_write_text, log, music21_quiet,
                     nonempty, norm_title, stable_hash)

# ---------------------------------------------------------------------------
# Bach chorales
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


def select_chorales(records):
    """Notated-key chorales, one version per BWV number, grouped by tune (same BWV, same
    hymn title or same opening soprano melody). Returns (groups {root: [records]}, stats)."""
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
    return groups, stats


# ---------------------------------------------------------------------------
# Written keys of out-of-domain pieces
# ---------------------------------------------------------------------------
def key_from_signature_and_final(sharps: int, final_pc: int | None, mode: str | None):
    """(tonic pitch class, mode) from a key signature (number of sharps, negative = flats),
    the pitch class of the piece's final (lowest) note and an explicitly written mode, or
    None when they do not agree on one major or minor key.

    Without a written mode the final decides between the signature's major key (final on
    its tonic) and its relative minor (final a minor third below); a final anywhere else
    (modal tunes, pieces ending on the dominant, signatures that do not name the key) makes
    the key ambiguous and the piece is skipped. With a written mode the final must be that
    key's tonic."""
    if final_pc is None:
        return None
    major_pc = (7 * sharps) % 12
    minor_pc = (major_pc + 9) % 12
    if mode == "major":
        return (major_pc, "major") if final_pc == major_pc else None
    if mode == "minor":
        return (minor_pc, "minor") if final_pc == minor_pc else None
    if mode is not None:
        return None
    if final_pc == major_pc:
        return major_pc, "major"
    if final_pc == minor_pc:
        return minor_pc, "minor"
    return None


ABC_COLLECTIONS = {  # corpus folder -> file glob (European Essen sets: tonal, not pentatonic)
    "essenFolksong": ["altdeu*.abc", "ballad*.abc", "boehme*.abc", "dva*.abc", "erk*.abc",
                      "fink*.abc", "kinder*.abc", "zuccal*.abc", "teste.abc", "allerkbd.abc",
                      "deut*.abc"],
    "ryansMammoth": ["*.abc"],
}
_ABC_K = re.compile(r"^K:[ \t]*([A-Ga-g])([#b]?)[ \t]*([A-Za-z]*)", re.M)
_MAJOR_PC_SHARPS = {0: 0, 7: 1, 2: 2, 9: 3, 4: 4, 11: 5, 6: 6, 5: -1, 10: -2, 3: -3, 8: -4, 1: -5}


def split_abc_tunes(text: str):
    """[(X number, tune text)] of an ABC file (tunes start at 'X:' lines)."""
    out, cur, num = [], [], None
    for line in text.splitlines():
        if line.startswith("X:"):
            if num is not None:
                out.append((num, "\n".join(cur) + "\n"))
            num, cur = line[2:].strip(), [line]
        elif num is not None:
            cur.append(line)
    if num is not None:
        out.append((num, "\n".join(cur) + "\n"))
    return out


def abc_header(tune: str) -> dict:
    """Title, K: fields (header and inline) of one ABC tune, from the text."""
    title = next((ln[2:].strip() for ln in tune.splitlines() if ln.startswith("T:")), "")
    ks = _ABC_K.findall(tune)
    inline = re.findall(r"\[K:", tune)
    return {"title": title, "k_fields": ks, "inline_k": len(inline)}


def _abc_written_key(k) -> tuple[int, str | None] | None:
    """(sharps, explicit mode or None) of an ABC K: field, None for modal keys."""
    from .labels import pitch_class
    letter, acc, rest = k
    pc = pitch_class(letter.upper() + acc)
    rest = rest.lower()
    if rest in ("", "maj", "major", "ion", "ionian"):
        mode, major_pc = (None if rest == "" else "major"), pc
    elif rest in ("m", "min", "minor", "aeo", "aeolian"):
        mode, major_pc = "minor", (pc + 3) % 12
    else:
        return None
    return _MAJOR_PC_SHARPS[major_pc], mode


def abc_tune_key(tune: str) -> dict:
    """Written key of one ABC tune: {'key': (pc, mode) or None, 'reason', 'title', 'notes'}.
    A K: field without mode counts as a key signature only (the Essen encodings write the
    signature's major key for minor tunes too); the final note decides (see
    key_from_signature_and_final). Tunes with key changes or modal K: fields are skipped."""
    music21_quiet()
    from music21 import converter
    h = abc_header(tune)
    info = {"title": h["title"], "key": None}
    if len(h["k_fields"]) != 1 or h["inline_k"]:
        info["reason"] = "key change or no K: field"
        return info
    wk = _abc_written_key(h["k_fields"][0])
    if wk is None:
        info["reason"] = "modal K: field"
        return info
    try:
        s = converter.parse(tune, format="abc")
    except Exception as e:
        info["reason"] = f"parse error: {type(e).__name__}"
        return info
    notes = [n for n in s.recurse().notes]
    info["notes"] = len(notes)
    if len(notes) < 16:
        info["reason"] = "fewer than 16 notes"
        return info
    if any(n.isChord for n in notes):
        info["reason"] = "chords (not a melody)"
        return info
    final = notes[-1].pitch.pitchClass
    k = key_from_signature_and_final(wk[0], final, wk[1])
    if k is None:
        info["reason"] = "final does not confirm the written key"
        return info
    info["key"] = k
    info["quarter_length"] = float(s.highestTime)
    return info


def _corpus_root() -> Path:
    import music21
    return Path(music21.__file__).parent / "corpus"


def folk_candidates(seed: int):
    """[(collection, corpus-relative path, X number, tune text)] in a seeded order that
    alternates between the ABC collections."""
    root = _corpus_root()
    per = {}
    for coll, globs in ABC_COLLECTIONS.items():
        files = sorted({p for g in globs for p in (root / coll).glob(g)})
        tunes = []
        for f in files:
            text = f.read_text(encoding="latin-1")
            rel = str(f.relative_to(root))
            tunes += [(coll, rel, x, t) for x, t in split_abc_tunes(text)]
        tunes.sort(key=lambda c: stable_hash(seed, "folk", c[1], c[2]))
        per[coll] = tunes
    out = []
    colls = sorted(per)
    while any(per.values()):
        for c in colls:
            if per[c]:
                out.append(per[c].pop(0))
    return out


# Composers for the polyphonic out-of-domain pieces: tonal repertoire only (no modal
# Renaissance/medieval music, whose written signature does not name a major/minor key).
# music21's corpus holds few such works (about 35 after one movement per work), so every one
# that qualifies is used; the single-work folders count too.
OOD_COMPOSERS = ["haydn", "mozart", "beethoven", "schubert", "schumann_robert", "schumann_clara",
                 "corelli", "handel", "joplin", "cpebach", "chopin", "beach", "verdi", "weber",
                 "johnson_j_r", "liliuokalani"]
OOD_EXTS = {".mxl", ".xml", ".musicxml", ".krn"}
OOD_MAX_FILE_BYTES = 1_500_000


def poly_candidates(seed: int, composers=OOD_COMPOSERS):
    root = _corpus_root()
    per = {}
    for comp in composers:
        ps = [p for p in (root / comp).rglob("*") if p.is_file()] if (root / comp).is_dir() else []
        ps = sorted({p for p in ps if p.suffix.lower() in OOD_EXTS
                     and p.stat().st_size <= OOD_MAX_FILE_BYTES})
        ps.sort(key=lambda p: stable_hash(seed, "ood", p.name))
        if ps:
            per[comp] = [(comp, str(p.relative_to(root))) for p in ps]
    comps = sorted(per, key=lambda c: stable_hash(seed, "oodcomposer", c))
    out = []
    while any(per.values()):
        for c in comps:
            if per[c]:
                out.append(per[c].pop(0))
    return out


def poly_written_key(relpath: str, head_quarters: float = 120.0) -> dict:
    """Written key of a polyphonic corpus work: the first key signature of the top part
    (with its mode when the encoding writes one) must be the one in force at the end and
    unchanged over the first head_quarters quarter notes (the rendered excerpt), and the
    lowest note of the final sonority must confirm it (key_from_signature_and_final)."""
    music21_quiet()
    from music21 import corpus
    info = {"key": None, "title": ""}
    try:
        s = corpus.parse(str(_corpus_root() / relpath))
    except Exception as e:
        info["reason"] = f"parse error: {type(e).__name__}"
        return info
    if "Opus" in s.classes:
        s = s.scores[0]
    md = s.metadata
    info["title"] = ((md.title or md.movementName or "") if md is not None else "") or ""
    info.update(score_written_key(s, 0.0, head_quarters, min_parts=2))
    return info


def score_written_key(s, start: float = 0.0, end: float = 120.0, min_parts: int = 1,
                      max_parts: int = 15) -> dict:
    """{'key': (tonic pc, mode) or None, 'reason', 'n_parts', 'quarter_length'} of a parsed
    score, for its excerpt [start, end) in quarter notes: the top part's first key signature
    must be in force at the end of the piece and throughout the excerpt, and the lowest note
    of the final sonority must confirm it (key_from_signature_and_final)."""
    from music21 import key
    info = {"key": None}
    parts = list(s.parts)
    info["n_parts"] = len(parts)
    if not min_parts <= len(parts) <= max_parts:
        info["reason"] = f"{len(parts)} parts"
        return info
    top = parts[0]
    kss = sorted(top.recurse().getElementsByClass(key.KeySignature),
                 key=lambda k: k.getOffsetInHierarchy(s))
    if not kss:
        info["reason"] = "no key signature"
        return info
    first, last = kss[0], kss[-1]
    if last.sharps != first.sharps:
        info["reason"] = "ends in another key signature"
        return info
    if any(k.sharps != first.sharps for k in kss if k.getOffsetInHierarchy(s) < end):
        info["reason"] = "key signature changes in the excerpt" if start <= 0 else \
            "key signature changes before or in the excerpt"
        return info
    mode = first.mode if isinstance(first, key.Key) and first.mode in ("major", "minor") else None
    if isinstance(first, key.Key) and first.mode not in ("major", "minor"):
        info["reason"] = f"mode {first.mode}"
        return info
    end_q = s.highestTime
    finals = []
    for pt in parts:
        ns = list(pt.recurse().notes)
        if not ns:
            continue
        n = ns[-1]
        off = n.getOffsetInHierarchy(s)
        if off + n.quarterLength >= end_q - 1e-6 or off >= end_q - 4:
            finals += list(n.pitches)
    if not finals:
        info["reason"] = "no final sonority"
        return info
    final_pc = min(finals, key=lambda p: p.ps).pitchClass
    k = key_from_signature_and_final(first.sharps, final_pc, mode)
    if k is None:
        info["reason"] = "final does not confirm the written key"
        return info
    info["key"] = k
    info["quarter_length"] = float(end_q)
    return info


def _folk_job(c):
    coll, rel, x, tune = c
    info = abc_tune_key(tune)
    return {"collection": coll, "src": rel, "tune": x, **info}


def _poly_job(c):
    comp, rel = c
    info = poly_written_key(rel)
    return {"composer": comp, "src": rel, **info}


def choose_ood(out: Path, seed: int, n_folk: int, n_poly: int, jobs: int) -> tuple[list, dict]:
    """Out-of-domain pieces with trustworthy written keys: n_folk ABC folk tunes (alternating
    between the collections) and n_poly polyphonic works (round robin over OOD_COMPOSERS, one
    movement per work). Cached in .cache/ood_index.json per seed and size."""
    import music21

    from .splits import work_identities
    cache = out / ".cache" / "ood_index.json"
    tag = f"{OOD_INDEX_VERSION}/{music21.__version__}/{seed}/{n_folk}/{n_poly}"
    if nonempty(cache):
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("tag") == tag:
                return data["pieces"], data["stats"]
        except Exception:
            pass
    stats = {"folk_examined": 0, "poly_examined": 0, "skipped": {}}
    chosen = []

    def take(cands, job, n, kind):
        got, seen_titles, seen_works = [], set(), set()
        i = 0
        with mp.get_context("fork").Pool(jobs) as pool:
            while len(got) < n and i < len(cands):
                batch = []
                while len(batch) < max(jobs * 4, n - len(got)) and i < len(cands):
                    c = cands[i]
                    i += 1
                    w = work_identities(c[1]) if kind == "poly" else []
                    if kind == "poly" and w[0] in seen_works:
                        continue
                    batch.append(c)
                for r in pool.map(job, batch, chunksize=1):
                    stats[f"{kind}_examined"] += 1
                    if r["key"] is None:
                        stats["skipped"][r["reason"]] = stats["skipped"].get(r["reason"], 0) + 1
                        continue
                    t = norm_title(r.get("title", ""))
                    w = work_identities(r["src"])[0] if kind == "poly" else None
                    if (kind == "folk" and t and t in seen_titles) or (w and w in seen_works):
                        continue
                    if len(got) < n:
                        seen_titles.add(t)
                        if w:
                            seen_works.add(w)
                        r["kind"] = kind
                        got.append(r)
        return got

    log(f"out-of-domain: choosing {n_folk} folk tunes and {n_poly} polyphonic works ...")
    chosen += take(folk_candidates(seed), _folk_job, n_folk, "folk")
    chosen += take(poly_candidates(seed), _poly_job, n_poly, "poly")
    stats["chosen"] = {"folk": sum(1 for c in chosen if c["kind"] == "folk"),
                       "poly": sum(1 for c in chosen if c["kind"] == "poly")}
    atomic_write_text(cache, json.dumps({"tag": tag, "pieces": chosen, "stats": stats},
                                        ensure_ascii=False))
    return chosen, stats
