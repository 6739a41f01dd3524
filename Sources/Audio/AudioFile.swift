/// Entry points for one file: probe, windowed read, streaming, mono loading.
///
/// All functions are synchronous and thread-safe with respect to each other:
/// each call opens its own libsndfile handle, so any number of tasks may
/// call them concurrently (on different or on the same files).
public enum AudioFile {
    /// Reads the header of `path` without decoding audio.
    public static func probe(_ path: String) throws(AudioError) -> AudioInfo {
        try AudioReader(path: path).info
    }

    /// Reads `[offset, offset + length)` by seeking; see ``AudioReader/read(offset:length:padding:)``.
    public static func read(_ path: String, offset: AudioTime = .frames(0), length: AudioTime,
                            padding: PaddingPolicy = .zeros) throws(AudioError) -> AudioBuffer {
        try AudioReader(path: path).read(offset: offset, length: length, padding: padding)
    }

    /// Decodes the whole file, interleaved at its native rate. Holds every
    /// sample in memory: prefer ``AudioStream`` for long files.
    public static func readAll(_ path: String) throws(AudioError) -> AudioBuffer {
        try AudioReader(path: path).readAll()
    }

    /// Mono clip at `targetRate`; see the free function ``loadMono(_:targetRate:offset:duration:quality:)``.
    public static func loadMono(_ path: String, targetRate: Int? = 16_000, offset: Double = 0,
                                duration: Double? = nil, quality: ResampleQuality = .high) throws(AudioError) -> MonoAudio {
        try Audio.loadMono(path, targetRate: targetRate, offset: offset, duration: duration, quality: quality)
    }

    /// Streams the whole file in blocks; see ``AudioStream/forEachBlock(path:options:_:)``.
    public static func forEachBlock(_ path: String, options: StreamOptions = StreamOptions(),
                                    _ body: (AudioBlock) throws -> Void) throws {
        try AudioStream.forEachBlock(path: path, options: options, body)
    }

    /// Async block sequence; see ``AudioBlocks``.
    public static func blocks(_ path: String, options: StreamOptions = StreamOptions()) -> AudioBlocks {
        AudioBlocks(path: path, options: options)
    }
}
