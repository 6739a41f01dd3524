import Foundation
import Testing
import Torch

// Tests of the byte-level safetensors codec (Sources/Torch/Safetensors):
// round trips, the format details Python relies on, rejection of hostile
// files, and interop with files written by the Python `safetensors` library
// (fixtures made by tools/make_safetensors_fixtures.py; no Python needed here).

// MARK: - Helpers

/// A fresh empty directory, removed when `body` returns.
private func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("safetensors-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// An archive with the given header text, data buffer and, optionally, a
/// length prefix that lies.
private func archive(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    archive(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
}

private func archive(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let length = declaredLength ?? UInt64(headerBytes.count)
    let prefix = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
    return prefix + headerBytes + data
}

/// The JSON text of one tensor entry.
private func entry(_ name: String, _ dtype: String = "F32", shape: String, _ begin: Int, _ end: Int) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
}

private struct UnexpectedlyLoaded: Error {}

/// Writes `bytes` to a file called `name`, loads it, and returns the error it
/// is rejected with and the file's path. Also checks that the description
/// names the file and that loading the same bytes from memory fails the same
/// way.
private func rejection(
    of bytes: [UInt8], file name: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> (error: SafetensorsError, path: String) {
    try withTemporaryDirectory { directory in
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        let loaded = Result { () throws(SafetensorsError) in try SafetensorsFile(contentsOf: url) }
        guard case .failure(let error) = loaded else {
            Issue.record("\(name) was accepted", sourceLocation: sourceLocation)
            throw UnexpectedlyLoaded()
        }
        #expect(error.description.contains(name), "\(error)", sourceLocation: sourceLocation)
        #expect(error.path == url.path, sourceLocation: sourceLocation)
        let inMemory = Result { () throws(SafetensorsError) in try SafetensorsFile(data: Data(bytes), path: url.path) }
        #expect(inMemory.error == error, sourceLocation: sourceLocation)
        return (error, url.path)
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// Deterministic bytes that are valid for `dtype` (0 or 1 for BOOL).
private func sampleBytes(count: Int, dtype: SafetensorsDType, seed: Int = 0) -> [UInt8] {
    (0..<count).map { index in
        dtype == .bool ? UInt8((index + seed) % 2) : UInt8(truncatingIfNeeded: index &* 37 &+ 11 &+ seed)
    }
}

private func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

private func fixtureURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safetensors/\(name)")
}

private func bytes(fromHex hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).compactMap { index in
        UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)
    }
}

/// The values of little-endian raw bytes of `dtype`, as doubles.
private func values(of raw: Data, dtype: SafetensorsDType) -> [Double] {
    raw.withUnsafeBytes { buffer in
        stride(from: 0, to: buffer.count, by: dtype.byteSize).map { offset in
            func load<T: FixedWidthInteger>(_: T.Type) -> T {
                T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
            }
            switch dtype {
            case .bool, .uint8: return Double(load(UInt8.self))
            case .int8: return Double(load(Int8.self))
            case .int16: return Double(load(Int16.self))
            case .int32: return Double(load(Int32.self))
            case .int64: return Double(load(Int64.self))
            case .float16: return Double(Float16(bitPattern: load(UInt16.self)))
            case .bfloat16: return Double(Float(bitPattern: UInt32(load(UInt16.self)) << 16))
            case .float32: return Double(Float(bitPattern: load(UInt32.self)))
            case .float64: return Double(bitPattern: load(UInt64.self))
            }
        }
    }
}

// MARK: - Round trips

@Suite("Safetensors round trips")
struct SafetensorsRoundTripTests {
    @Test(
        "every dtype and shape survives a round trip",
        arguments: SafetensorsDType.allCases, [[2, 3], [], [0, 3], [1], [4, 1, 2]] as [[Int]])
    func roundTrip(dtype: SafetensorsDType, shape: [Int]) throws {
        let raw = sampleBytes(count: elementCount(shape) * dtype.byteSize, dtype: dtype)
        var writer = SafetensorsWriter()
        writer.append(name: "t", dtype: dtype, shape: shape, bytes: raw)
        let file = try SafetensorsFile(data: writer.serialized())
        #expect(file.names == ["t"])
        let loaded = try #require(file.entry(named: "t"))
        #expect(loaded == SafetensorsEntry(name: "t", dtype: dtype, shape: shape, byteRange: 0..<raw.count))
        #expect(loaded.elementCount == elementCount(shape))
        #expect(Array(file.data(for: loaded)) == raw)
        #expect(file.withBytes(of: loaded) { Array($0) } == raw)
        #expect(file.metadata.isEmpty)
    }

    @Test("many tensors of every dtype in one file, written to disk and mapped back")
    func manyTensorsThroughAFile() throws {
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        var expected: [String: (SafetensorsDType, [Int], [UInt8])] = [:]
        for (index, dtype) in SafetensorsDType.allCases.enumerated() {
            for (variant, shape) in [[3, index + 1], [], [0, 3]].enumerated() {
                let name = "\(dtype.rawValue.lowercased()).\(variant)"
                let raw = sampleBytes(count: elementCount(shape) * dtype.byteSize, dtype: dtype, seed: index)
                writer.append(name: name, dtype: dtype, shape: shape, bytes: raw)
                expected[name] = (dtype, shape, raw)
            }
        }
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("all.safetensors")
            try writer.write(to: url)
            let file = try SafetensorsFile(contentsOf: url)
            #expect(file.path == url.path)
            #expect(file.metadata == ["format": "pt"])
            #expect(Set(file.names) == Set(expected.keys))
            #expect(file.entries.count == expected.count)
            for entry in file.entries {
                let (dtype, shape, raw) = try #require(expected[entry.name])
                #expect(entry.dtype == dtype)
                #expect(entry.shape == shape)
                #expect(Array(file.data(for: entry)) == raw)
                #expect(file.data(named: entry.name) == Data(raw))
            }
            #expect(file.entry(named: "missing") == nil)
            #expect(file.data(named: "missing") == nil)
            // The bytes in the file are the serialised bytes.
            #expect(try Data(contentsOf: url) == writer.serialized())
        }
    }

    @Test("metadata round trip, including escapes and non-ASCII text")
    func metadataRoundTrip() throws {
        let metadata = [
            "format": "pt",
            "": "empty key",
            "empty value": "",
            "quotes \" and \\ backslashes": "line\nbreak\ttab\r\u{01}\u{1F}\u{7F}",
            "unicode": "Grüße ♪ 𝄞 日本語",
            "json-looking": "{\"a\": [1, 2]}",
        ]
        let writer = SafetensorsWriter(
            tensors: [.init(name: "x", dtype: .int8, shape: [2], bytes: [1, 2])], metadata: metadata)
        let file = try SafetensorsFile(data: writer.serialized())
        #expect(file.metadata == metadata)
        #expect(file.names == ["x"])
    }

    @Test("an archive without tensors or metadata")
    func emptyArchive() throws {
        let data = try SafetensorsWriter().serialized()
        #expect(Array(data) == archive("{}      "))
        let file = try SafetensorsFile(data: data)
        #expect(file.entries.isEmpty)
        #expect(file.metadata.isEmpty)
        #expect(file.dataBufferByteCount == 0)
    }

    @Test("tensor names with escapes and non-ASCII characters")
    func unusualNames() throws {
        let names = ["a\"b", "back\\slash", "new\nline", "ünïcödé ♪", "𝄞", "model.layers.0.weight", " "]
        var writer = SafetensorsWriter()
        for (index, name) in names.enumerated() {
            writer.append(name: name, dtype: .uint8, shape: [1], bytes: [UInt8(index)])
        }
        let file = try SafetensorsFile(data: writer.serialized())
        #expect(Set(file.names) == Set(names))
        for (index, name) in names.enumerated() {
            #expect(file.data(named: name) == Data([UInt8(index)]))
        }
    }

    @Test("data read from a slice of a larger buffer")
    func readsFromDataSlice() throws {
        let inner = try SafetensorsWriter(
            tensors: [.init(name: "w", dtype: .int16, shape: [2], bytes: [1, 0, 2, 0])]
        ).serialized()
        let padded = Data([9, 9, 9]) + inner + Data([7])
        let slice = padded[3..<(3 + inner.count)]
        let file = try SafetensorsFile(data: slice)
        let data = try #require(file.data(named: "w"))
        #expect(data.startIndex == 0)
        #expect(Array(data) == [1, 0, 2, 0])
    }
}

