#!/usr/bin/env bash
# Build Crescendo's demo data set (labeled Bach-chorale renders, an out-of-domain test split of
# folk tunes and other composers' works, and the unlabeled pool) with the package tools/demo_data.
#
# Idempotently installs what the builder needs, then runs it:
#   * Debian packages: fluidsynth, the General-MIDI soundfonts fluid-soundfont-gm (FluidR3:
#     train/valid/test/pool), timgm6mb-soundfont (train) and musescore-general-soundfont-small
#     (reserved for the out-of-domain split test_ood), python3-venv and the game-music
#     packages (wesnoth-1.16-music, singularity-music, warzone2100-music; with
#     --with-pk3 also ufoai-music and nexuiz-music; with --pool-hours or --pool-soundfonts the
#     other GM soundfonts fluidr3mono-gm-soundfont, csound-soundfont and opl3-soundfont for the
#     pool renders). Packages without an apt candidate
#     are skipped with a warning.
#   * a virtual environment .venv-demo (Debian's /usr/bin/python3) with music21,
#     soundfile and numpy from PyPI (pinned versions, reinstalled only when they change).
#
# All arguments go to `python -m demo_data` (PYTHONPATH=tools), e.g.
#   tools/make_demo_dataset.sh                      # full build into data/demo
#   tools/make_demo_dataset.sh --max-chorales 12 --pool-renders 2 --out /tmp/demo
#   tools/make_demo_dataset.sh --out data/full --pool-hours 20 --with-pk3   # the large pool (resumable)
#
# Environment: DEMO_SKIP_APT=1 skips the apt step, DEMO_SKIP_PIP=1 the pip step,
# DEMO_VENV=path overrides the venv location.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${DEMO_VENV:-$ROOT/.venv-demo}"
PY_REQS=("music21==10.5.1" "soundfile==0.14.0" "numpy==2.4.6")

APT_PKGS=(fluidsynth fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small python3-venv
          wesnoth-1.16-music singularity-music warzone2100-music)
# Every other General-MIDI soundfont Debian ships, for the pool renders of a large pool
# (--pool-hours; or asked for with --pool-soundfonts).
POOL_SF_PKGS=(fluidr3mono-gm-soundfont csound-soundfont opl3-soundfont)
want_pool_sf=0
for a in "$@"; do
    [[ "$a" == "--with-pk3" ]] && APT_PKGS+=(ufoai-music nexuiz-music)
    [[ "$a" == --pool-hours* || "$a" == --pool-soundfonts* ]] && want_pool_sf=1
done
if ((want_pool_sf)); then APT_PKGS+=("${POOL_SF_PKGS[@]}"); fi

log() { printf '[make_demo_dataset.sh] %s\n' "$*" >&2; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
fi

apt_retry() {  # apt may be locked by another install: wait instead of failing
    local i
    for i in $(seq 1 60); do
        if "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q \
            -o DPkg::Lock::Timeout=120 "$@"; then
            return 0
        fi
        log "apt-get $1 failed (lock held?), retrying in 10 s ($i/60)"
        sleep 10
    done
    return 1
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if [[ "${DEMO_SKIP_APT:-0}" != 1 ]]; then
    missing=()
    for p in "${APT_PKGS[@]}"; do installed "$p" || missing+=("$p"); done
    if ((${#missing[@]})); then
        log "installing apt packages: ${missing[*]}"
        apt_retry update >/dev/null
        available=()
        for p in "${missing[@]}"; do
            cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
            if [[ -n "$cand" && "$cand" != "(none)" ]]; then
                available+=("$p")
            else
                log "WARNING: no apt candidate for $p, skipping"
            fi
        done
        if ((${#available[@]})); then
            apt_retry install -y --no-install-recommends "${available[@]}"
        fi
    else
        log "apt packages already installed"
    fi
fi

if [[ "${DEMO_SKIP_PIP:-0}" != 1 ]]; then
    source "$ROOT/tools/python-venv.sh"
    ensure_venv "$VENV" make_demo_dataset "music21, soundfile, numpy" "${PY_REQS[@]}"
fi

export PYTHONPATH="$ROOT/tools${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" -m demo_data "$@"
