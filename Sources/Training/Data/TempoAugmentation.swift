import Foundation

/// Tempo changes of training clips that move time-aligned labels with the audio: with
/// `probability`, a clip plays an excerpt `rate` times its length (rate drawn log-uniformly from
/// `rates`), time-stretched (WSOLA: the pitch stays) into the clip. The loader reads the longer
/// or shorter excerpt, so nothing is padded or cut away, and it cuts frame targets with the same
/// time map (frame f of the clip is source time offset + f · rate / frame rate): a beat moves to
/// where its click is in the stretched audio, and the tempo of the labels changes with the
/// audio's. Clip-level labels (key, instruments) do not change with tempo.
///
/// Böck et al.'s beat trackers train with such tempo changes (±20–30 %) so that a network sees
/// tempi the annotations lack.
public struct TempoAugmentation: Sendable, Codable, Equatable {
    /// Chance that a clip's tempo changes.
    public var probability: Double
    /// Least and greatest source seconds per clip second (> 1: faster).
    public var rates: [Double]

    public init(probability: Double, rates: ClosedRange<Double>) {
        self.probability = probability
        self.rates = [rates.lowerBound, rates.upperBound]
    }

    /// Checks the ranges, naming the key.
    public func validate() throws {
        guard (0...1).contains(probability) else {
            throw TrainingError.invalidConfig(key: "trainer.tempo_augmentation.probability", reason: "\(probability) is not in [0, 1]")
        }
        guard rates.count == 2, rates[0] > 0, rates[0] <= rates[1], rates[1] <= 4 else {
            throw TrainingError.invalidConfig(key: "trainer.tempo_augmentation.rates", reason: "\(rates) must be [least, greatest] with 0 < least ≤ greatest ≤ 4")
        }
    }

    /// The rate of example `index` in `epoch` (1 when it keeps its tempo): a pure function of
    /// (seed, epoch, index), so a resumed run stretches the same clips alike.
    public func rate(seed: UInt64, epoch: Int, index: Int) -> Double {
        var rng = SplitMix64(seed: seed, UInt64(epoch) &+ 0x7E4D0, UInt64(index))
        guard rng.nextUnit() < probability, rates.count == 2 else { return 1 }
        let (low, high) = (Foundation.log(rates[0]), Foundation.log(rates[1]))
        return Foundation.exp(low + (high - low) * rng.nextUnit())
    }
}
