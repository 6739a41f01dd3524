/// One worker to start: its rank, arguments and full environment.
public struct WorkerSpec: Sendable {
    public var rank: Int
    public var arguments: [String]
    public var environment: [String: String]

    public init(rank: Int, arguments: [String], environment: [String: String]) {
        self.rank = rank
        self.arguments = arguments
        self.environment = environment
    }

    /// `count` local ranks of the command `arguments`, with torchrun's variables (RANK,
    /// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, which `DistributedEnvironment` reads)
    /// added to `base`.
    public static func localRanks(_ count: Int, arguments: [String], port: Int, threadsPerWorker: Int,
                                  timeout: Double?, base: [String: String]) -> [WorkerSpec] {
        var shared = base
        shared["MASTER_ADDR"] = "127.0.0.1"
        shared["MASTER_PORT"] = String(port)
        shared["WORLD_SIZE"] = String(count)
        shared["LOCAL_WORLD_SIZE"] = String(count)
        shared["OMP_NUM_THREADS"] = String(threadsPerWorker)
        if let timeout { shared["CRESCENDO_DIST_TIMEOUT"] = String(timeout) }
        return (0..<count).map { rank in
            var environment = shared
            environment["RANK"] = String(rank)
            environment["LOCAL_RANK"] = String(rank)
            return WorkerSpec(rank: rank, arguments: arguments, environment: environment)
        }
    }
}
