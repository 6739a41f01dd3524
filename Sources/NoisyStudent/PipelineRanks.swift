import Foundation
import Torch

/// How the ranks of a distributed pipeline (`crescendo launch -- pipeline`) agree. Rank 0 alone
/// writes `pipeline.json` and the catalog: it decides whether each stage is reused or run,
/// creates the stage's catalog run, evaluates trained stages and merges the pseudo-label shards.
/// The other ranks wait for its decisions and results and join it in data-parallel training and
/// sharded labelling. Results travel through the job's key-value store (the one the process group
/// formed on), so a rank waiting through rank 0's evaluation is not held to the collectives'
/// timeout; a rank 0 that dies takes the store with it, and the waiting ranks fail.
public final class PipelineRanks {
    public let group: ProcessGroup
    /// How many results rank 0 has shared: every rank asks for them in the same order.
    private var shared = 0
    /// How many times the ranks have met at `arrive`.
    private var arrivals = 0
    /// How often a waiting rank looks for rank 0's result.
    let pollInterval: Duration

    public init(group: ProcessGroup, pollInterval: Duration = .milliseconds(200)) {
        self.group = group
        self.pollInterval = pollInterval
    }

    public var rank: Int { group.rank }
    public var count: Int { group.worldSize }
    public var isPrimary: Bool { group.rank == 0 }

    /// Returns once every rank has called it (the same number of times): a barrier with no
    /// timeout, for work whose length differs between ranks (a shard of the pool each).
    public func arrive() async throws {
        arrivals += 1
        let key = "crescendo/pipeline/arrived/\(arrivals)"
        var arrived = try group.store.add(key, 1)
        while arrived < count {
            try await Task.sleep(for: pollInterval)
            arrived = try group.store.add(key, 0)
        }
    }

    /// The end of the job: every rank has arrived, and rank 0, whose process serves the store,
    /// exits only after every other rank has stopped using it.
    public func finish() async throws {
        try await arrive()
        let key = "crescendo/pipeline/finished"
        if isPrimary {
            while try group.store.add(key, 0) < count - 1 { try await Task.sleep(for: pollInterval) }
        } else {
            try group.store.add(key, 1)
        }
    }

    /// What rank 0 sends: its result, or the error that stopped it (so that no rank waits for ever).
    enum Outcome<Value: Codable>: Codable {
        case value(Value)
        case failure(String)
    }

    /// Runs `body` on rank 0 and returns its result on every rank; an error on rank 0 is thrown
    /// on every rank. Every rank must make the same calls in the same order (`what` names the
    /// call in errors).
    public func onPrimary<Value: Codable>(_ what: String, _ body: () async throws -> Value) async throws -> Value {
        shared += 1
        let key = "crescendo/pipeline/\(shared)"
        if isPrimary {
            let outcome: Outcome<Value>
            var thrown: (any Error)?
            do {
                outcome = .value(try await body())
            } catch {
                thrown = error
                outcome = .failure(String(describing: error))
            }
            try group.store.set(key, Array(try JSONEncoder().encode(outcome)))
            if let thrown { throw thrown }
            if case let .value(value) = outcome { return value }
        }
        while try !group.store.contains([key]) { try await Task.sleep(for: pollInterval) }
        let bytes = try group.store.get(key)
        let outcome: Outcome<Value>
        do {
            outcome = try JSONDecoder().decode(Outcome<Value>.self, from: Data(bytes))
        } catch {
            throw PipelineError.ranks("rank \(rank) could not read rank 0's result of \(what): \(error)")
        }
        switch outcome {
        case let .value(value): return value
        case let .failure(message): throw PipelineError.ranks("rank 0 failed in \(what): \(message)")
        }
    }
}
