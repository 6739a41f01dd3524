import Foundation
import Testing
@testable import Audio

/// An mp3 cut after encoding keeps its Xing/LAME tag, which announces the whole stream; the
/// length must come from what the file holds, flagged as not the header's (issue #20, item 6).
@Suite("Truncated mp3 files")
struct TruncatedMP3Tests {
    /// Frames the stream delivers from start to end, at the file's own rate and channels.
    func decodedFrames(_ path: String) throws -> Int {
        let stream = try AudioStream(path: path, options: StreamOptions(targetSampleRate: nil, downmix: false))
        var frames = 0
        while let block = try stream.next() { frames += block.frames }
        return frames
    }

    @Test("the tag's byte count is read: the fixture's tag announces the file's own size")
    func tagFields() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tone.mp3"))))
        let tag = try #require(MPEGLengthTag.find(in: bytes[...]))
        #expect(tag.name == "Xing" && tag.frameOffset == 0)
        #expect(tag.bytes == bytes.count && tag.frames == 40)
        #expect(tag.bytesMissing(fileSize: bytes.count) == nil)
        #expect(tag.bytesMissing(fileSize: 5000) == bytes.count - 5000)
    }

    @Test("an intact tagged mp3 keeps the header's exact length and no warning")
    func intact() throws {
        let info = try AudioFile.probe(Fixtures.path("tone.mp3"))
        #expect(info.frames == 44_100 && info.frameCountIsExact && info.lengthWarning == nil)
    }

    @Test("a cut mp3: inexact, a warning naming the file, the length that decodes",
          arguments: [1_500, 3_000, 5_000, 7_000, 8_000])
    func cut(_ size: Int) throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/cut-\(size).mp3"
            try writePrefix(of: "tone.mp3", bytes: size, to: path)
            let info = try AudioFile.probe(path)
            #expect(!info.frameCountIsExact, "\(size) bytes: reported exact")
            #expect(info.frames < 44_100, "\(size) bytes: the header's full length \(info.frames)")
            let warning = try #require(info.lengthWarning, "\(size) bytes: no warning")
            #expect(warning.contains(path) && warning.contains("Xing"), "\(warning)")
            // The reported length is exactly what decodes, and decoding raises nothing.
            #expect(try decodedFrames(path) == info.frames, "\(size) bytes")
            #expect(try AudioReader(path: path).readAll().frames == info.frames)
        }
    }

    @Test("longer prefixes decode longer: the length follows the file, not the tag")
    func monotone() throws {
        try withTemporaryDirectory { dir in
            var lengths: [Int] = []
            for size in [2_000, 4_000, 6_000] {
                let path = dir + "/cut-\(size).mp3"
                try writePrefix(of: "tone.mp3", bytes: size, to: path)
                lengths.append(try AudioFile.probe(path).frames)
            }
            #expect(lengths == lengths.sorted() && Set(lengths).count == 3, "\(lengths)")
            // Roughly in proportion to the bytes: 6,000 of 8,328 bytes (72%) hold 0.5–0.9 s.
            #expect(lengths[2] > 44_100 / 2 && lengths[2] < 44_100 * 9 / 10, "\(lengths)")
        }
    }

    @Test("crescendo audio info --json: frames_exact false, the decodable frames, a warning naming the file")
    func audioInfoCommand() throws {
        let tool = try #require(siblingExecutable("crescendo"), "the crescendo executable was not built")
        try withTemporaryDirectory { dir in
            let path = dir + "/cut.mp3"
            try writePrefix(of: "tone.mp3", bytes: 5_000, to: path)
            let output = try runProcess(tool, ["audio", "info", "--json", path])
            let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("{") }, "\(output)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["frames_exact"] as? Bool == false, "\(output)")
            #expect(object["frames"] as? Int == (try decodedFrames(path)), "\(output)")
            #expect((object["warning"] as? String)?.contains(path) == true, "\(output)")
            // The warning also goes to standard error, on its own line, naming the file.
            #expect(output.split(separator: "\n").contains { $0.hasPrefix("warning: \(path)") }, "\(output)")
        }
    }
}
