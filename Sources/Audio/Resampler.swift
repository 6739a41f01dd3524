import CSoxr

/// libsoxr quality recipes.
public enum ResampleQuality: Sendable, Hashable {
    /// `SOXR_QQ`: 'quick' cubic interpolation.
    case quick
    /// `SOXR_LQ`: 16-bit, large roll-off.
    case low
    /// `SOXR_MQ`: 16-bit, medium roll-off.
    case medium
    /// `SOXR_HQ` (= `SOXR_20_BITQ`): librosa's default `res_type='soxr_hq'`.
    case high
    /// `SOXR_VHQ` (= `SOXR_28_BITQ`): librosa's `soxr_vhq`.
    case veryHigh

    var recipe: UInt {
        switch self {
        case .quick: return UInt(SOXR_QQ)
        case .low: return UInt(SOXR_LQ)
        case .medium: return UInt(SOXR_MQ)
        case .high: return UInt(SOXR_HQ)
        case .veryHigh: return UInt(SOXR_VHQ)
        }
    }
}

/// Streaming sample-rate converter over libsoxr (float32, interleaved).
///
/// Feed input with ``process(_:)`` in blocks of any size and call
/// ``finish()`` once at the end to flush the filter tail. The concatenated
/// output is identical to converting the whole signal at once, and to
/// python-soxr's `soxr.resample(x, inRate, outRate, quality='HQ')`, which
/// uses the same `soxr_create`/`soxr_process` calls: its total length is
/// `round(inputFrames * outRate / inRate)`.
///
/// When the two rates are equal the resampler is a pass-through (like
/// librosa's `resample`), so samples are returned unchanged.
///
/// Not `Sendable`: it holds libsoxr state. Use one per stream.
public final class Resampler {
    /// Input rate in Hz.
    public let inputRate: Double
    /// Output rate in Hz.
    public let outputRate: Double
    /// Interleaved channels per frame.
    public let channels: Int
    /// Quality recipe.
    public let quality: ResampleQuality

    private let soxr: soxr_t?
    private var finished = false
    /// Scratch output buffer reused across calls.
    private var scratch: [Float] = []

    /// Creates a converter.
    ///
    /// Throws ``AudioError/invalidArgument(_:)`` for non-positive or
    /// non-finite rates or channels outside 1...64, and
    /// ``AudioError/resampler(_:)`` when libsoxr rejects the configuration.
    public init(inputRate: Double, outputRate: Double, channels: Int = 1, quality: ResampleQuality = .high) throws(AudioError) {
        guard inputRate.isFinite, outputRate.isFinite, inputRate > 0, outputRate > 0 else {
            throw AudioError.invalidArgument("sample rates must be positive and finite (got \(inputRate) -> \(outputRate))")
        }
        guard AudioLimits.channels.contains(channels) else {
            throw AudioError.invalidArgument("channel count \(channels) outside \(AudioLimits.channels)")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        self.quality = quality
        if inputRate == outputRate {
            soxr = nil
            return
        }
        var error: soxr_error_t? = nil
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var q = soxr_quality_spec(quality.recipe, 0)
        var runtime = soxr_runtime_spec(1)
        let created = soxr_create(inputRate, outputRate, UInt32(channels), &error, &io, &q, &runtime)
        if let error {
            if let created { soxr_delete(created) }
            throw AudioError.resampler(String(cString: error))
        }
        guard let created else { throw AudioError.resampler("soxr_create returned no resampler") }
        soxr = created
    }

    deinit {
        if let soxr { soxr_delete(soxr) }
    }

    /// True when input and output rates are equal and samples pass through.
    public var isPassThrough: Bool { soxr == nil }

    /// Converts one block of interleaved input; returns whatever output is
    /// ready (possibly empty while the filter fills).
    public func process(_ input: [Float]) throws(AudioError) -> [Float] {
        var out: [Float] = []
        let result: Result<Void, AudioError> = input.withUnsafeBufferPointer { buf in
            do throws(AudioError) {
                try process(buf, appendingTo: &out)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return out
    }

    /// Pointer variant of ``process(_:)`` that appends to `output`
    /// (interleaved); `input.count` must be a multiple of ``channels``.
    public func process(_ input: UnsafeBufferPointer<Float>, appendingTo output: inout [Float]) throws(AudioError) {
        guard !finished else { throw AudioError.resampler("process() called after finish()") }
        guard input.count % channels == 0 else {
            throw AudioError.invalidArgument("input length \(input.count) is not a multiple of \(channels) channels")
        }
        guard let soxr else {
            output.append(contentsOf: input)
            return
        }
        guard let inBase = input.baseAddress, !input.isEmpty else { return }
        var remaining = input.count / channels
        var inPtr = inBase
        while remaining > 0 {
            let produced = try run(soxr, input: inPtr, frames: remaining, into: &output)
            inPtr += produced.consumed * channels
            remaining -= produced.consumed
            if produced.consumed == 0 && produced.written == 0 {
                throw AudioError.resampler("libsoxr made no progress")
            }
        }
    }

    /// Flushes the filter tail and ends the stream; returns the last output.
    /// Further ``process(_:)`` calls throw.
    public func finish() throws(AudioError) -> [Float] {
        guard !finished else { return [] }
        finished = true
        guard let soxr else { return [] }
        var output: [Float] = []
        while true {
            let produced = try run(soxr, input: nil, frames: 0, into: &output)
            if produced.written == 0 { break }
        }
        return output
    }

    /// One `soxr_process` call; `input == nil` flushes.
    private func run(_ soxr: soxr_t, input: UnsafePointer<Float>?, frames: Int, into output: inout [Float]) throws(AudioError) -> (consumed: Int, written: Int) {
        let ratio = outputRate / inputRate
        let capacity = max(4096, Int((Double(frames) * ratio).rounded(.up)) + 1024)
        if scratch.count < capacity * channels {
            scratch = [Float](repeating: 0, count: capacity * channels)
        }
        var consumed = 0
        var written = 0
        let error: soxr_error_t? = scratch.withUnsafeMutableBufferPointer { out in
            soxr_process(soxr, input, frames, &consumed, out.baseAddress, capacity, &written)
        }
        if let error {
            throw AudioError.resampler(String(cString: error))
        }
        if written > 0 {
            output.append(contentsOf: scratch[0..<(written * channels)])
        }
        return (consumed, written)
    }

    /// Converts a whole signal at once (interleaved when `channels > 1`).
    public static func resample(_ samples: [Float], from inputRate: Double, to outputRate: Double,
                                channels: Int = 1, quality: ResampleQuality = .high) throws(AudioError) -> [Float] {
        let resampler = try Resampler(inputRate: inputRate, outputRate: outputRate, channels: channels, quality: quality)
        var out = try resampler.process(samples)
        out.append(contentsOf: try resampler.finish())
        return out
    }

    /// Version string of the linked libsoxr, e.g. `"libsoxr-0.1.3"`.
    public static var libraryVersion: String {
        soxr_version().map { String(cString: $0) } ?? "unknown"
    }
}