// MARK: - Format details

@Suite("Safetensors format as Python writes it")
struct SafetensorsFormatTests {
    @Test("exact bytes of a small archive")
    func exactBytes() throws {
        let writer = SafetensorsWriter(
            tensors: [.init(name: "w", dtype: .float32, shape: [2], bytes: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])],
            metadata: ["a": "b"])
        let json = #"{"__metadata__":{"a":"b"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let padded = json + String(repeating: " ", count: (8 - json.utf8.count % 8) % 8)
        #expect(Array(try writer.serialized()) == archive(padded, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]))
    }

    @Test("header is padded with spaces to a multiple of 8 bytes")
    func headerPadding() throws {
        for length in 1...9 {
            let writer = SafetensorsWriter(
                tensors: [.init(name: String(repeating: "n", count: length), dtype: .uint8, shape: [1], bytes: [5])])
            let data = try writer.serialized()
            let file = try SafetensorsFile(data: data)
            #expect(file.headerByteCount % 8 == 0)
            #expect(file.dataBufferOffset == 8 + file.headerByteCount)
            let header = data[8..<file.dataBufferOffset]
            #expect(header.last == UInt8(ascii: " ") || header.last == UInt8(ascii: "}"))
        }
    }

    @Test("tensors are ordered by dtype, widest first, then by name, and aligned")
    func orderingAndAlignment() throws {
        var writer = SafetensorsWriter()
        for dtype in SafetensorsDType.allCases.reversed() {
            for name in ["b", "a"] {
                let label = "\(name)_\(dtype.rawValue)"
                writer.append(name: label, dtype: dtype, shape: [3], bytes: sampleBytes(count: 3 * dtype.byteSize, dtype: dtype))
            }
        }
        let file = try SafetensorsFile(data: writer.serialized())
        let order = ["I64", "F64", "F32", "I32", "BF16", "F16", "I16", "I8", "U8", "BOOL"]
        #expect(file.names == order.flatMap { ["a_\($0)", "b_\($0)"] })
        for entry in file.entries {
            #expect((file.dataBufferOffset + entry.byteRange.lowerBound) % entry.dtype.byteSize == 0, "\(entry.name)")
        }
    }

    @Test("dtype strings and sizes")
    func dtypeTable() {
        let table: [(String, Int)] = [
            ("BOOL", 1), ("U8", 1), ("I8", 1), ("I16", 2), ("I32", 4), ("I64", 8),
            ("F16", 2), ("BF16", 2), ("F32", 4), ("F64", 8),
        ]
        #expect(SafetensorsDType.allCases.count == table.count)
        for (raw, size) in table {
            #expect(SafetensorsDType(rawValue: raw)?.byteSize == size, "\(raw)")
        }
        #expect(SafetensorsDType(rawValue: "f32") == nil)
    }

    @Test("the reader accepts what the format allows")
    func lenientWhereTheFormatIs() throws {
        // Whitespace around and inside the JSON, entries out of data order,
        // escaped names, null metadata, and empty tensors sharing an offset.
        let header = " \n\t{ " + entry("b", shape: "[ 1 ]", 4, 8) + " , " + entry("a", shape: "[1]", 0, 4) + ",\n"
            + entry("z", shape: "[0]", 8, 8) + "," + entry("y", "I64", shape: "[2, 0]", 8, 8) + ","
            + entry(#"\u00e9\ud834\udd1e\/"#, "U8", shape: "[]", 8, 9) + ","
            + #""__metadata__" : null"# + " }\r\n   "
        let file = try SafetensorsFile(data: Data(archive(header, data: Array(0..<9))))
        #expect(file.names == ["a", "b", "y", "z", "é𝄞/"])
        #expect(file.metadata.isEmpty)
        #expect(file.data(named: "b") == Data([4, 5, 6, 7]))
        #expect(file.data(named: "é𝄞/") == Data([8]))
        #expect(file.entry(named: "y")?.shape == [2, 0])
    }
}

