#!/usr/bin/env bash
# Runs a fixture-generating script with Debian's python3 (whose torch is the libtorch that
# Crescendo links) plus the PyPI packages the scripts need, in .venv-tools (idempotent).
#   bash tools/python-tools.sh SCRIPT [ARGS...]   make the environment if needed, run SCRIPT
#   bash tools/python-tools.sh --setup            make the environment if needed, nothing else
#                                                 (what `crescendo bench audio` asks for)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-tools"
if ! "$venv/bin/python" -c 'import safetensors, torch, librosa, soundfile, soxr' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-venv >/dev/null
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  # numpy < 2: Debian's torch 1.13 was built against numpy 1.x.
  "$venv/bin/pip" install -q safetensors 'numpy<2' librosa soundfile soxr scikit-learn mir_eval
fi
if [ "${1:-}" = "--setup" ]; then
  echo "Python tool environment ready: $venv/bin/python"
  exit 0
fi
exec "$venv/bin/python" "$@"
