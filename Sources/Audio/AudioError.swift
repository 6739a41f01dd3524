/// Everything that can go wrong while probing, decoding or resampling audio.
///
/// Every case that concerns a file carries its path so a message printed from
/// a batch job identifies the culprit without extra context.
public enum AudioError: Error, CustomStringConvertible, Sendable, Hashable {
    /// Nothing exists at `path` (ENOENT, or a dangling symbolic link).
    case fileNotFound(path: String)
    /// The file exists but the process may not read it (EACCES/EPERM).
    case permissionDenied(path: String)
    /// `path` names a directory, even if its name ends in `.wav` or `.mp3`.
    case isDirectory(path: String)
    /// `path` is a FIFO, socket or device rather than a regular file.
    case notRegularFile(path: String)
    /// Any other operating-system failure while opening or reading.
    case ioError(path: String, errno: Int32, message: String)
    /// libsndfile does not recognise the content as audio it can decode
    /// (text renamed to `.wav`, unknown container, unsupported codec...), or the
    /// libavcodec backend cannot decode it like libsndfile would. `reason` is
    /// libsndfile's own message, or starts with `libav` for the libavcodec backend.
    case unsupportedFormat(path: String, reason: String)
    /// The decoder reported an error part-way through the stream.
    case corrupt(path: String, frame: Int, reason: String)
    /// The stream ended before the number of frames its header announces.
    case truncated(path: String, expectedFrames: Int, decodedFrames: Int)
    /// The file decodes to zero frames.
    case emptyAudio(path: String)
    /// The requested window extends past the end of the file and the
    /// padding policy is ``PaddingPolicy/fail``.
    case shorterThanWindow(path: String, requestedFrames: Int, availableFrames: Int)
    /// A decoded sample is NaN or infinite (possible in FLOAT/DOUBLE files).
    case nonFiniteSample(path: String, frame: Int, channel: Int)
    /// The header's sample rate is outside 1000...384000 Hz.
    case invalidSampleRate(path: String, sampleRate: Int)
    /// The header's channel count is 0 or more than 64. A header with more
    /// channels than libsndfile accepts (1024) is reported with
    /// `channels == AudioLimits.libsndfileMaxChannels + 1`.
    case invalidChannelCount(path: String, channels: Int)
    /// A caller-supplied argument is out of range (negative offset, zero rate...).
    case invalidArgument(String)
    /// libsoxr refused a configuration or failed while processing.
    case resampler(String)

    /// The file the error is about, when there is one.
    public var path: String? {
        switch self {
        case .fileNotFound(let path), .permissionDenied(let path), .isDirectory(let path),
             .notRegularFile(let path), .emptyAudio(let path):
            return path
        case .ioError(let path, _, _), .unsupportedFormat(let path, _), .corrupt(let path, _, _),
             .truncated(let path, _, _), .shorterThanWindow(let path, _, _),
             .nonFiniteSample(let path, _, _), .invalidSampleRate(let path, _),
             .invalidChannelCount(let path, _):
            return path
        case .invalidArgument, .resampler:
            return nil
        }
    }

    /// A one-line, human-readable message naming the file and the problem.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .permissionDenied(let path):
            return "\(path): permission denied (file is not readable by this process)"
        case .isDirectory(let path):
            return "\(path): is a directory, not an audio file"
        case .notRegularFile(let path):
            return "\(path): not a regular file (FIFO, socket or device)"
        case .ioError(let path, let code, let message):
            return "\(path): I/O error \(code): \(message)"
        case .unsupportedFormat(let path, let reason) where reason.hasPrefix("libav"):
            return "\(path): not audio or unsupported format (\(reason))"
        case .unsupportedFormat(let path, let reason):
            return "\(path): not audio or unsupported format (libsndfile: \(reason))"
        case .corrupt(let path, let frame, let reason):
            return "\(path): corrupt audio, decoding failed at frame \(frame): \(reason)"
        case .truncated(let path, let expected, let decoded):
            return "\(path): stream ended early (truncated or corrupt): header announces \(expected) frames but only \(decoded) could be decoded"
        case .emptyAudio(let path):
            return "\(path): contains no audio frames (zero length)"
        case .shorterThanWindow(let path, let requested, let available):
            return "\(path): shorter than the requested window (\(requested) frames requested, \(available) available)"
        case .nonFiniteSample(let path, let frame, let channel):
            return "\(path): non-finite sample (NaN or Inf) at frame \(frame), channel \(channel)"
        case .invalidSampleRate(let path, let rate):
            return "\(path): implausible sample rate \(rate) Hz (accepted: \(AudioLimits.sampleRates.lowerBound)...\(AudioLimits.sampleRates.upperBound))"
        case .invalidChannelCount(let path, let channels) where channels > AudioLimits.libsndfileMaxChannels:
            return "\(path): implausible channel count (more than libsndfile's maximum of \(AudioLimits.libsndfileMaxChannels))"
        case .invalidChannelCount(let path, let channels):
            return "\(path): implausible channel count \(channels) (accepted: \(AudioLimits.channels.lowerBound)...\(AudioLimits.channels.upperBound))"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        case .resampler(let message):
            return "resampler (libsoxr) error: \(message)"
        }
    }
}

/// Sanity limits applied to every file header.
public enum AudioLimits {
    /// Sample rates outside this range are reported as ``AudioError/invalidSampleRate(path:sampleRate:)``.
    public static let sampleRates: ClosedRange<Int> = 1_000...384_000
    /// Channel counts outside this range are reported as ``AudioError/invalidChannelCount(path:channels:)``.
    public static let channels: ClosedRange<Int> = 1...64
    /// libsndfile refuses files with more channels than this (`SF_MAX_CHANNELS`).
    public static let libsndfileMaxChannels = 1024
}
