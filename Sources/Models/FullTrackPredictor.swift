import Audio
import Foundation
import MusicTasks
import NN
import Torch

/// How the predictions of a track's chunks become the track's prediction.
public enum ChunkAggregation: String, Sendable, Codable, CaseIterable {
    /// The mean over chunks of each probability (or regressed value).
    case mean
    /// The largest value over chunks: a tag holds if it holds anywhere in the track.
    case max
    /// For multi-class tasks the normalised geometric mean of each class's probability over
    /// chunks (the mean of log-probabilities, as a product of independent evidence: a chunk
    /// that rules a key out counts against it); the mean for other tasks.
    case logMean = "log_mean"
}

/// What to do with the samples after the last whole chunk of a track that is longer than one
/// chunk. A track shorter than one chunk always gives exactly one chunk, zero-padded at the end,
/// whatever the policy: every track gets a prediction.
public enum TailChunkPolicy: String, Sendable, Codable, CaseIterable {
    /// One more chunk ending exactly at the track's end (overlapping the one before): only real
    /// audio, no silence fed to the model. The default.
    case alignToEnd = "align_to_end"
    /// One more chunk at the next hop position, zero-padded at the end.
    case zeroPad = "zero_pad"
    /// Ignore them (less than one hop's worth of audio goes unheard).
    case drop
}

/// How a whole track is cut into model-sized chunks, batched, and how chunk predictions combine.
/// Decoded from the `inference` section of a pipeline config (snake_case keys, all optional).
public struct FullTrackOptions: Sendable, Codable, Equatable {
    /// Chunk hop as a fraction of the chunk length (1: back to back; 0.5: half overlap).
    public var hopFraction: Double
    /// Chunks per forward pass: memory is bounded by this, not by the track.
    public var batchSize: Int
    public var aggregation: ChunkAggregation
    /// The samples after the last whole chunk.
    public var tail: TailChunkPolicy
    /// Logits of classification tasks are divided by this before the sigmoid/softmax
    /// (pseudo-label temperature); regression values are not scaled.
    public var temperature: Double
    /// Also return every chunk's predictions (for time-resolved pseudo-labels).
    public var keepChunkPredictions: Bool

    public init(hopFraction: Double = 1, batchSize: Int = 8, aggregation: ChunkAggregation = .mean,
                tail: TailChunkPolicy = .alignToEnd, temperature: Double = 1, keepChunkPredictions: Bool = false) {
        self.hopFraction = hopFraction
        self.batchSize = batchSize
        self.aggregation = aggregation
        self.tail = tail
        self.temperature = temperature
        self.keepChunkPredictions = keepChunkPredictions
    }

    enum CodingKeys: String, CodingKey {
        case hopFraction = "hop_fraction", batchSize = "batch_size", aggregation, tail, temperature
        case keepChunkPredictions = "keep_chunk_predictions"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FullTrackOptions()
        hopFraction = try c.decodeIfPresent(Double.self, forKey: .hopFraction) ?? defaults.hopFraction
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
        aggregation = try c.decodeIfPresent(ChunkAggregation.self, forKey: .aggregation) ?? defaults.aggregation
        tail = try c.decodeIfPresent(TailChunkPolicy.self, forKey: .tail) ?? defaults.tail
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? defaults.temperature
        keepChunkPredictions = try c.decodeIfPresent(Bool.self, forKey: .keepChunkPredictions)
            ?? defaults.keepChunkPredictions
    }

    /// Samples between chunk starts for chunks of `clipSamples`.
    public func hopSamples(clipSamples: Int) -> Int {
        Swift.max(1, Int((Double(clipSamples) * hopFraction).rounded()))
    }
}

/// Runs a model over whole tracks of any length: cuts the track into chunks of the model's clip
/// length (`TrackChunker`: hop and tail policy), runs them in batches in evaluation mode without
/// gradients, and aggregates the chunks' predictions (sigmoid probabilities for multi-label
/// tasks, softmax for multi-class ones, raw values for regression) by mean or max.
///
/// Memory is bounded by the batch, not by the track: `predict(path:)` and `predict(paths:)`
/// stream the files (decoded ahead of the model on a thread of their own, at most a minute of
/// audio waiting) and `session()` consumes samples block by block, keeping only what future
/// chunks need.
///
/// The model is put in evaluation mode for each batch and returned to the mode it had. For
/// speed, pass `optimizations` (or a model already prepared with `inferenceCopy(_:)`): the
/// predictor then runs a prepared copy and leaves the given model as it is.
public struct FullTrackPredictor: Sendable {
    /// The model that runs: the given one, or its prepared copy when `optimizations` was given.
    public let model: any AudioModel
    public let options: FullTrackOptions
    /// Where the model runs (the device it was built on): each batch of chunks is moved there,
    /// and its outputs come back to the CPU.
    public let device: Device
    /// Samples between chunk starts.
    public let hopSamples: Int

