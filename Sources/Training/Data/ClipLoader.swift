import Audio
import Foundation
import Models
import MusicTasks
import Synchronization
import Torch

/// Where a clip is cut from its track.
public enum CropPolicy: String, Sendable, Codable {
    /// A uniformly random offset, recomputable from (seed, epoch, example).
    case random
    /// The middle of the track (evaluation).
    case center
}

/// How the loader batches and decodes.
public struct ClipLoaderConfig: Sendable, Codable, Equatable {
    public var batchSize: Int
    public var clipSamples: Int
    public var sampleRate: Int
    public var seed: UInt64
    public var shuffle: Bool
    public var crop: CropPolicy
    public var dropLast: Bool
    /// Batches decoded ahead of the consumer (each decodes its clips in parallel).
    public var prefetchBatches: Int
    /// Keep whole decoded tracks in memory (small data sets read for many epochs).
    public var cacheDecodedAudio: Bool
    /// Frames per second of the model's time-aligned outputs (`AudioModel.frameRate`); nil when
    /// it has none. Time-aligned tasks get frame targets at this rate.
    public var frameRate: Int?
    /// Data-parallel sharding: this loader yields part `shardIndex` of `shardCount` equal,
    /// contiguous parts of every (global) batch of `batchSize`, so that the ranks together see
    /// every example of an epoch once, in the single-process order.
    public var shardIndex: Int
    public var shardCount: Int
    /// Tempo changes that move time-aligned targets with the audio (training only).
    public var tempo: TempoAugmentation?

    public init(batchSize: Int, clipSamples: Int, sampleRate: Int = 16000, seed: UInt64 = 0, shuffle: Bool = true,
                crop: CropPolicy = .random, dropLast: Bool = true, prefetchBatches: Int = 4,
                cacheDecodedAudio: Bool = false, shardIndex: Int = 0, shardCount: Int = 1, frameRate: Int? = nil,
                tempo: TempoAugmentation? = nil) {
        self.frameRate = frameRate
        self.tempo = tempo
        self.shardIndex = shardIndex
        self.shardCount = shardCount
        self.batchSize = batchSize
        self.clipSamples = clipSamples
        self.sampleRate = sampleRate
        self.seed = seed
        self.shuffle = shuffle
        self.crop = crop
        self.dropLast = dropLast
        self.prefetchBatches = prefetchBatches
        self.cacheDecodedAudio = cacheDecodedAudio
    }
}

/// Decoded whole tracks at the loader's rate, shared by the decoding tasks.
final class DecodedAudioCache: Sendable {
    private let tracks = Mutex<[String: [Float]]>([:])

    func get(_ path: String) -> [Float]? {
        tracks.withLock { $0[path] }
    }

    func put(_ path: String, _ samples: [Float]) {
        tracks.withLock { $0[path] = samples }
    }
}

/// Random (or centred) crops of labeled tracks, decoded by seeking, in parallel, a bounded
/// number of batches ahead of the model. The order of every epoch and the place of every crop
/// are pure functions of (seed, epoch, position), so a resumed run sees the same data.
public struct ClipLoader: Sendable {
    public let tracks: [LabeledTrack]
    public let tasks: [TaskSpec]
    public let config: ClipLoaderConfig
    let cache: DecodedAudioCache?

    public init(tracks: [LabeledTrack], tasks: [TaskSpec], config: ClipLoaderConfig) throws {
        guard !tracks.isEmpty else { throw TrainingError.emptyDataset("the loader got no tracks") }
        guard config.batchSize >= 1, config.clipSamples >= 1, config.sampleRate >= 1 else {
            throw TrainingError.invalidConfig(key: "loader", reason: "batch size, clip length and rate must be positive")
        }
        try config.tempo?.validate()
        guard config.shardCount >= 1, (0..<config.shardCount).contains(config.shardIndex),
              config.batchSize % config.shardCount == 0 else {
            throw TrainingError.invalidConfig(key: "batch_size", reason: "the global batch (\(config.batchSize)) must split evenly over \(config.shardCount) ranks")
        }
        self.tracks = tracks
        self.tasks = tasks
        self.config = config
        self.cache = config.cacheDecodedAudio ? DecodedAudioCache() : nil
    }

