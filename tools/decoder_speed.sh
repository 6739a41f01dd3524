#!/usr/bin/env bash
# Times the MusicTasks decoders (beat/downbeat DBN, chord Viterbi) on 5 minutes of
# activations in an optimised build: compiles the MusicTasks sources that do not need libtorch
# with `swiftc -O` into a scratch folder, links tools/decoder_speed.swift, runs it.
#   bash tools/decoder_speed.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
mapfile -t sources < <(grep -L "^import Torch" Sources/MusicTasks/*.swift; ls Sources/MusicTasks/Decoding/*.swift)
swiftc -O -package-name Crescendo -parse-as-library -module-name MusicTasks -emit-library -static \
  -o "$work/libMusicTasks.a" -emit-module -emit-module-path "$work/MusicTasks.swiftmodule" \
  "${sources[@]}" 2>&1 | grep -v "warning:" | grep -E "error" && exit 1
swiftc -O -I "$work" -L "$work" -lMusicTasks tools/decoder_speed.swift -o "$work/decoder_speed"
"$work/decoder_speed"
