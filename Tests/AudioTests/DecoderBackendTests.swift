import Foundation
import Testing
@testable import Audio

/// The libavcodec backend delivers what libsndfile delivers (rate, channels, frame count,
/// samples within a stated tolerance), `.automatic` picks it only where it may, and damaged
/// files get the same verdict from both. Tolerances are a few times the measured difference.
@Suite("Decoder backends: libavcodec against libsndfile")
struct DecoderBackendTests {
    // MARK: agreement

    /// Vorbis: measured 2.98e-7 on both files (and at most 7.7e-7 over the 56 Vorbis tracks of
    /// the demo pool). tone_shared_header_page.ogg would be off by a 128-frame shift (max |diff|
    /// ~0.5) if the packet libsndfile discards were decoded. Opus: tone.opus is CELT only,
    /// measured 2.38e-7.
    @Test("same rate, channels, frame count and samples", arguments: [
        ("tone.ogg", Float(2e-6)), ("tone_shared_header_page.ogg", Float(2e-6)), ("tone.opus", Float(2e-6)),
    ])
    func agreement(_ file: String, _ tolerance: Float) throws {
        let path = Fixtures.path(file)
        let reference = try SoundFileHandle(path: path)
        let candidate = try CodecFileHandle(path: path)
        #expect(candidate.info == reference.info)
        let expected = try readInChunks(reference)
        let decoded = try readInChunks(candidate)
        #expect(decoded.count == reference.info.frames * reference.info.channels)
        #expect(decoded.count == expected.count)
        guard decoded.count == expected.count else { return }
        let difference = maxAbsDiff(decoded, expected)
        #expect(difference <= tolerance, "\(file): max |diff| \(difference)")
    }

    /// SILK and hybrid packets: libopus and libavcodec resample the SILK band with different
    /// filters (libavcodec's output lags by about 2 samples at 48 kHz), so a 4 kHz chirp differs
    /// a lot sample by sample while the length and the signal energy agree. Measured: max |diff|
    /// 0.208, signal-to-difference 10.3 dB, energy ratio 1.006.
    @Test("SILK/hybrid Opus: same length and energy, samples differ as the resamplers do")
    func silkOpus() throws {
        let path = Fixtures.path("tone_silk.opus")
        let reference = try SoundFileHandle(path: path)
        let candidate = try CodecFileHandle(path: path)
        #expect(candidate.info == reference.info)
        let expected = try readInChunks(reference)
        let decoded = try readInChunks(candidate)
        #expect(decoded.count == expected.count && decoded.count == 48_000 * 2)
        guard decoded.count == expected.count else { return }
        let difference = maxAbsDiff(decoded, expected)
        let ratio = snr(expected, decoded)
        let energy = decoded.reduce(0.0) { $0 + Double($1 * $1) } / expected.reduce(0.0) { $0 + Double($1 * $1) }
        #expect(difference <= 0.3, "max |diff| \(difference)")
        #expect(ratio >= 8, "signal-to-difference \(ratio) dB")
        #expect(abs(energy - 1) <= 0.02, "energy ratio \(energy)")
    }

    // MARK: backend choice

    @Test("automatic picks libavcodec for Ogg Vorbis read from the start, bit for bit",
          arguments: ["tone.ogg", "tone_shared_header_page.ogg"])
    func automaticPicksLibavcodec(_ file: String) throws {
        let path = Fixtures.path(file)
        let automatic = try decode(path, .automatic)
        #expect(automatic.decoder == .libavcodec)
        let explicit = try decode(path, .libavcodec)
        #expect(explicit.decoder == .libavcodec)
        let same = automatic.samples == explicit.samples
        #expect(same)
        #expect(automatic.samples.count == 16_000)
        // The header stays libsndfile's view.
        #expect(automatic.info == (try AudioFile.probe(path)))
    }

    @Test("automatic keeps libsndfile for Opus, WAV, FLAC and MP3, with unchanged output",
          arguments: ["tone.opus", "tone_silk.opus", "tone_pcm16.wav", "tone_float.wav", "tone.flac", "tone.mp3"])
    func automaticKeepsSndfile(_ file: String) throws {
        let path = Fixtures.path(file)
        let automatic = try decode(path, .automatic)
        #expect(automatic.decoder == .sndfile)
        let same = try automatic.samples == decode(path, .sndfile).samples
        #expect(same)
    }

