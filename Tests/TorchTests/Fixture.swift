import Foundation
import Testing
@testable import Torch

/// The PyTorch oracle fixtures written by tools/make_torch_fixtures.py.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> [String: Tensor] {
        try TorchStoreCache.shared.load(directory.appendingPathComponent(name))
    }
}

/// Loads each fixture file once per test process.
final class TorchStoreCache: @unchecked Sendable {
    static let shared = TorchStoreCache()
    private let lock = NSLock()
    private var files: [URL: [String: Tensor]] = [:]

    func load(_ url: URL) throws -> [String: Tensor] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = files[url] { return cached }
        let loaded = try TensorStore.load(contentsOf: url)
        files[url] = loaded
        return loaded
    }
}

/// Expects two tensors to have the same shape and values within tolerance, reporting the
/// largest difference when they do not.
func expectClose(_ actual: Tensor, _ expected: Tensor, atol: Double = 1e-5, rtol: Double = 1e-4,
                 _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) != \(expected.shape)",
            sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let a = try actual.to(.float64), e = try expected.to(.float64)
    let ok = try a.allClose(e, rtol: rtol, atol: atol)
    let worst = try (a - e).abs().max().item()
    #expect(ok, "\(what): max |difference| \(worst)", sourceLocation: sourceLocation)
}
