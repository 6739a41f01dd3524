import Foundation
import Testing
import Torch
@testable import NN

@Suite("Synchronised batch norm")
struct SyncBatchNormTests {
    /// Two ranks on threads, each with half of a batch, against one module with the whole batch.
    @Test("two ranks with half a batch each match one module with the whole batch: output, input gradient, weight gradient, running statistics")
    func matchesWholeBatch() async throws {
        let generator = try Generator(seed: 11)
        let x = try Tensor.randn([6, 3, 4, 5], generator: generator) * 2.0 + 0.5
        let upstream = try Tensor.randn([6, 3, 4, 5], generator: generator)
        let whole = try BatchNorm.twoD(3)
        let input = try x.clone().requiringGrad()
        let y = try whole(input)
        try (y * upstream).sum().backward()
        let expected = (y: try y.toArray(Float.self), dx: try #require(input.grad).toArray(Float.self),
                        dw: try #require(whole.weight.grad).toArray(Float.self),
                        mean: try whole.runningMean.toArray(Float.self), variance: try whole.runningVar.toArray(Float.self))

        let port = try LocalPort.free()
        let parts = try await Self.runRanks(2) { rank -> [[Float]] in
            let store = try TCPStore(host: "127.0.0.1", port: port, isServer: rank == 0, worldSize: 2, timeout: .seconds(30))
            let group = try ProcessGroup(store: store, rank: rank, worldSize: 2, timeout: .seconds(30), hostname: "127.0.0.1")
            let bn = try BatchNorm.twoD(3)
            bn.synchronization = group
            let part = try x.slice(dim: 0, start: 3 * rank, end: 3 * rank + 3).clone().requiringGrad()
            let out = try bn(part)
            // The global loss is the sum over ranks; the weight gradient is summed as DDP would average a mean loss.
            try (out * upstream.slice(dim: 0, start: 3 * rank, end: 3 * rank + 3)).sum().backward()
            let dw = try #require(bn.weight.grad)
            try group.allReduce([dw])
            return [try out.toArray(), try #require(part.grad).toArray(), try dw.toArray(),
                    try bn.runningMean.toArray(), try bn.runningVar.toArray()]
        }
        func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 } && a.count == b.count }
        #expect(close(parts[0][0] + parts[1][0], expected.y))
        #expect(close(parts[0][1] + parts[1][1], expected.dx))
        for rank in 0..<2 {
            #expect(close(parts[rank][2], expected.dw))
            #expect(close(parts[rank][3], expected.mean))
            #expect(close(parts[rank][4], expected.variance))
        }
    }

    static func runRanks<R: Sendable>(_ n: Int, _ body: @escaping @Sendable (Int) throws -> R) async throws -> [R] {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            for rank in 0..<n {
                group.addTask {
                    (rank, try await withCheckedThrowingContinuation { continuation in
                        Thread { continuation.resume(with: Result { try body(rank) }) }.start()
                    })
                }
            }
            var out = [R?](repeating: nil, count: n)
            for try await (rank, value) in group { out[rank] = value }
            return out.compactMap { $0 }
        }
    }
}