// MARK: - Writer validation

@Suite("Safetensors writer validation")
struct SafetensorsWriterValidationTests {
    private func failure(_ tensors: [SafetensorsWriter.TensorBytes]) -> SafetensorsError? {
        Result { () throws(SafetensorsError) in try SafetensorsWriter(tensors: tensors).serialized() }.error
    }

    @Test("empty and reserved names are rejected")
    func invalidNames() {
        #expect(
            failure([.init(name: "", dtype: .uint8, shape: [1], bytes: [0])])
                == .invalidName(path: "<memory>", name: "", reason: "names must not be empty"))
        let reserved = failure([.init(name: "__metadata__", dtype: .uint8, shape: [1], bytes: [0])])
        guard case .invalidName("<memory>", "__metadata__", _) = reserved else {
            Issue.record("unexpected \(String(describing: reserved))")
            return
        }
    }

    @Test("duplicate names are rejected")
    func duplicateNames() {
        let tensor = SafetensorsWriter.TensorBytes(name: "w", dtype: .uint8, shape: [1], bytes: [0])
        #expect(failure([tensor, tensor]) == .duplicateName(path: "<memory>", name: "w"))
    }

    @Test("byte counts must match shape and dtype")
    func byteCountMismatch() {
        #expect(
            failure([.init(name: "w", dtype: .float32, shape: [2, 2], bytes: [UInt8](repeating: 0, count: 12))])
                == .byteCountMismatch(path: "<memory>", name: "w", dtype: .float32, shape: [2, 2], expected: 16, actual: 12))
        #expect(
            failure([.init(name: "s", dtype: .float64, shape: [], bytes: [UInt8](repeating: 0, count: 4))])
                == .byteCountMismatch(path: "<memory>", name: "s", dtype: .float64, shape: [], expected: 8, actual: 4))
    }

    @Test("negative and overflowing shapes are rejected")
    func invalidShapes() {
        #expect(
            failure([.init(name: "w", dtype: .uint8, shape: [2, -2], bytes: [])])
                == .invalidDimension(path: "<memory>", name: "w", index: 1, value: "-2"))
        #expect(
            failure([.init(name: "w", dtype: .int64, shape: [1 << 31, 1 << 31, 4], bytes: [])])
                == .elementCountOverflow(path: "<memory>", name: "w", shape: [1 << 31, 1 << 31, 4]))
    }

    @Test("writing reports the file path, replaces files atomically and leaves no temporary file")
    func atomicWrite() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try Data("old contents".utf8).write(to: url)

            let bad = SafetensorsWriter(tensors: [.init(name: "w", dtype: .int32, shape: [2], bytes: [1, 2, 3])])
            let badResult = Result { () throws(SafetensorsError) in try bad.write(to: url) }
            #expect(
                badResult.error
                    == .byteCountMismatch(path: url.path, name: "w", dtype: .int32, shape: [2], expected: 8, actual: 3))
            #expect(try Data(contentsOf: url) == Data("old contents".utf8))

            let good = SafetensorsWriter(tensors: [.init(name: "w", dtype: .int32, shape: [1], bytes: [1, 2, 3, 4])])
            try good.write(to: url)
            #expect(try SafetensorsFile(contentsOf: url).data(named: "w") == Data([1, 2, 3, 4]))
            try SafetensorsWriter.write([], metadata: ["k": "v"], to: url)
            #expect(try SafetensorsFile(contentsOf: url).metadata == ["k": "v"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])

            let missing = directory.appendingPathComponent("no-such-dir/out.safetensors")
            let failed = Result { () throws(SafetensorsError) in try good.write(to: missing) }
            guard case .writeFailed(let path, _) = failed.error else {
                Issue.record("unexpected \(String(describing: failed.error))")
                return
            }
            #expect(path == missing.path)
            #expect(failed.error?.description.contains("out.safetensors") == true)
        }
    }
}

