import Glibc

/// Page-level facts about an Ogg file that libsndfile acts on and libavformat does not expose.
///
/// The libavcodec backend uses them to deliver what libsndfile delivers:
/// * libsndfile drops complete packets that share a page with the last Vorbis header (some old
///   encoders put the first audio packets there); libavformat hands them to the decoder, which
///   shifts the output by one block. ``packetsSharingLastHeaderPage(fd:fileSize:headerPackets:)``
///   counts them so that the same packets can be dropped.
/// * libsndfile cannot establish the length of a file that ends inside a page (cut short) and
///   refuses it; libavformat takes the length from the last complete page and decodes the rest
///   without complaint. ``endsInsidePage(fd:fileSize:)`` gives the same verdict.
///
/// Reads with `pread`, leaving the descriptor's offset untouched.
enum OggPages {
    /// Largest possible page: 27-byte header, 255 lacing values, 255 × 255 body bytes.
    static let maximumPageSize = 27 + 255 + 255 * 255

    /// The fixed part and lacing values of one page.
    struct PageHeader: Equatable {
        /// Header-type flags: 0x01 continued packet, 0x02 beginning, 0x04 end of stream.
        var flags: UInt8
        /// Logical-stream serial number.
        var serial: UInt32
        /// Segment sizes; a packet ends at every value below 255.
        var lacing: [UInt8]

        /// Header plus body, in bytes.
        var totalLength: Int { 27 + lacing.count + lacing.reduce(0) { $0 + Int($1) } }
        /// Packets that end on this page.
        var completedPackets: Int { lacing.count { $0 < 255 } }
    }

    /// Parses the page header at `offset` in `bytes`, or nil when there is no complete header
    /// there (missing capture pattern, unknown version, or bytes run out).
    static func pageHeader(in bytes: ArraySlice<UInt8>, at offset: Int) -> PageHeader? {
        let start = bytes.startIndex + offset
        guard offset >= 0, start + 27 <= bytes.endIndex,
              bytes[start] == 0x4F, bytes[start + 1] == 0x67, bytes[start + 2] == 0x67, bytes[start + 3] == 0x53,
              bytes[start + 4] == 0 else { return nil }
        let segments = Int(bytes[start + 26])
        guard start + 27 + segments <= bytes.endIndex else { return nil }
        var serial: UInt32 = 0
        for i in 0..<4 { serial |= UInt32(bytes[start + 14 + i]) << (8 * UInt32(i)) }
        return PageHeader(flags: bytes[start + 5], serial: serial,
                          lacing: Array(bytes[(start + 27)..<(start + 27 + segments)]))
    }

    /// Counts the packets after the first `headerPackets` packets of the first logical stream
    /// that end on the page where its last header ends: the packets libsndfile discards as
    /// "extraneous header packets". Nil when the headers cannot be found in the first pages.
    static func packetsSharingLastHeaderPage(fd: Int32, fileSize: Int, headerPackets: Int) -> Int? {
        var pages: [PageHeader] = []
        var offset = 0
        // Headers normally take 2 or 3 pages; a few hundred cover any codebook size.
        while offset < fileSize && pages.count < 512 {
            guard let page = readPageHeader(fd: fd, at: offset) else { return nil }
            pages.append(page)
            if let count = packetsSharingLastHeaderPage(pages: pages, headerPackets: headerPackets) {
                return count
            }
            offset += page.totalLength
        }
        return nil
    }

    /// The counting rule of ``packetsSharingLastHeaderPage(fd:fileSize:headerPackets:)`` over
    /// pages in file order; nil while the headers are not complete.
    static func packetsSharingLastHeaderPage(pages: [PageHeader], headerPackets: Int) -> Int? {
        guard let serial = pages.first?.serial else { return nil }
        var packets = 0
        for page in pages where page.serial == serial {
            var after = 0
            for value in page.lacing where value < 255 {
                packets += 1
                if packets > headerPackets { after += 1 }
            }
            if packets >= headerPackets { return after }
        }
        return nil
    }

    /// True when the file starts with an Ogg page header.
    static func startsWithPage(fd: Int32) -> Bool {
        readPageHeader(fd: fd, at: 0) != nil
    }

    /// True when the file's last page runs past its end, i.e. the file was cut inside a page.
    static func endsInsidePage(fd: Int32, fileSize: Int) -> Bool {
        let count = min(fileSize, maximumPageSize)
        var tail = [UInt8](repeating: 0, count: count)
        let got = tail.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return pread(fd, base, count, off_t(fileSize - count))
        }
        guard got == count else { return true }
        return endsInsidePage(tail: tail[...])
    }

    /// The rule of ``endsInsidePage(fd:fileSize:)`` on the last bytes of a file: the last page
    /// that starts in `tail` does not fit in it. False when no page starts in `tail` (junk after
    /// the last page is not a cut).
    static func endsInsidePage(tail: ArraySlice<UInt8>) -> Bool {
        var offset = tail.count - 4
        while offset >= 0 {
            let i = tail.startIndex + offset
            if tail[i] == 0x4F, tail[i + 1] == 0x67, tail[i + 2] == 0x67, tail[i + 3] == 0x53 {
                // A capture pattern at the very end is a header cut short; one followed by a
                // version other than 0 is page data that happens to spell "OggS".
                if offset + 4 >= tail.count { return true }
                if tail[i + 4] == 0 {
                    guard let page = pageHeader(in: tail, at: offset) else { return true }
                    return offset + page.totalLength > tail.count
                }
            }
            offset -= 1
        }
        return false
    }

    private static func readPageHeader(fd: Int32, at offset: Int) -> PageHeader? {
        var bytes = [UInt8](repeating: 0, count: 27 + 255)
        let got = bytes.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return pread(fd, base, raw.count, off_t(offset))
        }
        guard got >= 27 else { return nil }
        return pageHeader(in: bytes[0..<got], at: 0)
    }
}
