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
BASE_PY=/usr/bin/python3
[[ -x "$BASE_PY" ]] || BASE_PY="$(command -v python3)"
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    log "creating venv $VENV with $BASE_PY"
    rm -rf "$VENV"
    "$BASE_PY" -m venv "$VENV"
fi
stamp="$VENV/.key_peers.reqs"
want="$(printf '%s\n' "${PY_REQS[@]}")"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]] || \
    ! "$VENV/bin/python" -c 'import essentia, numpy' >/dev/null 2>&1; then
    log "installing Python packages: ${PY_REQS[*]}"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PY_REQS[@]}"
    printf '%s\n' "$want" > "$stamp"
fi
export PYTHONPATH="$ROOT/tools${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" -m key_peers "$@"
