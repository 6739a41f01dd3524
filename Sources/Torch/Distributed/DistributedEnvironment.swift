import Foundation

/// Where this process sits in a distributed job, read from the launch variables that torchrun
/// (and `crescendo launch`) set — RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT — or,
/// when those are absent, Slurm's — SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, the first host of
/// SLURM_JOB_NODELIST/SLURM_NODELIST (MASTER_ADDR/MASTER_PORT still win when set).
public struct DistributedEnvironment: Sendable, Equatable {
    /// Which convention the values came from.
    public enum Source: String, Sendable { case single, torchrun, slurm }

    public var rank: Int
    public var worldSize: Int
    public var localRank: Int
    public var masterAddress: String
    public var masterPort: Int
    public var source: Source
    /// How long rendezvous and collectives wait for a peer (CRESCENDO_DIST_TIMEOUT, seconds).
    public var timeout: Duration
    /// Network interface for Gloo (GLOO_SOCKET_IFNAME), when set.
    public var interface: String?

    public static let defaultPort = 29500
    public static let defaultTimeout = Duration.seconds(300)

    /// A one-process job.
    public static let single = DistributedEnvironment(
        rank: 0, worldSize: 1, localRank: 0, masterAddress: "127.0.0.1", masterPort: defaultPort, source: .single,
        timeout: defaultTimeout, interface: nil)

    public init(rank: Int, worldSize: Int, localRank: Int, masterAddress: String, masterPort: Int, source: Source,
                timeout: Duration, interface: String?) {
        self.rank = rank
        self.worldSize = worldSize
        self.localRank = localRank
        self.masterAddress = masterAddress
        self.masterPort = masterPort
        self.source = source
        self.timeout = timeout
        self.interface = interface
    }

    /// Whether there is more than one rank.
    public var isDistributed: Bool { worldSize > 1 }
    /// Rank 0 writes checkpoints, logs and merged outputs.
    public var isPrimary: Bool { rank == 0 }

    /// Reads the variables of `environment` (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func integer(_ name: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw DistributedError.invalidEnvironment(variable: name, reason: "\"\(text)\" is not an integer")
            }
            if let range, !range.contains(value) {
                throw DistributedError.invalidEnvironment(variable: name, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        var timeout = Self.defaultTimeout
        if let text = environment["CRESCENDO_DIST_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text), seconds > 0 else {
                throw DistributedError.invalidEnvironment(variable: "CRESCENDO_DIST_TIMEOUT", reason: "\"\(text)\" is not a positive number of seconds")
            }
            timeout = .milliseconds(Int64(seconds * 1000))
        }
        let interface = environment["GLOO_SOCKET_IFNAME"].flatMap { $0.isEmpty ? nil : $0 }
        let port = try integer("MASTER_PORT", in: 1...65535)

        if let worldSize = try integer("WORLD_SIZE", in: 1...1_000_000) {
            guard let rank = try integer("RANK", in: 0...(worldSize - 1)) else {
                throw DistributedError.invalidEnvironment(variable: "RANK", reason: "must be set with WORLD_SIZE")
            }
            let address = environment["MASTER_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
            if worldSize > 1 && address == nil {
                throw DistributedError.invalidEnvironment(variable: "MASTER_ADDR", reason: "must be set when WORLD_SIZE > 1")
            }
            self.init(rank: rank, worldSize: worldSize, localRank: try integer("LOCAL_RANK") ?? rank,
                      masterAddress: address ?? "127.0.0.1", masterPort: port ?? Self.defaultPort, source: .torchrun,
                      timeout: timeout, interface: interface)
        } else if let tasks = try integer("SLURM_NTASKS", in: 1...1_000_000) {
            guard let rank = try integer("SLURM_PROCID", in: 0...(tasks - 1)) else {
                throw DistributedError.invalidEnvironment(variable: "SLURM_PROCID", reason: "must be set with SLURM_NTASKS")
            }
            let nodes = environment["SLURM_JOB_NODELIST"] ?? environment["SLURM_NODELIST"] ?? ""
            let address = environment["MASTER_ADDR"].flatMap { $0.isEmpty ? nil : $0 } ?? SlurmNodeList.firstHost(nodes)
            guard let address else {
                throw DistributedError.invalidEnvironment(variable: "SLURM_NODELIST", reason: "names no host and MASTER_ADDR is not set")
            }
            // A port derived from the job id keeps concurrent jobs on one node apart.
            let jobPort = (try integer("SLURM_JOB_ID")).map { 20000 + $0 % 10000 }
            self.init(rank: rank, worldSize: tasks, localRank: try integer("SLURM_LOCALID") ?? 0, masterAddress: address,
                      masterPort: port ?? jobPort ?? Self.defaultPort, source: .slurm, timeout: timeout, interface: interface)
        } else {
            var single = Self.single
            single.timeout = timeout
            self = single
        }
    }

    /// Connects to the job's store (rank 0 serves it) and forms the process group.
    public func connect(backend: DistributedBackend = .gloo) throws -> ProcessGroup {
        let store = try TCPStore(host: masterAddress, port: masterPort, isServer: rank == 0, worldSize: worldSize,
                                 timeout: timeout)
        return try ProcessGroup(store: store, rank: rank, worldSize: worldSize, backend: backend, timeout: timeout,
                                interface: interface)
    }
}

/// Slurm's compressed host lists ("node[01-04,07],gpu3").
public enum SlurmNodeList {
    /// The first host of the list, or nil when it is empty or malformed.
    public static func firstHost(_ list: String) -> String? {
        let text = list.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        // The first entry ends at a comma outside brackets.
        var depth = 0
        var entry = ""
        for c in text {
            if c == "[" { depth += 1 } else if c == "]" { depth -= 1 }
            if c == "," && depth == 0 { break }
            entry.append(c)
        }
        guard let open = entry.firstIndex(of: "[") else { return entry.isEmpty ? nil : entry }
        guard let close = entry.firstIndex(of: "]"), open < close else { return nil }
        let prefix = entry[..<open]
        let suffix = entry[entry.index(after: close)...]
        let ranges = entry[entry.index(after: open)..<close]
        guard let first = ranges.split(separator: ",").first?.split(separator: "-").first, !first.isEmpty else { return nil }
        return String(prefix) + String(first) + String(suffix)
    }
}
