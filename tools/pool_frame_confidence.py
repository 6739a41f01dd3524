"""Per pool render with true beats: how good the teacher's frame pseudo-labels are (peak-picked beats
against the truth, mir_eval F-measure) against confidences computed from the frames alone (mean peak
height, regularity of the peaks, mean top chord probability), as rank correlations. Usage:
    .venv-tools/bin/python tools/pool_frame_confidence.py RUNS/round1-pseudo-labels/frames CATALOG POOL_FRAME_TRUTH_CSV
"""
import json, sqlite3, struct, sys, csv, os
import numpy as np, mir_eval
run_dir, db, truth_csv = sys.argv[1:4]
def load(path):
    raw = open(path, 'rb').read(); n = struct.unpack('<Q', raw[:8])[0]; head = json.loads(raw[8:8+n]); body = raw[8+n:]
    out = {}
    for k, v in head.items():
        if k == '__metadata__': continue
        a, b = v['data_offsets']; out[k] = np.frombuffer(body[a:b], dtype=np.float16).astype(np.float32).reshape(v['shape'])
    return out, head.get('__metadata__', {})
con = sqlite3.connect(db)
paths = {p: i for i, p in con.execute("select id, path from track")}
base = os.path.dirname(truth_csv)
rows = []
for r in csv.DictReader(open(truth_csv)):
    tid = paths.get(r['path']) or paths.get(os.path.join('pool', r['path']))
    if tid is None:
        # catalog paths may be relative to data/frames
        tid = next((i for p, i in paths.items() if p.endswith(r['path'])), None)
    f = os.path.join(run_dir, f'track-{tid}.safetensors')
    if tid is None or not os.path.exists(f): continue
    frames, meta = load(f); act = frames['beats'][:, 0]; fps = float(meta['frame_rate'])
    ref = np.loadtxt(os.path.join(base, r['beats']), ndmin=2)[:, 0]
    peaks = [i for i in range(1, len(act) - 1) if act[i] >= act[i-1] and act[i] > act[i+1] and act[i] > 0.3 * act.max()]
    est = np.array(peaks) / fps
    fm = mir_eval.beat.f_measure(mir_eval.beat.trim_beats(ref), mir_eval.beat.trim_beats(est))
    peak_height = float(np.mean(act[peaks])) if peaks else 0.0
    ioi = np.diff(est); regularity = float(1 - np.std(ioi) / np.mean(ioi)) if len(ioi) > 2 else 0.0
    chord = frames['chords']; chord_conf = float(chord.max(1).mean())
    rows.append((r['path'], fm, peak_height, regularity, chord_conf))
rows.sort(key=lambda x: x[1])
for row in rows: print('%-70s F %.3f peak %.3f regularity %.3f chordconf %.3f' % row)
a = np.array([r[1:] for r in rows])
for j, name in enumerate(['peak', 'regularity', 'chordconf'], 1):
    print(name, 'Spearman-ish (Pearson of ranks) with F:', np.corrcoef(np.argsort(np.argsort(a[:, 0])), np.argsort(np.argsort(a[:, j])))[0, 1].round(3))
