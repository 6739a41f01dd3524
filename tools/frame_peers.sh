#!/usr/bin/env bash
# Frame-level peers on a split of the demo data set: librosa's beat tracker and a chroma-template
# chord recogniser with HMM smoothing, scored with mir_eval against the data set's beat and chord
# labels. Writes each estimate (.beats/.lab) and a JSON of per-clip and mean scores; prints a
# one-line summary.
#
#   tools/frame_peers.sh SPLIT --labels data/demo/labeled_frames.csv [--out FILE] [options]
#
# Creates/updates the venv .venv-frame-peers (Debian's /usr/bin/python3 + librosa, mir_eval,
# soundfile, numpy from PyPI) idempotently. FRAME_PEERS_VENV=path overrides the venv location.
# madmom is not used: its sdist does not install on Python 3.11 (see tools/frame_peers/__init__.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FRAME_PEERS_VENV:-$ROOT/.venv-frame-peers}"
PY_REQS=("librosa==0.11.0" "mir_eval==0.8.2" "soundfile==0.14.0" "numpy==1.26.4")
log() { printf '[frame_peers.sh] %s\n' "$*" >&2; }
if [[ $# -lt 1 ]]; then
    echo "usage: $0 SPLIT [--labels data/demo/labeled_frames.csv] [options of python -m frame_peers]" >&2
    exit 2
fi
source "$ROOT/tools/python-venv.sh"
ensure_venv "$VENV" frame_peers "librosa, mir_eval, soundfile, numpy" "${PY_REQS[@]}"
export PYTHONPATH="$ROOT/tools${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" -m frame_peers "$@"
