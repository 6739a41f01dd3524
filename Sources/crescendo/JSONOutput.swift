import Benchmarks

/// Prints one JSON object per line, keys sorted.
func emit(_ object: [String: Any]) {
    BenchmarkOutput.standardOutput.emit(object)
}

/// Prints one JSON object per line, keys in the given order (as the benchmark lines are).
func emitInOrder(_ fields: KeyValuePairs<String, Any>) {
    BenchmarkOutput.standardOutput.emitInOrder(fields)
}
