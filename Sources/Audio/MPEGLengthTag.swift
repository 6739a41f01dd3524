import Glibc

/// The length tag at the start of an MPEG audio file, if there is one.
///
/// libsndfile takes an mp3's frame count from libmpg123, which is exact when
/// the first audio frame is a Xing/Info (LAME) or VBRI tag frame and otherwise
/// estimated from the file size. libsndfile cannot tell the caller which, so
/// this looks at the first frame directly (reading at most 256 KiB with
/// `pread`, which leaves the descriptor's offset untouched).
///
/// A tag is written when the encoder finishes, so it describes the whole
/// stream even when the file was cut short later (a partial download, a copy
/// interrupted): libmpg123 then announces the full length. The tag's byte
/// count, compared with the file's size, shows that (``bytesMissing(fileSize:)``).
struct MPEGLengthTag: Equatable {
    /// "Xing", "Info" or "VBRI".
    var name: String
    /// File offset of the MPEG frame that holds the tag (after any ID3v2 tag).
    var frameOffset: Int
    /// MPEG frames in the stream, when the tag records it.
    var frames: Int?
    /// Bytes of the MPEG stream (the tag frame included), when the tag records it.
    var bytes: Int?
    /// Bytes of the tag frame, from its header's bit rate (the stream's for a CBR file).
    var frameBytes: Int

    /// Bytes the tag announces beyond the end of a file of `fileSize` bytes, or nil when the
    /// file is at least as long as the tag says. From the tag's byte count, or, when it has
    /// none, from its frame count at the tag frame's size (exact for CBR only, which is why a
    /// shortfall is only a reason to decode, never a verdict by itself).
    ///
    /// LAME's byte count starts at the tag frame; some writers count an ID3v2 tag in front of
    /// it too, so a file can look up to `frameOffset` bytes short without being cut: decoding
    /// settles that as well.
    func bytesMissing(fileSize: Int) -> Int? {
        let announced: Int
        if let bytes {
            announced = bytes
        } else if let frames {
            announced = (frames + 1) * frameBytes
        } else {
            return nil
        }
        let present = fileSize - frameOffset
        return present < announced ? announced - present : nil
    }

    /// Reads the tag of the open file `fd` (nil when the first frame has none).
    static func read(fd: Int32) -> MPEGLengthTag? {
        let capacity = 256 * 1024
        var bytes = [UInt8](repeating: 0, count: capacity)
        let count = bytes.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return pread(fd, base, capacity, 0)
        }
        guard count > 0 else { return nil }
        return find(in: bytes[0..<count])
    }

    /// True when a Xing, Info or VBRI tag is found in the first MPEG frame.
    static func hasLengthTag(in data: ArraySlice<UInt8>) -> Bool {
        find(in: data) != nil
    }

    /// Byte-level detection and parsing on the start of a file (exposed for tests).
    static func find(in data: ArraySlice<UInt8>) -> MPEGLengthTag? {
        let base = data.startIndex
        var offset = 0
        let n = data.count
        // Skip an ID3v2 tag: "ID3", version (2), flags (1), syncsafe size (4).
        if n >= 10, data[base] == 0x49, data[base + 1] == 0x44, data[base + 2] == 0x33 {
            let size = (Int(data[base + 6] & 0x7F) << 21) | (Int(data[base + 7] & 0x7F) << 14)
                | (Int(data[base + 8] & 0x7F) << 7) | Int(data[base + 9] & 0x7F)
            let footer = (data[base + 5] & 0x10) != 0 ? 10 : 0
            offset = 10 + size + footer
        }
        // Find the first frame sync (11 set bits) with a valid header.
        var header: FrameHeader?
        while offset + 4 <= n {
            header = FrameHeader(data[base + offset], data[base + offset + 1], data[base + offset + 2])
            if header != nil { break }
            offset += 1
        }
        guard let header, offset + 4 <= n else { return nil }
        // Xing/Info sit after the side information (offset 4 + 9...32, +2 with
        // CRC); VBRI sits at a fixed offset 36. Scanning the first 64 bytes of
        // the frame covers every variant.
        let window = (base + offset)..<(base + min(n, offset + 4 + 64))
        for name in ["Xing", "Info", "VBRI"] {
            guard let magic = firstIndex(of: Array(name.utf8), in: data[window]) else { continue }
            var tag = MPEGLengthTag(name: name, frameOffset: offset, frames: nil, bytes: nil, frameBytes: header.frameBytes)
            let fields = magic + 4
            if name == "VBRI" {
                // version (2), delay (2), quality (2), bytes (4), frames (4)
                tag.bytes = bigEndian(data, at: fields + 6)
                tag.frames = bigEndian(data, at: fields + 10)
            } else if let flags = bigEndian(data, at: fields) {
                // flags (4), then frames (4) if bit 0, bytes (4) if bit 1.
                var field = fields + 4
                if flags & 1 != 0 { tag.frames = bigEndian(data, at: field); field += 4 }
                if flags & 2 != 0 { tag.bytes = bigEndian(data, at: field) }
            }
            return tag
        }
        return nil
    }

    /// The fields of an MPEG audio frame header that give its size.
    private struct FrameHeader {
        var frameBytes: Int

        /// nil unless the bytes start a valid frame header (sync, no reserved values).
        init?(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) {
            let isSync = b0 == 0xFF && (b1 & 0xE0) == 0xE0
            let version = (b1 >> 3) & 0x03      // 0b11 MPEG-1, 0b10 MPEG-2, 0b00 MPEG-2.5, 0b01 reserved
            let layer = (b1 >> 1) & 0x03        // 0b11 layer I, 0b10 II, 0b01 III, 0b00 reserved
            let bitrateIndex = Int((b2 >> 4) & 0x0F) // 0b1111 invalid
            let rateIndex = Int((b2 >> 2) & 0x03)    // 0b11 reserved
            guard isSync, version != 1, layer != 0, bitrateIndex != 0x0F, rateIndex != 3 else { return nil }
            let mpeg1 = version == 3
            let rates = [44_100, 48_000, 32_000].map { mpeg1 ? $0 : (version == 2 ? $0 / 2 : $0 / 4) }
            let kbps: [Int]
            switch (mpeg1, layer) {
            case (true, 3): kbps = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
            case (true, 2): kbps = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
            case (true, _): kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
            case (false, 3): kbps = [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
            case (false, _): kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
            }
            let padding = Int((b2 >> 1) & 1)
            let bitsPerSecond = kbps[bitrateIndex] * 1000
            let rate = rates[rateIndex]
            if layer == 3 {  // layer I: 32-bit slots
                frameBytes = (12 * bitsPerSecond / rate + padding) * 4
            } else {
                // Layer III of MPEG-2/2.5 holds 576 samples per frame, the others 1152.
                let samplesOver8 = layer == 1 && !mpeg1 ? 72 : 144
                frameBytes = samplesOver8 * bitsPerSecond / rate + padding
            }
        }
    }

    private static func bigEndian(_ data: ArraySlice<UInt8>, at index: Int) -> Int? {
        guard index >= data.startIndex, index + 4 <= data.endIndex else { return nil }
        return (Int(data[index]) << 24) | (Int(data[index + 1]) << 16) | (Int(data[index + 2]) << 8) | Int(data[index + 3])
    }

    private static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