    @Test("automatic keeps libsndfile for a stream that starts past frame 0")
    func automaticSeeksWithSndfile() throws {
        let path = Fixtures.path("tone.ogg")
        let options = StreamOptions(targetSampleRate: nil, downmix: false)
        let offset = try AudioStream(path: path, options: options, offset: .seconds(0.5))
        #expect(offset.decoder == .sndfile)
        var window: [Float] = []
        while let block = try offset.next() { window += block.samples }
        let full = try AudioFile.readAll(path)
        let same = window == Array(full.interleaved[(22_050 * 2)...])
        #expect(same)
        // A window from frame 0 is still read from the start: libavcodec.
        let head = try AudioStream(path: path, options: options, offset: .frames(0), duration: .seconds(0.25))
        #expect(head.decoder == .libavcodec)
    }

    @Test("libavcodec refuses Opus below 48 kHz, where libsndfile decodes at the input rate")
    func fallbackForLowRateOpus() throws {
        try withTemporaryDirectory { dir in
            // libsndfile decodes Opus at 8/12/16/24 kHz when OpusHead records such an input rate;
            // libavcodec always at 48 kHz.
            let path = dir + "/tone_16k.opus"
            try writeBytes(opusWithInputRate(16_000), to: path)
            let stream = try AudioStream(path: path, options: StreamOptions(targetSampleRate: nil, downmix: false))
            #expect(stream.decoder == .sndfile)
            #expect(stream.info.sampleRate == 16_000 && stream.info.frames == 16_000)
            let refused = audioError { try CodecFileHandle(path: path) }
            guard case .unsupportedFormat(path, let reason)? = refused else {
                Issue.record("expected unsupportedFormat, got \(String(describing: refused))")
                return
            }
            #expect(reason.contains("input rate 16000"))
            #expect(audioError { try decode(path, .libavcodec) } == refused)
        }
    }

    @Test("explicit libavcodec: other formats and offsets are errors naming the file")
    func explicitLibavcodecRefuses() throws {
        let flac = Fixtures.path("tone.flac")
        let error = audioError { try decode(flac, .libavcodec) }
        #expect(error == .unsupportedFormat(path: flac, reason: "libavformat: not an Ogg stream"))
        #expect(error?.description == "\(flac): not audio or unsupported format (libavformat: not an Ogg stream)")
        let ogg = Fixtures.path("tone.ogg")
        let offset = audioError {
            try AudioStream(path: ogg, options: StreamOptions(decoder: .libavcodec), offset: .seconds(0.5))
        }
        guard case .invalidArgument(let message)? = offset else {
            Issue.record("expected invalidArgument, got \(String(describing: offset))")
            return
        }
        #expect(message.contains(ogg))
        #expect(audioError { try decode("/no/such/file.ogg", .libavcodec) } == .fileNotFound(path: "/no/such/file.ogg"))
    }

    // MARK: damaged files