    /// Batches per epoch.
    public var batchCount: Int {
        config.dropLast ? Swift.max(1, tracks.count / config.batchSize)
            : (tracks.count + config.batchSize - 1) / config.batchSize
    }

    /// The order of the tracks in `epoch`.
    public func order(epoch: Int) -> [Int] {
        var indices = Array(tracks.indices)
        if config.shuffle {
            var rng = SplitMix64(seed: config.seed, 0x5348_5546, UInt64(epoch))
            indices.shuffle(using: &rng)
        }
        return indices
    }

    /// Track indices of this shard's part of batch `index` of `epoch`.
    public func batchIndices(epoch: Int, index: Int) -> [Int] {
        let global = globalBatchIndices(epoch: epoch, index: index)
        guard config.shardCount > 1 else { return global }
        let part = (global.count + config.shardCount - 1) / config.shardCount
        let start = Swift.min(global.count, config.shardIndex * part)
        return Array(global[start..<Swift.min(global.count, start + part)])
    }

    /// Track indices of batch `index` of `epoch` over all shards.
    public func globalBatchIndices(epoch: Int, index: Int) -> [Int] {
        let order = order(epoch: epoch)
        let start = index * config.batchSize
        var slice = Array(order[Swift.min(start, order.count)..<Swift.min(start + config.batchSize, order.count)])
        // With fewer tracks than a batch, a dropLast epoch still yields one full batch.
        while config.dropLast && slice.count < config.batchSize && !order.isEmpty {
            slice.append(order[slice.count % order.count])
        }
        return slice
    }

    /// The batches of `epoch` from `start`, prefetched in order.
    public func batches(epoch: Int, from start: Int = 0) -> BatchSequence {
        BatchSequence(loader: self, epoch: epoch, start: start)
    }

    /// Source seconds per clip second of track `index`'s crop in `epoch` (1 without tempo
    /// augmentation).
    public func tempoRate(track index: Int, epoch: Int) -> Double {
        config.tempo?.rate(seed: config.seed, epoch: epoch, index: index) ?? 1
    }

    /// Source samples the crop of track `index` reads in `epoch`: the clip's, times its tempo rate.
    func sourceSamples(track index: Int, epoch: Int) -> Int {
        let rate = tempoRate(track: index, epoch: epoch)
        return rate == 1 ? config.clipSamples : Swift.max(1, Int((Double(config.clipSamples) * rate).rounded()))
    }

    /// Offset (seconds) of the crop of track `index` in `epoch`: inside the track's segment when
    /// it has one (a segment shorter than the crop gets a crop centred on it). The crop is the
    /// excerpt the clip plays (longer or shorter than the clip under tempo augmentation).
    public func cropOffset(track index: Int, epoch: Int) -> Double {
        let clip = Double(sourceSamples(track: index, epoch: epoch)) / Double(config.sampleRate)
        let region = tracks[index].croppable
        let room = region.duration - clip
        guard room > 0 else {
            // Centred on a short segment, kept inside the track where the track allows.
            let centred = region.start + room / 2
            return Swift.max(0, Swift.min(centred, tracks[index].duration - clip))
        }
        switch config.crop {
        case .center: return region.start + room / 2
        case .random:
            var rng = SplitMix64(seed: config.seed, UInt64(epoch) &+ 0xC0FFEE, UInt64(index))
            return region.start + room * rng.nextUnit()
        }
    }

