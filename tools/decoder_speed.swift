// Speed of the MusicTasks decoders on 5 minutes of activations, built with -O by
// tools/decoder_speed.sh (the package itself is built in debug on the shared machines).

import Foundation
import MusicTasks

var state: UInt64 = 300
func unit() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Float((z ^ (z >> 31)) >> 40) / Float(1 << 24)
}

// 5 minutes at 100 fps: a noisy 112 bpm pulse.
let frames = 30_000
var activation = (0..<frames).map { _ in 0.02 + 0.08 * unit() }
var time = 0.5
while time < 300 {
    let centre = Int(time * 100)
    for frame in max(0, centre - 2)...min(frames - 1, centre + 2) {
        activation[frame] = max(activation[frame], 0.8 * Float(exp(-Double((frame - centre) * (frame - centre)) / 2)))
    }
    time += 60.0 / 112
}
let beatPart = activation.map { $0 * 0.7 }
let downbeatPart = activation.map { $0 * 0.2 }
let clock = ContinuousClock()
let beatDecoder = try DBNBeatDecoder(fps: 100)
let barDecoder = try DBNDownbeatDecoder(fps: 100)
let barLinear = try DBNDownbeatDecoder(fps: 100, options: .init(tempo: TempoModelOptions(tempoCount: nil, threshold: 0.05)))
let chords10 = try FramePosteriors(values: (0..<(3_000 * 25)).map { _ in unit() / 25 }, classCount: 25)
let chords100 = try FramePosteriors(values: (0..<(30_000 * 25)).map { _ in unit() / 25 }, classCount: 25)
let chordDecoder10 = try ChordDecoder(fps: 10)
let chordDecoder100 = try ChordDecoder(fps: 100)
print("5 min of activations, -O, best of 3 runs:")
var best = [Duration](repeating: .seconds(1_000), count: 5)
for _ in 0..<3 {
    let times = try [
        clock.measure { _ = try beatDecoder.decode(activation) },
        clock.measure { _ = try barDecoder.decode(beat: beatPart, downbeat: downbeatPart) },
        clock.measure { _ = try barLinear.decode(beat: beatPart, downbeat: downbeatPart) },
        clock.measure { _ = try chordDecoder10.decode(chords10) },
        clock.measure { _ = try chordDecoder100.decode(chords100) },
    ]
    best = zip(best, times).map { min($0, $1) }
}
let names = [
    "beat DBN, 100 fps, all 82 tempi",
    "downbeat DBN [3, 4], 100 fps, 60 log-spaced tempi",
    "downbeat DBN [3, 4], 100 fps, all 82 tempi",
    "chord Viterbi, 10 fps × 25 classes",
    "chord Viterbi, 100 fps × 25 classes",
]
for (name, duration) in zip(names, best) {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    print(String(format: "  %-52@ %.3f s", name as NSString, seconds))
}
