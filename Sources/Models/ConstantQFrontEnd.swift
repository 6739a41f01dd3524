import Audio
import Foundation
import NN
import Torch

/// The constant-Q front end as the first layer of a model: waveform (batch, samples) → the full
/// log-magnitude spectrum with its transposition margins (batch, margin + bins + margin,
/// frames). `window(_:semitones:)` cuts the range the network reads. Its kernels are computed
/// from the configuration and are not part of the state dict.
public final class ConstantQFrontEnd: Module {
    public let config: ConstantQTransform
    private let prepared: ConstantQTransform.Prepared

    public init(_ config: ConstantQTransform, device: Device = .cpu) throws {
        self.config = config
        prepared = try config.prepared(device: device)
        super.init()
    }

    public func callAsFunction(_ waveform: Tensor) throws -> Tensor {
        try prepared(waveform)
    }

    /// The network's bins of `full`, each example moved up by its number of semitones (nil or
    /// 0: the centre window).
    public func window(_ full: Tensor, semitones: [Int]?) throws -> Tensor {
        let shifts = try semitones ?? [Int](repeating: 0, count: full.size(0))
        return try config.transposedWindow(full, semitones: shifts)
    }
}

extension ConstantQTransform {
    /// The key network's front end: 16 kHz, 36 bins per octave over 7 octaves from C1
    /// (32.7 Hz–4.2 kHz), 5 frames per second, a margin of 6 semitones on each side, dB floored
    /// 80 dB below each example's maximum (librosa's `top_db` default): what lies below is
    /// window sidelobes and silence, whose exact level says nothing about the key.
    public static var keyDefault: ConstantQTransform { ConstantQTransform(topDB: 80) }

    /// Pitch class of the lowest bin the network reads (C = 0), from `fmin` (A4 = 440 Hz).
    public var lowestPitchClass: Int {
        let semitonesFromC0 = Int((12 * Foundation.log2(fmin / 16.351597831287414)).rounded())
        return ((semitonesFromC0 % 12) + 12) % 12
    }
}