    /// One clip of exactly `clipSamples` samples (zero-padded at the end if the track is short);
    /// under tempo augmentation, the excerpt it plays stretched (or compressed) into it.
    func clip(track index: Int, epoch: Int) throws -> [Float] {
        let track = tracks[index]
        let offset = cropOffset(track: index, epoch: epoch)
        let n = sourceSamples(track: index, epoch: epoch)
        var samples: [Float]
        if let cache {
            let whole: [Float]
            if let cached = cache.get(track.path) {
                whole = cached
            } else {
                whole = try loadMono(track.path, targetRate: config.sampleRate).samples
                cache.put(track.path, whole)
            }
            let start = Swift.min(whole.count, Int((offset * Double(config.sampleRate)).rounded(.down)))
            samples = Array(whole[start..<Swift.min(whole.count, start + n)])
        } else {
            let seconds = Double(n) / Double(config.sampleRate)
            samples = try loadMono(track.path, targetRate: config.sampleRate, offset: offset, duration: seconds).samples
        }
        if samples.count > n { samples.removeLast(samples.count - n) }
        if samples.count < n { samples += [Float](repeating: 0, count: n - samples.count) }
        // Padding first, then stretching: the time map stays one linear function of the clip.
        if n != config.clipSamples { samples = TimeStretch(sampleRate: config.sampleRate)(samples, length: config.clipSamples) }
        return samples
    }

    /// Decodes one batch, its clips in parallel; unreadable tracks become masked silence.
    func decodeBatch(epoch: Int, index: Int) async throws -> Batch {
        let indices = batchIndices(epoch: epoch, index: index)
        let n = config.clipSamples
        // Decoding reads files and blocks, so the batch's clips decode in parallel on Dispatch's
        // threads (concurrentPerform), and this task waits for them without holding a thread of
        // the cooperative pool.
        let loader = self
        let results: [Result<[Float], Error>?] = try await BlockingWork.run {
            let slots = Mutex<[Result<[Float], Error>?]>(Array(repeating: nil, count: indices.count))
            DispatchQueue.concurrentPerform(iterations: indices.count) { position in
                let result = Result { try loader.clip(track: indices[position], epoch: epoch) }
                slots.withLock { $0[position] = result }
            }
            return slots.withLock { $0 }
        }
        var clips: [[Float]] = []
        var failures: [(Int, String)] = []
        for (position, result) in results.enumerated() {
            switch result {
            case .success(let samples)?: clips.append(samples)
            case .failure(let error)?:
                clips.append([Float](repeating: 0, count: n))
                failures.append((indices[position], "\(error)"))
            case nil:
                clips.append([Float](repeating: 0, count: n))
                failures.append((indices[position], "not decoded"))
            }
        }
        let timeAligned = tasks.contains(where: \.kind.isTimeAligned)
        return try Batch.make(clips: clips, sampleRate: config.sampleRate, tracks: indices.map { tracks[$0] }, indices: indices, tasks: tasks,
                              failures: failures, frameRate: config.frameRate,
                              offsets: timeAligned ? indices.map { cropOffset(track: $0, epoch: epoch) } : [],
                              timeScales: timeAligned ? indices.map { tempoRate(track: $0, epoch: epoch) } : [])
    }
}

/// The batches of one epoch, `prefetchBatches` decoding ahead of the consumer, in order.
public struct BatchSequence: AsyncSequence, Sendable {
    public typealias Element = Batch
    let loader: ClipLoader
    let epoch: Int
    let start: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(loader: loader, epoch: epoch, next: start)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let loader: ClipLoader
        let epoch: Int
        var next: Int
        var pending: [Task<Batch, Error>] = []

        init(loader: ClipLoader, epoch: Int, next: Int) {
            self.loader = loader
            self.epoch = epoch
            self.next = next
        }

        public mutating func next() async throws -> Batch? {
            let total = loader.batchCount
            let depth = Swift.max(1, loader.config.prefetchBatches)
            var scheduled = next + pending.count
            while pending.count < depth && scheduled < total {
                let (l, e, i) = (loader, epoch, scheduled)
                pending.append(Task { try await l.decodeBatch(epoch: e, index: i) })
                scheduled += 1
            }
            guard !pending.isEmpty else { return nil }
            let task = pending.removeFirst()
            next += 1
            return try await task.value
        }
    }
}
