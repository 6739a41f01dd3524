"""The pool renders' truth (keys, instruments) and a labelling stage's stored segment labels."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import defaultdict
from pathlib import Path

import numpy as np


class Truth:
    """The renders' true keys and instruments, by path relative to the data folder."""

    def __init__(self, data: Path):
        classes = json.loads((data / "classes.json").read_text())
        self.keys: list[str] = classes["key_classes"]
        self.instruments: list[str] = classes["instrument_classes"]
        program_class = {p: name for name, ps in classes["instrument_gm_programs"].items() for p in ps}
        self.render: dict[str, dict] = {}
        with open(data / "pool_manifest.csv", newline="") as f:
            for row in csv.DictReader(f):
                y = np.zeros(len(self.instruments))
                for program in filter(None, row["programs"].split(";")):
                    if int(program) in program_class:
                        y[self.instruments.index(program_class[int(program)])] = 1
                self.render[row["path"]] = {"soundfont": row["soundfont"], "style": row["style"],
                                            "instruments": y, "key": None}
        with open(data / "pool_truth.csv", newline="") as f:
            for row in csv.DictReader(f):
                if row["path"] in self.render and row["key_source"] == "written" and row["key"]:
                    self.render[row["path"]]["key"] = row["key"]

    def lookup(self, catalog_path: str) -> dict | None:
        """The render a catalog path names (the catalog holds absolute or data-relative paths)."""
        parts = Path(catalog_path).parts
        for start in range(len(parts)):
            render = self.render.get("/".join(parts[start:]))
            if render is not None:
                return render
        return None


def stage_labels(catalog: sqlite3.Connection, run_id: int, truth: Truth):
    """(render, key probabilities or None, instruments probabilities or None) per stored segment."""
    tasks = dict(catalog.execute("SELECT id, name FROM task").fetchall())
    rows = catalog.execute(
        "SELECT t.path, s.start, s.taskId, s.probabilities FROM segmentLabel s JOIN track t ON t.id = s.trackId "
        "WHERE s.runId = ?", (run_id,)).fetchall()
    segments: dict[tuple[str, float], dict[str, np.ndarray]] = defaultdict(dict)
    for path, start, task_id, blob in rows:
        segments[(path, start)][tasks[task_id]] = np.frombuffer(blob, dtype=np.float32)
    out = []
    for (path, _), labels in segments.items():
        render = truth.lookup(path)
        if render is not None:
            out.append((render, labels.get("key"), labels.get("instruments")))
    return out
