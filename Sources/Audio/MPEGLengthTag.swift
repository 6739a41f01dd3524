import Glibc

/// Detects whether an MPEG audio file starts with a length tag.
///
/// libsndfile takes an mp3's frame count from libmpg123, which is exact when
/// the first audio frame is a Xing/Info (LAME) or VBRI tag frame and otherwise
/// estimated from the file size. libsndfile cannot tell the caller which, so
/// this looks at the first frame directly (reading at most 256 KiB with
/// `pread`, which leaves the descriptor's offset untouched).
enum MPEGLengthTag {
    /// True when a Xing, Info or VBRI tag is found in the first MPEG frame.
    static func hasLengthTag(fd: Int32) -> Bool {
        let capacity = 256 * 1024
        var bytes = [UInt8](repeating: 0, count: capacity)
        let count = bytes.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return pread(fd, base, capacity, 0)
        }
        guard count > 0 else { return false }
        return hasLengthTag(in: bytes[0..<count])
    }

    /// Byte-level detection on the start of a file (exposed for tests).
    static func hasLengthTag(in data: ArraySlice<UInt8>) -> Bool {
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
        while offset + 4 <= n {
            let b0 = data[base + offset], b1 = data[base + offset + 1], b2 = data[base + offset + 2]
            let isSync = b0 == 0xFF && (b1 & 0xE0) == 0xE0
            let version = (b1 >> 3) & 0x03      // 0b01 reserved
            let layer = (b1 >> 1) & 0x03        // 0b00 reserved
            let bitrateIndex = (b2 >> 4) & 0x0F // 0b1111 invalid
            let rateIndex = (b2 >> 2) & 0x03    // 0b11 reserved
            if isSync && version != 1 && layer != 0 && bitrateIndex != 0x0F && rateIndex != 3 {
                break
            }
            offset += 1
        }
        guard offset + 4 <= n else { return false }
        // Xing/Info sit after the side information (offset 4 + 9...32, +2 with
        // CRC); VBRI sits at a fixed offset 36. Scanning the first 64 bytes of
        // the frame covers every variant.
        let window = data[(base + offset)..<(base + min(n, offset + 4 + 64))]
        for tag in ["Xing", "Info", "VBRI"] {
            let magic = Array(tag.utf8)
            if contains(window, magic) { return true }
        }
        return false
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