// MARK: - Hostile input

@Suite("Safetensors rejects malformed files")
struct SafetensorsMalformedTests {
    /// A valid two-tensor archive: a = F32 [2] at [0, 8), b = I16 [2] at [8, 12).
    private let valid = archive(
        "{" + entry("a", shape: "[2]", 0, 8) + "," + entry("b", "I16", shape: "[2]", 8, 12) + "}",
        data: Array(0..<12))

    @Test("the valid baseline loads")
    func baseline() throws {
        let file = try SafetensorsFile(data: Data(valid))
        #expect(file.names == ["a", "b"])
    }

    @Test("missing file and directory are unreadable")
    func unreadable() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("absent.safetensors")
            let error = Result { () throws(SafetensorsError) in try SafetensorsFile(contentsOf: missing) }.error
            #expect(error == .unreadable(path: missing.path, reason: "No such file or directory"))
            #expect(error?.description.contains("absent.safetensors") == true)
            let directoryError = Result { () throws(SafetensorsError) in try SafetensorsFile(contentsOf: directory) }.error
            guard case .unreadable(directory.path, _) = directoryError else {
                Issue.record("unexpected \(String(describing: directoryError))")
                return
            }
        }
    }

    @Test("file shorter than the length prefix")
    func tooShortForPrefix() throws {
        let (error, path) = try rejection(of: [1, 0, 0], file: "three-bytes.safetensors")
        #expect(error == .truncated(path: path, fileSize: 3, headerLength: nil))
        let (emptyError, emptyPath) = try rejection(of: [], file: "empty.safetensors")
        #expect(emptyError == .truncated(path: emptyPath, fileSize: 0, headerLength: nil))
    }

    @Test("header cut off")
    func headerCutOff() throws {
        let cut = Array(valid.prefix(30))
        let (error, path) = try rejection(of: cut, file: "header-cut.safetensors")
        #expect(error == .truncated(path: path, fileSize: 30, headerLength: valid.count - 12 - 8))
    }

    @Test("data cut off")
    func dataCutOff() throws {
        let cut = Array(valid.dropLast(3))
        let (error, path) = try rejection(of: cut, file: "data-cut.safetensors")
        #expect(error == .offsetsOutOfBounds(path: path, name: "b", begin: 8, end: 12, bufferSize: 9))
        #expect(error.description.hasSuffix(#"tensor "b" has offsets [8, 12) but the data buffer is 9 bytes"#))
    }

    @Test("header length claims 2^62 bytes")
    func absurdHeaderLength() throws {
        let (error, path) = try rejection(of: archive("{}", declaredLength: 1 << 62), file: "huge-claim.safetensors")
        #expect(error == .headerTooLarge(path: path, headerLength: 1 << 62, limit: 100_000_000))
        let (maxError, maxPath) = try rejection(of: archive("{}", declaredLength: .max), file: "max-claim.safetensors")
        #expect(maxError == .headerTooLarge(path: maxPath, headerLength: .max, limit: 100_000_000))
    }

    @Test("header larger than 100 MB")
    func headerTooLarge() throws {
        let (error, path) = try rejection(of: archive("{}", declaredLength: 100_000_001), file: "large.safetensors")
        #expect(error == .headerTooLarge(path: path, headerLength: 100_000_001, limit: 100_000_000))
        // Exactly at the limit is allowed, and then the file is too short.
        let (atLimit, atLimitPath) = try rejection(of: archive("{}", declaredLength: 100_000_000), file: "limit.safetensors")
        #expect(atLimit == .truncated(path: atLimitPath, fileSize: 10, headerLength: 100_000_000))
    }

    @Test("offsets past the end of the data buffer")
    func offsetsPastTheEnd() throws {
        let header = "{" + entry("w", "U8", shape: "[1099511627776]", 0, 1 << 40) + "}"
        let (error, path) = try rejection(of: archive(header, data: [1, 2, 3, 4]), file: "past-end.safetensors")
        #expect(error == .offsetsOutOfBounds(path: path, name: "w", begin: 0, end: 1 << 40, bufferSize: 4))
    }

    @Test("offsets that start after they end")
    func reversedOffsets() throws {
        let header = "{" + entry("w", shape: "[0]", 8, 4) + "}"
        let (error, path) = try rejection(of: archive(header, data: Array(0..<8)), file: "reversed.safetensors")
        #expect(error == .invalidOffsets(path: path, name: "w", begin: 8, end: 4))
    }

    @Test("overlapping ranges")
    func overlapping() throws {
        let header = "{" + entry("a", shape: "[4]", 0, 16) + "," + entry("b", shape: "[4]", 8, 24) + "}"
        let (error, path) = try rejection(of: archive(header, data: Array(0..<24)), file: "overlap.safetensors")
        #expect(error == .overlappingRanges(path: path, first: "a", firstRange: 0..<16, second: "b", secondRange: 8..<24))
        // Identical ranges overlap too.
        let same = "{" + entry("a", shape: "[2]", 0, 8) + "," + entry("b", shape: "[2]", 0, 8) + "}"
        let (sameError, samePath) = try rejection(of: archive(same, data: Array(0..<8)), file: "same.safetensors")
        #expect(sameError == .overlappingRanges(path: samePath, first: "a", firstRange: 0..<8, second: "b", secondRange: 0..<8))
    }

    @Test("hole between ranges, before the first and after the last")
    func holes() throws {
        let between = "{" + entry("a", shape: "[2]", 0, 8) + "," + entry("b", shape: "[2]", 12, 20) + "}"
        let (error, path) = try rejection(of: archive(between, data: Array(0..<20)), file: "hole.safetensors")
        #expect(error == .gapInData(path: path, range: 8..<12, after: "a", before: "b"))

        let leading = "{" + entry("a", shape: "[2]", 4, 12) + "}"
        let (leadingError, leadingPath) = try rejection(of: archive(leading, data: Array(0..<12)), file: "lead.safetensors")
        #expect(leadingError == .gapInData(path: leadingPath, range: 0..<4, after: nil, before: "a"))

        let trailing = "{" + entry("a", shape: "[2]", 0, 8) + "}"
        let (trailingError, trailingPath) = try rejection(of: archive(trailing, data: Array(0..<11)), file: "tail.safetensors")
        #expect(trailingError == .gapInData(path: trailingPath, range: 8..<11, after: "a", before: nil))

        let (noTensors, noTensorsPath) = try rejection(of: archive("{}", data: [0]), file: "none.safetensors")
        #expect(noTensors == .gapInData(path: noTensorsPath, range: 0..<1, after: nil, before: nil))
    }

    @Test("byte count that does not match shape and dtype")
    func wrongByteCount() throws {
        let header = "{" + entry("w", shape: "[2,2]", 0, 12) + "}"
        let (error, path) = try rejection(of: archive(header, data: Array(0..<12)), file: "size.safetensors")
        #expect(error == .byteCountMismatch(path: path, name: "w", dtype: .float32, shape: [2, 2], expected: 16, actual: 12))
        #expect(error.description.contains("needs 16 bytes, but its data is 12 bytes"))
    }

    @Test("shape whose byte count overflows")
    func overflowingShape() throws {
        let header = "{" + entry("w", shape: "[4294967296,4294967296,2]", 0, 0) + "}"
        let (error, path) = try rejection(of: archive(header), file: "overflow.safetensors")
        #expect(error == .elementCountOverflow(path: path, name: "w", shape: [1 << 32, 1 << 32, 2]))
        // Dimensions multiply left to right, as in the reference implementation:
        // a late zero does not rescue an overflow, an early one does.
        let lateZero = "{" + entry("w", shape: "[4294967296,4294967296,0]", 0, 0) + "}"
        let (lateError, latePath) = try rejection(of: archive(lateZero), file: "late-zero.safetensors")
        #expect(lateError == .elementCountOverflow(path: latePath, name: "w", shape: [1 << 32, 1 << 32, 0]))
        let earlyZero = "{" + entry("w", shape: "[0,4294967296,4294967296]", 0, 0) + "}"
        #expect(try SafetensorsFile(data: Data(archive(earlyZero))).entry(named: "w")?.elementCount == 0)
    }

    @Test("header that is not UTF-8")
    func notUTF8() throws {
        let bytes = archive(headerBytes: Array(#"{"w\#u{0}"#.utf8.dropLast()) + [0xFF, 0xFE] + Array(#"":1}"#.utf8))
        let (error, path) = try rejection(of: bytes, file: "latin1.safetensors")
        #expect(error == .headerNotUTF8(path: path))
        // An overlong encoding of '/' and an encoded surrogate are not UTF-8 either.
        for (index, bad) in [[0xC0, 0xAF], [0xED, 0xA0, 0x80]].enumerated() {
            let (badError, badPath) = try rejection(
                of: archive(headerBytes: [0x22] + bad.map(UInt8.init) + [0x22]), file: "bad\(index).safetensors")
            #expect(badError == .headerNotUTF8(path: badPath))
        }
    }

    @Test("header that is not JSON", arguments: [
        "hello", "", "   ", "{", "{\"a\":", "{\"a\" 1}", "{} x", "{}\u{0}", "{'a': 1}", "{\"a\":1,}", "[1,]", "{\"a\":01}",
        "{\"a\":1.}", "{\"a\":-}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"tab\there\"}",
        "{\"a\":\"unterminated}", "\u{FEFF}{}", "{\"a\":NaN}",
    ])
    func notJSON(header: String) throws {
        let (error, path) = try rejection(of: archive(header), file: "not-json.safetensors")
        guard case .invalidJSON(path, _) = error else {
            Issue.record("\(header.debugDescription): unexpected \(error)")
            return
        }
    }

    @Test("deeply nested JSON is rejected without exhausting the stack")
    func deepNesting() throws {
        let depth = 100_000
        let header = "{\"__metadata__\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let (error, path) = try rejection(of: archive(header), file: "deep.safetensors")
        guard case .invalidJSON(path, let reason) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(reason.contains("nesting"))
    }

    @Test("header that is JSON but not an object")
    func notAnObject() throws {
        for (header, found) in [("[1, 2]", "an array"), ("\"x\"", "a string"), ("42", "a number"), ("null", "null")] {
            let (error, path) = try rejection(of: archive(header), file: "not-object.safetensors")
            #expect(error == .headerNotObject(path: path, found: found))
        }
    }

    @Test("negative dimension")
    func negativeDimension() throws {
        let header = "{" + entry("w", shape: "[2,-2]", 0, 16) + "}"
        let (error, path) = try rejection(of: archive(header, data: Array(0..<16)), file: "negative.safetensors")
        #expect(error == .invalidDimension(path: path, name: "w", index: 1, value: "-2"))
    }

    @Test("non-integer dimensions", arguments: [
        ("2.5", "2.5"), ("2.0", "2.0"), ("1e2", "1e2"), ("\"2\"", "\"2\""), ("null", "null"), ("true", "true"),
        ("[2]", "[2]"), ("99999999999999999999", "99999999999999999999"), ("-0", "-0"),
    ])
    func nonIntegerDimension(literal: String, shown: String) throws {
        let header = "{" + entry("w", "U8", shape: "[1,\(literal)]", 0, 2) + "}"
        let (error, path) = try rejection(of: archive(header, data: [1, 2]), file: "fraction.safetensors")
        #expect(error == .invalidDimension(path: path, name: "w", index: 1, value: shown))
    }

    @Test("unknown dtype", arguments: ["Q4", "f32", "F8_E4M3", "U16", ""])
    func unknownDType(dtype: String) throws {
        let header = "{" + entry("w", dtype, shape: "[2]", 0, 2) + "}"
        let (error, path) = try rejection(of: archive(header, data: [1, 2]), file: "dtype.safetensors")
        #expect(error == .unknownDType(path: path, name: "w", dtype: dtype))
    }

    @Test("duplicate tensor name (JSONSerialization would silently keep one)")
    func duplicateName() throws {
        let header = "{" + entry("w", "U8", shape: "[1]", 0, 1) + "," + entry("w", "U8", shape: "[1]", 1, 2) + "}"
        let (error, path) = try rejection(of: archive(header, data: [1, 2]), file: "duplicate.safetensors")
        #expect(error == .duplicateName(path: path, name: "w"))
        // Two __metadata__ entries are duplicates as well.
        let metadata = #"{"__metadata__":{},"__metadata__":{}}"#
        let (metadataError, metadataPath) = try rejection(of: archive(metadata), file: "duplicate-metadata.safetensors")
        #expect(metadataError == .duplicateName(path: metadataPath, name: "__metadata__"))
    }

    @Test("malformed entries", arguments: [
        #""w":[1]"#,
        #""w":{"shape":[1],"data_offsets":[0,1]}"#,
        #""w":{"dtype":"U8","data_offsets":[0,1]}"#,
        #""w":{"dtype":"U8","shape":[1]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":1}"#,
        #""w":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}"#,
        #""w":{"dtype":8,"shape":[1],"data_offsets":[0,1]}"#,
        #""w":{"dtype":"U8","shape":1,"data_offsets":[0,1]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":[0]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":[0,1.0]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":["0","1"]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":[0,99999999999999999999]}"#,
        #""w":{"dtype":"U8","shape":[1],"data_offsets":{"0":1}}"#,
    ])
    func malformedEntry(member: String) throws {
        let (error, path) = try rejection(of: archive("{" + member + "}", data: [1]), file: "entry.safetensors")
        guard case .malformedEntry(path, "w", _) = error else {
            Issue.record("\(member): unexpected \(error)")
            return
        }
    }

    @Test("metadata that is not a string-to-string map")
    func invalidMetadata() throws {
        let cases: [(String, String?)] = [
            (#"{"__metadata__":{"a":"x","b":1}}"#, "b"),
            (#"{"__metadata__":{"a":null}}"#, "a"),
            (#"{"__metadata__":{"a":["x"]}}"#, "a"),
            (#"{"__metadata__":{"a":"x","a":"y"}}"#, "a"),
            (#"{"__metadata__":["a","b"]}"#, nil),
            (#"{"__metadata__":"a"}"#, nil),
        ]
        for (header, key) in cases {
            let (error, path) = try rejection(of: archive(header), file: "metadata.safetensors")
            guard case .invalidMetadata(path, key, _) = error else {
                Issue.record("\(header): unexpected \(error)")
                continue
            }
        }
    }

    @Test("descriptions are readable and bounded")
    func descriptions() {
        let longName = String(repeating: "x", count: 10_000)
        let error = SafetensorsError.duplicateName(path: "m.safetensors", name: longName + "\n")
        #expect(error.description.count < 200)
        #expect(
            SafetensorsError.offsetsOutOfBounds(path: "model.safetensors", name: "w", begin: 0, end: 100, bufferSize: 64)
                .description == #"model.safetensors: tensor "w" has offsets [0, 100) but the data buffer is 64 bytes"#)
        #expect(
            SafetensorsError.duplicateName(path: "<memory>", name: "a\"b\n").description
                == #"<memory>: tensor name "a\"b\n" appears more than once"#)
    }
}

// MARK: - Interop with Python

/// The expectations written by tools/make_safetensors_fixtures.py.
private struct PythonFixture: Decodable {
    struct Tensor: Decodable {
        let dtype: String
        let shape: [Int]
        let values: [Double]
        let hex: String
    }

    let file: String
    let metadata: [String: String]
    let tensors: [String: Tensor]

    static func load() throws -> PythonFixture {
        let data = try Data(contentsOf: fixtureURL("python_written.expected.json"))
        return try JSONDecoder().decode(PythonFixture.self, from: data)
    }
}

@Suite("Safetensors interop with Python")
struct SafetensorsPythonInteropTests {
    @Test("a file written by Python's safetensors loads with the expected bytes and values")
    func readsPythonFile() throws {
        let fixture = try PythonFixture.load()
        let file = try SafetensorsFile(contentsOf: fixtureURL(fixture.file))
        #expect(file.metadata == fixture.metadata)
        #expect(Set(file.names) == Set(fixture.tensors.keys))
        #expect(Set(file.entries.map(\.dtype)) == Set(SafetensorsDType.allCases))
        for (name, expected) in fixture.tensors {
            let entry = try #require(file.entry(named: name))
            #expect(entry.dtype.rawValue == expected.dtype, "\(name)")
            #expect(entry.shape == expected.shape, "\(name)")
            let raw = file.data(for: entry)
            #expect(Array(raw) == bytes(fromHex: expected.hex), "\(name)")
            #expect(values(of: raw, dtype: entry.dtype) == expected.values, "\(name)")
        }
    }

    @Test("re-serialising the Python file gives Python's layout and tensor header")
    func matchesPythonLayout() throws {
        let fixture = try PythonFixture.load()
        let pythonData = try Data(contentsOf: fixtureURL(fixture.file))
        let python = try SafetensorsFile(data: pythonData)
        let writer = SafetensorsWriter(
            tensors: python.entries.map { .init(name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: python.data(for: $0)) },
            metadata: python.metadata)
        let swiftData = try writer.serialized()
        let swift = try SafetensorsFile(data: swiftData)
        #expect(swift.entries == python.entries)
        #expect(swift.metadata == python.metadata)
        #expect(swiftData.count == pythonData.count)
        #expect(swiftData[swift.dataBufferOffset...] == pythonData[python.dataBufferOffset...])

        // Python writes `{"__metadata__":{...},<tensors>}` with the metadata
        // keys in arbitrary order; everything from the first tensor on must
        // be identical.
        func tensorSection(_ data: Data, _ file: SafetensorsFile) throws -> String {
            let header = String(decoding: data[8..<file.dataBufferOffset], as: UTF8.self)
            let marker = "},\"\(file.entries[0].name)\":{"
            let start = try #require(header.range(of: marker))
            return String(header[start.lowerBound...])
        }
        #expect(try tensorSection(swiftData, swift) == tensorSection(pythonData, python))
    }

    /// Writes the fixture's tensors with the Swift writer. Set
    /// `CRESCENDO_SAFETENSORS_EXPORT` to a path to keep a copy there, then
    /// check it with `tools/make_safetensors_fixtures.py --verify PATH`.
    @Test("a file written by Swift holds the fixture's tensors (Python check: --verify)")
    func writesFileForPython() throws {
        let fixture = try PythonFixture.load()
        var writer = SafetensorsWriter(metadata: fixture.metadata)
        for (name, tensor) in fixture.tensors.sorted(by: { $0.key < $1.key }) {
            let dtype = try #require(SafetensorsDType(rawValue: tensor.dtype))
            writer.append(name: name, dtype: dtype, shape: tensor.shape, bytes: bytes(fromHex: tensor.hex))
        }
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("swift_written.safetensors")
            try writer.write(to: url)
            let file = try SafetensorsFile(contentsOf: url)
            #expect(file.metadata == fixture.metadata)
            for (name, expected) in fixture.tensors {
                let entry = try #require(file.entry(named: name))
                #expect(values(of: file.data(for: entry), dtype: entry.dtype) == expected.values, "\(name)")
            }
        }
        if let export = ProcessInfo.processInfo.environment["CRESCENDO_SAFETENSORS_EXPORT"], !export.isEmpty {
            try writer.write(to: URL(fileURLWithPath: export))
        }
    }
}