    /// Throws `ModelError.invalidInferenceSetting` for a hop fraction outside (0, 1], a batch
    /// size below 1 or a temperature that is not positive. The model runs on its own device
    /// (build it on the device wanted: `ModelPreset.build(device:)`); `optimizations` are
    /// adapted to it (`InferenceOptimizations.suited(to:)`).
    public init(model: any AudioModel, options: FullTrackOptions = FullTrackOptions(),
                optimizations: InferenceOptimizations? = nil) throws {
        guard options.hopFraction > 0, options.hopFraction <= 1 else {
            throw ModelError.invalidInferenceSetting("hop fraction \(options.hopFraction) must be in (0, 1]")
        }
        guard options.batchSize >= 1 else {
            throw ModelError.invalidInferenceSetting("batch size \(options.batchSize) must be positive")
        }
        guard options.temperature > 0, options.temperature.isFinite else {
            throw ModelError.invalidInferenceSetting("temperature \(options.temperature) must be positive")
        }
        if let optimizations, model.inferenceOptimizations == nil {
            self.model = try model.inferenceCopy(optimizations)
        } else {
            self.model = model
        }
        self.options = options
        device = self.model.device
        hopSamples = options.hopSamples(clipSamples: model.clipSamples)
    }

    /// A streaming prediction for one track: append its samples (mono, at the model's sample
    /// rate) as they arrive, then `finish()`.
    public func session() throws -> TrackInferenceSession {
        try TrackInferenceSession(predictor: self)
    }

    /// The prediction for a track held in memory (mono, at the model's sample rate).
    public func predict(samples: [Float]) throws -> TrackPrediction {
        let session = try session()
        try session.append(samples)
        return try session.finish()
    }

    /// Probabilities (or values) per task for a batch of chunks (batch, clip), as float32 on the
    /// CPU, row after row; the model runs in evaluation mode without gradients.
    func chunkPredictions(_ chunks: Tensor) throws -> [(task: TaskSpec, values: [Float])] {
        let wasTraining = model.isTraining
        if wasTraining { model.eval() }
        defer { if wasTraining { model.train() } }
        return try withNoGrad {
            let logits = try model(chunks.to(device))
            return try model.tasks.map { task in
                guard let taskLogits = logits[task.name] else {
                    throw ModelError.invalidInferenceSetting("the model returned no logits for task \(task.name)")
                }
                let scaled = options.temperature == 1 || task.kind == .regression
                    ? taskLogits : try taskLogits / options.temperature
                let values = try task.kind.predictions(fromLogits: scaled.to(.float32)).to(.cpu).toArray(Float.self)
                return (task, values)
            }
        }
    }
}

/// One track's streaming prediction (see `FullTrackPredictor.session()`): not thread-safe; one
/// track at a time.
public final class TrackInferenceSession {
    public let predictor: FullTrackPredictor
    private var chunker: TrackChunker
    /// Samples of the chunks waiting for a forward pass, back to back.
    private var batch: [Float] = []
    private var batchChunks = 0
    private var chunks: [TrackChunk] = []
    /// Per task: running sums (mean) or maxima (max) over chunks.
    private var aggregates: [String: [Double]] = [:]
    private var chunkValues: [String: [[Float]]] = [:]
    /// Per time-aligned task: the track's frame sums and how many chunks covered each frame.
    private var frameSums: [String: [Float]] = [:]
    private var frameCounts: [String: [Float]] = [:]
    private var finished = false
    /// The most samples held at once by the chunker and the batch together.
    public private(set) var peakBufferedSamples = 0

    init(predictor: FullTrackPredictor) throws {
        self.predictor = predictor
        chunker = try TrackChunker(chunkSamples: predictor.model.clipSamples, hopSamples: predictor.hopSamples,
                                   tail: predictor.options.tail)
        batch.reserveCapacity(predictor.options.batchSize * predictor.model.clipSamples)
    }

    /// Appends the next samples of the track and runs every batch that fills up.
    public func append<C: Collection>(_ samples: C) throws where C.Element == Float {
        guard !finished else { throw ModelError.invalidInferenceSetting("samples appended to a finished track") }
        try chunker.append(samples)
        try drainChunks()
    }