    /// Cut in the headers (tone.ogg at 4000 bytes) or in the audio pages: libsndfile cannot
    /// establish the length, libavcodec sees the file end inside a page or cannot read the
    /// headers; either way the file is corrupt at frame 0.
    @Test("an Ogg file cut inside a page: corrupt at frame 0 from both backends",
          arguments: [("tone.ogg", 4000), ("tone.opus", 8000), ("tone.opus", 15_000)])
    func cutInsidePage(_ file: String, _ bytes: Int) throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/cut_" + file
            try writePrefix(of: file, bytes: bytes, to: path)
            let sndfile = audioError { try decode(path, .sndfile) }
            guard case .corrupt(path, 0, _)? = sndfile else {
                Issue.record("libsndfile: expected corrupt, got \(String(describing: sndfile))")
                return
            }
            let libavcodec = audioError { try decode(path, .libavcodec) }
            guard case .corrupt(path, 0, _)? = libavcodec else {
                Issue.record("libavcodec: expected corrupt, got \(String(describing: libavcodec))")
                return
            }
            // libsndfile probes first, so automatic reports its error unchanged.
            #expect(audioError { try decode(path, .automatic) } == sndfile)
        }
    }

    @Test("an Opus file cut at a page boundary: both decode the same shorter stream")
    func cutAtPageBoundary() throws {
        try withTemporaryDirectory { dir in
            let bytes = try fixtureBytes("tone.opus")
            let starts = pageStarts(bytes)
            #expect(starts.count >= 5)
            let path = dir + "/cut_at_page.opus"
            try writeBytes(Array(bytes[..<starts[starts.count - 2]]), to: path)
            let sndfile = try decode(path, .sndfile, native: true)
            let libavcodec = try decode(path, .libavcodec, native: true)
            #expect(sndfile.samples.count == libavcodec.samples.count)
            #expect(sndfile.info.frames < 48_000 && sndfile.samples.count == sndfile.info.frames * 2)
            #expect(try decode(path, .automatic).decoder == .sndfile)
        }
    }

    @Test("a page missing inside an Opus stream: truncated, from both backends")
    func missingPage() throws {
        try withTemporaryDirectory { dir in
            let bytes = try fixtureBytes("tone.opus")
            let starts = pageStarts(bytes)
            let middle = starts.count / 2 + 1
            let path = dir + "/hole.opus"
            try writeBytes(Array(bytes[..<starts[middle]] + bytes[starts[middle + 1]...]), to: path)
            for decoder in AudioDecoderBackend.allCases {
                let error = audioError { try decode(path, decoder) }
                guard case .truncated(path, 48_000, let decoded)? = error else {
                    Issue.record("\(decoder): expected truncated, got \(String(describing: error))")
                    continue
                }
                #expect(decoded < 48_000 - 5_760, "\(decoder)")
            }
        }
    }

    // MARK: Ogg page rules

    @Test("page rules: a cut inside a page, packets on the last header page")
    func pageRules() throws {
        let bytes = try fixtureBytes("tone.ogg")
        #expect(!OggPages.endsInsidePage(tail: bytes[...]))
        #expect(OggPages.endsInsidePage(tail: bytes[..<(bytes.count - 1)]))
        #expect(OggPages.endsInsidePage(tail: bytes[..<(pageStarts(bytes)[2] + 10)]))
        #expect(!OggPages.endsInsidePage(tail: bytes[..<pageStarts(bytes)[2]]))
        #expect(!OggPages.endsInsidePage(tail: (bytes + Array("junk after the last page".utf8))[...]))

        for (file, expected) in [("tone.ogg", 0), ("tone_shared_header_page.ogg", 1)] {
            let fd = open(Fixtures.path(file), O_RDONLY)
            defer { close(fd) }
            let count = OggPages.packetsSharingLastHeaderPage(fd: fd, fileSize: try fixtureBytes(file).count, headerPackets: 3)
            #expect(count == expected, "\(file)")
        }
    }

    // MARK: helpers

    /// Reads a whole file in odd-sized chunks, checking the read contract: every read but the
    /// last is full, and the end stays the end.
    private func readInChunks(_ decoder: some FrameDecoder, chunk: Int = 999) throws -> [Float] {
        let channels = decoder.info.channels
        var all: [Float] = []
        var buffer = [Float](repeating: 0, count: chunk * channels)
        var shortReads = 0
        while true {
            let got = try buffer.withUnsafeMutableBufferPointer { raw throws(AudioError) -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return try decoder.read(into: base, frames: chunk)
            }
            all += buffer[0..<(got * channels)]
            if got < chunk { shortReads += 1 }
            if got == 0 { break }
        }
        #expect(shortReads <= 2) // the partial last chunk, then the empty read
        return all
    }

    private struct Decoded {
        var samples: [Float]
        var decoder: AudioDecoderBackend
        var info: AudioInfo
    }

    /// Decodes `path` completely, 16 kHz mono by default or at its native rate and layout.
    private func decode(_ path: String, _ decoder: AudioDecoderBackend, native: Bool = false) throws -> Decoded {
        let options = native
            ? StreamOptions(blockFrames: 4096, targetSampleRate: nil, downmix: false, decoder: decoder)
            : StreamOptions(blockFrames: 4096, decoder: decoder)
        let stream = try AudioStream(path: path, options: options)
        var samples: [Float] = []
        while let block = try stream.next() { samples += block.samples }
        return Decoded(samples: samples, decoder: stream.decoder, info: stream.info)
    }

    private func fixtureBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name))))
    }

    /// Offsets of the pages of a well-formed Ogg file.
    private func pageStarts(_ bytes: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var offset = 0
        while let page = OggPages.pageHeader(in: bytes[...], at: offset) {
            starts.append(offset)
            offset += page.totalLength
        }
        return starts
    }

    /// tone.opus with the OpusHead input sample rate replaced (page CRC recomputed).
    private func opusWithInputRate(_ rate: UInt32) throws -> [UInt8] {
        var bytes = try fixtureBytes("tone.opus")
        guard let first = OggPages.pageHeader(in: bytes[...], at: 0) else { throw AudioError.invalidArgument("no page") }
        let body = 27 + first.lacing.count
        #expect(Array(bytes[body..<(body + 8)]) == Array("OpusHead".utf8))
        for i in 0..<4 { bytes[body + 12 + i] = UInt8(truncatingIfNeeded: rate >> (8 * UInt32(i))) }
        for i in 22..<26 { bytes[i] = 0 }
        let crc = oggCRC(bytes[0..<first.totalLength])
        for i in 0..<4 { bytes[22 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        return bytes
    }

    /// Ogg's page checksum: CRC-32, polynomial 0x04c11db7, not reflected, initial value 0.
    private func oggCRC(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0
        for byte in bytes {
            crc ^= UInt32(byte) << 24
            for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1 }
        }
        return crc
    }
}
