import Audio
import Torch

/// Predicts whole tracks with a model that takes fixed-length clips: cuts the track into
/// chunks of the model's clip length (with an optional hop for overlap), runs them through the
/// model in batches in evaluation mode without gradients, and aggregates the chunks'
/// predictions (sigmoid probabilities for multi-label tasks, softmax for multi-class ones,
/// raw values for regression) by mean or max.
///
/// Memory is bounded by the batch, not by the track: `predict(file:)` and `session()` consume
/// the audio block by block and keep only the samples that future chunks need.
///
/// For speed, give it a model prepared for inference (`inferenceCopy(_:)`). The model is put
/// in evaluation mode for each batch and returned to the mode it had.
public final class TrackPredictor {
    public let model: any AudioModel
    public let settings: TrackInferenceSettings
    /// Samples between chunk starts.
    public let hopSamples: Int

    public init(model: any AudioModel, settings: TrackInferenceSettings = TrackInferenceSettings()) throws {
        let hop = settings.hopSamples ?? model.clipSamples
        guard hop > 0 else { throw ModelError.invalidInferenceSetting("hop \(hop) must be positive") }
        guard settings.batchSize > 0 else {
            throw ModelError.invalidInferenceSetting("batch size \(settings.batchSize) must be positive")
        }
        self.model = model
        self.settings = settings
        self.hopSamples = hop
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

    /// The prediction for a track given as consecutive blocks of samples (mono, model rate).
    public func predict<Blocks: Sequence>(blocks: Blocks) throws -> TrackPrediction where Blocks.Element == [Float] {
        let session = try session()
        for block in blocks { try session.append(block) }
        return try session.finish()
    }

    /// The prediction for an audio file, decoded block by block, down-mixed to mono and
    /// resampled to the model's rate on the way (memory independent of the file's length).
    public func predict(file path: String, blockFrames: Int = 65_536,
                        quality: ResampleQuality = .high) throws -> TrackPrediction {
        let session = try session()
        let options = StreamOptions(blockFrames: blockFrames, targetSampleRate: model.sampleRate, downmix: true,
                                    quality: quality)
        try AudioFile.forEachBlock(path, options: options) { block in try session.append(block.samples) }
        return try session.finish()
    }
}

/// One track's streaming prediction (see `TrackPredictor.session()`): not thread-safe; one
/// track at a time.
public final class TrackInferenceSession {
    public let predictor: TrackPredictor
    private var chunker: TrackChunker
    /// Samples of the chunks waiting for a forward pass, back to back.
    private var batch: [Float] = []
    private var batchChunks = 0
    private var chunks: [TrackChunk] = []
    /// Per task: running sums (mean) or maxima (max) over chunks.
    private var aggregates: [String: [Double]] = [:]
    private var chunkValues: [String: [[Float]]] = [:]
    private var finished = false
    /// The most samples held at once by the chunker and the batch together.
    public private(set) var peakBufferedSamples = 0

    init(predictor: TrackPredictor) throws {
        self.predictor = predictor
        chunker = try TrackChunker(chunkSamples: predictor.model.clipSamples, hopSamples: predictor.hopSamples,
                                   tail: predictor.settings.tail)
        batch.reserveCapacity(predictor.settings.batchSize * predictor.model.clipSamples)
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
        for (task, aggregate) in aggregates {
            values[task] = aggregate.map { Float(predictor.settings.aggregation == .mean ? $0 / count : $0) }
        }
        return TrackPrediction(values: values, chunks: chunks, chunkValues: chunkValues,
                               trackSamples: chunker.samplesSeen, aggregation: predictor.settings.aggregation)
    }

    private func drainChunks() throws {
        while let chunk = chunker.nextChunk(into: &batch) {
            chunks.append(chunk)
            batchChunks += 1
            peakBufferedSamples = Swift.max(peakBufferedSamples, chunker.bufferedSamples + batch.count)
            if batchChunks == predictor.settings.batchSize { try runBatch() }
        }
        peakBufferedSamples = Swift.max(peakBufferedSamples, chunker.bufferedSamples + batch.count)
    }

    private func runBatch() throws {
        let model = predictor.model
        let input = try Tensor(batch, shape: [batchChunks, model.clipSamples])
        let wasTraining = model.isTraining
        if wasTraining { model.eval() }
        defer { if wasTraining { model.train() } }
        try withNoGrad {
            let logits = try model(input)
            for task in model.tasks {
                guard let taskLogits = logits[task.name] else {
                    throw ModelError.invalidInferenceSetting("the model returned no logits for task \(task.name)")
                }
                let rows = try task.kind.predictions(fromLogits: taskLogits.to(.float32)).toArray(Float.self)
                accumulate(task: task.name, rows: rows, width: task.outputCount)
            }
        }
        batch.removeAll(keepingCapacity: true)
        batchChunks = 0
    }

    private func accumulate(task: String, rows: [Float], width: Int) {
        var aggregate = aggregates[task] ?? Array(repeating: predictor.settings.aggregation == .mean ? 0 : -.infinity,
                                                  count: width)
        for row in 0..<(rows.count / width) {
            let values = rows[(row * width)..<((row + 1) * width)]
            for (i, v) in zip(0..., values) {
                switch predictor.settings.aggregation {
                case .mean: aggregate[i] += Double(v)
                case .max: aggregate[i] = Swift.max(aggregate[i], Double(v))
                }
            }
            if predictor.settings.keepChunkPredictions { chunkValues[task, default: []].append(Array(values)) }
        }
        aggregates[task] = aggregate
    }
}
