import Foundation
import Testing
@testable import Torch

@Suite("Process groups over Gloo (two ranks on threads)")
struct ProcessGroupTests {
    @Test("all-reduce sums and averages across ranks, several tensors per bucket and tensors split over buckets")
    func allReduce() async throws {
        let port = try freePort()
        let results = try await runRanks(2) { rank -> [[Float]] in
            let group = try localGroup(rank: rank, worldSize: 2, port: port)
            group.bucketBytes = 16  // four floats: forces several buckets
            let r = Float(rank + 1)
            let a = try Tensor([r, 2 * r, 3 * r] as [Float])
            let b = try Tensor([10 * r] as [Float])
            let c = try Tensor([r, r, r, r, r, r] as [Float], shape: [2, 3])
            try group.allReduce([a, b, c])
            let d = try Tensor([r, -r] as [Float])
            try group.allReduce([d], average: true)
            let e = try Tensor([r] as [Float])
            try group.allReduce([e], operation: .max)
            return [try a.toArray(), try b.toArray(), try c.toArray(), try d.toArray(), try e.toArray()]
        }
        for ranks in results {
            #expect(ranks[0] == [3, 6, 9])
            #expect(ranks[1] == [30])
            #expect(ranks[2] == [Float](repeating: 3, count: 6))
            #expect(ranks[3] == [1.5, -1.5])
            #expect(ranks[4] == [2])
        }
    }

    @Test("broadcast gives every rank the root's values; barrier returns on all ranks")
    func broadcastAndBarrier() async throws {
        let port = try freePort()
        let results = try await runRanks(2) { rank -> [Float] in
            let group = try localGroup(rank: rank, worldSize: 2, port: port)
            let a = try Tensor([Float(rank), Float(rank) + 0.5] as [Float])
            let b = try Tensor([Float(rank * 7)] as [Float])
            try group.broadcast([a, b], from: 1)
            try group.barrier()
            return try a.toArray() + b.toArray()
        }
        #expect(results == [[1, 1.5, 7], [1, 1.5, 7]])
    }

    @Test("gradient averaging: each rank ends with the mean of the ranks' gradients")
    func gradients() async throws {
        let port = try freePort()
        let results = try await runRanks(2) { rank -> [Float] in
            let group = try localGroup(rank: rank, worldSize: 2, port: port)
            let w = try Tensor([1, 2] as [Float])
            try w.requiringGrad()
            let x = try Tensor([Float(rank + 1), Float(rank + 1)] as [Float])
            try (w * x).sum().backward()
            try group.averageGradients(of: [w])
            return try #require(w.grad).toArray()
        }
        #expect(results == [[1.5, 1.5], [1.5, 1.5]])
    }

    @Test("the differentiable sum back-propagates the sum of every rank's incoming gradient")
    func differentiableSum() async throws {
        let port = try freePort()
        let results = try await runRanks(2) { rank -> [Float] in
            let group = try localGroup(rank: rank, worldSize: 2, port: port)
            let x = try Tensor([Float(rank + 1)] as [Float])
            try x.requiringGrad()
            let total = try group.differentiableSum(x)
            let value = try total.toArray(Float.self)[0]
            // Loss on rank r: (r + 1) * sum, so d/dx_r of the global loss is 1 + 2 = 3.
            try (total * Double(rank + 1)).sum().backward()
            return [value, try #require(x.grad).toArray(Float.self)[0]]
        }
        #expect(results == [[3, 3], [3, 3]])
    }

    // A rank lost mid-job is tested with real processes (IntegrationTests,
    // `DistributedTrainingTests.lostRankAndResume`), not with two ranks on threads here: when one
    // rank's connections close in-process, Gloo's event loop can still touch a socket's
    // descriptor number after it was closed; another test opening a file reuses that number,
    // `epoll_ctl` fails with EPERM and Gloo aborts the whole test process (seen once in CI).

    @Test("a store that nobody serves is a thrown DistributedError naming the address")
    func unreachableStore() throws {
        let port = try freePort()
        do {
            _ = try TCPStore(host: "127.0.0.1", port: port, isServer: false, worldSize: 2, timeout: .milliseconds(300))
            Issue.record("connecting to an unserved store did not throw")
        } catch let error as DistributedError {
            #expect("\(error)".contains("127.0.0.1:\(port)"))
        }
    }
}

@Suite("Distributed launch variables")
struct DistributedEnvironmentTests {
    @Test("torchrun's variables")
    func torchrun() throws {
        let env = try DistributedEnvironment(environment: [
            "RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1", "MASTER_ADDR": "10.0.0.1", "MASTER_PORT": "1234",
            "CRESCENDO_DIST_TIMEOUT": "7.5",
        ])
        #expect(env.rank == 3 && env.worldSize == 4 && env.localRank == 1)
        #expect(env.masterAddress == "10.0.0.1" && env.masterPort == 1234 && env.source == .torchrun)
        #expect(env.timeout == .milliseconds(7500))
        #expect(env.isDistributed && !env.isPrimary)
    }

    @Test("Slurm's variables, with the master taken from the node list; torchrun's win when both are set")
    func slurm() throws {
        let env = try DistributedEnvironment(environment: [
            "SLURM_PROCID": "5", "SLURM_NTASKS": "8", "SLURM_LOCALID": "1",
            "SLURM_JOB_NODELIST": "gpu[007-010,12],cpu1", "SLURM_JOB_ID": "4242",
        ])
        #expect(env.rank == 5 && env.worldSize == 8 && env.localRank == 1 && env.source == .slurm)
        #expect(env.masterAddress == "gpu007" && env.masterPort == 24242)
        let both = try DistributedEnvironment(environment: [
            "SLURM_PROCID": "5", "SLURM_NTASKS": "8", "RANK": "0", "WORLD_SIZE": "2", "MASTER_ADDR": "h",
        ])
        #expect(both.source == .torchrun && both.worldSize == 2)
        #expect(SlurmNodeList.firstHost("a1,b2") == "a1")
        #expect(SlurmNodeList.firstHost("n[3-4]-ib") == "n3-ib")
        #expect(SlurmNodeList.firstHost("") == nil)
    }

    @Test("no variables: one process; malformed ones name the variable")
    func errors() throws {
        #expect(try DistributedEnvironment(environment: [:]) == .single)
        for (env, variable) in [
            (["WORLD_SIZE": "two", "RANK": "0"], "WORLD_SIZE"),
            (["WORLD_SIZE": "2", "RANK": "2", "MASTER_ADDR": "h"], "RANK"),
            (["WORLD_SIZE": "2", "RANK": "1"], "MASTER_ADDR"),
            (["WORLD_SIZE": "2", "RANK": "1", "MASTER_ADDR": "h", "MASTER_PORT": "70000"], "MASTER_PORT"),
            (["CRESCENDO_DIST_TIMEOUT": "-1"], "CRESCENDO_DIST_TIMEOUT"),
        ] {
            #expect {
                try DistributedEnvironment(environment: env)
            } throws: { error in
                guard case DistributedError.invalidEnvironment(let name, _) = error else { return false }
                return name == variable
            }
        }
    }
}
