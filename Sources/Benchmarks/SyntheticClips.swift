import Foundation
import Torch

/// Deterministic music-like clips for calibrating and comparing models without audio files.
enum SyntheticClips {
    /// `count` clips of `samples` at 16 kHz: a harmonic tone, a noisy chord, a chirp and noise,
    /// at levels from -30 to -6 dBFS.
    static func make(_ count: Int, samples: Int, seed: Int) throws -> Tensor {
        var values = [Float](repeating: 0, count: count * samples)
        var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
        for c in 0..<count {
            let level = pow(10, (-30 + 24 * Double(c % 5) / 4) / 20)
            let f0 = 110 * pow(2, Double((c * 5 + seed) % 24) / 12)
            for i in 0..<samples {
                let t = Double(i) / 16000
                var x: Double
                switch c % 4 {
                case 0: x = (1...6).reduce(0) { $0 + sin(2 * .pi * f0 * Double($1) * t) / Double($1) }
                case 1: x = [1, 1.26, 1.5].reduce(0) { $0 + sin(2 * .pi * f0 * $1 * t) } + 0.3 * noise()
                case 2: x = sin(2 * .pi * (f0 + 400 * t) * t) + 0.1 * noise()
                default: x = noise()
                }
                values[c * samples + i] = Float(level * x)
            }
        }
        return try Tensor(values, shape: [count, samples])
    }
}
