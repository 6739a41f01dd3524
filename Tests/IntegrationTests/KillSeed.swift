import Foundation
import Testing
import Training

/// The random choices of a kill test (which stage, which step, how long to wait) drawn from one
/// seed that is printed with the test's output and can be set, so that a failure can be
/// repeated: `CRESCENDO_KILL_SEED=<seed> swift test --filter <test>`. Every failure message of
/// the test carries ``note``.
struct KillSeed {
    static let variable = "CRESCENDO_KILL_SEED"

    struct InvalidSeed: Error, CustomStringConvertible {
        var text: String
        var description: String { "\(KillSeed.variable)=\(text) is not a seed (an unsigned 64-bit integer)" }
    }

    let seed: UInt64
    private var generator: SplitMix64

    /// The seed from `CRESCENDO_KILL_SEED` when set, else a fresh one; printed under `test`'s name.
    init(test: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let text = environment[Self.variable] {
            guard let value = UInt64(text.trimmingCharacters(in: .whitespaces)) else { throw InvalidSeed(text: text) }
            seed = value
        } else {
            seed = UInt64.random(in: 0...UInt64(UInt32.max))
        }
        generator = SplitMix64(seed: seed)
        print("\(test): \(note)")
    }

    /// "kill seed N (repeat with CRESCENDO_KILL_SEED=N)", for every failure message.
    var note: String { "kill seed \(seed) (repeat with \(Self.variable)=\(seed))" }

    mutating func integer(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &generator)
    }

    mutating func seconds(in range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &generator)
    }
}

@Suite("Kill tests' seeds")
struct KillSeedTests {
    @Test("CRESCENDO_KILL_SEED fixes every choice; without it a fresh seed is drawn and shown")
    func repeatable() throws {
        var a = try KillSeed(test: "a", environment: [KillSeed.variable: "42"])
        var b = try KillSeed(test: "b", environment: [KillSeed.variable: "42"])
        #expect(a.seed == 42 && a.note.contains("CRESCENDO_KILL_SEED=42"))
        for _ in 0..<5 {
            #expect(a.integer(in: 1...1000) == b.integer(in: 1...1000))
            #expect(a.seconds(in: 0...1.5) == b.seconds(in: 0...1.5))
        }
        let fresh = try KillSeed(test: "c", environment: [:])
        #expect(fresh.note.contains("\(fresh.seed)"))
        #expect(throws: KillSeed.InvalidSeed.self) { try KillSeed(test: "d", environment: [KillSeed.variable: "soon"]) }
    }
}
