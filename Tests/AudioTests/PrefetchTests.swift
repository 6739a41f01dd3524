import Foundation
import Synchronization
import Testing
@testable import Audio

@Suite("Decoding ahead: the bounded channel and the track prefetcher")
struct PrefetchTests {
    @Test("the channel keeps order and never holds more than its capacity")
    func boundedOrder() async throws {
        let channel = BoundedChannel<Int>(capacity: 3)
        let sent = Atomic<Int>(0)
        let producer = Thread.detachedResult {
            var accepted = 0
            for i in 0..<20 where channel.send(i) {
                accepted += 1
                sent.add(1, ordering: .sequentiallyConsistent)
            }
            channel.finish()
            return accepted
        }
        // A slow consumer: an unbounded channel would let the producer run through all 20 now.
        try await Task.sleep(for: .milliseconds(50))
        #expect(sent.load(ordering: .sequentiallyConsistent) <= 3)
        var received: [Int] = []
        while let value = await channel.receive() {
            received.append(value)
            // Held = sent - received ≤ capacity (+1 for a send that completes as we look).
            #expect(sent.load(ordering: .sequentiallyConsistent) - received.count <= 3)
            if received.count % 5 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(await producer.value() == 20)
        #expect(received == Array(0..<20))
    }

    @Test("costs count against the capacity; one oversize element passes an empty channel")
    func costs() async throws {
        let channel = BoundedChannel<String>(capacity: 10)
        #expect(channel.send("big", cost: 25))  // empty: accepted, or nothing could ever pass
        let second = Thread.detachedResult { channel.send("small", cost: 1) }
        try await Task.sleep(for: .milliseconds(30))
        // Still waiting: 25 held, 26 > 10.
        #expect(await channel.receive() == "big")
        #expect(await second.value())
        #expect(await channel.receive() == "small")
        channel.finish()
        #expect(await channel.receive() == nil)
        #expect(channel.send("late") == false)
    }

    @Test("cancelling wakes a waiting producer with false and ends the consumer")
    func cancellation() async throws {
        let channel = BoundedChannel<Int>(capacity: 1)
        #expect(channel.send(1))
        let blocked = Thread.detachedResult { channel.send(2) }
        try await Task.sleep(for: .milliseconds(30))
        channel.cancel()
        #expect(await blocked.value() == false)
        #expect(await channel.receive() == nil)
    }

    @Test("tracks arrive in order, each block-exact with its own stream; a bad file fails alone")
    func prefetchedTracks() async throws {
        try await withTemporaryDirectory { dir in
            let corrupt = dir + "/corrupt.wav"
            try writeBytes(Array("RIFF not really a wave file".utf8), to: corrupt)
            let paths = [Fixtures.path("tone.ogg"), dir + "/missing.flac", corrupt, Fixtures.path("tone_pcm16.wav"),
                         Fixtures.path("tone.opus")]
            let options = StreamOptions(blockFrames: 4_096)
            // A capacity well below one track: the decoder has to wait for the consumer.
            let prefetcher = TrackPrefetcher(paths: paths, options: options, capacitySamples: 3_000)
            var samples = [Int: [Float]]()
            var ended: [Int] = [], failed: [Int: AudioError] = [:]
            var order: [Int] = []
            try await prefetcher.run { event in
                switch event {
                case let .block(track, block):
                    if order.last != track { order.append(track) }
                    samples[track, default: []] += block.samples
                case let .end(track): ended.append(track)
                case let .failed(track, error):
                    if order.last != track { order.append(track) }
                    failed[track] = error
                }
            }
            #expect(ended == [0, 3, 4])
            #expect(Set(failed.keys) == [1, 2])
            #expect(order == [0, 1, 2, 3, 4])
            #expect(failed[1]?.description.contains("missing.flac") == true)
            #expect(failed[2]?.description.contains("corrupt.wav") == true)
            for track in [0, 3, 4] {
                let one = try loadMono(paths[track]).samples
                #expect(samples[track] == one, "track \(track)")
            }
        }
    }

    struct Stop: Error {}

    @Test("an error of the consumer stops the decoder and is rethrown")
    func consumerError() async throws {
        let paths = Array(repeating: Fixtures.path("tone_pcm16.wav"), count: 50)
        let prefetcher = TrackPrefetcher(paths: paths, options: StreamOptions(blockFrames: 2_048), capacitySamples: 4_000)
        var events = 0
        await #expect(throws: Stop.self) {
            try await prefetcher.run { _ in
                events += 1
                if events == 3 { throw Stop() }
            }
        }
        #expect(events == 3)
    }
}

/// A value computed on a thread of its own (a blocking producer), awaited by a test.
final class ThreadResult<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: T?
    private var waiter: CheckedContinuation<T, Never>?

    func set(_ value: T) {
        lock.lock()
        if let waiting = waiter {
            waiter = nil
            lock.unlock()
            waiting.resume(returning: value)
        } else {
            result = value
            lock.unlock()
        }
    }

    func value() async -> T {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(returning: result)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}

extension Thread {
    static func detachedResult<T: Sendable>(_ body: @escaping @Sendable () -> T) -> ThreadResult<T> {
        let result = ThreadResult<T>()
        Thread { result.set(body()) }.start()
        return result
    }
}
