import Foundation
import Synchronization

/// What a ``TrackPrefetcher`` hands its consumer, in file order: the blocks of a track, then its
/// end, or the error that stopped it.
public enum PrefetchedAudio: Sendable {
    /// The next converted block of track `track` (an index into the prefetcher's paths).
    case block(track: Int, AudioBlock)
    /// Track `track` was decoded to its end.
    case end(track: Int)
    /// Track `track` could not be (fully) decoded; blocks of it may have come before.
    case failed(track: Int, AudioError)
}

/// Decodes a list of files one after another, block by block, ahead of whoever consumes them.
///
/// Why: a consumer that decodes its next block only while the model runs on the current one
/// leaves a core idle whenever it waits for audio (between batches, at each track's start).
/// Decoding ahead into a ``BoundedChannel`` keeps the decoder busy the whole time the model runs,
/// with memory bounded by `capacitySamples` whatever the files' lengths. One unreadable file is
/// reported as `.failed` and the next one starts.
public struct TrackPrefetcher: Sendable {
    /// The files, in the order they are delivered.
    public let paths: [String]
    /// How each file is decoded (rate, down-mix, resampling quality, block size).
    public let options: StreamOptions
    /// Samples decoded ahead before the decoder waits for the consumer.
    public let capacitySamples: Int

    /// A prefetcher of `paths`; `capacitySamples` defaults to one minute of 16 kHz audio.
    public init(paths: [String], options: StreamOptions, capacitySamples: Int = 960_000) {
        self.paths = paths
        self.options = options
        self.capacitySamples = Swift.max(1, capacitySamples)
    }

    /// Decodes on a thread of its own and calls `consume` with every event, in order, on the
    /// calling task. When `consume` throws, decoding stops and the error is rethrown. Returns
    /// (or throws) only after the decoding thread has ended.
    ///
    /// A thread, not a task: a decoder that blocks would hold one of the cooperative pool's few
    /// threads (two on a 2-core machine), and each hand-over would wait for a free one.
    public func run(_ consume: (PrefetchedAudio) async throws -> Void) async throws {
        let channel = BoundedChannel<PrefetchedAudio>(capacity: capacitySamples)
        let paths = self.paths, options = self.options
        let ended = DecoderExit()
        let thread = Thread {
            Self.decode(paths: paths, options: options, into: channel)
            ended.signal()
        }
        thread.name = "crescendo.decode"
        thread.start()
        do {
            while let event = await channel.receive() {
                try Task.checkCancellation()
                try await consume(event)
            }
        } catch {
            channel.cancel()
            await ended.wait()
            throw error
        }
        await ended.wait()
    }

    /// Decodes every file into `channel`, then finishes it; stops early when it is cancelled.
    static func decode(paths: [String], options: StreamOptions, into channel: BoundedChannel<PrefetchedAudio>) {
        send(paths: paths, options: options, into: channel)
        channel.finish()
    }

    private static func send(paths: [String], options: StreamOptions, into channel: BoundedChannel<PrefetchedAudio>) {
        for (index, path) in paths.enumerated() {
            do throws(AudioError) {
                let stream = try AudioStream(path: path, options: options)
                while let block = try stream.next() {
                    guard channel.send(.block(track: index, block), cost: block.samples.count) else { return }
                }
                guard channel.send(.end(track: index)) else { return }
            } catch {
                guard channel.send(.failed(track: index, error)) else { return }
            }
        }
    }
}

/// The decoding thread's end, awaited without blocking a task's thread.
private final class DecoderExit: Sendable {
    private struct State {
        var done = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiting = state.withLock { state in
            state.done = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiting?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.done { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
