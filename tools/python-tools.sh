#!/usr/bin/env bash
# Runs a fixture-generating script with Debian's python3 (whose torch is the libtorch that
# Crescendo links) plus the PyPI packages the scripts need, in .venv-tools (idempotent).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-tools"
if ! "$venv/bin/python" -c 'import safetensors, torch, librosa' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-venv >/dev/null
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  # numpy < 2: Debian's torch 1.13 was built against numpy 1.x.
  "$venv/bin/pip" install -q safetensors 'numpy<2' librosa soundfile soxr scikit-learn mir_eval
fi
exec "$venv/bin/python" "$@"
