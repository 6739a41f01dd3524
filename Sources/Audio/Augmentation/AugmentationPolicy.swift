import Foundation
import Torch

/// The input noise of a noisy student, as data: waveform steps applied in order before the
/// front end, spectrogram steps after it, and optionally mixup on the batch.
///
/// A policy is a value that a JSON (or YAML, through any `Decoder`) configuration describes:
///
/// ```json
/// {"waveform": [{"type": "gain", "gainDB": [-6, 6]},
///               {"type": "noise", "snrDB": [10, 30], "color": "pink", "probability": 0.5}],
///  "spectrogram": [{"type": "mask", "axis": "time", "count": 2, "maxWidth": 40}],
///  "mixup": {"alpha": 0.4}}
/// ```
///
/// Given an ``AugmentationRandom`` seeded the same way and the same input shapes, a policy
/// produces the same output.
public struct AugmentationPolicy: Sendable, Codable, Equatable {
    public var waveform: [WaveformAugmentation]
    public var spectrogram: [SpectrogramAugmentation]
    public var mixup: Mixup?

    public init(waveform: [WaveformAugmentation] = [], spectrogram: [SpectrogramAugmentation] = [], mixup: Mixup? = nil) {
        self.waveform = waveform
        self.spectrogram = spectrogram
        self.mixup = mixup
    }

    /// No augmentation at all (what a teacher sees).
    public static let none = AugmentationPolicy()

    /// A moderate default for a student on 16 kHz music: gain, polarity, pink or white
    /// noise, filters, pitch, echo and reverb on the waveform; two time and two frequency
    /// masks on 128-band log-mel; no mixup.
    public static let studentDefault = AugmentationPolicy(
        waveform: [
            .gain(Gain(gainDB: -6...6, probability: 0.5)),
            .polarityInversion(PolarityInversion(probability: 0.5)),
            .pitchShift(PitchShift(semitones: -2...2, probability: 0.3)),
            .filter(FrequencyFilter(kind: .lowPass, cutoffHz: 2000...7000, probability: 0.2)),
            .filter(FrequencyFilter(kind: .highPass, cutoffHz: 40...400, probability: 0.2)),
            .echo(Echo(delaySeconds: 0.05...0.3, gain: 0.1...0.4, probability: 0.2)),
            .reverb(Reverb(rt60Seconds: 0.2...1.0, wet: 0.1...0.4, probability: 0.3)),
            .noise(AdditiveNoise(snrDB: 15...40, color: .pink, probability: 0.3)),
        ],
        spectrogram: [
            .mask(SpectrogramMask.time(count: 2, maxWidth: 40)),
            .mask(SpectrogramMask.frequency(count: 2, maxWidth: 16)),
        ])

    /// Checks every step's settings, naming the first that is out of range.
    public func validate() throws {
        for step in waveform { try step.transform.validate() }
        for step in spectrogram { try step.transform.validate() }
        try mixup?.validate()
    }

    /// Runs the waveform steps in order on (batch, samples) or (samples).
    public func augmentWaveform(_ waveform: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        var x = waveform
        for step in self.waveform { x = try step(x, sampleRate: sampleRate, random: random) }
        return x
    }

    /// Runs the spectrogram steps in order on (batch, bins, frames) or (bins, frames).
    public func augmentSpectrogram(_ features: Tensor, random: AugmentationRandom) throws -> Tensor {
        var x = features
        for step in spectrogram { x = try step(x, random: random) }
        return x
    }

    /// Applies mixup when the policy has it; otherwise returns the inputs and soft targets
    /// unchanged (λ = 1, identity permutation).
    public func mix(inputs: Tensor, targets: MixupTargets, random: AugmentationRandom) throws -> MixupResult {
        if let mixup { return try mixup(inputs: inputs, targets: targets, random: random) }
        let count = try inputs.size(0)
        let soft = try Mixup().softTargets(targets, batch: count, device: inputs.device)
        return MixupResult(inputs: inputs, targets: soft,
                           lambda: try Tensor.ones([count], dtype: inputs.dtype, device: inputs.device),
                           permutation: try Tensor.arange(0, Double(count), dtype: .int64, device: inputs.device))
    }

    /// Decodes a policy from JSON, then validates it.
    public init(json: Data) throws {
        self = try JSONDecoder().decode(AugmentationPolicy.self, from: json)
        try validate()
    }

    /// The policy as JSON (keys sorted, so equal policies give equal text).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    enum CodingKeys: String, CodingKey { case waveform, spectrogram, mixup }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        waveform = try c.decodeIfPresent([WaveformAugmentation].self, forKey: .waveform) ?? []
        spectrogram = try c.decodeIfPresent([SpectrogramAugmentation].self, forKey: .spectrogram) ?? []
        mixup = try c.decodeIfPresent(Mixup.self, forKey: .mixup)
    }
}
