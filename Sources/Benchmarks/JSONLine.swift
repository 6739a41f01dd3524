import Foundation

/// One JSON object per line with keys in the given order and Python's `json.dumps` spacing
/// (`{"a": 1, "b": "x"}`), so that Crescendo's benchmark lines read exactly like the PyTorch
/// reference's.
func emitInOrder(_ fields: KeyValuePairs<String, Any>) {
    let body = fields.map { "\(jsonString($0.key)): \(jsonValue($0.value))" }.joined(separator: ", ")
    FileHandle.standardOutput.write(Data("{\(body)}\n".utf8))
}

private func jsonValue(_ value: Any) -> String {
    switch value {
    case let s as String: return jsonString(s)
    case let b as Bool: return b ? "true" : "false"
    case let i as Int: return String(i)
    case let d as Double: return d.isFinite ? "\(d)" : "NaN"
    default: return jsonString("\(value)")
    }
}

private func jsonString(_ s: String) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed, .withoutEscapingSlashes]),
          let text = String(data: data, encoding: .utf8) else { return "\"\"" }
    return String(text.dropFirst().dropLast())
}
