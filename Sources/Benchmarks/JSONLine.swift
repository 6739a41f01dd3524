import Foundation

/// The two renderings of a JSON-lines object: keys sorted (Crescendo's own lines), or keys in
/// the given order with Python's `json.dumps` spacing (`{"a": 1, "b": "x"}`), so that
/// Crescendo's benchmark lines read exactly like the PyTorch reference's. The CLI's other
/// JSON-lines output renders through here too, so that there is one rendering of each.
public enum JSONLine {
    /// `object` with sorted keys, or nil when it is not serialisable as JSON.
    public static func sortedKeys(_ object: [String: Any]) -> String? {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// `fields` in their order, spaced as Python's `json.dumps` spaces them.
    public static func pythonStyle(_ fields: KeyValuePairs<String, Any>) -> String {
        let body = fields.map { "\(jsonString($0.key)): \(jsonValue($0.value))" }.joined(separator: ", ")
        return "{\(body)}"
    }

    private static func jsonValue(_ value: Any) -> String {
        switch value {
        case let s as String: return jsonString(s)
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(i)
        case let d as Double: return d.isFinite ? "\(d)" : "NaN"
        default: return jsonString("\(value)")
        }
    }

    private static func jsonString(_ s: String) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return "\"\"" }
        return String(text.dropFirst().dropLast())
    }
}
