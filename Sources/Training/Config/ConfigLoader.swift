import Foundation
import Yams

/// Reads YAML configurations into Codable types, strictly: a key the type does not know, or a
/// value of the wrong type, is an error naming the key (`trainer.epochs`) before any work starts.
/// Command-line overrides (`trainer.epochs=3`) are applied to the YAML tree first.
public enum ConfigLoader {
    /// Loads `T` from a YAML file with overrides.
    public static func load<T: Codable>(_ type: T.Type, from url: URL, overrides: [String] = []) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TrainingError.invalidConfig(key: url.path, reason: "cannot read the file")
        }
        return try load(type, yaml: String(decoding: data, as: UTF8.self), overrides: overrides, source: url.path)
    }

    /// Loads `T` from YAML text with overrides; `source` names the text in errors.
    public static func load<T: Codable>(_ type: T.Type, yaml: String, overrides: [String] = [], source: String = "<config>") throws -> T {
        var root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping([:])
        } catch {
            throw TrainingError.invalidConfig(key: source, reason: "not valid YAML: \(error)")
        }
        if case .scalar(let s) = root, s.string.isEmpty { root = .mapping([:]) }
        guard case .mapping = root else { throw TrainingError.invalidConfig(key: source, reason: "the top level must be a mapping") }
        for override in overrides { root = try apply(override, to: root) }
        let value: T
        do {
            value = try YAMLDecoder().decode(T.self, from: root)
        } catch let error as DecodingError {
            throw describe(error)
        }
        let known = try Yams.compose(yaml: YAMLEncoder().encode(value)) ?? .mapping([:])
        if let unknown = firstUnknownKey(root, known: known, path: []) {
            throw TrainingError.invalidConfig(key: unknown, reason: "unknown key")
        }
        return value
    }

    /// Sets `a.b.c` to a YAML scalar value in the tree.
    static func apply(_ override: String, to root: Node) throws -> Node {
        guard let eq = override.firstIndex(of: "=") else {
            throw TrainingError.invalidConfig(key: override, reason: "an override must look like key.path=value")
        }
        let path = override[..<eq].split(separator: ".").map(String.init)
        guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }) else {
            throw TrainingError.invalidConfig(key: String(override[..<eq]), reason: "empty key in override")
        }
        let text = String(override[override.index(after: eq)...])
        let value = (try? Yams.compose(yaml: text)) ?? nil
        return try set(path[...], to: value ?? Node.scalar(.init(text)), in: root, fullKey: path.joined(separator: "."))
    }

    static func set(_ path: ArraySlice<String>, to value: Node, in node: Node, fullKey: String) throws -> Node {
        guard let head = path.first else { return value }
        var mapping: Node.Mapping
        switch node {
        case .mapping(let m): mapping = m
        case .scalar(let s) where s.string.isEmpty || s.string == "null" || s.string == "~": mapping = Node.Mapping([])
        default: throw TrainingError.invalidConfig(key: fullKey, reason: "\(head) is inside a value that is not a mapping")
        }
        let key = Node(head)
        let child = mapping[key] ?? Node.mapping([:])
        mapping[key] = try set(path.dropFirst(), to: value, in: path.count == 1 ? child : child, fullKey: fullKey)
        return .mapping(mapping)
    }

    /// The first key (dotted path) present with a value in `input` but absent from `known`.
    static func firstUnknownKey(_ input: Node, known: Node, path: [String]) -> String? {
        switch (input, known) {
        case (.mapping(let m), .mapping(let k)):
            for (keyNode, value) in m {
                if case .scalar(let s) = value, s.string == "null" || s.string == "~" || (s.string.isEmpty && s.style == .plain) { continue }
                let name = keyNode.string ?? "?"
                guard let knownValue = k[keyNode] else { return (path + [name]).joined(separator: ".") }
                if let deeper = firstUnknownKey(value, known: knownValue, path: path + [name]) { return deeper }
            }
            return nil
        case (.sequence(let s), .sequence(let k)):
            for (i, (a, b)) in zip(s, k).enumerated() {
                if let deeper = firstUnknownKey(a, known: b, path: path + ["\(i)"]) { return deeper }
            }
            return nil
        default:
            return nil
        }
    }

    static func describe(_ error: DecodingError) -> TrainingError {
        func key(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let c):
            return .invalidConfig(key: key(c.codingPath), reason: "expected \(readable(type))")
        case .valueNotFound(let type, let c):
            return .invalidConfig(key: key(c.codingPath), reason: "expected \(readable(type)), found nothing")
        case .keyNotFound(let k, let c):
            return .invalidConfig(key: key(c.codingPath + [k]), reason: "required key is missing")
        case .dataCorrupted(let c):
            return .invalidConfig(key: key(c.codingPath), reason: c.debugDescription)
        @unknown default:
            return .invalidConfig(key: "?", reason: "\(error)")
        }
    }

    static func readable(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "\(type)"
        }
    }
}
