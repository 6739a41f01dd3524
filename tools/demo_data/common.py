"""Shared constants and small helpers (standard library only)."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import time
import warnings
from pathlib import Path

SCRIPT_VERSION = "3"  # tags the pool failure cache: bump when render code changes
INDEX_VERSION = "5"  # bump when the chorale index format/logic changes
OOD_INDEX_VERSION = "2"  # bump when the out-of-domain index format/logic changes
RENDER_VERSION = "1"  # part of every clip's parameter hash: bump to force re-render

SAMPLE_RATE = 22050
CLIP_SECONDS = 30.0
PEAK_LEVEL = 10 ** (-1.0 / 20)  # -1 dBFS
SILENCE_THRESHOLD = 10 ** (-70.0 / 20)
TRANSPOSE_RANGE = (-5, 6)  # inclusive, semitones
CHORALE_TEMPO_RANGE = (60, 100)  # quarter notes per minute
POOL_TEMPO_RANGE = (60, 132)


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


def music21_quiet():
    """music21 warns a lot about encodings (ignored part names, beams ...)."""
    warnings.simplefilter("ignore")


def norm_title(t: str) -> str:
    t = re.sub(r"^\s*\d+\.\s*", "", t or "")
    t = t.lower().replace("’", "'").replace("ß", "ss")
    return re.sub(r"[^a-z0-9äöü]+", " ", t).strip()


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
