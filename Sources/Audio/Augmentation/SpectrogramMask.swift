import Torch

/// SpecAugment's masks (Park et al., 2019): blanks ``count`` bands of consecutive frames
/// (time masks) or of consecutive bins (frequency masks) in each chosen example.
///
/// Each band's width is drawn uniformly from `minWidth…maxWidth` (capped at the axis's
/// size), its start uniformly among the positions where it fits; bands may overlap. Masked
/// values become 0 or the example's mean (the better choice for log-mel in dB, whose 0 is
/// loud).
public struct SpectrogramMask: SpectrogramTransform {
    public static let name = "mask"

    /// Which axis the bands run along.
    public enum Axis: String, Sendable, Codable {
        /// Consecutive frames (the last dimension).
        case time
        /// Consecutive bins (the middle dimension).
        case frequency
    }

    /// What masked values become.
    public enum Fill: String, Sendable, Codable {
        case zero
        /// The mean over the example's bins and frames.
        case mean
    }

    public var axis: Axis
    /// Bands per example.
    public var count: Int
    public var minWidth: Int
    public var maxWidth: Int
    public var fill: Fill
    public var probability: Double

    public init(axis: Axis, count: Int = 2, minWidth: Int = 0, maxWidth: Int, fill: Fill = .mean,
                probability: Double = 1) {
        self.axis = axis
        self.count = count
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.fill = fill
        self.probability = probability
    }

    /// Time masks of up to `maxWidth` frames.
    public static func time(count: Int = 2, maxWidth: Int, fill: Fill = .mean, probability: Double = 1) -> SpectrogramMask {
        SpectrogramMask(axis: .time, count: count, maxWidth: maxWidth, fill: fill, probability: probability)
    }

    /// Frequency masks of up to `maxWidth` bins.
    public static func frequency(count: Int = 2, maxWidth: Int, fill: Fill = .mean, probability: Double = 1) -> SpectrogramMask {
        SpectrogramMask(axis: .frequency, count: count, maxWidth: maxWidth, fill: fill, probability: probability)
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        guard count >= 0, minWidth >= 0, maxWidth >= minWidth else {
            throw AugmentationError.invalidParameter(
                transform: Self.name, message: "need count (\(count)) >= 0 and 0 <= minWidth (\(minWidth)) <= maxWidth (\(maxWidth))")
        }
    }

    /// The (batch, size) boolean mask of the positions blanked along `axis` (size = its length).
    public func mask(batch: Int, size: Int, random: AugmentationRandom, device: Device = .cpu) throws -> Tensor {
        let chosen = try random.bernoulli(batch, probability: probability)
        let widest = Swift.min(maxWidth, size), narrowest = Swift.min(minWidth, widest)
        let widths = try random.integers(batch * count, in: narrowest...widest)
        let draws = try random.uniforms(batch * count)
        guard count > 0, chosen.contains(true) else {
            return try Tensor.zeros([batch, size], dtype: .bool, device: device)
        }
        var starts = [Int64](repeating: 0, count: batch * count)
        var ends = [Int64](repeating: 0, count: batch * count)
        for i in 0..<(batch * count) where chosen[i / count] {
            let slack = size - widths[i]
            let start = Swift.min(Int(draws[i] * Double(slack + 1)), slack)
            starts[i] = Int64(start)
            ends[i] = Int64(start + widths[i])
        }
        let position = try Tensor.arange(0, Double(size), dtype: .int64, device: device).reshape([1, 1, size])
        let lower = try Tensor(starts, shape: [batch, count, 1]).to(device)
        let upper = try Tensor(ends, shape: [batch, count, 1]).to(device)
        let inside = try position.ge(lower).logicalAnd(position.lt(upper))   // (batch, count, size)
        return try inside.to(.int64).sum(dims: [1]).gt(0)
    }

    public func transform(batch: Tensor, random: AugmentationRandom) throws -> Tensor {
        let (examples, bins, frames) = (try batch.size(0), try batch.size(1), try batch.size(2))
        let blanked = try mask(batch: examples, size: axis == .time ? frames : bins, random: random, device: batch.device)
        let shaped = try axis == .time ? blanked.unsqueeze(1) : blanked.unsqueeze(2)
        switch fill {
        case .zero:
            return try batch.maskedFill(shaped, 0)
        case .mean:
            return try Tensor.where(shaped, batch.mean(dims: [1, 2], keepDim: true), batch)
        }
    }

    enum CodingKeys: String, CodingKey { case axis, count, minWidth, maxWidth, fill, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        axis = try c.decode(Axis.self, forKey: .axis)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 2
        minWidth = try c.decodeIfPresent(Int.self, forKey: .minWidth) ?? 0
        maxWidth = try c.decode(Int.self, forKey: .maxWidth)
        fill = try c.decodeIfPresent(Fill.self, forKey: .fill) ?? .mean
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
