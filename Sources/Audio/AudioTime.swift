/// A position or length in a file, in seconds or in frames.
public enum AudioTime: Sendable, Hashable {
    /// Seconds; converted to frames as `Int(seconds * sampleRate)`
    /// (truncation toward zero, exactly like librosa's `load`).
    case seconds(Double)
    /// Frames (samples per channel) at the file's native rate.
    case frames(Int)

    /// The number of frames this time spans at `sampleRate`.
    ///
    /// Throws ``AudioError/invalidArgument(_:)`` for negative or non-finite values.
    public func frameCount(atSampleRate sampleRate: Int) throws(AudioError) -> Int {
        switch self {
        case .frames(let n):
            guard n >= 0 else { throw AudioError.invalidArgument("negative frame count \(n)") }
            return n
        case .seconds(let s):
            guard s.isFinite, s >= 0 else { throw AudioError.invalidArgument("time must be finite and >= 0, got \(s) s") }
            let product = s * Double(sampleRate)
            guard product < Double(Int.max / 2) else { throw AudioError.invalidArgument("time \(s) s is too large") }
            return Int(product)
        }
    }
}

/// What a windowed read does when the window runs past the end of the file.
public enum PaddingPolicy: Sendable, Hashable {
    /// Fill the missing frames with silence (0.0).
    case zeros
    /// Continue from the start of the file, repeating it as often as needed.
    /// An offset past the end wraps around (offset modulo length).
    case repeatLoop
    /// Return only the frames that exist (librosa's behaviour); the result
    /// may be shorter than requested, or empty when the offset is past the end.
    case truncate
    /// Throw ``AudioError/shorterThanWindow(path:requestedFrames:availableFrames:)``.
    case fail
}
