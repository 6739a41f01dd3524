#!/usr/bin/env bash
# Key peers on a split of the demo data set: Essentia's KeyExtractor, JSON on stdout
# (per-clip estimates, accuracy, MIREX weighted score, overall and per source/style).
#
#   tools/key_peers.sh SPLIT --labels data/demo/labeled.csv [--profile bgate] [--out FILE]
#
# Creates/updates the venv .venv-peers (Debian's /usr/bin/python3 + essentia, numpy from
# PyPI) idempotently. DEMO_PEERS_VENV=path overrides the venv location. madmom is not used:
# its sdist does not install on Python 3.11 (see tools/key_peers/__init__.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DEMO_PEERS_VENV:-$ROOT/.venv-peers}"
PY_REQS=("essentia==2.1b6.dev1389" "numpy==2.4.6")
log() { printf '[key_peers.sh] %s\n' "$*" >&2; }
if [[ $# -lt 1 ]]; then
    echo "usage: $0 SPLIT [--labels data/demo/labeled.csv] [options of python -m key_peers]" >&2
    exit 2
fi
source "$ROOT/tools/python-venv.sh"
ensure_venv "$VENV" key_peers "essentia, numpy" "${PY_REQS[@]}"
export PYTHONPATH="$ROOT/tools${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" -m key_peers "$@"
