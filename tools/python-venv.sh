# Sourced by the tool scripts (key_peers.sh, frame_peers.sh, make_demo_dataset.sh): one way to
# make or refresh a pinned Python virtual environment, idempotently. The caller defines log().
#   ensure_venv VENV NAME "MODULE, MODULE" REQUIREMENT...
# makes VENV with Debian's python3 when it is missing or broken, and installs the requirements
# when VENV/.NAME.reqs does not list exactly them or the modules do not import.
ensure_venv() {
    local venv=$1 name=$2 imports=$3
    shift 3
    local base=/usr/bin/python3
    [[ -x "$base" ]] || base="$(command -v python3)"
    if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
        log "creating venv $venv with $base"
        rm -rf "$venv"
        "$base" -m venv "$venv"
    fi
    local stamp="$venv/.$name.reqs" want
    want="$(printf '%s\n' "$@")"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]] || \
        ! "$venv/bin/python" -c "import $imports" >/dev/null 2>&1; then
        log "installing Python packages: $*"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"
        printf '%s\n' "$want" > "$stamp"
    else
        log "venv up to date"
    fi
}
