"""JAMS fixtures for Crescendo's JAMS reader (Tests/MusicTasksTests/Fixtures/jams).

Writes three JAMS files with the `jams` package (0.3.x) — beats with bar positions
(`beat_position`), beats with metrical numbers (`beat`), chords (`chord`) — and
`expected.json`: what `jams` itself reads back from each (times, positions, intervals and
labels), the oracle the Swift test compares against. Run:

    python3 -m venv /tmp/jamsenv && /tmp/jamsenv/bin/pip install jams==0.3.5
    /tmp/jamsenv/bin/python tools/make_jams_fixtures.py Tests/MusicTasksTests/Fixtures/jams
"""
import json
import sys
from pathlib import Path

import jams


def beat_position_file(path):
    doc = jams.JAMS()
    doc.file_metadata.duration = 8.0
    ann = jams.Annotation(namespace="beat_position", duration=8.0)
    for i in range(12):
        ann.append(time=0.35 + 0.6 * i, duration=0.0, confidence=1.0,
                   value={"position": i % 3 + 1, "measure": i // 3 + 1, "num_beats": 3, "beat_units": 4})
    doc.annotations.append(ann)
    # A second annotator's beats, which the reader must not take (the first one wins).
    other = jams.Annotation(namespace="beat", duration=8.0)
    other.append(time=1.0, duration=0.0, value=1)
    doc.annotations.append(other)
    doc.save(str(path))


def beat_file(path):
    doc = jams.JAMS()
    doc.file_metadata.duration = 5.0
    ann = jams.Annotation(namespace="beat", duration=5.0)
    for i in range(8):
        ann.append(time=0.5 * i + 0.2, duration=0.0, value=(i % 4 + 1) if i < 6 else None)
    doc.annotations.append(ann)
    doc.save(str(path))


def chord_file(path):
    doc = jams.JAMS()
    doc.file_metadata.duration = 10.0
    ann = jams.Annotation(namespace="chord", duration=10.0)
    for start, end, label in [(0.0, 1.5, "N"), (1.5, 4.0, "C:maj"), (4.0, 6.25, "A:min7"), (6.25, 10.0, "G:7/3")]:
        ann.append(time=start, duration=end - start, value=label)
    doc.annotations.append(ann)
    doc.save(str(path))


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    beat_position_file(out / "beat_position.jams")
    beat_file(out / "beat.jams")
    chord_file(out / "chord.jams")
    expected = {}
    doc = jams.load(str(out / "beat_position.jams"))
    ann = doc.search(namespace="beat_position")[0]
    expected["beat_position"] = [{"time": o.time, "position": o.value["position"]} for o in ann.data]
    doc = jams.load(str(out / "beat.jams"))
    ann = doc.search(namespace="beat")[0]
    expected["beat"] = [{"time": o.time, "position": o.value} for o in ann.data]
    doc = jams.load(str(out / "chord.jams"))
    intervals, labels = doc.search(namespace="chord")[0].to_interval_values()
    expected["chord"] = [{"start": float(s), "end": float(e), "label": l} for (s, e), l in zip(intervals, labels)]
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    (out / "NOTICE").write_text("Made by tools/make_jams_fixtures.py with jams 0.3.5 (ISC licence); synthetic data.\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