    /// Ends the track: runs the tail chunk and the last partial batch and returns the
    /// aggregated prediction. Throws `ModelError.emptyTrack` when no samples were appended.
    public func finish() throws -> TrackPrediction {
        guard !finished else { throw ModelError.invalidInferenceSetting("the track was already finished") }
        try chunker.finish()
        try drainChunks()
        if batchChunks > 0 { try runBatch() }
        finished = true
        let count = Double(chunks.count)
        var values: [String: [Float]] = [:]
        for task in predictor.model.tasks {
            guard let aggregate = aggregates[task.name] else { continue }
            switch predictor.options.aggregation {
            case .mean: values[task.name] = aggregate.map { Float($0 / count) }
            case .max: values[task.name] = aggregate.map { Float($0) }
            case .logMean:
                guard task.kind == .multiClass else { values[task.name] = aggregate.map { Float($0 / count) }; break }
                let geometric = aggregate.map { Foundation.exp($0 / count) }
                let total = Swift.max(geometric.reduce(0, +), .leastNormalMagnitude)
                values[task.name] = geometric.map { Float($0 / total) }
            }
        }
        var frames: [String: [Float]]?
        if let rate = predictor.model.frameRate {
            // Frames past the track's end (zero padding of a short or tail chunk) are dropped.
            let trackFrames = chunker.samplesSeen / (predictor.model.sampleRate / rate) + 1
            frames = [:]
            for task in predictor.model.tasks where task.kind.isTimeAligned {
                guard let sums = frameSums[task.name], let counts = frameCounts[task.name] else { continue }
                let width = task.outputCount, kept = Swift.min(trackFrames, counts.count)
                frames?[task.name] = (0..<(kept * width)).map { sums[$0] / Swift.max(counts[$0 / width], 1) }
            }
        }
        return TrackPrediction(values: values, chunks: chunks, chunkValues: chunkValues,
                               trackSamples: chunker.samplesSeen, sampleRate: predictor.model.sampleRate,
                               aggregation: predictor.options.aggregation, frames: frames,
                               frameRate: predictor.model.frameRate)
    }

    private func drainChunks() throws {
        while let chunk = chunker.nextChunk(into: &batch) {
            chunks.append(chunk)
            batchChunks += 1
            peakBufferedSamples = Swift.max(peakBufferedSamples, chunker.bufferedSamples + batch.count)
            if batchChunks == predictor.options.batchSize { try runBatch() }
        }
        peakBufferedSamples = Swift.max(peakBufferedSamples, chunker.bufferedSamples + batch.count)
    }

    private func runBatch() throws {
        let input = try Tensor(batch, shape: [batchChunks, predictor.model.clipSamples])
        let batchStarts = chunks.suffix(batchChunks).map(\.start)
        for (task, rows) in try predictor.chunkPredictions(input) {
            if task.kind.isTimeAligned {
                try accumulateFrames(task: task, rows: rows, starts: batchStarts)
            } else {
                accumulate(task: task.name, rows: rows, width: task.outputCount, logarithm: task.kind == .multiClass)
            }
        }
        batch.removeAll(keepingCapacity: true)
        batchChunks = 0
    }

    /// Adds each chunk's frames (frames × classes) at its place in the track's frame grid: a
    /// chunk starting at sample s starts at frame round(s / hop).
    private func accumulateFrames(task: TaskSpec, rows: [Float], starts: [Int]) throws {
        guard let rate = predictor.model.frameRate else {
            throw ModelError.invalidInferenceSetting("task \(task.name) is time-aligned but the model gives no frame rate")
        }
        let hop = predictor.model.sampleRate / rate, width = task.outputCount
        let perChunk = rows.count / Swift.max(starts.count, 1), chunkFrames = perChunk / width
        var sums = frameSums[task.name] ?? [], counts = frameCounts[task.name] ?? []
        for (c, start) in starts.enumerated() {
            let first = Int((Double(start) / Double(hop)).rounded())
            let needed = first + chunkFrames
            if counts.count < needed {
                sums += [Float](repeating: 0, count: (needed - counts.count) * width)
                counts += [Float](repeating: 0, count: needed - counts.count)
            }
            for f in 0..<chunkFrames {
                counts[first + f] += 1
                for k in 0..<width { sums[(first + f) * width + k] += rows[c * perChunk + f * width + k] }
            }
        }
        frameSums[task.name] = sums
        frameCounts[task.name] = counts
    }

    private func accumulate(task: String, rows: [Float], width: Int, logarithm: Bool) {
        let aggregation = predictor.options.aggregation
        var aggregate = aggregates[task] ?? Array(repeating: aggregation == .max ? -.infinity : 0, count: width)
        for row in 0..<(rows.count / width) {
            let values = rows[(row * width)..<((row + 1) * width)]
            for (i, v) in zip(0..., values) {
                switch aggregation {
                case .mean: aggregate[i] += Double(v)
                case .max: aggregate[i] = Swift.max(aggregate[i], Double(v))
                // Floored so that one chunk's underflow to 0 cannot make a class impossible.
                case .logMean: aggregate[i] += logarithm ? Foundation.log(Swift.max(Double(v), 1e-12)) : Double(v)
                }
            }
            if predictor.options.keepChunkPredictions { chunkValues[task, default: []].append(Array(values)) }
        }
        aggregates[task] = aggregate
    }
}
