import Audio
import Foundation
import NN
import Torch

/// How a whole track is cut into model-sized chunks and how chunk predictions combine.
public struct FullTrackOptions: Sendable, Codable, Equatable {
    public enum Aggregation: String, Sendable, Codable { case mean, max }

    /// Chunk hop as a fraction of the chunk length (1: back to back; 0.5: half overlap).
    public var hopFraction: Double = 1
    /// Chunks per forward pass: memory is bounded by this, not by the track.
    public var batchSize: Int = 8
    public var aggregation: Aggregation = .mean
    /// Logits are divided by this before the sigmoid/softmax (pseudo-label temperature).
    public var temperature: Double = 1

    public init(hopFraction: Double = 1, batchSize: Int = 8, aggregation: Aggregation = .mean, temperature: Double = 1) {
        self.hopFraction = hopFraction
        self.batchSize = batchSize
        self.aggregation = aggregation
        self.temperature = temperature
    }

    enum CodingKeys: String, CodingKey {
        case hopFraction = "hop_fraction", batchSize = "batch_size", aggregation, temperature
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hopFraction = try c.decodeIfPresent(Double.self, forKey: .hopFraction) ?? 1
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 8
        aggregation = try c.decodeIfPresent(Aggregation.self, forKey: .aggregation) ?? .mean
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? 1
    }
}

/// A track's aggregated prediction.
public struct TrackPrediction: Sendable, Equatable {
    /// Per task: probabilities (multi-label: sigmoid; multi-class: softmax) or regression values.
    public var outputs: [String: [Float]]
    public var chunks: Int
    /// Seconds of audio seen (at the model's rate).
    public var duration: Double
}

/// Runs a model over whole tracks of any length: the track is streamed in blocks (decoded one
/// block ahead of the model), cut into chunks of the model's input length, batched, and the
/// chunk outputs aggregated. A track shorter than one chunk is zero-padded to one chunk; a
/// final partial chunk is zero-padded and kept when it holds at least half a chunk of audio.
public struct FullTrackPredictor: @unchecked Sendable {
    public let model: any AudioModel
    public let options: FullTrackOptions
    public let device: Device

    public init(model: any AudioModel, options: FullTrackOptions = FullTrackOptions(), device: Device = .cpu) throws {
        guard options.hopFraction > 0, options.hopFraction <= 1, options.batchSize >= 1, options.temperature > 0 else {
            throw TorchError.invalidArgument("full-track options: hop fraction in (0, 1], batch size ≥ 1 and temperature > 0 are required")
        }
        // Inference is evaluation: running statistics, no dropout (a batch of one chunk in
        // training mode would normalise every input to the same output).
        model.eval()
        self.model = model
        self.options = options
        self.device = device
    }

    var clip: Int { model.clipSamples }
    var hop: Int { Swift.max(1, Int((Double(clip) * options.hopFraction).rounded())) }

    /// Predicts a file, streaming it (memory bounded by the batch and one decoded block).
    /// A stream that ends before its header said (a few frames short, as some Opus files do)
    /// is predicted from the audio that is there.
    public func predict(path: String) async throws -> TrackPrediction {
        let stream = try AudioStream(path: path, options: StreamOptions(targetSampleRate: model.sampleRate, downmix: true,
                                                                        tolerateTruncation: true))
        let source = BlockSource(stream: stream)
        var accumulator = Accumulator(predictor: self)
        var pending = Task { try source.next() }
        while let block = try await pending.value {
            pending = Task { try source.next() }  // decode the next block while the model runs
            try accumulator.add(block.samples)
        }
        return try accumulator.finish()
    }

    /// Predicts a mono waveform already in memory, at the model's rate.
    public func predict(samples: [Float]) throws -> TrackPrediction {
        var accumulator = Accumulator(predictor: self)
        try accumulator.add(samples)
        return try accumulator.finish()
    }

    /// Probabilities (or values) per task for a batch of chunks (batch, clip).
    func chunkOutputs(_ chunks: Tensor) throws -> [String: Tensor] {
        let logits = try withNoGrad { try model(chunks.to(device)) }
        var out: [String: Tensor] = [:]
        for task in model.tasks {
            guard let l = logits[task.name] else { continue }
            let scaled = options.temperature == 1 ? l : try l / options.temperature
            switch task.kind {
            case .multiLabel: out[task.name] = try scaled.sigmoid()
            case .multiClass: out[task.name] = try scaled.softmax(dim: 1)
            case .regression: out[task.name] = l
            }
        }
        return out
    }

    /// Cuts incoming samples into chunks, runs full batches, and combines the outputs.
    struct Accumulator {
        let predictor: FullTrackPredictor
        var buffer: [Float] = []
        var queued: [[Float]] = []
        var sums: [String: [Double]] = [:]
        var maxima: [String: [Float]] = [:]
        var chunks = 0
        var samplesSeen = 0

        init(predictor: FullTrackPredictor) { self.predictor = predictor }

        mutating func add(_ samples: [Float]) throws {
            samplesSeen += samples.count
            buffer += samples
            let clip = predictor.clip, hop = predictor.hop
            var start = 0
            while buffer.count - start >= clip {
                queued.append(Array(buffer[start..<(start + clip)]))
                start += hop
                if queued.count == predictor.options.batchSize { try runQueued() }
            }
            if start > 0 { buffer.removeFirst(Swift.min(start, buffer.count)) }
        }

        mutating func finish() throws -> TrackPrediction {
            let clip = predictor.clip, hop = predictor.hop
            if chunks + queued.count == 0 {
                guard samplesSeen > 0 else { throw TorchError.invalidArgument("the track has no samples") }
                queued.append(buffer + [Float](repeating: 0, count: clip - buffer.count))
            } else {
                // The buffer starts at the next hop position: all but (clip - hop) of it is new audio.
                let fresh = buffer.count - (clip - hop)
                if fresh >= clip / 2 {
                    queued.append(buffer + [Float](repeating: 0, count: clip - buffer.count))
                }
            }
            try runQueued()
            var outputs: [String: [Float]] = [:]
            for task in predictor.model.tasks {
                switch predictor.options.aggregation {
                case .mean: outputs[task.name] = (sums[task.name] ?? []).map { Float($0 / Double(Swift.max(1, chunks))) }
                case .max: outputs[task.name] = maxima[task.name] ?? []
                }
            }
            return TrackPrediction(outputs: outputs, chunks: chunks,
                                   duration: Double(samplesSeen) / Double(predictor.model.sampleRate))
        }

        mutating func runQueued() throws {
            guard !queued.isEmpty else { return }
            let b = queued.count
            let batch = try Tensor(queued.flatMap { $0 }, shape: [b, predictor.clip])
            queued.removeAll(keepingCapacity: true)
            for (name, probs) in try predictor.chunkOutputs(batch) {
                let n = try probs.size(1)
                let values = try probs.to(.cpu).toArray(Float.self)
                var sum = sums[name] ?? [Double](repeating: 0, count: n)
                var mx = maxima[name] ?? [Float](repeating: -.infinity, count: n)
                for i in 0..<b {
                    for j in 0..<n {
                        let v = values[i * n + j]
                        sum[j] += Double(v)
                        mx[j] = Swift.max(mx[j], v)
                    }
                }
                sums[name] = sum
                maxima[name] = mx
            }
            chunks += b
        }
    }
}

/// Hands an `AudioStream` from one decoding task to the next; only one task reads at a time.
final class BlockSource: @unchecked Sendable {
    let stream: AudioStream
    init(stream: AudioStream) { self.stream = stream }
    func next() throws -> AudioBlock? { try stream.next() }
}
