import Torch

/// Cuts every example to `duration` seconds: at a uniformly random offset for the examples
/// chosen (probability ``probability``), at the centre for the others, so that a batch keeps
/// one length. Examples shorter than the window are zero-padded at the end.
///
/// The only transform that changes the length; probability 0 gives the central crop, which
/// is the identity when the input already has the window's length.
public struct RandomCrop: WaveformTransform {
    public static let name = "randomCrop"
    /// Window length in seconds (rounded to whole samples).
    public var duration: Double
    public var probability: Double

    public init(duration: Double, probability: Double = 1) {
        self.duration = duration
        self.probability = probability
    }

    /// The window in samples at `sampleRate`.
    public func length(sampleRate: Int) -> Int {
        Int((duration * Double(sampleRate)).rounded())
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        guard duration.isFinite, duration > 0 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "duration \(duration) s must be positive")
        }
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let (count, samples) = (try batch.size(0), try batch.size(1))
        let window = Swift.max(1, length(sampleRate: sampleRate))
        let chosen = try random.bernoulli(count, probability: probability)
        let draws = try random.uniforms(count)
        if samples <= window {
            return samples == window ? batch : try batch.constantPad([0, window - samples])
        }
        let slack = samples - window
        let starts = zip(chosen, draws).map { chosen, u in chosen ? Swift.min(Int(u * Double(slack + 1)), slack) : slack / 2 }
        if let first = starts.first, starts.allSatisfy({ $0 == first }) {
            return try batch.slice(dim: 1, start: first, end: first + window)
        }
        let offsets = try Tensor(starts.map(Int64.init), shape: [count, 1]).to(batch.device)
        let index = try Tensor.arange(0, Double(window), dtype: .int64, device: batch.device).unsqueeze(0) + offsets
        return try batch.gather(dim: 1, index: index)
    }

    enum CodingKeys: String, CodingKey { case duration, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        duration = try c.decode(Double.self, forKey: .duration)
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
