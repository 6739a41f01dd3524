import Foundation
import Torch

/// A state dict that does not fit a module, each problem named.
public struct StateDictMismatch: Error, CustomStringConvertible, Equatable, Sendable {
    public var missing: [String]
    public var unexpected: [String]
    /// (name, expected shape, found shape)
    public var shapeMismatches: [ShapeMismatch]

    public struct ShapeMismatch: Equatable, Sendable {
        public var name: String
        public var expected: [Int]
        public var found: [Int]
    }

    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty }

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing keys: \(missing.joined(separator: ", "))") }
        if !unexpected.isEmpty { parts.append("unexpected keys: \(unexpected.joined(separator: ", "))") }
        if !shapeMismatches.isEmpty {
            parts.append("shape mismatches: " + shapeMismatches.map { "\($0.name) expects \($0.expected), file has \($0.found)" }
                .joined(separator: "; "))
        }
        return "state dict does not match the model: " + parts.joined(separator: "; ")
    }
}

extension Module {
    /// Parameters and persistent buffers by full name (shares storage with the module).
    public func stateDict() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, t) in namedParameters() { result[name] = t }
        for (name, t) in namedBuffers(persistentOnly: true) { result[name] = t }
        return result
    }

    /// Copies values from `state` into the module's tensors (converting dtype and device).
    /// With `strict`, any missing or unexpected key is an error; shape mismatches always are.
    /// Nothing is copied unless the whole state dict fits.
    public func load(stateDict state: [String: Tensor], strict: Bool = true) throws {
        let own = stateDict()
        var mismatch = StateDictMismatch(missing: [], unexpected: [], shapeMismatches: [])
        for name in own.keys.sorted() where state[name] == nil { mismatch.missing.append(name) }
        for name in state.keys.sorted() where own[name] == nil { mismatch.unexpected.append(name) }
        for name in own.keys.sorted() {
            guard let mine = own[name], let theirs = state[name] else { continue }
            if mine.shape != theirs.shape {
                mismatch.shapeMismatches.append(.init(name: name, expected: mine.shape, found: theirs.shape))
            }
        }
        if !mismatch.shapeMismatches.isEmpty || (strict && !mismatch.isEmpty) { throw mismatch }
        try withNoGrad {
            for (name, target) in own {
                guard let source = state[name] else { continue }
                try target.copyFrom(source)
            }
        }
    }

    /// Writes the state dict to a safetensors file (atomically), loadable by PyTorch's
    /// `safetensors.torch.load_file` + `load_state_dict(strict=True)`.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try TensorStore.save(stateDict(), metadata: metadata, to: url)
    }

    /// Loads a safetensors state dict.
    public func load(contentsOf url: URL, strict: Bool = true) throws {
        try load(stateDict: TensorStore.load(contentsOf: url), strict: strict)
    }
}
