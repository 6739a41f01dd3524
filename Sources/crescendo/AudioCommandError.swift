import Audio

/// Why an `audio` subcommand failed on a file; every case names the file.
enum AudioCommandError: Error, CustomStringConvertible {
    /// Decoding failed (the error names the file).
    case audio(AudioError)
    /// The decoded window is too short for the STFT's reflect padding.
    case tooShort(path: String, samples: Int, needed: Int)
    /// The feature computation failed.
    case features(path: String, message: String)
    /// Writing the output failed.
    case write(path: String, message: String)
    /// Some of the files given could not be read (their errors were printed).
    case filesFailed(failed: Int, total: Int)

    var description: String {
        switch self {
        case .audio(let error):
            return error.description
        case .tooShort(let path, let samples, let needed):
            return "\(path): \(samples) samples after decoding, too short for the log-mel front end (needs at least \(needed))"
        case .features(let path, let message):
            return "\(path): log-mel failed: \(message)"
        case .write(let path, let message):
            return "\(path): cannot write: \(message)"
        case .filesFailed(let failed, let total):
            return "\(failed) of \(total) files could not be read"
        }
    }
}
