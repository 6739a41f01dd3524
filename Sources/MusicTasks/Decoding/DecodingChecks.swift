// Argument checks shared by the decoders.

enum DecodingChecks {
    /// A frame rate must be positive and finite.
    static func frameRate(_ fps: Double) throws(TaskError) {
        guard fps.isFinite, fps > 0 else {
            throw .invalidDecoding(reason: "the frame rate must be positive and finite, not \(fps) fps")
        }
    }

    /// Every activation must be a probability (finite, within 0…1).
    static func probabilities(_ values: [Float], what: String) throws(TaskError) {
        if let bad = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidDecoding(reason: "\(what) of frame \(bad) is \(values[bad]), not a probability in 0…1")
        }
    }
}
